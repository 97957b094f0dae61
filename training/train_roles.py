"""Train the paper-role model of ``kg_paper_roles`` and store it in a pipeline.

The pipeline (without a role model, so the rules decide) runs over the papers of the
project's own annotations; every extracted entity that matches an annotated one by name
and type (as ``score_gold.py`` matches them) is an example, labelled with the annotated
role. The model is fit on the ``train`` split; role accuracy, rules against model, is
printed on the ``dev`` split. Shared dev papers are left out, as everywhere in training.

usage: python training/train_roles.py [--pipeline kg/data/pipeline] [--l2 1.0]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from prepare_data import ROOT, annotated_extractions, split_of

from kg.extract.learn import OneVsRest
from kg.extract.paper.roles import ROLES, role_features
from kg.extract.pipeline import default_pipeline_path, load_pipeline, optional_pipe, save_pipeline


class _Capture:
    """Stands in for the role model: records the features, keeps the rules' role."""

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def decide(self, rule_role, etype, source, mentions, abstract) -> str:
        self.features.append(role_features(rule_role, etype, source, mentions, abstract))
        return rule_role


def role_examples(nlp, shared: Path, splits: set[str]
                  ) -> dict[str, list[tuple[list[str], str, str]]]:
    """Per split: (features, annotated role, rules' role) of each matched entity."""
    sys.path.insert(0, str(shared / "annotation"))
    from score_gold import forms  # the reference scorer's name matching

    out: dict[str, list] = {s: [] for s in splits}
    capture = _Capture()
    for ann, ext in annotated_extractions(nlp, shared, splits, roles=capture,
                                          types=optional_pipe(nlp, "kg_paper_types")):
        features, capture.features = capture.features, []
        by_form = {}
        for g in ann["entities"]:
            for f in forms(g):
                by_form.setdefault(f, g)
        for entity, feats in zip(ext.entities, features, strict=True):
            match = sorted(forms(entity.to_json()) & set(by_form))
            if match and by_form[match[0]]["type"] == entity.type:
                out[split_of(ext.id)].append((feats, by_form[match[0]]["role"], entity.role))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--pipeline", type=Path, default=default_pipeline_path())
    ap.add_argument("--l2", type=float, default=1.0)
    args = ap.parse_args()
    nlp = load_pipeline(str(args.pipeline))
    if "kg_paper_roles" not in nlp.pipe_names:
        nlp.add_pipe("kg_paper_roles")
    data = role_examples(nlp, args.shared, {"train", "dev"})
    model = OneVsRest.fit([(f, role) for f, role, _ in data["train"]], ROLES, l2=args.l2)
    dev = data["dev"]
    print(json.dumps({
        "train_entities": len(data["train"]), "dev_entities": len(dev),
        "dev_role_accuracy_rules": round(sum(g == r for _, g, r in dev) / max(1, len(dev)), 3),
        "dev_role_accuracy_model": round(
            sum(model.predict(f) == g for f, g, _ in dev) / max(1, len(dev)), 3)}))
    nlp.get_pipe("kg_paper_roles").model = model
    save_pipeline(nlp, args.pipeline)


if __name__ == "__main__":
    main()
