"""Draw the arXiv abstracts to annotate, in proportion to the listing's categories and months.

The pool is ``../shared/corpus/arxiv-cs-2025.jsonl.gz`` (108k arXiv cs abstracts, CC0). The
sample is systematic over the papers sorted by stratum (primary category, month of listing)
and, within a stratum, by a hash of the id: every k-th paper, so each stratum gets its
share up to rounding, and the same pool always gives the same sample. The sample is then
put in hash order and cut into batches, so any run of leading batches is itself a random,
roughly proportional part of it: annotation can stop at any batch without skewing what
has been annotated.

Writes ``annotations/arxiv-cs-2025/batches.jsonl`` (one line a batch: its name and ids;
committed, so what each batch came from is kept) and, with ``--texts DIR``, one
``DIR/batch-NNN.jsonl`` of ``{id, title, abstract}`` per batch for the annotators.

usage: python training/sample_annotation_pool.py [--n 5000] [--batch-size 40] [--texts DIR]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent
POOL = ROOT.parent.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"
OUT = ROOT / "annotations" / "arxiv-cs-2025" / "batches.jsonl"


def _hash(paper_id: str) -> str:
    return hashlib.sha256(paper_id.encode("utf-8")).hexdigest()


def stratified_sample(papers: list[dict], n: int) -> list[dict]:
    """Every (len/n)-th paper of the pool sorted by (primary category, month, hash)."""
    ordered = sorted(
        papers, key=lambda p: (p["categories"][0], p["date"][:7], _hash(p["id"]))
    )
    step = len(ordered) / n
    picked = [ordered[int(i * step + step / 2)] for i in range(n)]
    return sorted(picked, key=lambda p: _hash("batch-order:" + p["id"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pool", type=Path, default=POOL)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--batch-size", type=int, default=40)
    ap.add_argument("--texts", type=Path, help="write each batch's texts here")
    args = ap.parse_args()

    with gzip.open(args.pool, "rt", encoding="utf-8") as fh:
        papers = [json.loads(line) for line in fh]
    sample = stratified_sample(papers, args.n)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if args.texts:
        args.texts.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for start in range(0, len(sample), args.batch_size):
            batch = sample[start : start + args.batch_size]
            name = f"batch-{start // args.batch_size:03d}"
            out.write(json.dumps({"batch": name, "ids": [p["id"] for p in batch]}) + "\n")
            if args.texts:
                with (args.texts / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
                    for p in batch:
                        row = {k: p[k] for k in ("id", "title", "abstract")}
                        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(sample)} papers in {-(-len(sample) // args.batch_size)} batches -> {OUT}")


if __name__ == "__main__":
    main()
