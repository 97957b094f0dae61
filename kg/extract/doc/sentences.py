"""Sentence boundaries for scientific abstracts.

A statistical sentence splitter costs speed and spaCy's ``sentencizer`` splits on every
period. Abstracts break it in predictable ways ("e.g.", "et al.", "Fig. 3", "v1.5",
"3.5%"), so one rule function decides boundaries on the raw text and the spaCy
component only maps them onto tokens. The graph builder uses the same function to find
the evidence sentence of an edge.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.doc.views import doc_text
from kg.util.normalize import word_set

#: Lower-cased words that end with a period without ending a sentence.
ABBREVIATIONS = word_set(
    """
    e.g i.e etc et al vs cf fig figs eq eqs sec secs tab no nos approx resp incl viz dr
    mr ms prof jr sr st ca ch vol pp p ed eds ref refs esp w.r.t w.r.t.
    """
)
#: Of those, the ones that also close a sentence when a capitalised word follows:
#: "... such as GPT and Llama, etc. We propose ..." and "... by Smith et al. We show ...".
FINAL_ABBREVIATIONS = word_set("etc al")

# A candidate end: . ! ? (optionally followed by closing quotes/brackets), then space(s).
_END = re.compile(r"[.!?][\"')\]]*(?=\s+)")
_CLOSERS = "\"')]"


def _is_boundary(text: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` (exclusive) closes a sentence.

    Looks only at the word before ``end`` and the character after the spaces that follow,
    so a text's candidates cost time in proportion to its length, not its square.
    """
    head = end  # text[:head] is text[:end] without closing quotes and brackets
    while head > 0 and text[head - 1] in _CLOSERS:
        head -= 1
    nxt_at = end
    while nxt_at < len(text) and text[nxt_at].isspace():
        nxt_at += 1
    if nxt_at == len(text):
        return True
    nxt = text[nxt_at]
    if head > 0 and text[head - 1] == ".":
        # The word before the period: back to the last space, quote or bracket.
        start = head - 1
        while start > 0 and not _is_word_break(text[start - 1]):
            start -= 1
        if start < head - 1:
            word = text[start:head - 1].lower().rstrip(".")
            if word in ABBREVIATIONS:
                return word in FINAL_ABBREVIATIONS and nxt.isupper()
            # Single initials ("J. Smith") and dotted abbreviations ("U.S.", "e.g.").
            if (len(word) == 1 and word.isalpha()) or (
                "." in word and word.replace(".", "").isalpha() and len(word.replace(".", "")) <= 3
            ):
                return False
    # A sentence starts with an upper-case letter, a digit, a quote, a bracket or $ (LaTeX).
    return nxt.isupper() or nxt.isdigit() or nxt in "\"'([$\u201c"


def _is_word_break(c: str) -> bool:
    return c.isspace() or c in "([\"'"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``; trimmed of spaces."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: the graph builder asks for the sentences of one abstract once per edge."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if _is_boundary(text, end):
            spans.append((start, end))
            start = end
            while start < len(text) and text[start].isspace():
                start += 1
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return tuple(out)


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence(s) holding ``[start, end)`` (the whole text if none does)."""
    spans = _sentence_spans(text)
    first = next(((s, e) for s, e in spans if s <= start < e), None)
    if first is None:
        return 0, len(text)
    last = next(((s, e) for s, e in spans if s < max(end, start + 1) <= e), first)
    return first[0], max(first[1], last[1])


@Language.factory("kg_sentences", default_config={})
def make_sentences(nlp: Language, name: str) -> ScientificSentencizer:
    return ScientificSentencizer()


class ScientificSentencizer:
    """Sets ``is_sent_start`` from :func:`sentence_spans` (no model, no parser needed).

    The flags go in with one ``Doc.from_array`` (1 = starts a sentence, -1 = does not, as
    the ``is_sent_start`` setter writes them), not one token at a time. The component also
    primes :func:`kg.extract.doc.views.doc_text`, so the components after it never rejoin the text.
    """

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if doc.has_annotation("DEP"):
            raise ValueError(Errors.E043)  # what the is_sent_start setter raises
        starts = [s for s, _ in sentence_spans(doc_text(doc))]
        flags = numpy.where(numpy.isin(doc.to_array(IDX), starts), 1, -1)
        flags[0] = 1
        doc.from_array([SENT_START], flags.astype(numpy.uint64))
        return doc

    def to_disk(self, path, exclude=()) -> None:  # stateless: nothing to write
        return None

    def from_disk(self, path, exclude=()) -> ScientificSentencizer:
        return self
