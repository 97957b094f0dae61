"""Exporters: every file of a build, each written atomically (temporary file + rename)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from kg.atomic import atomic_write
from kg.records import Extraction

if TYPE_CHECKING:
    from kg.build import BuildOptions, BuildReport


def write_extractions(extractions: Iterable[Extraction], path: str | Path) -> int:
    """One ``kg extract`` JSON record per line, in input order; returns the count."""
    n = 0
    with atomic_write(path) as fh:
        for ext in extractions:
            fh.write(json.dumps(ext.to_json(), ensure_ascii=False, sort_keys=False))
            fh.write("\n")
            n += 1
    return n


def write_all(g: nx.MultiDiGraph, extractions: list[Extraction], out: Path,
              options: BuildOptions, report: BuildReport) -> None:
    """Write the graph in every export format into ``out``, timing each."""
    from kg.export.graphml import write_graphml
    from kg.export.html import write_html
    from kg.export.rdf_files import write_rdf

    out.mkdir(parents=True, exist_ok=True)

    def timed(stage: str, fn, *args, **kwargs) -> None:
        t0 = time.perf_counter()
        fn(*args, **kwargs)
        report.timings[f"export_{stage}"] = time.perf_counter() - t0

    timed("extractions", write_extractions, extractions, out / "extractions.jsonl")
    timed("graphml", write_graphml, g, out / "graph.graphml")
    timed("rdf", write_rdf, g, out, base=options.base_iri, shards=options.shards)
    timed("html", write_html, g, out / "graph.html", max_nodes=options.max_view_nodes)
