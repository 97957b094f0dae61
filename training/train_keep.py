"""Train the keep/drop model of ``kg_entity_keep`` and store it in a pipeline.

The pipeline (every candidate kept) runs over the papers of the project's own
annotations; a candidate entity is a positive example when the reference scorer's untyped
matching (``score_gold.py``) pairs it with an annotated entity, a negative one otherwise.
The model is fit on the ``train`` split; the L2 strength and the keep threshold are the
ones that give the best typed entity F1 on the ``dev`` split (never the held-out split).
Shared dev papers are left out, as everywhere in training.

usage: python training/train_keep.py [--pipeline kg/data/pipeline]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from prepare_data import ROOT, annotated_extractions, split_of

from kg.extract.learn import BinaryLogistic
from kg.extract.paper.keep import EntityKeep, keep_features
from kg.extract.pipeline import default_pipeline_path, load_pipeline, optional_pipe, save_pipeline

#: Candidate L2 strengths and keep thresholds, chosen between on the dev split.
L2S = (0.3, 1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 15))


@dataclass
class PaperCandidates:
    """One paper's annotation and its candidates: JSON records, features and labels."""

    id: str
    gold: dict
    entities: list[dict]
    features: list[list[str]]
    labels: list[bool]


class _Capture:
    """Stands in for the keep model: records the features, keeps every candidate."""

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def keep(self, entity, mentions, defined) -> bool:
        self.features.append(keep_features(entity, mentions, defined))
        return True


def reference_scorer(shared: Path):
    """The shared folder's ``score_gold`` module: training labels come from its matching."""
    sys.path.insert(0, str(shared / "annotation"))
    import score_gold  # the reference scorer

    return score_gold


def keep_examples(nlp, shared: Path, splits: set[str]) -> dict[str, list[PaperCandidates]]:
    """Per split: every annotated paper's candidates, labelled by untyped matching."""
    scorer = reference_scorer(shared)
    out: dict[str, list[PaperCandidates]] = {s: [] for s in splits}
    capture = _Capture()
    for ann, ext in annotated_extractions(nlp, shared, splits,
                                          roles=optional_pipe(nlp, "kg_paper_roles"),
                                          keep=capture,
                                          types=optional_pipe(nlp, "kg_paper_types")):
        features, capture.features = capture.features, []
        ents = [e.to_json() for e in ext.entities]
        matched = {pi for _, pi in scorer.match(ann["entities"], ents, False)}
        out[split_of(ext.id)].append(PaperCandidates(ext.id, ann, ents, features,
                                                     [k in matched for k in range(len(ents))]))
    return out


def dev_scores(scorer, papers: list[PaperCandidates], model: BinaryLogistic | None,
               threshold: float) -> dict:
    """The reference scorer's figures on ``papers`` with candidates under ``threshold``
    dropped (``model=None``: all kept)."""
    gold, preds = {}, {}
    for p in papers:
        kept = [e for e, f in zip(p.entities, p.features, strict=True)
                if model is None or model.probability(f) >= threshold]
        gold[p.id], preds[p.id] = p.gold, {"entities": kept, "relations": [], "code": []}
    return scorer.score(gold, preds, sorted(gold))


def fit_keep(nlp, shared: Path, report: bool = True) -> EntityKeep:
    """The keep model fit on the train split, with the L2 strength and threshold that
    maximise typed entity F1 on the dev split."""
    scorer = reference_scorer(shared)
    data = keep_examples(nlp, shared, {"train", "dev"})
    train = [(f, y) for p in data["train"] for f, y in zip(p.features, p.labels, strict=True)]
    dev = data["dev"]
    base = dev_scores(scorer, dev, None, 0.0)
    best = (base["entity_typed"][2], 0.0, 0.0, None)
    table = []
    for l2 in L2S:
        model = BinaryLogistic.fit(train, l2=l2)
        for t in THRESHOLDS:
            s = dev_scores(scorer, dev, model, t)
            f1 = s["entity_typed"][2]
            table.append({"l2": l2, "threshold": t, "P": round(s["entity_typed"][0], 3),
                          "R": round(s["entity_typed"][1], 3), "F1": round(f1, 3),
                          "role_acc": round(s["role_accuracy_on_matched"], 3)})
            if f1 > best[0] + 1e-9:
                best = (f1, l2, t, model)
    if report:
        print(json.dumps({
            "train_candidates": len(train), "train_positive": sum(y for _, y in train),
            "dev_typed_f1_all_kept": round(base["entity_typed"][2], 3),
            "dev_typed_f1": round(best[0], 3), "l2": best[1], "threshold": best[2]}))
        for row in table:
            print(json.dumps(row))
    if best[3] is None:
        return EntityKeep()
    return EntityKeep(best[3], best[2])


def install(nlp, pipe_name: str, fitted) -> None:
    """Put a fitted model (and its threshold, if it has one) into ``nlp``'s ``pipe_name``
    component."""
    pipe = nlp.get_pipe(pipe_name)
    pipe.model = fitted.model
    if hasattr(fitted, "threshold"):
        pipe.threshold = fitted.threshold


def refit_main(doc: str, pipe_name: str, fit) -> None:
    """The command line of a model-refit script: ``fit(nlp, shared)`` on the pipeline at
    ``--pipeline`` (its ``pipe_name`` added if missing) and install the result, or with
    ``--dry-run`` only print the report."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--pipeline", type=Path, default=default_pipeline_path())
    ap.add_argument("--dry-run", action="store_true", help="report, do not install")
    args = ap.parse_args()
    nlp = load_pipeline(str(args.pipeline))
    if pipe_name not in nlp.pipe_names:
        nlp.add_pipe(pipe_name)
    keep = fit(nlp, args.shared)
    if not args.dry_run:
        install(nlp, pipe_name, keep)
        save_pipeline(nlp, args.pipeline)


if __name__ == "__main__":
    refit_main(__doc__, "kg_entity_keep", fit_keep)
