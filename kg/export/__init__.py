"""Exporters: every file of a build, each written atomically (temporary file + rename)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from kg.options import BuildOptions, BuildReport
from kg.records import Extraction
from kg.store.extractions import ExtractionStore, extraction_line
from kg.util.atomic import atomic_write

#: Largest graph whose GraphML and HTML exports run in a forked child beside the RDF
#: export. The child shares the graph's pages copy-on-write, but reading an object writes
#: its reference count, so it ends up with its own copy of most of the graph (~1.1 kB
#: per edge). Above this size (about 50k papers) this process maps the graph to sorted
#: RDF runs, then writes GraphML and HTML while a fresh helper process (no shared pages)
#: merges the runs into the RDF files.
FORK_MAX_EDGES = 1_000_000


def write_extractions(extractions: Iterable[Extraction], path: str | Path) -> int:
    """One ``kg extract`` JSON record per line, in input order; returns the count."""
    n = 0
    with atomic_write(path) as fh:
        for ext in extractions:
            fh.write(extraction_line(ext))
            n += 1
    return n


def write_all(g: nx.MultiDiGraph, extractions: Iterable[Extraction] | ExtractionStore,
              out: Path, options: BuildOptions, report: BuildReport) -> None:
    """Write the graph in every export format into ``out``, timing each.

    extractions.jsonl first (a store's file is renamed into place), then, with
    ``options.workers`` ≥ 2 (the cores are idle once extraction is over), two halves at
    once: up to :data:`FORK_MAX_EDGES` edges, GraphML and the HTML view in a forked child
    while this process writes the RDF files; above, the RDF files' second half (merge and
    write) in a helper process while this one writes GraphML and HTML. The files are the
    same bytes either way; an error in the other process is raised here, and the caller's
    staging folder is only committed once both halves are done.
    """
    from kg.export.graphml import write_graphml
    from kg.export.html import write_html
    from kg.export.rdf_files import write_rdf
    from kg.util.forked import can_fork, in_child

    out.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()

    def timed(stage: str, fn, *args, **kwargs) -> dict[str, float]:
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        return {f"export_{stage}": time.perf_counter() - t0}

    def view_files() -> dict[str, float]:
        return {**timed("graphml", write_graphml, g, out / "graph.graphml"),
                **timed("html", write_html, g, out / "graph.html",
                        max_nodes=options.max_view_nodes)}

    def rdf_files(**kwargs) -> dict[str, float]:
        return timed("rdf", write_rdf, g, out, base=options.base_iri, shards=options.shards,
                     **kwargs)

    if isinstance(extractions, ExtractionStore):  # already the file: moved into place
        report.timings.update(timed("extractions", extractions.move_to,
                                    out / "extractions.jsonl"))
    else:
        report.timings.update(timed("extractions", write_extractions, extractions,
                                    out / "extractions.jsonl"))
    if options.workers < 2:
        report.timings.update(view_files())
        report.timings.update(rdf_files())
    elif can_fork() and g.number_of_edges() <= FORK_MAX_EDGES:
        child = in_child(view_files)
        try:
            report.timings.update(rdf_files())
        except BaseException:
            child.kill()
            raise
        report.timings.update(child.result())
    else:  # views here while a helper process writes the RDF files from the sorted runs
        views: dict[str, float] = {}
        report.timings.update(rdf_files(meanwhile=lambda: views.update(view_files())))
        report.timings.update(views)
    report.timings["exports"] = time.perf_counter() - t_all
