"""Peak memory and time of the RDF export (``kg.export.rdf_files.write_rdf``) on its own.

The synthetic graph of ``rdf_bench.py`` (the kg.graph.property_graph schema, ~360 triples
per paper) is
built in a fresh process; then the process's RSS high-water mark is reset
(``/proc/self/clear_refs``, Linux) and ``write_rdf`` runs, fsyncing its files like a build.
Printed: the RSS before the export (graph + interpreter), the peak during it, the peak
*growth* (what the export itself costs on top of the graph), the wall and CPU time (CPU
time is the steadier figure on a shared machine), the bytes written, and the triple count.

    python benchmarks/rdf_memory.py [--papers 10000] [--shards 0] [--chunk 200000] [--json]

``--legacy`` runs the former in-memory writer instead (all triples and all lines at once:
``canonical`` + ``turtle_bytes`` + ``jsonld_bytes`` + ``shard_lines``, same bytes), for
comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rdf_bench import synthetic_rdf_graph  # noqa: E402


def _status(field: str) -> int:
    """A ``/proc/self/status`` figure in MB (VmRSS: now, VmHWM: peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def write_rdf_in_memory(g, out: Path, shards: int = 0) -> None:
    """The RDF export as written before the streaming writer (kg 2026-11, commit 31cd9b3)."""
    from kg.export.rdf_files import canonical, jsonld_bytes, shard_lines, turtle_bytes
    from kg.graph.rdf import to_triples

    nt, triples = canonical(to_triples(g))
    files = {"graph.nt": nt, "graph.ttl": turtle_bytes(triples),
             "graph.jsonld": jsonld_bytes(triples)}
    if shards:
        files.update({f"graph-{n:03d}.nt": d for n, d in enumerate(shard_lines(nt, shards))})
    for name, data in files.items():
        with open(out / name, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shards", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=None,
                    help="triples per sorted run / output chunk (default: write_rdf's)")
    ap.add_argument("--legacy", action="store_true", help="the former in-memory writer")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    from kg.export import rdf_files

    t0 = time.perf_counter()
    g = synthetic_rdf_graph(args.papers, args.seed)
    t_gen = time.perf_counter() - t0
    out = Path(tempfile.mkdtemp(prefix="kg-rdf-memory-"))
    try:
        before = _status("VmRSS")
        reset = _reset_peak()
        kwargs = {} if args.chunk is None or args.legacy else {"chunk": args.chunk}
        writer = write_rdf_in_memory if args.legacy else rdf_files.write_rdf
        t0, c0 = time.perf_counter(), time.process_time()
        writer(g, out, shards=args.shards, **kwargs)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = _status("VmHWM")
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
        with open(out / "graph.nt", "rb") as fh:
            triples = sum(1 for _ in fh)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    figures = {"papers": args.papers, "nodes": g.number_of_nodes(),
               "edges": g.number_of_edges(), "triples": triples,
               "writer": "legacy" if args.legacy else "streaming",
               "generate_s": round(t_gen, 1), "rss_before_mb": before, "peak_mb": peak,
               "peak_growth_mb": peak - before if reset else None,
               "write_s": round(wall, 2), "cpu_s": round(cpu, 2),
               "bytes": sizes}
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{args.papers:,} papers, {g.number_of_nodes():,} nodes, {g.number_of_edges():,} "
          f"edges, {triples:,} triples ({figures['writer']} writer)")
    print(f"RSS before write_rdf {before} MB, peak during it {peak} MB"
          + (f" (+{peak - before} MB)" if reset else " (peak not resettable: process peak)"))
    print(f"write_rdf {wall:.2f} s wall, {cpu:.2f} s CPU; " + ", ".join(f"{k} {v / 1e6:.1f} MB"
                                                for k, v in sizes.items()))


if __name__ == "__main__":
    main()
