"""The RDF exports of a build: ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` (+ NT shards).

Canonical and byte-identical across runs and processes: pyoxigraph writes canonical
N-Triples (its escaping, not ours), and since the graph has no blank nodes, the sorted,
de-duplicated lines *are* a canonical form of the graph. Turtle and JSON-LD are written
from the triples in that same order. rdflib is not used: its N-Triples output order
differs between processes (RDFLib/rdflib#3545), and at 1M triples it writes Turtle two
orders of magnitude slower (benchmarks/rdf_bench.py).

JSON-LD: pyoxigraph 0.5 writes only expanded JSON-LD (no ``@context``, prefixes ignored),
so :func:`jsonld_bytes` compacts IRIs with the export prefixes itself — a ``@context`` of
prefixes, values kept as ``{"@value", "@type"}`` objects so that every lexical form
survives exactly — and ``json`` does the escaping. ``@graph`` is sorted like the
N-Triples; keys are sorted; one node per line.

Every file goes through :mod:`kg.atomic`: a build killed mid-way leaves the old file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.atomic import atomic_write
from kg.rdf import RDF, XSD, gc_paused, prefixes, to_triples

#: Files :func:`write_rdf` writes (shards come on top).
RDF_FILES = ("graph.ttl", "graph.nt", "graph.jsonld")


def canonical(triples: list[Triple]) -> tuple[bytes, list[Triple]]:
    """Canonical N-Triples of ``triples`` — sorted, unique lines (a canonical form, since
    kg mints no blank nodes) — and the unique triples in that same order.

    pyoxigraph writes one line per triple in input order, so sorting line *indices* orders
    the triples too, without parsing the lines back. The mapping emits nearly sorted lines,
    which Timsort orders fast (a hash set's order would cost several times more).
    """
    with gc_paused():
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()
        if len(lines) != len(triples):  # pragma: no cover - one line per triple, always
            nt = canonical_ntriples(triples)
            return nt, sorted_triples(nt)
        order = sorted(range(len(lines)), key=lines.__getitem__)
        keep = [i for i, j in zip(order, order[1:], strict=False) if lines[i] != lines[j]]
        if order:
            keep.append(order[-1])
        nt = b"\n".join([lines[i] for i in keep]) + b"\n" if keep else b""
        return nt, [triples[i] for i in keep]


def canonical_ntriples(triples: Iterable[Triple]) -> bytes:
    """Sorted, unique canonical N-Triples lines (a canonical form: no blank nodes)."""
    with gc_paused():
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()
        lines.sort()
        unique = [a for a, b in zip(lines, lines[1:], strict=False) if a != b]
        if lines:
            unique.append(lines[-1])
        return b"\n".join(unique) + b"\n" if unique else b""


def sorted_triples(nt: bytes) -> list[Triple]:
    """The triples of (canonical) N-Triples, in file order."""
    with gc_paused():
        return [q.triple for q in parse(nt, format=RdfFormat.N_TRIPLES)]


def turtle_bytes(triples: Iterable[Triple], base: str | None = None) -> bytes:
    """Turtle with the export prefixes; subjects grouped as they come (sorted input)."""
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes(base))


class _Compactor:
    """IRI → compact IRI (``kgo:Paper``, ``entity:gsm8k``) that expands back to the IRI."""

    def __init__(self, prefix_map: dict[str, str], base: str) -> None:
        # Longest namespace first, so the resource base never shadows a longer namespace.
        self.items = sorted(prefix_map.items(), key=lambda kv: -len(kv[1]))
        self.base = base
        self.kinds = {p for p, ns in prefix_map.items() if ns == f"{base}{p}/"}
        # Fast path for resource IRIs, unless a vocabulary lives under the base.
        self.fast = not any(ns.startswith(base) and ns != base and p not in self.kinds
                            for p, ns in prefix_map.items())
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        if self.fast and iri.startswith(self.base):
            kind, sep, tail = iri[len(self.base):].partition("/")
            if sep and kind in self.kinds and not tail.startswith("//"):
                return f"{kind}:{tail}"
        out = self.cache.get(iri)
        if out is None:
            out = iri
            for prefix, ns in self.items:
                rest = iri[len(ns):]
                if iri.startswith(ns) and not rest.startswith("//"):
                    out = f"{prefix}:{rest}"
                    break
            if len(self.cache) < 10_000:
                self.cache[iri] = out
        return out


def _jsonld_nodes(triples: Iterable[Triple], compact: _Compactor) -> Iterator[dict]:
    rdf_type = RDF + "type"
    xsd_string = NamedNode(XSD + "string")
    vocab: dict[str, str] = {}  # predicates, classes and datatypes: few, so cached
    node: dict = {}
    subject = None
    for t in triples:
        s = t.subject.value
        if s != subject:
            if node:
                yield node
            subject = s
            node = {"@id": compact(s)}
        p, o = t.predicate.value, t.object
        if isinstance(o, NamedNode):
            if p == rdf_type:
                c = vocab.get(o.value) or vocab.setdefault(o.value, compact(o.value))
                node.setdefault("@type", []).append(c)
                continue
            value: dict = {"@id": compact(o.value)}
        elif isinstance(o, Literal):
            value = {"@value": o.value}
            if o.language:
                value["@language"] = o.language
            elif o.datatype != xsd_string:
                dt = o.datatype.value
                value["@type"] = vocab.get(dt) or vocab.setdefault(dt, compact(dt))
        else:  # pragma: no cover - kg.rdf mints no blank nodes or triple terms
            raise ValueError(f"cannot write {o!r} as JSON-LD")
        key = vocab.get(p) or vocab.setdefault(p, compact(p))
        node.setdefault(key, []).append(value)
    if node:
        yield node


def jsonld_bytes(triples: Iterable[Triple], base: str | None = None) -> bytes:
    """Compact-IRI JSON-LD 1.1 with an ``@context`` of the export prefixes."""
    pmap = prefixes(base)
    compact = _Compactor(pmap, pmap["kg"])
    dump = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
    context = json.dumps({"@context": pmap}, ensure_ascii=False, sort_keys=True, indent=1)
    parts = [context[:-2], ',\n "@graph": [\n']
    with gc_paused():
        parts.append(",\n".join(dump(n) for n in _jsonld_nodes(triples, compact)))
    parts.append("\n ]\n}\n")
    return "".join(parts).encode("utf-8")


def shard_lines(nt: bytes, shards: int) -> list[bytes]:
    """``nt`` cut into ``shards`` N-Triples documents of near-equal line counts, each a
    valid file on its own (no blank nodes, so no label spans two shards)."""
    lines = nt.splitlines(keepends=True)
    k = max(1, int(shards))
    size, extra = divmod(len(lines), k)
    out, i = [], 0
    for n in range(k):
        j = i + size + (1 if n < extra else 0)
        out.append(b"".join(lines[i:j]))
        i = j
    return out


def _write(path: Path, data: bytes) -> None:
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)


def write_rdf(g: nx.MultiDiGraph, out: str | Path, base: str | None = None,
              shards: int = 0) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` of ``g`` into ``out``.

    ``shards=K`` (K ≥ 1) also writes ``graph-000.nt`` … ``graph-<K-1>.nt``; shards of an
    earlier build that this one does not write are removed, so the directory never mixes
    two graphs. Returns the paths written.
    """
    out = Path(out)
    nt, triples = canonical(to_triples(g, base))
    written = []
    for name, data in (("graph.nt", nt), ("graph.ttl", turtle_bytes(triples, base)),
                       ("graph.jsonld", jsonld_bytes(triples, base))):
        _write(out / name, data)
        written.append(out / name)
    if shards and shards > 0:
        width = max(3, len(str(shards - 1)))
        for n, data in enumerate(shard_lines(nt, shards)):
            path = out / f"graph-{n:0{width}d}.nt"
            _write(path, data)
            written.append(path)
    keep = {p.name for p in written}
    for stale in out.glob("graph-*.nt"):  # shards of an earlier build would be out of date
        if stale.name not in keep and stale.name[6:-3].isdigit():
            stale.unlink()
    return written
