"""GraphML export that keeps the graph schema of :mod:`kg.graph`.

GraphML values are scalars, so the list and dict attributes named in
``kg.graph.JSON_ATTRIBUTES`` are written as JSON strings (sorted keys, ASCII escapes, no
spaces to spare) and :func:`kg.load` decodes them. Characters XML 1.0 cannot hold are
dropped from plain strings (ingest has removed them from paper text already). Other
tools (Gephi, yEd, igraph) see readable strings; the schema version is in the graph
attribute ``kg_schema``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from kg.atomic import atomic_write
from kg.graph import JSON_ATTRIBUTES

#: Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/FFFF, surrogates).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (ingest removes them already)."""
    return _XML_ILLEGAL.sub("", text)


def _encode(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if key in JSON_ATTRIBUTES or isinstance(value, list | dict | tuple):
            # ensure_ascii: JSON escapes keep every character, even ones XML forbids.
            out[key] = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
        elif isinstance(value, str):
            out[key] = xml_safe(value)
        else:
            out[key] = value
    return out


def to_graphml_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` with every attribute GraphML can hold."""
    h = nx.MultiDiGraph()
    h.graph.update(_encode(dict(g.graph)))
    for n, d in g.nodes(data=True):
        h.add_node(n, **_encode(d))
    for u, v, k, d in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **_encode(d))
    return h


def write_graphml(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``g`` as GraphML atomically (edge ids are the relation keys)."""
    h = to_graphml_graph(g)
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        # The lxml writer escapes "\r" (the standard-library one loses it) and is faster.
        nx.write_graphml_lxml(h, fh, encoding="utf-8", prettyprint=True, named_key_ids=True)
