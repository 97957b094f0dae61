"""Train the paper-level type model of ``kg_paper_types`` and store it in a pipeline.

The pipeline (its entity keep filter on, no type model, so the NER's votes stand) runs
over the papers of the project's own annotations; every kept entity that the reference
scorer's untyped matching (``score_gold.py``) pairs with an annotated entity is an example,
labelled with the annotated type. The model is fit on the ``train`` split; the L2 strength
is the one with the best typed entity F1 on the ``dev`` split (never the held-out split),
and the NER's votes are printed beside it. Shared dev papers are left out, as everywhere
in training.

Roles and relation confidences are learned from typed entities, so after refitting this
model alone, refit them too: ``python training/train_roles.py`` and
``python training/train_relation_keep.py`` (``training/train.py`` runs them in order).

usage: python training/train_types.py [--pipeline kg/data/pipeline] [--dry-run]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from prepare_data import annotated_extractions, split_of
from train_keep import reference_scorer, refit_main

from kg.extract.learn import OneVsRest
from kg.extract.paper.types import TYPES, PaperTypes, type_features
from kg.extract.pipeline import optional_pipe

#: Candidate L2 strengths, chosen between on the dev split.
L2S = (0.03, 0.1, 0.3, 1.0)


@dataclass
class PaperTyped:
    """One paper's annotation, its kept entities (JSON records), their features and the
    annotated type of each (None: not an annotated entity)."""

    id: str
    gold: dict
    entities: list[dict]
    features: list[list[str]]
    labels: list[str | None]


class _Capture:
    """Stands in for the type model: records the features, keeps the NER's vote."""

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def decide(self, entity, mentions) -> str:
        self.features.append(type_features(entity, mentions))
        return entity.type


def type_examples(nlp, shared: Path, splits: set[str]) -> dict[str, list[PaperTyped]]:
    """Per split: every annotated paper's kept entities with their annotated types."""
    scorer = reference_scorer(shared)
    out: dict[str, list[PaperTyped]] = {s: [] for s in splits}
    capture = _Capture()
    for ann, ext in annotated_extractions(nlp, shared, splits,
                                          keep=optional_pipe(nlp, "kg_entity_keep"),
                                          types=capture):
        features, capture.features = capture.features, []
        ents = [e.to_json() for e in ext.entities]
        gold_of = {pi: gi for gi, pi in scorer.match(ann["entities"], ents, False)}
        labels = [ann["entities"][gold_of[k]]["type"] if k in gold_of else None
                  for k in range(len(ents))]
        out[split_of(ext.id)].append(PaperTyped(ext.id, ann, ents, features, labels))
    return out


def dev_scores(scorer, papers: list[PaperTyped], model: OneVsRest | None) -> dict:
    """The reference scorer's figures on ``papers`` typed by ``model`` (None: the NER's
    votes)."""
    gold, preds = {}, {}
    for p in papers:
        ents = p.entities if model is None else [
            {**e, "type": model.predict(f)} for e, f in zip(p.entities, p.features, strict=True)]
        gold[p.id], preds[p.id] = p.gold, {"entities": ents, "relations": [], "code": []}
    return scorer.score(gold, preds, sorted(gold))


def fit_types(nlp, shared: Path, report: bool = True) -> PaperTypes:
    """The type model fit on the train split, with the L2 strength that maximises typed
    entity F1 on the dev split; an empty one (the NER's votes stand) if none beats them."""
    scorer = reference_scorer(shared)
    data = type_examples(nlp, shared, {"train", "dev"})
    train = [(f, y) for p in data["train"]
             for f, y in zip(p.features, p.labels, strict=True) if y is not None]
    dev = data["dev"]

    def accuracy(model: OneVsRest | None) -> float:
        pairs = [(e["type"] if model is None else model.predict(f), y) for p in dev
                 for e, f, y in zip(p.entities, p.features, p.labels, strict=True) if y]
        return sum(a == y for a, y in pairs) / max(len(pairs), 1)

    base = dev_scores(scorer, dev, None)["entity_typed"][2]
    table = [{"model": "NER votes", "typed_F1": round(base, 4),
              "accuracy": round(accuracy(None), 4)}]
    best = (base, None, None)
    for l2 in L2S:
        model = OneVsRest.fit(train, TYPES, l2=l2)
        f1 = dev_scores(scorer, dev, model)["entity_typed"][2]
        table.append({"l2": l2, "typed_F1": round(f1, 4), "accuracy": round(accuracy(model), 4)})
        if f1 > best[0] + 1e-9:
            best = (f1, l2, model)
    if report:
        print(json.dumps({"train_entities": len(train), "chosen_l2": best[1]}))
        for row in table:
            print(json.dumps(row))
    return PaperTypes(best[2])


if __name__ == "__main__":
    refit_main(__doc__, "kg_paper_types", fit_types)
