"""GraphML export that keeps the graph schema of :mod:`kg.graph.property_graph`.

GraphML values are scalars, so the list and dict attributes named in
``kg.graph.schema.JSON_ATTRIBUTES`` are written as JSON strings (sorted keys, ASCII
escapes, no spaces to spare) and :func:`kg.load` decodes them. Characters XML 1.0 cannot hold are
dropped from plain strings (ingest has removed them from paper text already). Other
tools (Gephi, yEd, igraph) see readable strings; the schema version is in the graph
attribute ``kg_schema``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriterLxml

from kg.graph.schema import JSON_ATTRIBUTES
from kg.util.atomic import atomic_write

#: Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/FFFF, surrogates).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: ``json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))``, made
#: once: ``json.dumps`` with options builds a new encoder for every value.
_JSON = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (ingest removes them already)."""
    if text.isprintable():  # every forbidden character is unprintable: nothing to drop
        return text
    return _XML_ILLEGAL.sub("", text)


def _encode(attrs: dict, types_only: bool = False) -> dict:
    """``attrs`` as GraphML scalars; with ``types_only``, every string is ``""`` (the same
    names and value types, without encoding anything)."""
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if key in JSON_ATTRIBUTES or isinstance(value, list | dict | tuple):
            # ensure_ascii: JSON escapes keep every character, even ones XML forbids.
            out[key] = "" if types_only else _JSON.encode(value)
        elif isinstance(value, str):
            out[key] = "" if types_only else xml_safe(value)
        else:
            out[key] = value
    return out


class _EncodedView:
    """``g`` as networkx's GraphML writer reads it (``graph``, ``is_directed``,
    ``is_multigraph``, ``nodes(data=True)``, ``edges(keys=True, data=True)``), each
    attribute dict encoded when it is read, so that nothing is copied: a copy of a
    100k-paper graph held 1.3 GB more than the graph itself.

    The writer reads the graph three times: twice to declare the attribute keys (names
    and value types, in order of first appearance), then to write the elements. A
    ``declarations`` view gives the first two reads only what they use
    (:func:`_first_types`) and encodes nothing; :class:`_Writer` hands the writing pass
    an encoding view. JSON-encoding every evidence list three times was most of the
    export's time."""

    def __init__(self, g: nx.MultiDiGraph, declarations: bool = False) -> None:
        self._g = g
        self._declarations = declarations
        self.graph = _encode(dict(g.graph))  # the writer pops "id" from it: our own dict

    def encoded(self) -> _EncodedView:
        """The same graph, every attribute dict encoded."""
        return _EncodedView(self._g)

    def is_directed(self) -> bool:
        return self._g.is_directed()

    def is_multigraph(self) -> bool:
        return self._g.is_multigraph()

    def nodes(self, data: bool = False) -> Iterator:
        if not data:
            return iter(self._g.nodes)
        if self._declarations:
            return iter(self._node_types)
        return ((n, _encode(d)) for n, d in self._g.nodes(data=True))

    def edges(self, keys: bool = False, data: bool = False) -> Iterator:
        if not (keys and data):
            raise NotImplementedError("the GraphML writer asks for keys and data")
        if self._declarations:
            return iter(self._edge_types)
        return ((u, v, k, _encode(d)) for u, v, k, d in self._g.edges(keys=True, data=True))

    @cached_property
    def _node_types(self) -> list[tuple]:
        return list(_first_types(self._g.nodes(data=True)))

    @cached_property
    def _edge_types(self) -> list[tuple]:
        return list(_first_types(self._g.edges(keys=True, data=True)))


def _first_types(items: Iterable[tuple]) -> Iterator[tuple]:
    """``items`` (tuples ending in an attribute dict) with each dict cut down to the
    attribute names and value types (as :func:`_encode` writes them, strings as ``""``)
    that no earlier item had, and items left with none dropped: the writer then declares
    the same keys in the same order."""
    seen: set[tuple[str, type]] = set()
    for item in items:
        new = {}
        for key, value in _encode(item[-1], types_only=True).items():
            if (key, type(value)) not in seen:
                seen.add((key, type(value)))
                new[key] = value
        if new:
            yield (*item[:-1], new)


class _Writer(GraphMLWriterLxml):
    """networkx's lxml GraphML writer, given a ``declarations`` view for the key
    declarations, that writes the nodes and edges from an encoding view of the same
    graph."""

    def add_nodes(self, view: _EncodedView, graph_element: Any) -> None:
        super().add_nodes(view.encoded(), graph_element)

    def add_edges(self, view: _EncodedView, graph_element: Any) -> None:
        super().add_edges(view.encoded(), graph_element)


def write_graphml(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``g`` as GraphML atomically (edge ids are the relation keys)."""
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        # The lxml writer (``nx.write_graphml_lxml``) escapes "\r" (the standard-library
        # one loses it) and is faster.
        _Writer(fh, graph=_EncodedView(g, declarations=True), encoding="utf-8",
                prettyprint=True, named_key_ids=True).dump()
