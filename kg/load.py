"""Read any of kg's exports back into the typed ``networkx.MultiDiGraph``.

GraphML is the lossless round trip (JSON-encoded list/dict attributes are decoded); a
build directory is read through its ``graph.graphml``; RDF exports go through
:mod:`kg.graph.rdf` when present.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.graph.schema import JSON_ATTRIBUTES


def _decode(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if key in JSON_ATTRIBUTES and isinstance(value, str):
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
                out[key] = value
        else:
            out[key] = value
    return out


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Load a GraphML file written by :func:`kg.export.graphml.write_graphml`."""
    h = nx.read_graphml(path, force_multigraph=True)
    g = nx.MultiDiGraph()
    # networkx adds the GraphML <default> declarations as graph attributes: not ours.
    g.graph.update({k: v for k, v in h.graph.items() if k not in ("node_default", "edge_default")})
    for n, d in h.nodes(data=True):
        g.add_node(n, **_decode(d))
    for u, v, k, d in h.edges(keys=True, data=True):
        g.add_edge(u, v, key=k, **_decode(d))
    return g


def load(path: str | Path) -> nx.MultiDiGraph:
    """The graph stored at ``path``: a build directory, a ``.graphml`` or an RDF export."""
    p = Path(path)
    if p.is_dir():
        if (p / "graph.graphml").exists():
            return read_graphml(p / "graph.graphml")
        if (p / "graph.ttl").exists():
            p = p / "graph.ttl"
        else:
            raise FileNotFoundError(f"{p}: no graph.graphml or graph.ttl in this directory")
    suffix = p.suffix.lower()
    if suffix in (".graphml", ".xml"):
        return read_graphml(p)
    if suffix in (".ttl", ".nt", ".jsonld", ".json"):
        from kg.graph.rdf import graph_from_rdf

        return graph_from_rdf(p)
    raise ValueError(
        f"{p}: unknown graph format (expected .graphml, .ttl, .nt, .jsonld or a build directory)"
    )
