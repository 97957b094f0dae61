"""Read a graph for ``kg view``: a GraphML file or a build directory holding one.

Stop-gap until the command goes through :func:`kg.load`: GraphML keeps lists and dicts
as JSON strings (:data:`kg.graph.property_graph.JSON_ATTRIBUTES`), decoded here.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import networkx as nx

from kg.graph.schema import JSON_ATTRIBUTES


def _decode(attrs: dict) -> dict:
    out = dict(attrs)
    for key in JSON_ATTRIBUTES & attrs.keys():
        if isinstance(attrs[key], str):
            with contextlib.suppress(json.JSONDecodeError):
                out[key] = json.loads(attrs[key])
    return out


def read_graph(path: str | Path) -> nx.MultiDiGraph:
    """The typed graph stored in ``path`` (``.graphml`` or a directory with ``graph.graphml``)."""
    p = Path(path)
    if p.is_dir():
        p = p / "graph.graphml"
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such GraphML file")
    h = nx.read_graphml(p, force_multigraph=True)
    g = nx.MultiDiGraph()
    g.graph.update(h.graph)
    for n, d in h.nodes(data=True):
        g.add_node(n, **_decode(d))
    for u, v, k, d in h.edges(keys=True, data=True):
        g.add_edge(u, v, key=k, **_decode(d))
    return g
