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

_VALUE = re.compile(r"(?<![\w.+\-])(\d{1,3}(?:\.\d+)?)\s?(%|points?\b|pp\b)?")
_RELATIVE_BEFORE = re.compile(
    r"(?:\bby|\+|\u00b1|\bup\s+to|\bfrom|\bto|\bover|"
    r"(?:improv|gain|increas|boost|reduc|drop|decreas|lift)\w*(?:\s+of)?)"
    r"\s*(?:an?\s+)?(?:average\s+of\s+|absolute\s+|relative\s+)?$",
    re.IGNORECASE,
)
_RELATIVE_AFTER = re.compile(
    r"^\s*(?:%\s*)?(?:x\b|\u00d7|times|fold|fewer|less|more|faster|slower|smaller|larger|"
    r"higher|lower|improvement|gain|increase|reduction|relative|absolute|of\s+the|"
    r"billion|million|thousand|[BMK]\b|hours?|days?|seconds?|minutes?|samples?|examples?|"
    r"tokens?|languages?|tasks?|datasets?|papers?|steps?|layers?|images?|questions?|"
    r"parameters?|GPUs?|years?)",
    re.IGNORECASE,
)
_SCORE_CUE = re.compile(
    r"\b(?:achiev\w*|reach\w*|obtain\w*|attain\w*|scor\w*|accuracy|F1|BLEU|ROUGE|"
    r"outperform\w*|surpass\w*|record\w*|yield\w*|get|gets)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResultCandidate:
    entity: Span
    value: str
    dataset: Span | None
    metric: Span | None
    sent_start: int
    sent_end: int


def sentence_results(doc: Doc) -> list[ResultCandidate]:
    """Scores stated next to a method/model name in a sentence with a score cue."""
    out: list[ResultCandidate] = []
    for sent in doc.sents:
        text = span_text(sent)
        if not _SCORE_CUE.search(text) or not any(c.isdigit() for c in text):
            continue
        ents = [e for e in doc.ents if e.start >= sent.start and e.end <= sent.end]
        systems = [e for e in ents if e.label_ in ("Method", "Model")]
        if not systems:
            continue
        for m in _VALUE.finditer(text):
            start = sent.start_char + m.start()
            if not m.group(2) and "." not in m.group(1):
                continue  # bare integers are counts, years or sizes
            if _RELATIVE_BEFORE.search(text[: m.start()]) or _RELATIVE_AFTER.match(text[m.end():]):
                continue
            if any(e.start_char <= start < e.end_char for e in ents):
                continue  # part of a name ("GPT-3.5")
            before = [e for e in systems if e.end_char <= start]
            if not before:
                continue
            entity = before[-1]
            datasets = [e for e in ents if e.label_ == "Dataset"]
            metrics = [e for e in ents if e.label_ == "Metric"]
            value = m.group(0).replace(" ", "")
            out.append(ResultCandidate(
                entity=entity, value=value,
                dataset=_nearest(datasets, start), metric=_nearest(metrics, start),
                sent_start=sent.start_char, sent_end=sent.end_char,
            ))
    return out


def _nearest(spans: list[Span], pos: int) -> Span | None:
    return min(spans, key=lambda s: abs(s.start_char - pos), default=None)


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
