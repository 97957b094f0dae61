"""The whole job: ingest → extract → resolve → graph → exports, with a report.

:func:`build` is the in-memory Python API (papers in, graph out); :func:`build_exports`
is ``kg build``: it reads files, runs the stages with timings, and writes every export
atomically into one directory.
"""

from __future__ import annotations

import gc
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph.property_graph import build_graph, edge_counts, entity_counts
from kg.options import REPORT_FILE, RUN_FILE, BuildOptions, BuildReport
from kg.records import Extraction, Paper
from kg.resolve import resolve
from kg.store.extractions import ExtractionStore
from kg.util import progress
from kg.util.atomic import atomic_write, staged_directory

#: Files ``kg build`` writes (besides shards): the same bytes for the same input and code.
EXPORT_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "graph.html",
                "extractions.jsonl", REPORT_FILE)
#: N-Triples shards (``--shards``) are named like this.
SHARD_GLOB = "graph-*.nt"
#: Extractions written to the cache per commit while a build runs.
CACHE_COMMIT_EVERY = 500


def sample_corpus_path() -> Path:
    """The 139-paper sample corpus that ships in the package (a daily-papers page dump)."""
    return Path(str(resources.files("kg.data").joinpath("sample", "daily-papers-aug-20.txt")))


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        report.timings[stage] = report.timings.get(stage, 0.0) + time.perf_counter() - t0


def _as_papers(papers: Iterable[Paper | dict | str | Path]) -> list[Paper]:
    from kg.ingest import read_papers
    from kg.ingest.identity import paper_from_fields

    out: list[Paper] = []
    paths: list[str] = []
    for n, p in enumerate(papers, 1):
        if isinstance(p, Paper):
            out.append(p)
        elif isinstance(p, dict):
            out.append(paper_from_fields(p, source=f"<papers>:record {n}"))
        else:
            paths.append(str(p))
    if paths:
        out.extend(read_papers(paths))
    return out


def iter_extractions(papers: list[Paper], options: BuildOptions, report: BuildReport,
                     pool: Executor | None = None) -> Iterator[Extraction]:
    """Every paper's extraction in input order, from the cache where possible (local
    engine: in ``pool`` when one was started for the build). Yields as the records come,
    so that a large build never holds them all; fresh ones are saved to the cache as they
    come too (and on Ctrl-C: an interrupted build keeps its work)."""
    from kg.engines import run_extraction

    cache = None
    if options.cache_dir is not None:
        from kg.extract import extractor_version
        from kg.store.cache import ExtractionCache

        cache = ExtractionCache(options.cache_dir, extractor_version(options.pipeline))
    unsaved: list[tuple[Paper, Extraction]] = []
    try:
        present = cache.present(papers) if cache else set()
        todo = [p for p in papers if p.id not in present]
        cached = cache.iter_many([p for p in papers if p.id in present]) if cache else None
        bar = progress.bar("extract", quiet=options.quiet, total=len(papers))
        # (``pool`` only when there is one: the two-argument call stays the API.)
        fresh = iter(run_extraction(todo, options, **({"pool": pool} if pool else {})))
        with bar:
            for p in papers:
                if p.id in present:
                    yield next(cached)
                else:
                    ext = next(fresh)
                    if ext.id != p.id:
                        raise RuntimeError(f"extraction of {ext.id!r} came for paper {p.id!r}")
                    if cache:
                        unsaved.append((p, ext))
                        if len(unsaved) >= CACHE_COMMIT_EVERY:
                            cache.put_many(unsaved)
                            unsaved = []
                    yield ext
                bar.update(1)
    finally:
        if cache:
            cache.put_many(unsaved)
            report.cache = {"hits": cache.hits, "misses": cache.misses}
            cache.close()


def extract_papers(papers: list[Paper], options: BuildOptions, report: BuildReport,
                   pool: Executor | None = None) -> list[Extraction]:
    """:func:`iter_extractions` as a list (for callers that keep every record)."""
    return list(iter_extractions(papers, options, report, pool))


