"""The paper's results: the sentence rules' result candidates mapped onto its entity names,
then a learned keep/drop decision over them.

A candidate whose system is no kept entity is dropped; one that "we" state goes to the
paper's main contribution; dataset and metric stay only when
they name kept entities. Each (entity, dataset, metric, value) is reported once, with the
first sentence that states it.

The sentence rules (:mod:`kg.extract.doc.results`) read who scores a value as a reader
does, but their readings are not equally sure: a value right beside its system's name
("X (70.5%)") is more often an annotated result than one credited to the first name of a
long sentence, a value whose dataset and metric are named more often than a bare one.
:func:`result_features` describes each result by what a reader would weigh — which
reading found it, whether its dataset and metric were found and are kept entities, the
value's shape, the words around the value and the system's name, the system's role and
type, "we", "respectively", comparisons and how many values the sentence states — and
the ``kg_result_keep`` component's binary logistic regression (:mod:`kg.extract.learn`,
trained by ``training/train_result_keep.py``) drops those under its threshold. An empty
model keeps every result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.doc.results import ResultCandidate
from kg.extract.doc.views import doc_text, lowers, sent_bounds
from kg.extract.learn import ThresholdedKeep
from kg.records import Entity, Result
from kg.records import Span as EvSpan
from kg.util.normalize import name_key


@dataclass
class StatedResult:
    """A paper's result, the first sentence candidate that states it (in ``field``) and
    how many candidates state it."""

    result: Result
    candidate: ResultCandidate
    field: str
    times: int = 1


def stated_results(docs: dict[str, Doc], name_of: dict[str, str], main: str | None = None
                   ) -> list[StatedResult]:
    """The paper's results with what stated them (see :func:`paper_results`)."""
    out: list[StatedResult] = []
    seen: dict[tuple, StatedResult] = {}
    for f, d in docs.items():
        for c in getattr(d._, "results", None) or []:
            ent = main if c.entity is None else name_of.get(name_key(c.entity.text))
            if not ent:
                continue
            ds = name_of.get(name_key(c.dataset.text)) if c.dataset is not None else None
            mt = name_of.get(name_key(c.metric.text)) if c.metric is not None else None
            key = (ent, ds, mt, c.value)
            if key in seen:
                seen[key].times += 1
                continue
            stated = StatedResult(
                Result(entity=ent, value=c.value, dataset=ds, metric=mt,
                       evidence=EvSpan(field=f, start=c.sent_start, end=c.sent_end)), c, f)
            seen[key] = stated
            out.append(stated)
    return out


def paper_results(docs: dict[str, Doc], name_of: dict[str, str], main: str | None = None
                  ) -> list[Result]:
    """``main``: the name of the paper's main contribution, which "we achieve …" credits."""
    return [s.result for s in stated_results(docs, name_of, main)]


# -- The learned keep decision.

#: Words each side of the value and of the system's name that become features.
WINDOW = 2
_NUMBER = re.compile(r"[\d.,%]*\d[\d.,%]*")
_RANGE = re.compile(r"\d\s?(?:-|~|\u2013)")
_COMPARATIVE = re.compile(r"\b(?:than|outperform\w*|surpass\w*|beat\w*|exceed\w*|compared|"
                          r"vs\.?|versus|over|baselines?|previous|prior|state-of-the-art|"
                          r"sota)\b", re.IGNORECASE)
_WE = re.compile(r"\b(?:we|our|ours)\b", re.IGNORECASE)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_GAIN = re.compile(r"\b(?:improv\w*|gains?|increas\w*|reduc\w*|boost\w*|relative|absolute)\b",
                   re.IGNORECASE)


def _bucket(n: float, edges: tuple[float, ...]) -> str:
    """The first edge ``n`` does not exceed, as text ("<=3"), or ">last"."""
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def _value_shape(value: str) -> set[str]:
    """What a value looks like: percent, points, a fraction under 1, its size and digits."""
    low = value.lower()
    unit = ("percent" if "%" in low else "points" if "point" in low or low.endswith("pp")
            else "none")
    number = re.match(r"\d+(?:\.\d+)?", value)
    x = float(number.group(0)) if number else 0.0
    decimals = len(number.group(0).split(".")[1]) if number and "." in number.group(0) else 0
    return {f"unit:{unit}", f"size:{unit}|{_bucket(x, (1.0, 10.0, 50.0, 90.0, 100.0))}",
            f"decimals:{min(decimals, 3)}",
            f"range:{bool(_RANGE.search(value))}"}


