"""SPARQL 1.1 over kg's exports, with pyoxigraph as the engine (``kg query``).

Why pyoxigraph and not rdflib: on the same 1M-triple graph it answers the example queries
in ontology/queries/ 9× to ~1,900× faster (geometric mean ~50×; benchmarks/rdf_bench.py),
and the answers are the same (tests/test_query.py compares both engines on every query).

A graph is any of: a build directory (its ``graph.ttl``), a ``.ttl`` / ``.nt`` /
``.jsonld`` file, a ``pyoxigraph.Store``, or a networkx graph of
:mod:`kg.graph.property_graph` (mapped on the fly). Files are loaded into an in-memory store
once per process and reused while
the file is unchanged, so a notebook can ask many questions cheaply.

Results come back as :class:`Rows`: a sequence of dicts of plain Python values (IRIs as
``str``, numbers as ``int``/``float``, booleans as ``bool``; unbound → ``None``), which
also renders as a text table, SPARQL 1.1 CSV or SPARQL 1.1 JSON results, shows as a table
in a notebook (``_repr_html_``) or at a prompt, and becomes a pandas DataFrame with
:meth:`Rows.to_dataframe`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import networkx as nx
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

from kg.graph.rdf import DCAT, PREFIXES, RDF, XSD, prefixes, to_store
from kg.util.rdf_files import rdf_file

Term = NamedNode | BlankNode | Literal
FORMATS = ("table", "csv", "json")
#: Build-directory files to load, best first.
_BUILD_FILES = ("graph.ttl", "graph.nt", "graph.jsonld")
_FORMAT_OF = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES,
              ".jsonld": RdfFormat.JSON_LD, ".json": RdfFormat.JSON_LD}
_UPDATE = re.compile(
    r"^(?:\s|#[^\n]*\n|(?:PREFIX|BASE)\s[^\n]*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_cache: dict[Path, tuple[tuple[int, int], Store]] = {}
#: Rows a notebook or a prompt shows of an answer (the CLI prints them all).
_SHOWN_ROWS = 50
_CACHE_SIZE = 2


def graph_file(path: str | Path) -> Path:
    """The RDF file behind ``path`` (a build directory or a file)."""
    return rdf_file(path, _BUILD_FILES)


def load_store(graph: str | Path | Store | nx.MultiDiGraph) -> Store:
    """A pyoxigraph ``Store`` holding ``graph`` (see the module docstring for what it may be).

    Stores loaded from files are cached per resolved path and (mtime, size).
    """
    if isinstance(graph, Store):
        return graph
    if isinstance(graph, nx.Graph):
        return to_store(graph)
    path = graph_file(graph).resolve()
    st = path.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    store = Store()
    store.bulk_load(path=str(path), format=_FORMAT_OF[path.suffix.lower()])
    _cache[path] = (stamp, store)
    while len(_cache) > _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    return store


def read_query(query: str | Path) -> str:
    """``query`` itself, or the text of the file it names (``.rq``, ``.sparql`` or any
    existing file)."""
    if isinstance(query, Path):
        return query.read_text(encoding="utf-8")
    one_line = "\n" not in query and len(query) < 4096
    if one_line and (query.strip().endswith((".rq", ".sparql")) or Path(query).is_file()):
        return Path(query.strip()).read_text(encoding="utf-8")
    return query


def python_value(term: Term | None) -> Any:
    """A result term as a plain Python value (typed literals converted, IRIs as str)."""
    if term is None:
        return None
    if not isinstance(term, Literal):
        return term.value if isinstance(term, NamedNode) else f"_:{term.value}"
    dt = term.datatype.value
    try:
        if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
            return int(term.value)
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
    except ValueError:
        pass
    return term.value


@dataclass
class Rows(Sequence[dict[str, Any]]):
    """The answer to a query: ``variables``, ``terms`` (one tuple of RDF terms per row,
    ``None`` when unbound) and, for ASK, ``boolean``. Indexing gives dicts of plain values.
    CONSTRUCT/DESCRIBE answers are rows of ``subject``, ``predicate``, ``object``."""

    variables: list[str]
    terms: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES), repr=False)

    def __len__(self) -> int:
        return len(self.terms)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._row(t) for t in self.terms[i]]
        return self._row(self.terms[i])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._row(t) for t in self.terms)

    def _row(self, terms: tuple) -> dict[str, Any]:
        return {v: python_value(t) for v, t in zip(self.variables, terms, strict=True)}

    # -- renderings ----------------------------------------------------------------------

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON Format."""
        if self.boolean is not None:
            return json.dumps({"head": {}, "boolean": self.boolean}, indent=1) + "\n"
        bindings = [{v: _json_term(t) for v, t in zip(self.variables, row, strict=True)
                     if t is not None} for row in self.terms]
        doc = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV Format (CRLF line ends, plain values)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if self.boolean is not None:
            w.writerow(["boolean"])
            w.writerow(["true" if self.boolean else "false"])
            return buf.getvalue()
        w.writerow(self.variables)
        for row in self.terms:
            w.writerow(["" if t is None else _csv_term(t) for t in row])
        return buf.getvalue()

    def to_table(self, max_width: int = 60, max_rows: int | None = None) -> str:
        """An aligned text table for a terminal: compact IRIs, long values cut; at most
        ``max_rows`` rows shown (all by default), the count says how many there are."""
        if self.boolean is not None:
            return "yes\n" if self.boolean else "no\n"
        cells = [[self._short(t, max_width) for t in row] for row in self.terms[:max_rows]]
        widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in
                  enumerate(self.variables)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(self.variables, widths, strict=True)),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                  for r in cells]
        n = len(self.terms)
        more = f", {len(cells)} shown" if len(cells) < n else ""
        lines.append(f"({n} row{'s' if n != 1 else ''}{more})")
        return "\n".join(lines) + "\n"

    def to_dataframe(self):
        """The rows as a ``pandas.DataFrame`` of plain values, one column per variable
        (an ASK answer: one ``boolean`` column)."""
        import pandas as pd  # only here: `kg query` need not load pandas

        if self.boolean is not None:
            return pd.DataFrame({"boolean": [self.boolean]})
        return pd.DataFrame(list(self), columns=self.variables)

    def __repr__(self) -> str:
        return self.to_table(max_rows=_SHOWN_ROWS).rstrip("\n")

    def _repr_html_(self) -> str:
        """A notebook shows the answer as a table (values escaped: text, never markup)."""
        if self.boolean is not None:
            return f"<p>{'yes' if self.boolean else 'no'}</p>"
        head = "".join(f"<th>{escape(v)}</th>" for v in self.variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(self._short(t, 200))}</td>" for t in row) + "</tr>"
            for row in self.terms[:_SHOWN_ROWS])
        n = len(self.terms)
        more = f", {_SHOWN_ROWS} shown" if n > _SHOWN_ROWS else ""
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p>{n} row{'s' if n != 1 else ''}{more}</p>")

    def render(self, fmt: str = "table") -> str:
        """``fmt``: table, csv or json."""
        if fmt == "table":
            return self.to_table()
        if fmt == "csv":
            return self.to_csv()
        if fmt == "json":
            return self.to_json()
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")

    def _short(self, t: Term | None, max_width: int) -> str:
        if t is None:
            s = ""
        elif isinstance(t, NamedNode):
            s = _compact(t.value, self.prefixes)
        elif isinstance(t, Literal):
            s = t.value
        else:
            s = f"_:{t.value}"
        s = s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"


