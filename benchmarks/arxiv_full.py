"""The whole 2025-26 arXiv cs listing (108k real abstracts) as a user meets it: the build,
one more month added with the extraction cache warm, every competency query, ``kg.load``
and ``kg serve`` of the graph.

Steps, each in a fresh process, measured in this one run:

1. reference speeds (stock CNN NER on one and two processes, kg's extraction on one) on an
   evenly spaced slice of the listing (``--refs-size``): four passes over 108k abstracts
   would take over an hour, so the whole build is compared with them per word;
2. ``kg build`` of the compressed listing itself (``arxiv-cs-2025.jsonl.gz``) on
   ``--workers`` processes with an empty extraction cache: wall time, stage times, peak
   RSS and PSS of the process tree (sampled every 0.1 s);
3. one more month: a copy of that cache without the last full month's papers (and the
   few days after it), then the same build again, which extracts only those (the state of
   a user who built up to the month before and adds the new one); its exports are
   compared byte for byte with step 2's;
4. ``kg.load`` of the build directory (wall time, peak RSS);
5. every ``ontology/queries/*.rq`` with pyoxigraph (``kg.query`` on a loaded store, median
   of three; the store's load time apart);
6. ``kg serve --store`` of the build, started twice: seconds from the command until its
   endpoint answers the first time (the export is loaded into the store) and again with
   the store kept from the first start; then every query over HTTP (median of three).

    python benchmarks/arxiv_full.py --json /tmp/arxiv-full.json

About 40 minutes on 2 cores. ``--reuse DIR`` skips steps 1-3 and measures the graph
already built in DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (the build and reference children, RSS sampling)

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
EXPORTS = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html",
           "extractions.jsonl", "report.json")
TARGET_QUERY_S = 1.0
TARGET_SERVE_S = 30.0


def _child(code: str, *argv: str) -> dict[str, Any]:
    """Run ``code`` in a fresh Python; it prints one JSON object as its last line."""
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                         text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


LOAD_CODE = """
import json, resource, sys, time
t0 = time.perf_counter()
import kg
g = kg.load(sys.argv[1])
wall = time.perf_counter() - t0
print(json.dumps({"load_s": wall, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                  "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

QUERY_CODE = """
import json, resource, statistics, sys, time
from kg.query import load_store, query
t0 = time.perf_counter()
store = load_store(sys.argv[1])
load_s = time.perf_counter() - t0
out = {"store_load_s": load_s, "queries": {}}
for path in sys.argv[2:]:
    times, rows = [], 0
    for _ in range(3):
        t = time.perf_counter()
        rows = len(query(store, path))
        times.append(time.perf_counter() - t)
    out["queries"][path] = {"s": statistics.median(times), "runs": times, "rows": rows}
out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
"""


def last_month_keys(listing: Path) -> tuple[str, list[str]]:
    """The listing's last full month ("2026-06": the latest holding at least half as many
    papers as the median month, so a few days of the next one do not count as a month) and
    the extraction-cache keys of its papers and of any later ones."""
    from kg.extract.run import extractor_version
    from kg.ingest import read_papers
    from kg.store.cache import paper_key

    papers = list(read_papers([listing]))
    per_month = Counter(p.date[:7] for p in papers if p.date)
    median = statistics.median(per_month.values())
    month = max(m for m, n in per_month.items() if n >= median / 2)
    version = extractor_version()
    return month, [paper_key(p, version) for p in papers if (p.date or "")[:7] >= month]


def drop_from_cache(cache: Path, keys: list[str]) -> int:
    db = sqlite3.connect(cache / "extractions.sqlite")
    with db:
        n = sum(db.execute("DELETE FROM extraction WHERE key = ?", (k,)).rowcount
                for k in keys)
    db.execute("VACUUM")
    db.close()
    return n


def build(listing: Path, out: Path, cache: Path, workers: int, cap_gb: float,
          cap_min: float) -> dict[str, Any]:
    return bench.run_child("build", ["--workers", str(workers), "--out", str(out),
                                     "--cache-dir", str(cache), "--inputs", str(listing)],
                           int(cap_gb * 1024 * bench.MB), cap_min * 60)


def print_build(label: str, b: dict[str, Any], words: int) -> None:
    if b["stopped"]:
        print(f"  {label}: {b['stopped']}", flush=True)
        return
    t = b["timings_s"]
    print(f"  {label}: {b['papers']:,} papers, {b['wall_s']:.1f} s "
          f"({b['papers'] / b['wall_s']:.1f} abstracts/s, {words / b['wall_s']:,.0f} words/s), "
          f"{b['cpu_s'] / b['wall_s']:.2f} cores; tree peak RSS "
          f"{bench.fmt_mb(b['tree_peak_rss'])} MB (PSS {bench.fmt_mb(b['tree_peak_pss'])} MB), "
          f"driver {bench.fmt_mb(b['driver_peak_rss'])} MB; other processes "
          f"{b['other_cores']:.2f} cores", flush=True)
    print("    stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()), flush=True)
    peaks = b.get("stage_peak_rss") or {}
    if peaks:
        print("    driver peak per stage (MB): " + ", ".join(
            f"{k} {bench.fmt_mb(v)}" for k, v in peaks.items()), flush=True)


def same_exports(a: Path, b: Path) -> list[str]:
    """Names of the exports that differ between two build directories."""
    return [n for n in EXPORTS if (a / n).read_bytes() != (b / n).read_bytes()]


def serve(build_dir: Path, store: Path, timeout: float = 120.0,
          reps: int = 3) -> dict[str, Any]:
    """``kg serve --store STORE`` as a user starts it: seconds until it answers, then each
    query ``reps`` times (none when 0)."""
    from kg.serve import free_port

    port = free_port()
    kg_cli = shutil.which("kg", path=str(Path(sys.executable).parent)) or "kg"
    t0 = time.perf_counter()
    proc = subprocess.Popen([kg_cli, "serve", str(build_dir), "--port", str(port),
                             "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    out: dict[str, Any] = {"queries": {}}
    try:
        ready = None
        while time.perf_counter() - t0 < timeout and proc.poll() is None:
            try:
                _post(url, "ASK { ?s ?p ?o }")
                ready = time.perf_counter() - t0
                break
            except OSError:
                time.sleep(0.2)
        if ready is None:
            err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None else ""
            raise RuntimeError(f"kg serve did not answer within {timeout:.0f} s {err[-500:]}")
        out["ready_s"] = ready
        print(f"\nkg serve answered {ready:.1f} s after it was started", flush=True)
        tree = psutil.Process(proc.pid)
        for q in QUERIES if reps else []:
            times, size = [], 0
            try:
                for _ in range(reps):
                    t = time.perf_counter()
                    size = len(_post(url, q.read_text(encoding="utf-8")))
                    times.append(time.perf_counter() - t)
            except urllib.error.HTTPError as err:  # 503: over the server's time limit
                out["queries"][q.name] = {"s": time.perf_counter() - t, "runs": times,
                                          "error": f"HTTP {err.code}"}
                continue
            out["queries"][q.name] = {"s": statistics.median(times), "runs": times,
                                      "bytes": size}
        out["tree_rss"] = sum(p.memory_info().rss for p in [tree, *tree.children(True)])
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    return out


def _post(url: str, query: str) -> bytes:
    req = urllib.request.Request(
        url, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.read()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=bench.DEFAULT_SHARED)
    ap.add_argument("--workers", type=int, default=bench.WORKERS)
    ap.add_argument("--refs-size", type=int, default=5000,
                    help="abstracts of the listing the reference speeds are measured on")
    ap.add_argument("--limit", type=int, default=0,
                    help="build only this many abstracts (evenly spaced; a trial run)")
    ap.add_argument("--reuse", type=Path, default=None,
                    help="a build directory: measure load, queries and serve only")
    ap.add_argument("--rss-cap-gb", type=float, default=12.0)
    ap.add_argument("--max-build-min", type=float, default=60.0)
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the build, cache and inputs here (default: a temporary "
                    "folder, removed)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--serve-wait", type=float, default=1800.0,
                    help="seconds to wait for kg serve's first answer")
    ap.add_argument("--serve-reps", type=int, default=3,
                    help="runs of each query through kg serve (the median is reported)")
    ap.add_argument("--serve-only", action="store_true",
                    help="with --reuse: only step 6 (kg serve and the queries through it)")
    ap.add_argument("--plus-month-only", action="store_true",
                    help="only step 3, on the build and cache a --keep DIR run left there")
    args = ap.parse_args(argv)

    listing = args.shared / "corpus" / "arxiv-cs-2025.jsonl.gz"
    if not listing.exists():
        sys.exit(f"arxiv_full: missing {listing} (--shared)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-arxiv-full-"))
    work.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    busy = bench._busy_cores(psutil.cpu_times())
    time.sleep(1.0)
    print(f"arXiv listing benchmark — {os.cpu_count()} CPUs, other processes used "
          f"{busy():.1f} cores just before; work folder {work}", flush=True)
    result: dict[str, Any] = {}
    out = args.reuse or work / "build"
    if args.reuse is None and not args.plus_month_only:
        source = listing
        if args.limit:
            source = work / "listing.jsonl"
            bench.write_arxiv_slice(args.limit, source, args.shared)
        # 1. references, per word
        refs_in = work / "refs.jsonl"
        bench.write_arxiv_slice(args.refs_size, refs_in, args.shared)
        stock_cfg = work / "stock-ner.cfg"
        subprocess.run([sys.executable, "-m", "spacy", "init", "config", "-l", "en", "-p",
                        "ner", "-o", "efficiency", "--force", str(stock_cfg)],
                       check=True, capture_output=True)
        refs = bench.run_child("refs", ["--stock-config", str(stock_cfg), "--inputs",
                                        str(refs_in)], int(args.rss_cap_gb * 1024 * bench.MB),
                               3600)
        result["refs"] = refs
        if refs["stopped"]:
            sys.exit(f"arxiv_full: reference run {refs['stopped']}")
        print(f"\nReferences on {refs['papers']:,} evenly spaced abstracts "
              f"({refs['words']:,} words):", flush=True)
        for label, key in (("stock CNN NER, 1 process", "stock_1_s"),
                           ("stock CNN NER, 2 processes", "stock_2_s"),
                           ("kg extraction, 1 process", "kg_1_s")):
            print(f"    {label:<28} {refs['words'] / refs[key]:>8,.0f} words/s", flush=True)
        # 2. the whole build, cache empty
        words = bench.words_of([source])[1]
        cache = work / "cache"
        print(f"\nBuilds (kg build, --workers {args.workers}, extraction cache on):",
              flush=True)
        b = build(source, out, cache, args.workers, args.rss_cap_gb, args.max_build_min)
        result["build"] = b
        result["words"] = words
        print_build("whole listing, empty cache", b, words)
        if b["stopped"]:
            sys.exit(1)
        per_word = words / b["wall_s"]
        result["vs_stock_1"] = per_word / (refs["words"] / refs["stock_1_s"])
        result["vs_stock_2"] = per_word / (refs["words"] / refs["stock_2_s"])
        print(f"    per word: {result['vs_stock_1']:.2f}× the stock NER on 1 process, "
              f"{result['vs_stock_2']:.2f}× on 2", flush=True)
        # 3. one more month
        result["plus_month"] = plus_month(source, work, out, cache, words, args)
    if args.plus_month_only:
        result["plus_month"] = plus_month(listing, work, out, work / "cache",
                                          bench.words_of([listing])[1], args)
        _finish(args, result, work, t_start)
        return
    q = {"queries": {}} if args.serve_only else load_and_query(out, result)
    # 6. kg serve: a first start loads the store, a second one reuses it
    store = work / "serve-store"
    shutil.rmtree(store, ignore_errors=True)
    try:
        first = serve(out, store, timeout=args.serve_wait, reps=0)
        s = serve(out, store, timeout=args.serve_wait, reps=args.serve_reps)
        s["first_ready_s"] = first["ready_s"]
    except RuntimeError as err:
        s = {"failed": str(err)}
        print(f"\nkg serve: {err}", flush=True)
    result["serve"] = s
    if "ready_s" in s:
        print(f"\nkg serve --store answered {s['first_ready_s']:.1f} s after its first start "
              f"(store loaded), {s['ready_s']:.1f} s after the second (store kept; tree RSS "
              f"{bench.fmt_mb(s['tree_rss'])} MB); the queries through it, median of "
              f"{args.serve_reps}:")
        for path in QUERIES:
            row = s["queries"][path.name]
            print(f"  {path.stem:<28} " + (f"{row['bytes']:>11,} bytes {row['s']:>8.3f} s"
                                           if "bytes" in row else
                                           f"{row['error']} after {row['s']:.1f} s"),
                  flush=True)
    slowest = max([r["s"] for r in q["queries"].values()]
                  + [r["s"] for r in s.get("queries", {}).values()])
    ready = s.get("ready_s", float("inf"))
    targets = [(f"every competency query < {TARGET_QUERY_S:.0f} s", slowest < TARGET_QUERY_S,
                f"slowest {slowest:.3f} s"),
               (f"kg serve answers within {TARGET_SERVE_S:.0f} s (store kept)",
                ready < TARGET_SERVE_S,
                f"{ready:.1f} s" if "ready_s" in s else s["failed"][:60]),
               (f"kg serve answers within {TARGET_SERVE_S:.0f} s (first start)",
                s.get("first_ready_s", float("inf")) < TARGET_SERVE_S,
                f"{s['first_ready_s']:.1f} s" if "ready_s" in s else s["failed"][:60])]
    if "build" in result:
        b = result["build"]
        targets += [
            ("build ≥ 1.5× the stock NER on 1 core (per word)", result["vs_stock_1"] >= 1.5,
             f"{result['vs_stock_1']:.2f}×"),
            ("peak RSS of the build's processes < 4 GB",
             b["tree_peak_rss"] < bench.TARGET_100K_RSS,
             f"{bench.fmt_mb(b['tree_peak_rss'])} MB")]
    print("\nTargets")
    for label, ok, value in targets:
        print(f"  {bench.verdict(ok)}  {label:<52} {value}")
    result["targets"] = [{"target": t, "pass": ok, "value": v} for t, ok, v in targets]
    _finish(args, result, work, t_start)


def load_and_query(out: Path, result: dict[str, Any]) -> dict[str, Any]:
    """Steps 4 and 5: ``kg.load`` and the competency queries with pyoxigraph."""
    loaded = _child(LOAD_CODE, str(out))
    result["load"] = loaded
    print(f"\nkg.load({out.name}/): {loaded['load_s']:.1f} s, {loaded['nodes']:,} nodes, "
          f"{loaded['edges']:,} edges, peak RSS {bench.fmt_mb(loaded['peak_rss'])} MB",
          flush=True)
    # 5. queries with pyoxigraph
    q = _child(QUERY_CODE, str(out), *map(str, QUERIES))
    result["pyoxigraph"] = q
    print(f"\nCompetency queries, kg.query (pyoxigraph; store loaded in "
          f"{q['store_load_s']:.1f} s, peak RSS {bench.fmt_mb(q['peak_rss'])} MB), median of 3:",
          flush=True)
    for path in QUERIES:
        row = q["queries"][str(path)]
        print(f"  {path.stem:<28} {row['rows']:>7,} rows {row['s']:>8.3f} s", flush=True)
    return q


def plus_month(source: Path, work: Path, out: Path, cache: Path, words: int,
               args: argparse.Namespace) -> dict[str, Any]:
    """Step 3: the build again from a copy of ``cache`` that lacks the last month."""
    month, keys = last_month_keys(source)
    warm = work / f"cache-before-{month}"
    shutil.rmtree(warm, ignore_errors=True)
    shutil.copytree(cache, warm)
    dropped = drop_from_cache(warm, keys)
    out2 = work / "build-plus-month"
    b2 = build(source, out2, warm, args.workers, args.rss_cap_gb, args.max_build_min)
    print_build(f"+ {month} and after ({dropped:,} new papers), cache warm", b2, words)
    result = {"month": month, "papers_new": dropped, **b2}
    if not b2["stopped"]:
        differ = same_exports(out, out2)
        result["exports_differ"] = differ
        print("    exports " + ("byte-identical to the whole build's" if not differ
                                else "DIFFER: " + ", ".join(differ)), flush=True)
        shutil.rmtree(out2)
    shutil.rmtree(warm, ignore_errors=True)
    return result


def _finish(args: argparse.Namespace, result: dict[str, Any], work: Path,
            t_start: float) -> None:
    print(f"\nbenchmark took {(time.perf_counter() - t_start) / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if args.keep is None and args.reuse is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
