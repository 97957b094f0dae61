"""Explicit reported scores: (entity, dataset, metric, value).

"JMLR-13B (70.5%) outperforms Meditron-70B (68.9%)", "achieves 84.0% top-20 accuracy on
Natural Questions". Only absolute scores count: relative gains ("+3.2%", "by 5 points",
"2x faster") are not results, following the annotation guideline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.views import span_text

if not Doc.has_extension("results"):
    Doc.set_extension("results", default=None)

_VALUE = re.compile(r"(?<![\w.+\-~])(\d{1,3}(?:\.\d+)?)(?:\s?(%|points?\b|pp\b))?")
_RELATIVE_BEFORE = re.compile(
    r"(?:\bby|\+|\u00b1|\bup\s+to|\bfrom|\bover|\babout|\baround|\bnearly|\broughly|"
    r"\bapproximately|~|=|(?:improv|gain|increas|boost|reduc|drop|decreas|lift|margin)\w*"
    r"(?:\s+of)?)\s*(?:an?\s+)?(?:(?:more\s+than|at\s+least|less\s+than|over|nearly|about|"
    r"almost|roughly|approximately|up\s+to|average(?:\s+of)?|absolute|relative)\s+)*$",
    re.IGNORECASE,
)
#: "63.6 → 72.7", "58.9 rightarrow 61.7" (TeX lost its backslash): the same as "from … to".
_ARROW = r"(?:\\?rightarrow|\u2192|->|=>)"
_ARROW_AFTER = re.compile(rf"^\s*%?\s*{_ARROW}\s*\d")
_ARROW_GAP = re.compile(rf"^\s*\d{{1,3}}(?:\.\d+)?\s?%?\s*{_ARROW}\s*$")
#: "from 63.6 to 72.7": the later value is the result, the earlier one a starting point.
_FROM_TO = re.compile(r"\bfrom\s+\d{1,3}(?:\.\d+)?\s?%?\s+to\s*$", re.IGNORECASE)
_TO = re.compile(r"\bto\s*$", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(
    r"^\s*(?:%\s*)?(?:x\b|\u00d7|times|fold|fewer|less|more|faster|slower|smaller|larger|"
    r"higher|lower|improvement|gain|increase|reduction|relative|absolute|of\s+the|speed-?ups?|"
    r"billion|million|thousand|[BMK]\b|hours?|days?|seconds?|minutes?|samples?|examples?|"
    r"tokens?|languages?|tasks?|datasets?|papers?|steps?|layers?|images?|questions?|"
    r"parameters?|GPUs?|years?|points?\s+(?:higher|lower|better|worse|above|below|over))",
    re.IGNORECASE,
)
_SCORE_CUE = re.compile(
    r"\b(?:achiev\w*|reach\w*|obtain\w*|attain\w*|scor\w*|accuracy|F1|BLEU|ROUGE|improv\w*|"
    r"outperform\w*|surpass\w*|record\w*|yield\w*|get|gets|sets?|delivers?|hits?)\b",
    re.IGNORECASE,
)
#: Words before a name that make it the thing compared against, not the one scoring.
_NOT_SUBJECT = re.compile(
    r"(?:\bthan|\bover|\boutperform\w*|\bsurpass\w*|\bbeat\w*|\bexceed\w*|\bvs\.?|"
    r"\bversus|\bcompared\s+(?:to|with)|\bbased\s+on|\bbuilt\s+on|\blike|\bsuch\s+as|"
    r"\bincluding|\be\.g\.,?|\bfrom|\busing|\bwith|\bof|\bon|\bvia|\band)"
    r"[\s,(]*(?:the\s+)?(?:strong\s+|state-of-the-art\s+|previous\s+|baseline\s+)*$",
    re.IGNORECASE,
)
_WE = re.compile(r"\b(?:we|our|ours)\b", re.IGNORECASE)
#: Where a clause with a subject of its own begins: "…, while X reaches …", "; X …".
_CLAUSE_BREAK = re.compile(r";\s*|,?\s*\b(?:while|whereas|but)\b\s*", re.IGNORECASE)
#: "the validation set", "test split": where a score was measured, not which dataset.
_SPLIT = re.compile(r"^(?:the\s+)?(?:validation|val|dev|development|test|training|train|"
                    r"held-out)\s+(?:set|split|data)s?$", re.IGNORECASE)
_NAME_PART = re.compile(r"^(?:-\w|[A-Za-z])")
#: What joins a gain to the next value of the same list: "… on in-domain tasks and ".
_COORDINATED = re.compile(r"^[^.;:]{0,60}?(?:\band|,)\s*(?:by\s+)?$", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_ON = re.compile(r"^\s*%?\s*(?:accuracy\s+|\w+\s+)?(?:on|in|for|at)\s+(?:the\s+)?$",
                 re.IGNORECASE)


@dataclass(frozen=True)
class ResultCandidate:
    """A score stated in a sentence. ``entity`` None: the paper's own system ("we
    achieve 84.0%", "our model reaches …"), which the paper-level step names."""

    entity: Span | None
    value: str
    dataset: Span | None
    metric: Span | None
    sent_start: int
    sent_end: int


