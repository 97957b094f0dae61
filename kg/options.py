"""How a build runs and what it reports: the option and report types the stages share.

``kg.build`` fills them in and hands them to the engines and the exporters; they live here,
below all three, so that no stage imports the module that calls it.
"""

from __future__ import annotations

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
    quiet: bool = False


@dataclass
class BuildReport:
    """What ``report.json`` says about a build."""

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
