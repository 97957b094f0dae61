"""Pretrain the NER's tok2vec on the unlabeled listing (``spacy pretrain``).

The NER learns from a few thousand annotated abstracts; the 2025-26 arXiv listing holds
108k more that nobody labelled. ``spacy pretrain`` teaches the tok2vec of
``config-vectors.cfg`` to predict each word's first and last characters from its context
(spaCy's ``PretrainCharacters`` objective), so the layers the NER starts from already
encode how words of this kind of text relate; ``train.py --init-tok2vec`` then starts the
NER from these weights instead of random ones.

Text: the same sources and exclusions as :mod:`train_vectors` (every paper of the
project's dev and held-out splits and of the shared dev set left out by normalised title;
SciER never read), one record per abstract (title and abstract) or per block of SciREX
full-text sentences, in the original case (the tok2vec sees case through ``SHAPE``).

usage: python training/pretrain_tok2vec.py --vectors DIR [--shared ../shared]
                                           [--out training/corpus/pretrain] [--epochs 1]
                                           [--every N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from prepare_data import ROOT
from spacy.training.pretrain import pretrain
from spacy.util import load_config
from train_vectors import unlabeled_papers

#: SciREX full texts are cut into records of about this many words.
BLOCK_WORDS = 200


def records(paras: list[str]) -> list[str]:
    """Whole abstracts stay one record; long full texts are cut into blocks."""
    out: list[str] = []
    block: list[str] = []
    words = 0
    for p in paras:
        block.append(p)
        words += p.count(" ") + 1
        if words >= BLOCK_WORDS:
            out.append(" ".join(block))
            block, words = [], 0
    if block:
        out.append(" ".join(block))
    return out


def write_raw_text(shared: Path, target: Path, every: int = 1) -> dict[str, int]:
    """JSON Lines of ``{"text": ...}`` for ``spacy.JsonlCorpus``, evaluation papers left out;
    only every ``every``-th record (an evenly spread share of every source)."""
    stats = {"papers": 0, "skipped": 0, "records": 0, "written": 0}
    tmp = target.with_suffix(".part")
    with tmp.open("w", encoding="utf-8") as out:
        for paras in unlabeled_papers(shared, stats):
            for text in records(paras):
                stats["records"] += 1
                if stats["records"] % every == 0:
                    out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
                    stats["written"] += 1
    tmp.replace(target)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--config", type=Path, default=ROOT / "config-vectors.cfg")
    ap.add_argument("--vectors", type=Path, required=True,
                    help="the vectors model the NER will train with (train_vectors.py)")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus" / "pretrain")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--every", type=int, default=1,
                    help="pretrain on every N-th record only (CPU pretraining runs ~2k "
                         "words/s: the whole 19M-word text is hours per epoch)")
    ap.add_argument("--reuse-text", action="store_true",
                    help="keep the raw text an earlier run left in --out")
    args = ap.parse_args()
    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    raw = args.out / "raw.jsonl"
    stats = {} if args.reuse_text and raw.exists() else write_raw_text(args.shared, raw, args.every)
    t1 = time.perf_counter()
    config = load_config(args.config, overrides={
        "paths.raw_text": str(raw), "paths.vectors": str(args.vectors),
        "pretraining.max_epochs": args.epochs}, interpolate=False)
    config.to_disk(args.out / "config.cfg")
    pretrain(config.interpolate(), args.out, silent=False)
    t2 = time.perf_counter()
    print(json.dumps({**stats, "text_s": round(t1 - t0, 1), "pretrain_s": round(t2 - t1, 1),
                      "weights": str(args.out / f"model{args.epochs - 1}.bin")}),
          file=sys.stdout)


if __name__ == "__main__":
    main()
