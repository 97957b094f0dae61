"""Self-training data (#19 item 3): the shipped pipeline's entities on unannotated abstracts.

Draws ``--n`` abstracts of the arXiv listing (``../shared/corpus/arxiv-cs-2025.jsonl.gz``)
that no annotation file names (first or second pass, nor any paper of the 5,000-paper
annotation pool) and whose title is not one of the shared dev set's, in the order of a
hash of their id (a fixed, uniform sample), runs ``kg extract`` on them and writes the
*kept* entities' mentions (after the gazetteer, filters, keep and type models: the whole
pipeline, better than its NER alone) as ``silver.jsonl``: one record per paper with the
title's and the abstract's spans (start, end, NER label; Model folded into Method).

``prepare_data.py --silver FILE`` adds them to the train split only, once each (the
annotations are repeated 3 times). They are machine output, not annotations: they never
enter the dev or held-out splits, nor any figure of agreement.

usage: python training/silver.py --n 10000 --out training/corpus/silver.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from prepare_data import shared_dev_titles

from kg.util.normalize import norm_name

ROOT = Path(__file__).resolve().parent

LABELS = {"Method": "Method", "Model": "Method", "Dataset": "Dataset", "Task": "Task",
          "Metric": "Metric"}


def annotated_ids() -> set[str]:
    """Every paper id any annotation file or the annotation pool names."""
    root = ROOT / "annotations"
    ids = set()
    for path in root.rglob("*.jsonl"):
        for line in path.open(encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                ids.add(r.get("id"))
                ids.update(r.get("ids", []))
    return ids


def sample(shared: Path, n: int) -> list[dict]:
    """``n`` unannotated listing papers, in the order of a hash of their id."""
    skip, dev = annotated_ids(), shared_dev_titles(shared)
    keyed = []
    with gzip.open(shared / "corpus" / "arxiv-cs-2025.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["id"] in skip or norm_name(r["title"]) in dev:
                continue
            keyed.append((hashlib.sha256(r["id"].encode()).hexdigest(), r))
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed[:n]]


def silver_records(extractions: Path):
    """Per paper: the kept entities' mention spans, by field, longest first when they
    overlap (the NER's entities cannot)."""
    for line in extractions.open(encoding="utf-8"):
        x = json.loads(line)
        spans = {"title": [], "abstract": []}
        for e in x["entities"]:
            label = LABELS.get(e["type"])
            if label is None:
                continue
            for m in e["mentions"]:
                spans[m["field"]].append((m["start"], m["end"], label))
        yield {"id": x["id"], **{f: sorted(set(s)) for f, s in spans.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=ROOT / "corpus" / "silver.jsonl")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    papers = sample(args.shared, args.n)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src, ext = Path(tmp) / "papers.jsonl", Path(tmp) / "extractions.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for p in papers:
                fh.write(json.dumps({k: p[k] for k in ("id", "title", "abstract")}) + "\n")
        subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(src), "-o", str(ext),
                        "--workers", str(args.workers), "-q"], check=True)
        texts = {p["id"]: p for p in papers}
        n = 0
        with args.out.open("w", encoding="utf-8") as out:
            for rec in silver_records(ext):
                p = texts[rec["id"]]
                out.write(json.dumps({"id": rec["id"], "title": p["title"],
                                      "abstract": p["abstract"], "spans": {
                                          "title": rec["title"],
                                          "abstract": rec["abstract"]}}) + "\n")
                n += 1
    print(json.dumps({"papers": n, "out": str(args.out)}))


if __name__ == "__main__":
    main()