def build(
    papers: Iterable[Paper | dict | str | Path], options: BuildOptions | None = None
) -> nx.MultiDiGraph:
    """Build the typed graph of ``papers`` in memory.

    ``papers`` may be :class:`~kg.records.Paper` records, dicts with at least ``title`` and
    ``abstract``, or paths of input files in any supported format.
    """
    options = options or BuildOptions(quiet=True)
    report = BuildReport()
    plist = _as_papers(papers)
    exts = extract_papers(plist, options, report)
    return build_graph(plist, exts, resolve(exts))


def build_exports(
    inputs: list[str | Path] | None = None,
    out_dir: str | Path = "exports",
    *,
    fmt: str | None = None,
    strict: bool = False,
    options: BuildOptions | None = None,
) -> BuildReport:
    """``kg build``: read ``inputs`` (default: the sample corpus), write all exports."""
    from kg.ingest import IngestReport

    options = options or BuildOptions()
    out = Path(out_dir)
    paths = [Path(p) for p in inputs] if inputs else [sample_corpus_path()]
    t_build = time.perf_counter()
    report = BuildReport(inputs=[_display(p) for p in paths])
    ingest_report = IngestReport()
    # Everything is written inside a staging folder of ``out`` (moved in at the end): the
    # extraction records too, spilled there as they come and later renamed to
    # extractions.jsonl, so that memory holds the graph, not the records.
    sparql: Path | None = None
    try:
        with staged_directory(out, owned=(SHARD_GLOB,)) as staging, \
                ExtractionStore(staging) as store, _gc_held() as release:
            g = _graph_stages(paths, fmt, strict, options, report, ingest_report, store)
            # The collector's full passes over the graph would cost seconds in the exports
            # and, once they fork, copy the pages the child shares: the graph is frozen.
            release()
            try:
                _write_exports(g, store, staging, options, report)
            finally:
                if options.sparql_store:
                    # Frozen, the graph would stay in memory until the build ends (it is
                    # in reference cycles): emptied, it is freed before the store loads.
                    g.clear()
                del g
            if options.sparql_store:
                sparql = _sparql_store(staging, out, options, report)
            _write_run_files(staging, report, t_build)
        _install_sparql_store(sparql, out)
    except BaseException:
        if sparql is not None:  # loaded, not installed: a store of no export
            shutil.rmtree(sparql, ignore_errors=True)
        raise
    return report


def _graph_stages(paths: list[Path], fmt: str | None, strict: bool, options: BuildOptions,
                  report: BuildReport, ingest_report: Any, store: ExtractionStore
                  ) -> nx.MultiDiGraph:
    """Ingest → extract (into ``store``) → resolve → graph; the papers are dropped at the
    end (the graph holds what the exports need of them)."""
    from kg.ingest import read_papers

    with _early_pool(options) as pool:
        with _timed(report, "ingest"):
            papers = list(progress.counted(
                read_papers(paths, format=fmt, strict=strict, report=ingest_report),
                "ingest", quiet=options.quiet))
        _check_input(papers, paths, report, ingest_report)
        with _timed(report, "extract"):
            store.extend(iter_extractions(papers, options, report, pool=pool))
    with _timed(report, "resolve"), progress.stage("resolve", quiet=options.quiet):
        resolution = resolve(store)
    with _timed(report, "graph"), progress.stage("graph", quiet=options.quiet):
        return build_graph(papers, store, resolution)


def _write_exports(g: nx.MultiDiGraph, store: ExtractionStore, staging: Path,
                   options: BuildOptions, report: BuildReport) -> None:
    from kg.export import write_all

    report.entities_per_type = entity_counts(g)
    report.edges_per_relation = edge_counts(g)
    report.nodes, report.edges = g.number_of_nodes(), g.number_of_edges()

    def files_done() -> str:
        return "done: " + " ".join(n for n in EXPORT_FILES if (staging / n).is_file())

    with progress.stage("exports", quiet=options.quiet, status=files_done):
        write_all(g, store, staging, options, report)


