"""Abbreviation definitions ("Supervised Fine-Tuning (SFT)") in the Schwartz–Hearst style.

Schwartz & Hearst (2003) find "long form (SHORT)" and "SHORT (long form)" pairs by matching
the short form's characters, right to left, inside the words before the parenthesis. This
version keeps the algorithm and fixes what scispaCy's port gets wrong:

* both orders are handled, "ReFT (Reinforced Fine-Tuning)" included (allenai/scispacy#192);
* a long form never reaches back past the previous parenthesis, clause punctuation or the
  start of the sentence, so the word between "A (X) and B (Y)" never joins B's long form
  (allenai/scispacy#441) and no long form crosses a sentence break;
* among the valid long forms the one whose word initials spell most of the short form wins,
  so "Mindful memoization (MM)" gives "Mindful memoization", not "memoization" (#410);
* a plural "s" ("LLMs", "GTNs") and LaTeX superscripts ("O$^2$" = "OO") are understood.

:func:`find_abbreviations` is the pure function (character offsets); the ``kg_abbreviations``
component stores its result on ``doc._.abbreviations`` and links every occurrence of a
short form in the doc to its long form.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from kg.extract.doc.sentences import sentence_spans
from kg.extract.doc.views import doc_text
from kg.util.normalize import word_set


class Abbreviation(NamedTuple):
    """A defined short form and its long form, as character offsets into the text.

    A NamedTuple so it is immutable, hashable and serialisable as a plain list.
    """

    short: str
    short_start: int
    short_end: int
    long: str
    long_start: int
    long_end: int


#: Words that may stand in a long form without contributing a letter ("Chain of Thought").
_FILLERS = word_set("of the a an and for in into on to with from by via at as or")

_PAREN = re.compile(r"\(([^()]{1,200})\)")
#: Where a long form must stop: the previous parenthesis or bracket, clause punctuation.
_BARRIER = re.compile(r"[()\[\]{};:]|[,.!?](?=\s)|\s[\u2013\u2014]\s|\s-{1,3}\s")
_CLAUSE_END = re.compile(r"[,;]\s|\s[\u2013\u2014]\s")
_WORD = re.compile(r"\S+")
_SUPERSCRIPT = re.compile(r"([A-Za-z])(?:\$\^\{?([2-4])\}?\$|\^([2-4])|([²³]))")
_LATEX = re.compile(r"\$[^$]*\$")
_TRIM_START = "\"'\u201c\u2018([{,;:"
_TRIM_END = "\"'\u201d\u2019)]},;:."
_SUPER_DIGITS = {"²": 2, "³": 3}


def _short_keys(short: str) -> list[str]:
    """The letters and digits a long form must spell, most specific first.

    "O$^2$-Searcher" spells "oosearcher"; "LLMs" may spell "llm" (plural) or "llms".
    """
    def repeat(m: re.Match[str]) -> str:
        n = int(m.group(2) or m.group(3) or _SUPER_DIGITS.get(m.group(4), 1))
        return m.group(1) * n

    text = _LATEX.sub("", _SUPERSCRIPT.sub(repeat, short))
    key = "".join(c.lower() for c in text if c.isalnum())
    keys = []
    core = short[:-1]
    if short.endswith("s") and sum(c.isupper() for c in core) >= 2:
        keys.append(key[:-1])
    keys.append(key)
    return [k for k in keys if len(k) >= 2]


def _is_short_form(text: str) -> bool:
    """Whether ``text`` can be a short form: one or two words, a capital, not too long."""
    if not text or len(text) > 25 or not text[0].isalnum():
        return False
    if len(text.split()) > 2:
        return False
    if any(w.endswith(".") for w in text.split()):
        return False  # "i.e. ASR", "e.g. BERT": an aside, not a short form
    letters = [c for c in _LATEX.sub("", text) if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return False
    return len([c for c in text if c.isalnum()]) >= 2


def _is_name_list(inner: str) -> bool:
    """Whether a parenthesis holds a list of names ("BERT, BioBERT, GPT-2"): examples of
    what precedes it, not a short form of it. Every comma-separated item is then a short,
    name-like form; "ReFT, code released" or "LLMs; e.g. GPT-4" are not lists of names."""
    items = [i.strip() for i in re.split(r",\s+(?:and\s+|or\s+)?|\s+and\s+", inner)]
    return len(items) >= 2 and all(_is_short_form(i) for i in items)


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Whitespace words of ``text[start:end]``, trimmed of quotes and brackets."""
    out = []
    for m in _WORD.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s] in _TRIM_START:
            s += 1
        while e > s and text[e - 1] in _TRIM_END:
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _word_starts(long: str) -> list[bool]:
    """Positions that begin a word or sub-word: after a space or hyphen, or camel-case."""
    starts = []
    for i, c in enumerate(long):
        prev = long[i - 1] if i else " "
        starts.append(c.isalnum() and (not prev.isalnum() or (prev.islower() and c.isupper())))
    return starts


