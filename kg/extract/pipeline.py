"""Assemble, save and load the extractor's spaCy pipeline.

The shipped pipeline (``kg/data/pipeline``) is an ordinary spaCy package directory written
by ``nlp.to_disk``: the scientific tokenizer, rule sentence boundaries, the trained
``tok2vec`` + ``ner``, then the registered rule components. ``spacy.load`` rebuilds it
from its ``config.cfg`` once :mod:`kg.extract` has registered the factories, so it loads
offline with no download.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import use_ops

# Importing the component modules registers their factories with spaCy (as the package's
# ``spacy_factories`` entry points do for a plain ``spacy.load``).
from kg.extract.doc import (  # noqa: F401
    abbreviations,
    filters,
    gazetteer,
    greedy_ner,
    mention_types,
    merge,
    relations,
    results,
    sentences,
    tokenizer,
)
from kg.extract.paper import keep, roles, types  # noqa: F401
from kg.extract.paper import relations as paper_relations  # noqa: F401
from kg.extract.vectors import CachedVectors

#: Components that run after the statistical NER, in order.
RULE_PIPES: tuple[str, ...] = (
    "kg_gazetteer",
    "kg_abbreviations",
    "kg_entity_merger",
    "kg_entity_filter",
    "kg_entity_typing",
    "kg_relations",
    "kg_results",
    "kg_paper_roles",
    "kg_entity_keep",
    "kg_paper_types",
    "kg_relation_keep",
)


def default_pipeline_path() -> Path:
    """Where the trained pipeline ships inside the package."""
    return Path(str(resources.files("kg.data").joinpath("pipeline")))


def optional_pipe(nlp: Language, name: str):
    """The component ``name`` of ``nlp``, or None when the pipeline has none (an older
    pipeline, or one assembled without it): the paper-level steps then keep their
    defaults."""
    return nlp.get_pipe(name) if name in nlp.pipe_names else None


def blank() -> Language:
    """``spacy.blank("en")`` with the scientific tokenizer, the cached vectors table
    (empty until a trained tok2vec brings one) and sentence rules."""
    nlp = spacy.blank("en", config={"nlp": {
        "tokenizer": {"@tokenizers": "kg.scientific_tokenizer.v1"},
        "vectors": {"@vectors": "kg.cached_vectors.v1"},
    }})
    nlp.add_pipe("kg_sentences")
    return nlp


def assemble(ner_model: str | Path | None = None) -> Language:
    """The full extractor: trained tok2vec/ner sourced from ``ner_model``, then the rules.

    With ``ner_model=None`` the pipeline has no statistical NER (gazetteer and rules only):
    useful for tests of the rule components and as a baseline in evaluations.
    """
    nlp = blank()
    if ner_model is not None:
        # A NER trained as spaCy's own ``ner`` comes in as ``kg_ner``: the same weights and
        # entities, decoded in batches (kg.extract.doc.greedy_ner).
        components = spacy.util.load_config(Path(ner_model) / "config.cfg")["components"]
        overrides = ({"components": {"ner": {"factory": "kg_ner"}}}
                     if components.get("ner", {}).get("factory") == "ner" else {})
        trained = spacy.load(ner_model, config=overrides)
        for name in ("tok2vec", "ner"):
            if name in trained.pipe_names:
                nlp.add_pipe(name, source=trained)
        if trained.vocab.vectors.shape[1]:
            # Sourcing a component does not bring its vocab's vectors along, and a tok2vec
            # with static vectors looks its words up in the pipeline's own vocab.
            vectors = trained.vocab.vectors.to_bytes(exclude=["strings"])
            nlp.vocab.vectors = CachedVectors(strings=nlp.vocab.strings).from_bytes(vectors)
    for name in RULE_PIPES:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=4)
def load_pipeline(path: str | None = None) -> Language:
    """Load the shipped pipeline (or the one at ``path``); cached per process.

    The tokenizer is the one its config names (``kg.scientific_tokenizer.v1``), built by
    the code; the copy ``nlp.to_disk`` saved (for plain ``spacy.load``) is not read back
    over it. Reading it cost every extraction worker ~0.12 s, and when the code's rules had
    changed since the pipeline was saved, it silently brought the old rules back.

    The models multiply their matrices with numpy's BLAS rather than thinc's default
    (blis): on the tok2vec's shapes blis took 2.8x the CPU time here, and the matrix
    products are half of extraction. The results are the same; see
    ``benchmarks/run.py`` for the figures.
    """
    target = Path(path) if path else default_pipeline_path()
    if not (target / "config.cfg").exists():
        raise FileNotFoundError(
            f"no spaCy pipeline at {target}: build it with `python training/train.py`"
        )
    with use_ops("numpy", use_blis=False):
        return spacy.load(target, exclude=["tokenizer"])


def save_pipeline(nlp: Language, target: Path) -> None:
    """``nlp.to_disk`` into a sibling folder, then swap it in: a failed save leaves the old
    pipeline in place (the training scripts install into the package this way)."""
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