def _sparql_store(staging: Path, out: Path, options: BuildOptions, report: BuildReport
                  ) -> Path:
    """``--sparql-store``: graph.nt, once written, loaded into the store ``kg serve`` of the
    build directory opens instead of loading the export. It runs after the exports, not
    beside them: the three RDF files are written in one pass and graph.nt is complete
    only at its end, and the RDF export is the longest of them (at 108k papers 256 s
    against 113 s for GraphML and HTML), so nothing is left to overlap with; the graph
    is freed first, so that the loader's memory does not add to it. The store is loaded
    into a hidden folder of ``out`` and put in place after the exports
    (:func:`_install_sparql_store`)."""
    from kg.sparql_store import stage_build_store

    with _timed(report, "sparql_store"), progress.stage("SPARQL store", quiet=options.quiet):
        return stage_build_store(staging, out)


def _install_sparql_store(folder: Path | None, out: Path) -> None:
    """The new store in ``out/sparql-store`` (the exports are there now, so it matches
    them); without one, an earlier build's store is removed: it holds the old graph.nt,
    and ``kg serve`` would not use it."""
    from kg.sparql_store import BUILD_STORE, install_build_store

    if folder is not None or (out / BUILD_STORE).exists():
        install_build_store(folder, out)


def _write_run_files(staging: Path, report: BuildReport, t_build: float) -> None:
    """report.json and run.json, the last files of the build."""
    # Wall time of the whole build (exports may overlap: their times add up to more).
    report.timings["total"] = time.perf_counter() - t_build
    # report.json describes the graph (byte-stable); run.json this run (timings, cache).
    for name, data in ((REPORT_FILE, report.report_json()), (RUN_FILE, report.run_json())):
        with atomic_write(staging / name) as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False, sort_keys=True)
            fh.write("\n")


def written_files(out_dir: str | Path) -> list[str]:
    """The files of a build in ``out_dir`` (exports, run.json, shards), in a fixed order."""
    out = Path(out_dir)
    names = [*EXPORT_FILES, RUN_FILE]
    return [n for n in names if (out / n).is_file()] + sorted(
        p.name for p in out.glob(SHARD_GLOB))


@contextmanager
def _gc_held() -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector off while the records and the graph are built (they
    make millions of objects and no garbage cycles: its passes took ~40% of the resolve
    and graph stages' CPU); the function yielded freezes what exists (never scanned
    again) and turns the collector back on. The freeze is undone at the end, so that
    nothing outlives the build."""
    enabled = gc.isenabled()
    gc.disable()

    def release() -> None:
        gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield release
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


@contextmanager
def _early_pool(options: BuildOptions) -> Iterator[Executor | None]:
    """The local engine's worker pool, started before the input is read so that the
    workers load the pipeline meanwhile; shut down when extraction is over (or failed).
    Not with a cache, where every paper may be a hit and no worker needed."""
    if options.engine != "local" or options.workers < 2 or options.cache_dir is not None:
        yield None
        return
    from kg.engines.local import start_pool

    pool = start_pool(options.workers, options.pipeline)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_input(papers: list[Paper], paths: list[Path], report: BuildReport,
                 ingest_report: Any) -> None:
    """Fill the report's input part; no valid paper at all is an error."""
    from kg.ingest import InputError

    report.ingest = ingest_report.to_json()
    shown = {str(p): _display(p) for p in paths}
    for entry in report.ingest.get("files", []):
        entry["source"] = shown.get(entry.get("source"), entry.get("source"))
    report.papers = len(papers)
    if not papers:
        raise InputError(
            "no valid paper in " + ", ".join(report.inputs)
            + "".join(f"\n  {p}" for p in ingest_report.skipped[:20])
        )


def _display(p: Path) -> str:
    """Input name for the report: the sample by name, others as given."""
    return "kg:sample/" + p.name if p == sample_corpus_path() else str(p)
