"""How a build runs and what it reports: the option and report types the stages share.

``kg.build`` fills them in and hands them to the engines and the exporters; they live here,
below all three, so that no stage imports the module that calls it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class BuildOptions:
    """How to run the stages (the CLI's options)."""

    workers: int = 1
    engine: str = "local"  # local | dask
    scheduler: str | None = None
    cache_dir: Path | None = None
    pipeline: str | None = None
    base_iri: str | None = None
    shards: int = 0
    max_view_nodes: int = 5000
    #: Also load graph.nt into a SPARQL store in the build directory (``sparql-store/``),
    #: which ``kg serve`` of the directory opens instead of loading the export.
    sparql_store: bool = False
    quiet: bool = False


#: Files of a build directory: ``report.json`` describes the graph (the same bytes for the
#: same input and code, so a committed build stays unchanged when rebuilt); ``run.json``
#: describes one run (stage timings, cache hits), which differs every time.
REPORT_FILE, RUN_FILE = "report.json", "run.json"
#: The report's fields that describe the run, not the graph: they go to ``run.json``.
RUN_KEYS = ("timings_s", "cache")


@dataclass
class BuildReport:
    """What a build did: :meth:`report_json` is ``report.json``, :meth:`run_json`
    ``run.json``, :meth:`to_json` both together."""

    inputs: list[str] = field(default_factory=list)
    papers: int = 0
    ingest: dict[str, Any] = field(default_factory=dict)
    entities_per_type: dict[str, int] = field(default_factory=dict)
    edges_per_relation: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    edges: int = 0
    cache: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs, "papers": self.papers, "ingest": self.ingest,
            "entities_per_type": self.entities_per_type,
            "edges_per_relation": self.edges_per_relation,
            "nodes": self.nodes, "edges": self.edges, "cache": self.cache,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def report_json(self) -> dict[str, Any]:
        """``report.json``: the graph's part, deterministic."""
        return {k: v for k, v in self.to_json().items() if k not in RUN_KEYS}

    def run_json(self) -> dict[str, Any]:
        """``run.json``: this run's timings (seconds per stage, ``exports`` the wall time of
        the overlapping exports, ``total``) and extraction-cache hits and misses."""
        return {k: v for k, v in self.to_json().items() if k in RUN_KEYS}

    def summary_lines(self, out_dir: str | Path, files: Sequence[str] = (),
                      width: int = 88) -> list[str]:
        """What ``kg build`` prints at the end: what a user checks first (papers read and
        skipped, entities per type, edges per relation, where the files went)."""
        ing = self.ingest
        source = self.inputs[0] if len(self.inputs) == 1 else f"{len(self.inputs)} files"
        read = [f"{ing.get('skipped', 0):,} record(s) skipped",
                f"{ing.get('duplicates', 0):,} duplicate(s) merged"]
        if ing.get("warnings"):
            read.append(f"{ing['warnings']:,} warning(s)")
        types = sorted(self.entities_per_type.items(), key=lambda kv: (-kv[1], kv[0]))
        rels = sorted(self.edges_per_relation.items(), key=lambda kv: (-kv[1], kv[0]))
        where = os.path.join(os.path.normpath(str(out_dir)), "")  # one trailing slash
        total = self.timings.get("total")
        took = f" in {total:.1f}s" if total is not None else ""
        paragraphs = [
            (f"{self.papers:,} papers read from {source}: ", read),
            (f"{sum(self.entities_per_type.values()):,} entities: ",
             [f"{n:,} {t}" for t, n in types]),
            (f"{self.nodes:,} nodes, {self.edges:,} edges: ", [f"{n:,} {r}" for r, n in rels]),
            (f"wrote {where}{took}: ", list(files)),
        ]
        return [line for head, items in paragraphs
                for line in _wrap(head, items, width)]


def _wrap(head: str, items: list[str], width: int) -> list[str]:
    """``kg: head item, item, ...`` cut between items, continuation lines indented."""
    if not items:
        return ["kg: " + head.rstrip(": ")]
    lines, line = [], "kg: " + head
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if line.strip() and len(line) + len(piece) > width and not line.endswith(": "):
            lines.append(line.rstrip())
            line = "    "
        line += piece + " "
    lines.append(line.rstrip())
    return lines
