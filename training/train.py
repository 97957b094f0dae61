"""Reproduce the shipped extractor pipeline (``kg/data/pipeline``) from public data.

Steps: build the DocBin corpora (:mod:`prepare_data`), train floret vectors on the
unlabeled listing (:mod:`train_vectors`, about an hour; skipped when ``CORPUS/vectors``
exists), train tok2vec + ner with ``spacy train`` on ``training/config-vectors.cfg``, then
assemble the full pipeline (scientific
tokenizer, sentence rules, the trained NER and the rule components), train the Model/Method
name classifier of ``kg_entity_typing`` (:mod:`train_typing`, seconds), the keep/drop
model of ``kg_entity_keep`` (:mod:`train_keep`, a minute), the paper-level type model of
``kg_paper_types`` (:mod:`train_types`, a minute), the paper-role model of
``kg_paper_roles`` (:mod:`train_roles`, half a minute) and the relation model of
``kg_relation_keep`` (:mod:`train_relation_keep`, half a minute), each learning from what
the steps before it produce, and write it all into the package with ``nlp.to_disk``.

usage: python training/train.py [--shared ../shared] [--max-steps N] [--no-scirex]
                                [--config training/config-vectors.cfg] [--vectors DIR] [--seed N]
                                [--init-tok2vec PRETRAINED.bin]
                                [--train-fraction F]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from spacy.cli.train import train as spacy_train
from train_keep import fit_keep, install
from train_relation_keep import fit_relation_keep
from train_roles import role_examples
from train_types import fit_types
from train_typing import examples, typed_names

from kg.extract.doc.mention_types import NameClassifier
from kg.extract.learn import OneVsRest
from kg.extract.paper.roles import ROLES
from kg.extract.pipeline import assemble, default_pipeline_path, save_pipeline

ROOT = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--output", type=Path, default=ROOT / "output")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--config", type=Path, default=ROOT / "config-vectors.cfg",
                    help="spaCy training config (the default embeds static vectors; "
                         "config.cfg: without them)")
    ap.add_argument("--seed", type=int, default=None,
                    help="override the config's [system] seed (to tell a change from noise)")
    ap.add_argument("--vectors", type=Path, default=None,
                    help="spaCy vectors model for [initialize] vectors (default with "
                         "config-vectors.cfg: CORPUS/vectors, trained by "
                         "training/train_vectors.py first when missing)")
    ap.add_argument("--init-tok2vec", type=Path, default=None,
                    help="start the tok2vec from these pretrained weights (a `spacy "
                         "pretrain` model*.bin: training/pretrain_tok2vec.py writes them)")
    ap.add_argument("--no-scirex", action="store_true")
    ap.add_argument("--train-fraction", type=float, default=None,
                    help="train on this share of the own annotations' train split (for a "
                         "learning curve; dev and held-out unchanged)")
    ap.add_argument("--arxiv-batches", type=int, default=None,
                    help="read only the first N finished batches of the arXiv listing's "
                         "annotations (default: all; the shipped pipeline: see README)")
    ap.add_argument("--silver", type=Path, default=None,
                    help="also train the NER on this self-training file (training/silver.py)")
    ap.add_argument("--skip-prepare", action="store_true")
    ap.add_argument("--from-model", type=Path, default=None,
                    help="skip data preparation and training: assemble this trained "
                         "tok2vec+ner (a spacy train output's model-best) into the package")
    ap.add_argument("--install", type=Path, default=default_pipeline_path(),
                    help="where to write the assembled pipeline (default: the package)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.train_fraction is not None:  # read by prepare_data.split_of, here and in its run
        os.environ["KG_TRAIN_FRACTION"] = str(args.train_fraction)
    if args.arxiv_batches is not None:  # read by prepare_data.annotation_files, likewise
        os.environ["KG_ARXIV_BATCHES"] = str(args.arxiv_batches)
    if args.from_model:
        args.skip_prepare = True
    if not args.skip_prepare:
        cmd = [sys.executable, str(ROOT / "prepare_data.py"), "--shared", str(args.shared),
               "--out", str(args.corpus)] + (["--no-scirex"] if args.no_scirex else []) + (
            ["--silver", str(args.silver)] if args.silver else [])
        subprocess.run(cmd, check=True)
    if args.vectors is None and args.config.name == "config-vectors.cfg":
        args.vectors = args.corpus / "vectors"
        if not args.vectors.exists() and not args.from_model:
            subprocess.run([sys.executable, str(ROOT / "train_vectors.py"), "--shared",
                            str(args.shared), "--out", str(args.vectors)], check=True)
    t1 = time.perf_counter()
    overrides = {"paths.train": str(args.corpus / "train.spacy"),
                 "paths.dev": str(args.corpus / "dev.spacy")}
    if args.max_steps:
        overrides["training.max_steps"] = args.max_steps
    if args.vectors:
        overrides["paths.vectors"] = str(args.vectors)
    if args.seed is not None:
        overrides["system.seed"] = args.seed
    if args.init_tok2vec:
        overrides["paths.init_tok2vec"] = str(args.init_tok2vec)
    if not args.from_model:
        spacy_train(args.config, args.output, overrides=overrides)
    t2 = time.perf_counter()
    nlp = assemble(args.from_model or args.output / "model-best")
    nlp.get_pipe("kg_entity_typing").classifier = NameClassifier.fit(
        examples(typed_names(args.shared, "train")))
    # The keep model judges the candidates this pipeline proposes; threshold from dev.
    install(nlp, "kg_entity_keep", fit_keep(nlp, args.shared, report=False))
    # The type model retypes the entities kept; L2 strength from dev.
    install(nlp, "kg_paper_types", fit_types(nlp, args.shared, report=False))
    # The role model learns from the typed entities this pipeline extracts.
    roles = role_examples(nlp, args.shared, {"train"})["train"]
    nlp.get_pipe("kg_paper_roles").model = OneVsRest.fit([(f, r) for f, r, _ in roles], ROLES)
    # The relation keep model judges the relations between the entities kept.
    install(nlp, "kg_relation_keep", fit_relation_keep(nlp, args.shared, report=False))
    nlp.meta.update({
        "name": "kg_extractor",
        "version": "0.1.0",
        "description": "Scientific entity extractor of the kg package: methods, models, "
                       "datasets, tasks and metrics in paper abstracts.",
        "license": "Apache-2.0; the gazetteer entries (kg_gazetteer/) derived from Papers "
                   "with Code are CC BY-SA 4.0, see kg/data/gazetteer/README.md",
        "sources": [
            {"name": "SciREX", "url": "https://github.com/allenai/SciREX",
             "license": "Apache-2.0",
             "author": "Jain, van Zuylen, Hajishirzi, Beltagy (ACL 2020)"},
            {"name": "kg project annotations of Hugging Face daily-papers abstracts",
             "license": "Apache-2.0"},
        ],
    })
    save_pipeline(nlp, args.install)
    t3 = time.perf_counter()
    print(json.dumps({"prepare_s": round(t1 - t0, 1), "train_s": round(t2 - t1, 1),
                      "assemble_s": round(t3 - t2, 1), "total_s": round(t3 - t0, 1),
                      "installed": str(args.install)}))


if __name__ == "__main__":
    main()
