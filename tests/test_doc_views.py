"""The per-doc caches of kg.extract.doc.views and the linear sentence rules give what spaCy and the
former code gave: same texts, same sentences, same boundaries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.build import sample_corpus_path
from kg.extract.doc import sentences as sentences_module
from kg.extract.doc.sentences import ABBREVIATIONS, FINAL_ABBREVIATIONS, sentence_spans
from kg.extract.doc.views import doc_text, lowers, sent_of, sent_starts, sent_text, span_text, texts
from kg.extract.pipeline import load_pipeline
from kg.ingest import read_papers


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def docs(nlp):
    papers = list(read_papers([sample_corpus_path()]))[:40]
    texts = [t for p in papers for t in (p.title, p.abstract)]
    texts += ["", "One.", "  Leading spaces. And a second one.  ", "no period at all"]
    return list(nlp.pipe(texts))


def test_made_doc_knows_its_text(nlp, docs):
    from kg.extract.doc.views import made_doc

    for text in [d.text for d in docs] + ["a\r\n b\u00a0 c\t\t.", "  x  "]:
        doc = made_doc(nlp, text)
        assert doc.text == text and doc_text(doc) == text


def test_doc_text_is_doc_text(docs):
    for doc in docs:
        assert doc_text(doc) == doc.text
        assert doc_text(doc) is doc_text(doc)  # joined once


def test_lowers_are_the_tokens_lower_forms(docs):
    for doc in docs:
        assert lowers(doc) == [t.lower_ for t in doc]
        assert lowers(doc) is lowers(doc)  # made once


def test_texts_are_the_tokens_texts(nlp, docs):
    odd = nlp.make_doc("Ünïcode İstanbul ﬁne-tuning\u00a0 x\t\ty ΣΑΣ")
    for doc in [*docs, odd]:
        assert texts(doc) == [t.text for t in doc]
        assert lowers(doc) == [t.lower_ for t in doc]
        assert texts(doc) is texts(doc)


def test_sent_of_is_span_sent_for_every_span(docs):
    checked = 0
    for doc in docs:
        assert sent_starts(doc) == [s.start for s in doc.sents]
        n = len(doc)
        for start in range(n):
            for end in range(start, min(n, start + 12) + 1):
                span = doc[start:end]
                want = span.sent
                got = sent_of(span)
                assert (got.start, got.end) == (want.start, want.end), (doc.text, start, end)
                assert sent_text(span) == want.text
                assert span_text(span) == span.text
                checked += 1
        for ent in doc.ents:
            assert (sent_of(ent).start, sent_of(ent).end) == (ent.sent.start, ent.sent.end)
        for sent in doc.sents:
            assert span_text(sent) == sent.text
    assert checked > 10_000


def test_docs_with_the_cache_still_serialise(docs):
    """Only plain data goes in user_data: Doc.to_bytes (spaCy's n_process) still works."""
    from spacy.tokens import Doc

    from kg.extract.pipeline import blank

    nlp = blank()
    for text in [d.text for d in docs[:6]]:
        doc = nlp(text)
        doc_text(doc)
        sent_starts(doc)
        back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert doc_text(back) == doc.text
        assert sent_starts(back) == [s.start for s in doc.sents]


def test_cached_text_is_not_taken_for_a_part_of_the_doc(docs):
    doc = next(d for d in docs if len(list(d.sents)) > 2)
    doc_text(doc)
    sent_starts(doc)
    part = doc[3:].as_doc(copy_user_data=True)  # copies the cache along
    assert doc_text(part) == part.text
    assert sent_starts(part) == [s.start for s in part.sents]


def test_sentence_component_sets_the_flags_one_token_at_a_time_would(docs):
    for doc in docs:
        starts = {s for s, _ in sentence_spans(doc.text)}
        want = [i == 0 or tok.idx in starts for i, tok in enumerate(doc)]
        assert [tok.is_sent_start for tok in doc] == want


_WORD_BEFORE = re.compile(r"(?:^|[\s(\[\"'])([^\s(\[\"']+)\.$")


def _is_boundary_reference(text: str, end: int) -> bool:
    """The former rule (a regex search over the whole text before ``end``)."""
    head = text[:end].rstrip("\"')]")
    rest = text[end:].lstrip()
    if not rest:
        return True
    nxt = rest[0]
    if head.endswith("."):
        m = _WORD_BEFORE.search(head)
        if m:
            word = m.group(1).lower().rstrip(".")
            if word in ABBREVIATIONS:
                return word in FINAL_ABBREVIATIONS and nxt.isupper()
            if (len(word) == 1 and word.isalpha()) or (
                "." in word and word.replace(".", "").isalpha() and len(word.replace(".", "")) <= 3
            ):
                return False
    return nxt.isupper() or nxt.isdigit() or nxt in "\"'([$\u201c"


def _assert_same_boundaries(text: str) -> None:
    for end in range(len(text) + 1):
        assert sentences_module._is_boundary(text, end) == _is_boundary_reference(text, end), (
            text, end)


def test_boundaries_match_the_former_rule_on_the_corpus():
    for paper in list(read_papers([sample_corpus_path()]))[:60]:
        _assert_same_boundaries(paper.abstract)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAeEgiJz1. \n\t\u00a0\u2003()[]\"'!?$\u201c")),
               max_size=30))
def test_boundaries_match_the_former_rule_on_any_text(text):
    _assert_same_boundaries(text)


@pytest.mark.parametrize("text", ["e.g. Foo", "(e.g. Foo", "x [U.S. Bar", "'J. Smith",
                                  "etc. We", "et al.) We", "a\u00a0e.g. b", ". A", "..  B"])
def test_boundaries_match_the_former_rule_on_edge_cases(text):
    _assert_same_boundaries(text)