def _word(w: str) -> str:
    return "<num>" if _NUMBER.fullmatch(w) else w


def _around(doc: Doc, start: int, end: int, prefix: str) -> set[str]:
    """The ``WINDOW`` lower-cased words each side of the characters [start, end) in their
    sentence, by distance ("<prefix>_left1:of"); digits read as ``<num>``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set()
    lo, hi = sent_bounds(doc, span.start)
    tokens = lowers(doc)
    out = {f"{prefix}_left{k}:{_word(tokens[span.start - k])}"
           for k in range(1, WINDOW + 1) if span.start - k >= lo}
    out |= {f"{prefix}_right{k}:{_word(tokens[span.end - 1 + k])}"
            for k in range(1, WINDOW + 1) if span.end - 1 + k < hi}
    if span.start == lo:
        out.add(f"{prefix}_left1:<start>")
    return out


def _state(found: bool, name: str | None, by_name: dict[str, Entity]) -> str:
    """A dataset's or metric's standing: not found, found but no kept entity, or kept
    (with its role)."""
    if not found:
        return "none"
    e = by_name.get(name) if name else None
    return f"kept|{e.role}" if e is not None else "dropped"


def result_features(stated: StatedResult, docs: dict[str, Doc], by_name: dict[str, Entity],
                    main: Entity | None, n_results: int) -> list[str]:
    """Sorted features of one result (``n_results``: how many the paper has)."""
    c, r = stated.candidate, stated.result
    doc = docs[stated.field]
    text = doc_text(doc)
    sentence = text[c.sent_start:c.sent_end]
    system = by_name.get(r.entity)
    rule = c.rule or "unknown"
    ds = _state(c.dataset is not None, r.dataset, by_name)
    mt = _state(c.metric is not None, r.metric, by_name)
    who = "we" if c.entity is None else "main" if system is main else "named"
    f = {f"rule:{rule}", f"rule_kind:{rule.split('/')[0]}", f"field:{stated.field}",
         f"dataset:{ds.split('|')[0]}", f"dataset_state:{ds}", f"metric:{mt.split('|')[0]}",
         f"metric_state:{mt}", f"linked:{ds.split('|')[0]}|{mt.split('|')[0]}",
         f"rule_linked:{rule}|{ds.split('|')[0]}|{mt.split('|')[0]}", f"who:{who}",
         f"rule_who:{rule}|{who}",
         f"system:{system.type if system else '?'}|{system.role if system else '?'}",
         f"system_source:{system.source if system else '?'}",
         f"system_title:{any(m.field == 'title' for m in system.mentions) if system else '?'}",
         f"respectively:{bool(_RESPECTIVELY.search(sentence))}",
         f"compares:{bool(_COMPARATIVE.search(sentence))}",
         f"we_sentence:{bool(_WE.search(sentence))}",
         f"gain_words:{bool(_GAIN.search(sentence))}",
         f"values:{_bucket(c.values_in_sentence, (1, 2, 3, 5))}",
         f"times:{min(stated.times, 3)}", f"results:{_bucket(n_results, (1, 2, 4, 8))}"}
    before = sentence[:max(0, c.value_start - c.sent_start)]
    f.add(f"in_parens:{before.count('(') > before.count(')')}")
    f |= _value_shape(r.value)
    if c.value_start >= 0:
        f |= _around(doc, c.value_start, c.value_end, "value")
    if c.entity is not None:
        f |= _around(doc, c.entity.start_char, c.entity.end_char, "system")
        gap = c.value_start - c.entity.end_char
        f.add(f"system_gap:{'after' if gap < 0 else _bucket(gap, (3, 10, 30, 80))}")
    return sorted(f)


@Language.factory("kg_result_keep", default_config={})
def make_result_keep(nlp: Language, name: str) -> ResultKeep:
    return ResultKeep()


class ResultKeep(ThresholdedKeep):
    """Holds the result keep model and its threshold (empty: every result is kept)."""

    FILE = "result_keep.json"


def kept_results(stated: list[StatedResult], docs: dict[str, Doc], entities: list[Entity],
                 main: Entity | None, keep: ResultKeep) -> list[Result]:
    """The results ``keep`` scores at or over its threshold, in their order (every one
    with an empty model)."""
    if not keep or not stated:
        return [s.result for s in stated]
    by_name = {e.name: e for e in entities}
    return [s.result for s in stated
            if keep.probability(result_features(s, docs, by_name, main, len(stated)))
            >= keep.threshold]
