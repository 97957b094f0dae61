"""Train compact static word vectors on in-domain unlabeled text, for the NER's tok2vec.

The NER learns from a few thousand labelled sentences; vectors trained on millions of
words of the same kind of text (ML papers) give it word similarities the labels alone
cannot, e.g. that an unseen dataset or model name resembles ones it was trained on.

Text: the SciREX full texts (Apache-2.0; every sentence but the section markers,
detokenised like :func:`prepare_data.detokenize`) and the titles and abstracts of
``../shared/corpus/hf-daily-papers-2024.jsonl``, ``papers.jsonl`` and the 108k abstracts of
the 2025-26 arXiv cs listing (``arxiv-cs-2025.jsonl.gz``, CC0; ~19M words). Papers of the
project's own ``dev`` and ``heldout`` splits (every annotation file, the arXiv batches
included) and of the shared dev set are left out (by normalised title), so that no figure
is measured on text the vectors saw. SciER
(GPL-3.0) is never read.

The text is split by the project's scientific tokenizer (the one the pipeline runs), so
the vectors' words are the pipeline's tokens, and lower-cased (the vectors are keyed on
``LOWER``: a small corpus is better spent on one spelling of each word; case still
reaches the NER through its ``SHAPE`` features). floret (explosion's fastText fork)
trains subword vectors into a small hash table, so every token, seen or not, gets a
vector; ``spacy init vectors --mode floret`` turns the table into a spaCy vectors model
for ``[initialize] vectors`` of ``config-vectors.cfg``. floret's one training thread
draws from a fixed-seed generator, so a run is reproducible.

usage: python training/train_vectors.py [--shared ../shared] [--out training/corpus/vectors]
                                        [--bucket 50000] [--dim 80] [--epoch 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from prepare_data import (
    ROOT,
    annotation_files,
    detokenize,
    sample_id,
    shared_dev_titles,
    split_of,
)

from kg.extract.pipeline import load_pipeline
from kg.util.normalize import norm_name

#: First tokens of SciREX's structural lines ("section : Introduction"), not prose.
MARKERS = {"section", "subsection", "subsubsection", "document"}


def paper_texts(shared: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(id, title, paragraphs) of every source paper, SciREX full texts first."""
    for path in sorted((shared / "benchmarks" / "scirex").glob("train.*.jsonl")):
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            text = d["text"]
            sents = []
            for s, e in d["sentences"]:
                tokens = text[s:e].split(" ")
                if tokens and tokens[0] not in MARKERS:
                    sents.append(detokenize(tokens)[0])
            title = detokenize(d["title"].split(" "))[0] if d.get("title") else ""
            yield d["doc_id"], title, sents
    corpus = shared / "corpus"
    for line in (corpus / "hf-daily-papers-2024.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        yield r["id"], r["title"], [r["title"], r["abstract"]]
    for line in (corpus / "papers.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        yield sample_id(r["title"]), r["title"], [r["title"], r["abstract"]]
    listing = corpus / "arxiv-cs-2025.jsonl.gz"
    if listing.exists():
        with gzip.open(listing, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                yield r["id"], r["title"], [r["title"], r["abstract"]]


def evaluation_titles(shared: Path) -> set[str]:
    """Normalised titles of every paper some figure is measured on: the project's dev and
    heldout splits and the shared dev set. Titles, not ids, because the same paper can
    come from two sources under two ids."""
    annotated = {json.loads(line)["id"] for path in annotation_files()
                 for line in path.open(encoding="utf-8") if line.strip()}
    held = {i for i in annotated if split_of(i) != "train"}
    titles = shared_dev_titles(shared)
    for pid, title, _ in paper_texts(shared):
        if pid in held:
            titles.add(norm_name(title))
    return titles


def unlabeled_papers(shared: Path, stats: dict[str, int]) -> Iterator[list[str]]:
    """The paragraphs of each paper no figure is measured on, each paper once (by
    normalised title); counts the ``papers`` read and ``skipped`` in ``stats``."""
    skip = evaluation_titles(shared)
    seen: set[str] = set()
    stats.setdefault("papers", 0)
    stats.setdefault("skipped", 0)
    for _, title, paras in paper_texts(shared):
        key = norm_name(title)
        if key in skip or key in seen:
            stats["skipped"] += 1
            continue
        seen.add(key)
        stats["papers"] += 1
        yield paras


def write_text(shared: Path, target: Path) -> dict[str, int]:
    """Tokenised, lower-cased training text, one paragraph or sentence a line."""
    tokenizer = load_pipeline(None).tokenizer
    stats = {"papers": 0, "skipped": 0, "lines": 0, "tokens": 0}
    with target.open("w", encoding="utf-8") as out:
        for paras in unlabeled_papers(shared, stats):
            for doc in tokenizer.pipe(paras, batch_size=256):
                words = [t.lower_ for t in doc if not t.is_space]
                if words:
                    out.write(" ".join(words) + "\n")
                    stats["lines"] += 1
                    stats["tokens"] += len(words)
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus" / "vectors",
                    help="spaCy vectors model to write (its text and floret table beside it)")
    ap.add_argument("--bucket", type=int, default=50000, help="rows of the hash table")
    ap.add_argument("--dim", type=int, default=80)
    ap.add_argument("--epoch", type=int, default=3,
                    help="passes over the ~24M tokens (3: the shipped vectors, ~1 h)")
    ap.add_argument("--model", choices=["cbow", "skipgram"], default="skipgram")
    ap.add_argument("--reuse-text", action="store_true",
                    help="keep the tokenised text an earlier run left beside --out")
    args = ap.parse_args()
    import floret  # training-only dependency: pip install floret

    t0 = time.perf_counter()
    work = args.out.with_name(args.out.name + ".work")
    work.mkdir(parents=True, exist_ok=True)
    text = work / "text.txt"
    if args.reuse_text and text.exists():
        stats = {"lines": 0, "tokens": 0}
        with text.open(encoding="utf-8") as fh:
            for line in fh:
                stats["lines"] += 1
                stats["tokens"] += line.count(" ") + 1
    else:
        stats = write_text(args.shared, text)
    t1 = time.perf_counter()
    model = floret.train_unsupervised(
        str(text), model=args.model, mode="floret", hashCount=2, bucket=args.bucket,
        minn=3, maxn=6, dim=args.dim, epoch=args.epoch, minCount=3, thread=1,
        verbose=0)
    table = work / "vectors.floret"
    model.save_floret_vectors(str(table))
    t2 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en", str(table),
                    str(args.out), "--mode", "floret", "--attr", "LOWER"], check=True)
    t3 = time.perf_counter()
    print(json.dumps({**stats, "text_s": round(t1 - t0, 1), "floret_s": round(t2 - t1, 1),
                      "init_s": round(t3 - t2, 1), "total_s": round(t3 - t0, 1),
                      "vectors": str(args.out)}))


if __name__ == "__main__":
    main()