def _values(text: str, offset: int, ents: list[Span]) -> list[tuple[int, int, str]]:
    """Absolute scores in a sentence's ``text``: (start, end, value as written), without
    gains, counts, sizes, bounds, the "from" value of "from X to Y" and digits of names."""
    out = []
    relative_end = None  # where the last gain ended: "by 0.83 dB … and 3.43 dB" is one list
    for m in _VALUE.finditer(text):
        if not m.group(2) and "." not in m.group(1):
            continue  # bare integers are counts, years or sizes
        before, after = text[: m.start()], text[m.end():]
        if _NAME_PART.match(after):
            continue  # "LLaMA 3.2-3B", "1.5B": part of a name or a size
        if _ARROW_AFTER.match(after):
            continue  # "63.6 → 72.7": the starting point, not the result
        if (_RELATIVE_AFTER.match(after) or _RELATIVE_BEFORE.search(before)
                or relative_end is not None
                and _COORDINATED.match(text[relative_end: m.start()])):
            relative_end = m.end()
            continue
        if _TO.search(before) and not _FROM_TO.search(before):
            continue  # "up to", "close to", "reduced to" … but "from 63.6 to 72.7" counts
        start = offset + m.start()
        if any(e.start_char <= start < e.end_char for e in ents):
            continue  # part of a name ("GPT-3.5")
        out.append((start, offset + m.end(), m.group(0).replace(" ", "")))
    return out


def _subject(sent: Span, systems: list[Span], before: int) -> Span | None | bool:
    """Who scores a value at char ``before``: the name right before "(70.5%)" or ":"; else
    the first system of the clause that is not compared against or built on; None when the
    sentence speaks of "we"/"our" and names no such system first; False when unknown."""
    text = span_text(sent)
    base = sent.start_char
    prior = [s for s in systems if s.end_char <= before]
    if prior:
        gap = text[prior[-1].end_char - base: before - base]
        if len(gap) <= 3 and gap.strip() in ("(", ":", "", "of", "=", "(="):
            return prior[-1]
    # "On GSM8K, Llama-2 reaches 56.8%, while MathFlow reaches 81.2%": the value's own
    # clause names its system first.
    # Else the sentence's: its first system, or "we".
    clause = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, before - base)), default=0)
    for start in dict.fromkeys((clause, 0)):
        for s in prior:
            if s.start_char - base >= start and not _NOT_SUBJECT.search(
                    text[start: s.start_char - base]):
                return s
        if _WE.search(text[start: before - base]):
            return None
    return False


def _linked(spans: list[Span], text: str, base: int, start: int, end: int) -> Span | None:
    """The dataset or metric a value at [start, end) is stated for: "84.0% on D",
    "D … 84.0%" / "accuracy of 84.0%" when the sentence names only one."""
    after = [s for s in spans if s.start_char >= end]
    if after and (_ON.match(text[end - base: after[0].start_char - base])
                  or not text[end - base: after[0].start_char - base].strip()):
        return after[0]  # "84.0% on D", "59.1 mAP"
    before = [s for s in spans if s.end_char <= start]
    gap = text[before[-1].end_char - base: start - base] if before else ""
    if before and (gap.strip() in ("of", "", ":", "=") or _ARROW_GAP.match(gap)):
        return before[-1]  # "accuracy of 84.0%", "CommonsenseQA 63.6 → 72.7"
    return spans[0] if len(spans) == 1 else None


def sentence_results(doc: Doc) -> list[ResultCandidate]:
    """Scores a sentence states for a system, read as a reader does: the system is the
    clause's subject or the name a value sits beside, not merely the nearest name; a
    "respectively" list pairs values with datasets or systems in order; "from X to Y"
    reports Y; gains, bounds, counts and sizes are not scores."""
    out: list[ResultCandidate] = []
    for sent in doc.sents:
        text = span_text(sent)
        if not _SCORE_CUE.search(text) or not any(c.isdigit() for c in text):
            continue
        ents = [e for e in doc.ents if e.start >= sent.start and e.end <= sent.end]
        systems = [e for e in ents if e.label_ in ("Method", "Model")]
        datasets = [e for e in ents if e.label_ == "Dataset" and not _SPLIT.match(e.text)]
        metrics = [e for e in ents if e.label_ == "Metric"]
        values = _values(text, sent.start_char, ents)
        if not values:
            continue
        base = sent.start_char

        def add(entity, value, dataset, metric, sent=sent):
            out.append(ResultCandidate(entity=entity, value=value, dataset=dataset,
                                       metric=metric, sent_start=sent.start_char,
                                       sent_end=sent.end_char))

        if _RESPECTIVELY.search(text) and len(values) > 1:
            # "X achieves 72.0% and 50.7% on GSM8K and MATH, respectively"
            first = values[0][0]
            listed_data = [d for d in datasets if d.start_char > first] or datasets
            listed_sys = [s for s in systems if s.start_char > first]
            subject = _subject(sent, systems, first)
            metric = metrics[0] if len(metrics) == 1 else None
            if len(listed_data) == len(values) and subject is not False:
                for (_, _, v), d in zip(values, listed_data, strict=True):
                    add(subject, v, d, metric)
            elif len(listed_sys) == len(values):
                dataset = datasets[0] if len(datasets) == 1 else None
                for (_, _, v), s in zip(values, listed_sys, strict=True):
                    add(s, v, dataset, metric)
            continue
        for start, end, value in values:
            subject = _subject(sent, systems, start)
            if subject is False:
                continue
            add(subject, value, _linked(datasets, text, base, start, end),
                _linked(metrics, text, base, start, end))
    return out


@Language.factory("kg_results", default_config={})
def make_results(nlp: Language, name: str) -> ResultFinder:
    return ResultFinder()


class ResultFinder:
    """Stores :func:`sentence_results` on ``doc._.results``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.results = sentence_results(doc) if doc.ents else []
        return doc

    def to_disk(self, path, exclude=()) -> None:
        return None

    def from_disk(self, path, exclude=()) -> ResultFinder:
        return self
