"""Train the Model-vs-Method name classifier of ``kg_entity_typing`` and store it in a pipeline.

Examples are the Model and Method entity names (and their aliases) of the project's own
annotations in the ``train`` split (papers of the shared dev set left out, as for the
NER); accuracy is printed on the ``dev`` split's names. The classifier is written
with the pipeline's ``to_disk`` (``kg_entity_typing/name_classifier.json``).

usage: python training/train_typing.py [--pipeline kg/data/pipeline] [--l2 1.0]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from prepare_data import ROOT, annotated_papers

from kg.extract.doc.mention_types import NameClassifier, name_features, shape_type
from kg.extract.pipeline import default_pipeline_path, load_pipeline, save_pipeline


def typed_names(shared: Path, split: str) -> list[tuple[str, str]]:
    """(surface form, Model|Method) of every annotated Model/Method entity in ``split``."""
    return [(form, e["type"]) for ann, _ in annotated_papers(shared, {split})
            for e in ann["entities"] if e["type"] in ("Model", "Method")
            for form in [e["name"], *e.get("aliases", [])] if form.strip()]


def examples(names: list[tuple[str, str]]) -> list[tuple[list[str], bool]]:
    return [(name_features(n, shape_type(n)), t == "Model") for n, t in names]


def accuracy(clf: NameClassifier, names: list[tuple[str, str]]) -> float:
    hits = sum(clf.predict(name_features(n, shape_type(n))) == t for n, t in names)
    return hits / max(1, len(names))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--pipeline", type=Path, default=default_pipeline_path())
    ap.add_argument("--l2", type=float, default=1.0)
    args = ap.parse_args()
    train, dev = typed_names(args.shared, "train"), typed_names(args.shared, "dev")
    clf = NameClassifier.fit(examples(train), l2=args.l2)
    rule = sum((shape_type(n) or "Method") == t for n, t in dev) / max(1, len(dev))
    print(json.dumps({"train_names": len(train), "dev_names": len(dev),
                      "features": len(clf.weights), "dev_accuracy": round(accuracy(clf, dev), 3),
                      "dev_accuracy_shape_rules": round(rule, 3)}))
    nlp = load_pipeline(str(args.pipeline))
    nlp.get_pipe("kg_entity_typing").classifier = clf
    save_pipeline(nlp, args.pipeline)


if __name__ == "__main__":
    main()
