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

from spacy.language import Language
from spacy.tokens import Doc

from kg.normalize import word_set

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
_WORD_BEFORE = re.compile(r"(?:^|[\s(\[\"'])([^\s(\[\"']+)\.$")


def _is_boundary(text: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` (exclusive) closes a sentence."""
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
            # Single initials ("J. Smith") and dotted abbreviations ("U.S.", "e.g.").
            if (len(word) == 1 and word.isalpha()) or (
                "." in word and word.replace(".", "").isalpha() and len(word.replace(".", "")) <= 3
            ):
                return False
    # A sentence starts with an upper-case letter, a digit, a quote, a bracket or $ (LaTeX).
    return nxt.isupper() or nxt.isdigit() or nxt in "\"'([$\u201c"


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
    """Sets ``is_sent_start`` from :func:`sentence_spans` (no model, no parser needed)."""

    def __call__(self, doc: Doc) -> Doc:
        starts = {s for s, _ in sentence_spans(doc.text)}
        for i, tok in enumerate(doc):
            tok.is_sent_start = i == 0 or tok.idx in starts
        return doc

    def to_disk(self, path, exclude=()) -> None:  # stateless: nothing to write
        return None

    def from_disk(self, path, exclude=()) -> ScientificSentencizer:
        return self
