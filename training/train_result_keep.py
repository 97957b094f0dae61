"""Train the keep/drop model of ``kg_result_keep`` and store it in a pipeline.

The pipeline (its entity keep filter, type, role and relation models on, every result
kept) runs over the papers of the project's own annotations; a result is a positive
example when the results scorer (``benchmarks/score_results.py``) counts it as right with
the paper scored on that result alone: its value is a gold one's, its entity names the
gold entity and its dataset and metric, where both name one, are the gold ones. The model
is fit on the ``train`` split. A keep threshold is used only when it beats keeping every
result on the ``dev`` split by :data:`MIN_GAIN` results F1; otherwise the model only
scores (nothing is dropped). The held-out split is never used here; shared dev papers are
left out, as everywhere in training.

usage: python training/train_result_keep.py [--pipeline kg/data/pipeline] [--dry-run]
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from prepare_data import annotated_extractions, split_of
from train_keep import reference_scorer, refit_main

from kg.extract.learn import BinaryLogistic
from kg.extract.paper.results import ResultKeep
from kg.extract.pipeline import optional_pipe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from score_results import result_matches, score_results  # noqa: E402

#: Candidate L2 strengths and keep thresholds, chosen between on the dev split. Three
#: results in four are right, so the thresholds go higher than the relation model's.
L2S = (0.3, 1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
#: Results F1 a threshold must gain over keeping everything, on dev, to be used.
MIN_GAIN = 0.02


@dataclass
class PaperResults:
    """One paper's annotation, its predicted entities and results (JSON records), their
    features and labels."""

    id: str
    gold: dict
    entities: list[dict]
    results: list[dict]
    features: list[list[str]]
    labels: list[bool]


class _Capture:
    """Stands in for the result keep model: records the features, keeps everything."""

    threshold = 0.0

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def probability(self, features: list[str]) -> float:
        self.features.append(features)
        return 1.0


def correct_results(scorer, gold: dict, entities: list[dict], results: list[dict]
                    ) -> list[bool]:
    """Whether the results scorer counts each predicted result as a true positive: the
    paper scored with that result alone (its own matching, not a copy of it)."""
    return [result_matches(scorer, gold, {"entities": entities, "results": [r]})[0] == 1
            for r in results]


def result_examples(nlp, shared: Path, splits: set[str]) -> dict[str, list[PaperResults]]:
    """Per split: every annotated paper's results, labelled by the scorer."""
    scorer = reference_scorer(shared)
    out: dict[str, list[PaperResults]] = {s: [] for s in splits}
    capture = _Capture()
    pipes = [optional_pipe(nlp, n) for n in ("kg_paper_roles", "kg_entity_keep",
                                             "kg_relation_keep", "kg_paper_types")]
    for ann, ext in annotated_extractions(nlp, shared, splits, *pipes, result_keep=capture):
        features, capture.features = capture.features, []
        ents = [e.to_json() for e in ext.entities]
        res = [r.to_json() for r in ext.results]
        assert len(features) == len(res)
        out[split_of(ext.id)].append(PaperResults(
            ext.id, ann, ents, res, features, correct_results(scorer, ann, ents, res)))
    return out


def dev_scores(scorer, papers: list[PaperResults], model: BinaryLogistic | None,
               threshold: float) -> list[float]:
    """[P, R, F1, gold] of the results on ``papers`` with those under ``threshold``
    dropped (``model=None``: all kept)."""
    gold, preds = {}, {}
    for p in papers:
        kept = [r for r, f in zip(p.results, p.features, strict=True)
                if model is None or model.probability(f) >= threshold]
        gold[p.id] = p.gold
        preds[p.id] = {"entities": p.entities, "results": kept}
    return score_results(scorer, gold, preds, sorted(gold))


def log_loss(model: BinaryLogistic, papers: list[PaperResults]) -> float:
    """Mean negative log-likelihood of the labels: how well calibrated the confidences are."""
    pairs = [(model.probability(f), y) for p in papers
             for f, y in zip(p.features, p.labels, strict=True)]
    return -sum(math.log(q if y else 1.0 - q) for q, y in pairs) / max(len(pairs), 1)


def fit_result_keep(nlp, shared: Path, report: bool = True) -> ResultKeep:
    """The result keep model fit on the train split. It drops results only when the best
    threshold beats keeping everything by the guard (:data:`MIN_GAIN`) in results F1 on
    the dev split (L2 strength from the same search); otherwise it keeps everything and
    only scores (threshold 0, L2 strength with the best-calibrated dev probabilities)."""
    scorer = reference_scorer(shared)
    data = result_examples(nlp, shared, {"train", "dev"})
    train = [(f, y) for p in data["train"] for f, y in zip(p.features, p.labels, strict=True)]
    dev = data["dev"]
    base = dev_scores(scorer, dev, None, 0.0)[2]
    best = (base, None, 0.0)
    calibrated = (math.inf, None)
    table = []
    for l2 in L2S:
        model = BinaryLogistic.fit(train, l2=l2)
        loss = log_loss(model, dev)
        calibrated = min(calibrated, (loss, l2), key=lambda c: c[0])
        for t in THRESHOLDS:
            s = dev_scores(scorer, dev, model, t)
            table.append({"l2": l2, "threshold": t, "P": round(s[0], 3), "R": round(s[1], 3),
                          "F1": round(s[2], 3), "dev_log_loss": round(loss, 4)})
            if s[2] > best[0] + 1e-9:
                best = (s[2], l2, t)
    filtering = best[1] is not None and best[0] >= base + MIN_GAIN
    l2, threshold = (best[1], best[2]) if filtering else (calibrated[1], 0.0)
    if report:
        print(json.dumps({
            "train_results": len(train), "train_positive": sum(y for _, y in train),
            "dev_results": sum(len(p.labels) for p in dev),
            "dev_positive": sum(sum(p.labels) for p in dev),
            "dev_results_f1_all_kept": round(base, 3), "dev_results_f1_best": round(best[0], 3),
            "filtering": filtering, "l2": l2, "threshold": threshold}))
        for row in table:
            print(json.dumps(row))
    return ResultKeep(BinaryLogistic.fit(train, l2=l2), threshold)


if __name__ == "__main__":
    refit_main(__doc__, "kg_result_keep", fit_result_keep)