def initials_matched(key: str, long: str) -> int | None:
    """Most key characters that can sit on word starts in an in-order match, or None.

    The first key character must be the first character of ``long`` (Schwartz–Hearst).
    """
    low = long.lower()
    if not low or low[0] != key[0]:
        return None
    starts = _word_starts(long)
    none = -1
    # score[j]: best initials count for the key so far with its last char at position j.
    score = [none] * len(low)
    score[0] = int(starts[0])
    for ch in key[1:]:
        nxt = [none] * len(low)
        best_before = none
        for j in range(1, len(low)):
            best_before = max(best_before, score[j - 1])
            if best_before != none and low[j] == ch:
                nxt[j] = best_before + int(starts[j])
        score = nxt
    best = max(score)
    return None if best == none else best


def _content_words(long: str) -> int:
    return sum(1 for w in re.split(r"[\s\-/]+", long) if w and w.lower() not in _FILLERS)


def _best_long(key: str, text: str, words: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The best long form made of a suffix of ``words`` (each spans to the last word)."""
    if not words:
        return None
    max_words = min(len(key) + 5, 2 * len(key))
    end = words[-1][1]
    best: tuple[tuple[int, int, int], tuple[int, int]] | None = None
    for k in range(1, min(max_words, len(words)) + 1):
        start = words[-k][0]
        long = text[start:end]
        if text[start:words[-k][1]].lower() in _FILLERS:
            continue  # a long form starts with a content word, not "into" or "the"
        initials = initials_matched(key, long)
        # Several words must spell at least two of the letters with their initials.
        if initials is None or (k > 1 and initials < 2):
            continue
        # Every content word the long form holds beyond the letters it spells is a cost.
        spare = max(0, _content_words(long) - len(key))
        score = (initials, -spare, -k)
        if best is None or score > best[0]:
            best = (score, (start, end))
    return best[1] if best else None


def _match(short: str, text: str, words: list[tuple[int, int]]) -> tuple[int, int] | None:
    for key in _short_keys(short):
        found = _best_long(key, text, words)
        if found is not None:
            return found
    return None


def _window_start(text: str, lo: int, hi: int) -> int:
    """Start of the stretch before ``hi`` that a long form may use (after the last barrier)."""
    last = lo
    for m in _BARRIER.finditer(text, lo, hi):
        last = m.end()
    return last


def find_abbreviations(text: str) -> list[Abbreviation]:
    """All "long form (SHORT)" and "SHORT (long form)" definitions in ``text``, in order."""
    if "(" not in text:
        return []
    sents = sentence_spans(text)
    sent_starts = [s for s, _ in sents]
    out: list[Abbreviation] = []
    for m in _PAREN.finditer(text):
        open_, close = m.start(), m.end()
        idx = bisect.bisect_right(sent_starts, open_) - 1
        s_start, s_end = sents[idx] if idx >= 0 else (0, len(text))
        if close > s_end + 1:
            continue
        inner_start = m.start(1)
        clause = _CLAUSE_END.search(text, inner_start, m.end(1))
        inner_end = clause.start() if clause else m.end(1)
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        inner = text[inner_start:inner_end]
        found = None
        if _is_name_list(m.group(1).strip()):
            continue
        if _is_short_form(inner):
            lo = _window_start(text, s_start, open_)
            span = _match(inner, text, _words(text, lo, open_))
            if span is not None:
                found = Abbreviation(inner, inner_start, inner_end, text[span[0]:span[1]], *span)
        if found is None and len(inner.split()) >= 2:
            found = _reverse(text, s_start, open_, inner_start, inner_end)
        if found is not None and found.long.lower() != found.short.lower():
            out.append(found)
    return out


def _reverse(
    text: str, s_start: int, open_: int, in_start: int, in_end: int
) -> Abbreviation | None:
    """"SHORT (long form)": the word right before the parenthesis is the short form and the
    whole parenthesis (up to a comma or semicolon) is the long form."""
    before = _words(text, s_start, open_)
    if not before or not text[before[-1][1]:open_].isspace():
        return None
    s, e = before[-1]
    short = text[s:e]
    inner = _words(text, in_start, in_end)
    if not _is_short_form(short) or not inner:
        return None
    ls, le = inner[0][0], inner[-1][1]
    for key in _short_keys(short):
        if len(inner) <= min(len(key) + 5, 2 * len(key)) and initials_matched(
            key, text[ls:le]
        ) is not None:
            return Abbreviation(short, s, e, text[ls:le], ls, le)
    return None


def short_form_occurrences(text: str, short: str) -> list[tuple[int, int]]:
    """Whole-word character spans of ``short`` (and its plural "s") in ``text``."""
    pattern = re.compile(rf"(?<!\w){re.escape(short)}s?(?!\w)")
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


for _name in ("abbreviations", "abbreviation_map"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("long_form"):
    Span.set_extension(
        "long_form",
        getter=lambda span: (span.doc._.abbreviation_map or {}).get(span.text),
    )


@Language.factory(
    "kg_abbreviations", default_config={"link_mentions": True, "spans_key": "abbreviations"}
)
def make_abbreviations(
    nlp: Language, name: str, link_mentions: bool, spans_key: str
) -> AbbreviationDetector:
    return AbbreviationDetector(link_mentions=link_mentions, spans_key=spans_key)


class AbbreviationDetector:
    """Sets ``doc._.abbreviations`` (list of :class:`Abbreviation`, char offsets) and
    ``doc._.abbreviation_map`` (short text → long text, first definition wins).

    With ``link_mentions``, ``doc.spans[spans_key]`` holds every token-aligned occurrence of a
    defined short form, each with ``kb_id_`` = its long form; ``span._.long_form`` looks the
    long form up for any span.
    """

    def __init__(self, link_mentions: bool = True, spans_key: str = "abbreviations") -> None:
        self.link_mentions = link_mentions
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        pairs = find_abbreviations(doc_text(doc))
        mapping: dict[str, str] = {}
        for ab in pairs:
            mapping.setdefault(ab.short, ab.long)
        doc._.abbreviations = pairs
        doc._.abbreviation_map = mapping
        if self.link_mentions:
            doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key,
                                                  spans=self._mentions(doc, mapping))
        return doc

    @staticmethod
    def _mentions(doc: Doc, mapping: dict[str, str]) -> list[Span]:
        spans = []
        for short, long in mapping.items():
            for s, e in short_form_occurrences(doc_text(doc), short):
                span = doc.char_span(s, e, label="short_form", kb_id=long)
                if span is not None:
                    spans.append(span)
        return sorted(spans, key=lambda sp: (sp.start, sp.end))

    def to_disk(self, path, exclude=()) -> None:  # configured by config.cfg alone
        return None

    def from_disk(self, path, exclude=()) -> AbbreviationDetector:
        return self
