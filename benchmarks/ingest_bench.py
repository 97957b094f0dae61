"""Ingest speed alone (``read_papers``, no extraction): papers per second.

The input is ``../shared/corpus/hf-daily-papers-2024.jsonl`` (693 real papers) repeated
``--copies`` times, twice over: verbatim (every later copy is a duplicate that ingest
merges) and with each copy's ids and titles made distinct (every record a new paper),
each as plain JSON Lines and gzip-compressed. Best of ``--runs`` runs, in wall time and in
CPU time of the process (the one to compare on a busy machine).

    .venv/bin/python benchmarks/ingest_bench.py --copies 50
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from pathlib import Path

from kg.ingest import IngestReport, read_papers

SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" \
    / "hf-daily-papers-2024.jsonl"


def _inputs(folder: Path, copies: int) -> dict[str, Path]:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    verbatim = "".join(line + "\n" for line in lines) * copies
    distinct = []
    for k in range(copies):
        for line in lines:
            record = json.loads(line)
            record["id"] = f"{record['id']}-{k}"
            record["title"] = f"{record['title']} ({k})"
            record.pop("url", None)
            distinct.append(json.dumps(record, ensure_ascii=False) + "\n")
    paths = {}
    for name, text in (("repeated", verbatim), ("distinct", "".join(distinct))):
        plain = folder / f"{name}.jsonl"
        plain.write_text(text, encoding="utf-8")
        paths[name] = plain
        packed = folder / f"{name}.jsonl.gz"
        packed.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=6))
        paths[name + ".gz"] = packed
    return paths


def _time(path: Path, runs: int) -> tuple[float, float, int, int]:
    wall = cpu = float("inf")
    papers = read = 0
    for _ in range(runs):
        report = IngestReport()
        t, c = time.perf_counter(), time.process_time()
        papers = sum(1 for _ in read_papers([path], report=report))
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
        read = report.read
    return wall, cpu, read, papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None,
                        help="Inputs to time (repeated, distinct, repeated.gz, distinct.gz).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = _inputs(Path(tmp), args.copies)
        for name, path in paths.items():
            if args.only and name not in args.only:
                continue
            wall, cpu, read, papers = _time(path, args.runs)
            if not read:  # compressed input before it was supported
                print(f"{name:13s} not read")
                continue
            print(f"{name:13s} {read:7,d} records {papers:7,d} papers  wall {wall:6.2f} s "
                  f"{read / wall:7,.0f}/s  cpu {cpu:6.2f} s {read / cpu:7,.0f}/s")


if __name__ == "__main__":
    main()
