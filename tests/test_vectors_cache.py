"""The floret table that remembers built word vectors gives spaCy's vectors, bit for bit."""

from __future__ import annotations

import pickle

import numpy
import pytest
from spacy.strings import StringStore
from spacy.vectors import Vectors

from kg.extract.pipeline import load_pipeline
from kg.extract.vectors import CachedVectors

WORDS = ["the", "model", "LLM", "GPT-4o", "outperforms", "baselines", "on", "GSM8K", "", "x"]


def _floret(cls=Vectors, seed: int = 0, **kwargs) -> Vectors:
    data = numpy.random.default_rng(seed).normal(size=(64, 8)).astype("float32")
    return cls(strings=StringStore(WORDS), data=data, mode="floret", minn=2, maxn=4,
               hash_count=2, **kwargs)


def _keys(words: list[str]) -> numpy.ndarray:
    strings = StringStore(WORDS)
    return numpy.asarray([strings.add(w) for w in words], dtype="uint64")


def test_cached_batches_equal_spacys_batches_including_repeats():
    plain, cached = _floret(), _floret(CachedVectors)
    batches = [["the", "model", "the", "LLM"], ["model", "GPT-4o", "on", "the"],
               ["GSM8K", "outperforms", "baselines", "model", "LLM"]]
    for words in batches:
        keys = _keys(words)
        assert numpy.array_equal(cached.get_batch(keys), plain.get_batch(keys))
    assert len(cached._row_of) == 8  # each distinct word built once


def test_words_past_the_limit_are_built_but_not_kept():
    plain, cached = _floret(), _floret(CachedVectors, max_cached=3)
    keys = _keys(["the", "model", "LLM", "GPT-4o", "on", "the", "GPT-4o"])
    assert numpy.array_equal(cached.get_batch(keys), plain.get_batch(keys))
    assert numpy.array_equal(cached.get_batch(keys), plain.get_batch(keys))
    assert len(cached._row_of) == 3


def test_loading_another_table_forgets_the_vectors_built_from_the_old_one():
    cached, other = _floret(CachedVectors, seed=0), _floret(seed=1)
    keys = _keys(["the", "model"])
    cached.get_batch(keys)
    cached.from_bytes(other.to_bytes(exclude=["strings"]))
    assert numpy.array_equal(cached.get_batch(keys), other.get_batch(keys))


def test_string_keys_take_spacys_own_path():
    plain, cached = _floret(), _floret(CachedVectors)
    assert numpy.array_equal(cached.get_batch(["the", "LLM"]), plain.get_batch(["the", "LLM"]))


def test_pickled_table_stays_a_cached_table_with_the_same_vectors():
    cached = _floret(CachedVectors, max_cached=7)
    copy = pickle.loads(pickle.dumps(cached))
    assert isinstance(copy, CachedVectors) and copy.max_cached == 7
    keys = _keys(["model", "GSM8K"])
    assert numpy.array_equal(copy.get_batch(keys), cached.get_batch(keys))


@pytest.mark.slow
def test_shipped_pipeline_loads_its_vectors_into_the_cached_table():
    vectors = load_pipeline().vocab.vectors
    assert isinstance(vectors, CachedVectors)
    assert vectors.mode == "floret" and vectors.shape[1] > 0