def _compact(iri: str, pmap: dict[str, str]) -> str:
    best = max((ns for ns in pmap.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in pmap.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def _json_term(t: Term) -> dict[str, str]:
    if isinstance(t, NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value not in (XSD + "string", RDF + "langString"):
        out["datatype"] = t.datatype.value
    return out


def _csv_term(t: Term) -> str:
    return f"_:{t.value}" if isinstance(t, BlankNode) else t.value


def _base_of(store: Store) -> str | None:
    """The resource base of a kg export: its ``dcat:Dataset`` node (an index lookup)."""
    for q in store.quads_for_pattern(None, NamedNode(RDF + "type"), NamedNode(DCAT + "Dataset")):
        if isinstance(q.subject, NamedNode):
            return q.subject.value
    return None


def store_prefixes(store: Store) -> dict[str, str]:
    """The prefixes a query on ``store`` may use undeclared (prefix → namespace): the
    vocabularies' (``kgo:``, ``skos:`` …) and, for a kg export, its resources'
    (``paper:``, ``entity:`` …). ``kg query`` and ``kg serve`` predeclare the same."""
    base = _base_of(store)
    return prefixes(base) if base else dict(PREFIXES)


def query(graph: str | Path | Store | nx.MultiDiGraph, sparql: str | Path) -> Rows:
    """Run a SPARQL 1.1 query (text or a ``.rq`` file) on ``graph`` with pyoxigraph.

    The export prefixes (``kgo:``, ``skos:``, ``dcterms:``, ``prov:`` …) are predeclared,
    so short queries may skip their PREFIX lines. Read-only: updates are not queries.
    """
    store = load_store(graph)
    text = read_query(sparql)
    pmap = store_prefixes(store)
    try:
        result = store.query(text, prefixes=pmap)
    except SyntaxError:
        if _UPDATE.match(text):
            raise ValueError("SPARQL updates are not run: kg query is read-only") from None
        raise
    if isinstance(result, QueryBoolean):
        return Rows(variables=[], boolean=bool(result), prefixes=pmap)
    if isinstance(result, QueryTriples):
        return Rows(variables=["subject", "predicate", "object"],
                    terms=[(t.subject, t.predicate, t.object) for t in result], prefixes=pmap)
    assert isinstance(result, QuerySolutions)
    variables = [v.value for v in result.variables]
    return Rows(variables=variables, terms=[tuple(sol) for sol in result], prefixes=pmap)
