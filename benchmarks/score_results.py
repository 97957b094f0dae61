"""Score reported results (entity, dataset, metric, value) against the gold annotation.

The shared scorer (``../shared/annotation/score_gold.py``) leaves results out; this one
uses its name normalisation. A predicted result is right when its value is the gold one's
(as a number: "70.5%" = "70.5") and its entity names the gold entity (any surface form of
either, as entities match), and — where both name one — its dataset and its metric are the
gold ones too. Matching is one-to-one, greedy, per paper.
"""

from __future__ import annotations

import re
from types import ModuleType

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _value(text: str | None) -> float | None:
    m = _NUMBER.search((text or "").replace(",", ""))
    return float(m.group(0)) if m else None


def _forms_of(scorer: ModuleType, record: dict) -> dict[str, set[str]]:
    """Entity name → its normalised surface forms, in one paper's record."""
    out = {}
    for e in record.get("entities", []):
        out[e["name"]] = scorer.forms(e)
    return out


def _same(scorer: ModuleType, a: str | None, b: str | None, fa: dict, fb: dict) -> bool:
    return bool(fa.get(a, {scorer.norm(a or "")}) & fb.get(b, {scorer.norm(b or "")}))


def result_matches(scorer: ModuleType, gold: dict, pred: dict) -> tuple[int, int, int]:
    """(true positives, predicted, gold) results of one paper."""
    fg, fp = _forms_of(scorer, gold), _forms_of(scorer, pred)
    golds = gold.get("results") or []
    used: set[int] = set()
    tp = 0
    for p in pred.get("results") or []:
        pv = _value(p.get("value"))
        for gi, g in enumerate(golds):
            if gi in used or pv is None or pv != _value(g.get("value")):
                continue
            if not _same(scorer, p.get("entity"), g.get("entity"), fp, fg):
                continue
            if any(p.get(k) and g.get(k) and not _same(scorer, p[k], g[k], fp, fg)
                   for k in ("dataset", "metric")):
                continue
            used.add(gi)
            tp += 1
            break
    return tp, len(pred.get("results") or []), len(golds)


def score_results(scorer: ModuleType, gold: dict[str, dict], preds: dict[str, dict],
                  ids: list[str]) -> list[float]:
    """[precision, recall, F1, gold count] over the papers ``ids``."""
    tp = npred = ngold = 0
    for i in ids:
        t, p, g = result_matches(scorer, gold[i], preds.get(i, {}))
        tp, npred, ngold = tp + t, npred + p, ngold + g
    precision = tp / npred if npred else 0.0
    recall = tp / ngold if ngold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [precision, recall, f1, ngold]
