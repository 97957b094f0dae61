"""The networkx graph of :mod:`kg.graph.property_graph` as RDF, in the kg ontology
(``ontology/kg.ttl``).

Fast path: triples are made as pyoxigraph terms straight from the networkx attributes
(no rdflib on the build path: at 1M triples rdflib costs ~3× the time and memory, see
DESIGN.md). :func:`to_rdflib` builds an rdflib ``Graph`` only when someone asks.

Provenance is plain RDF 1.1, queryable by any SPARQL 1.1 engine: every edge is its direct
triple (``paper kgo:proposes entity``) *and* a ``kgo:Statement`` (``rdf:subject`` /
``rdf:predicate`` / ``rdf:object``, ``kgo:support``, ``kgo:confidence``, ``kgo:component``,
``prov:wasDerivedFrom`` each paper) with one ``kgo:Evidence`` per evidence record (paper,
field, start, end, sentence, component, confidence). The resolver's ``variant_of`` edges
have no paper behind them: their statement has support 0 and no evidence node.

No blank nodes anywhere (every IRI comes from :mod:`kg.graph.iri`), so sorted N-Triples are a
canonical form and N-Triples shards load on their own. Literals are made by pyoxigraph,
which does all escaping; lone surrogates (which no RDF syntax can hold) become U+FFFD.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import combinations
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import networkx as nx
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize

from kg.graph import iri as I  # noqa: N812
from kg.graph.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    import rdflib

Term = NamedNode | Literal

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
BIBO = "http://purl.org/ontology/bibo/"
FOAF = "http://xmlns.com/foaf/0.1/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
KGO = I.KGO

#: Prefixes of the Turtle and JSON-LD exports (and of ``kg query``); ``kg`` is the base.
PREFIXES: dict[str, str] = {
    "kgo": KGO, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS,
    "dcterms": DCTERMS, "prov": PROV, "schema": SCHEMA, "bibo": BIBO, "foaf": FOAF,
    "dcat": DCAT, "void": VOID,
}

#: Graph edge key (relation) → kgo property local name.
RELATION_PROPERTY: dict[str, str] = {
    "proposes": "proposes", "evaluates_on": "evaluatesOn", "addresses": "addresses",
    "uses": "uses", "mentions": "mentions", "outperforms": "outperforms",
    "based_on": "basedOn", "evaluated_on": "evaluatedOn", "used_for": "usedFor",
    "variant_of": "variantOf", "has_code": "hasCode", "reports": "reports",
    "result_for": "resultFor", "result_on": "onDataset", "result_metric": "withMetric",
}
PROPERTY_RELATION = {v: k for k, v in RELATION_PROPERTY.items()}
ENTITY_CLASSES = ("Method", "Model", "Dataset", "Task", "Metric")
#: Relations between entities that papers state (the ones ``kgo:rankBySupport`` orders).
STATED_RELATIONS = ("outperforms", "basedOn", "evaluatedOn", "usedFor")
#: How many of the first entities of each class carry ``kgo:rankInType``, tasks
#: ``kgo:rankByProposedMethods`` and statements ``kgo:rankBySupport``: a "top N" query
#: then reads N triples instead of sorting every entity (seconds at 100k papers).
RANKED = 100
#: How many of the paper pairs sharing the most datasets are written as
#: ``kgo:DatasetOverlap`` records (with ``kgo:rankByShared``).
RANKED_OVERLAPS = 1000


#: Resource kinds that get a prefix of their own (``paper:p1``, ``entity:gsm8k``: the same
#: spelling as the networkx node ids).
RESOURCE_PREFIXES = ("paper", "entity", "code", "result", "author", "statement")


def prefixes(base: str | None = None) -> dict[str, str]:
    """:data:`PREFIXES` plus ``kg:`` for the resource base and one per resource kind."""
    b = I.check_base(base)
    return {"kg": b, **{k: f"{b}{k}/" for k in RESOURCE_PREFIXES}, **PREFIXES}


class _V:
    """Vocabulary terms, made once."""

    def __init__(self) -> None:
        def n(ns: str, local: str) -> NamedNode:
            return NamedNode(ns + local)

        self.type = n(RDF, "type")
        self.subject, self.predicate, self.object = (n(RDF, x) for x in
                                                     ("subject", "predicate", "object"))
        self.seq = n(RDF, "Seq")
        self.label = n(RDFS, "label")
        self.pref, self.alt = n(SKOS, "prefLabel"), n(SKOS, "altLabel")
        self.title, self.abstract, self.date = (n(DCTERMS, x) for x in
                                                ("title", "abstract", "date"))
        self.identifier, self.creator = n(DCTERMS, "identifier"), n(DCTERMS, "creator")
        self.conforms = n(DCTERMS, "conformsTo")
        self.derived_from = n(PROV, "wasDerivedFrom")
        self.url = n(SCHEMA, "url")
        self.doi, self.author_list = n(BIBO, "doi"), n(BIBO, "authorList")
        self.name = n(FOAF, "name")
        self.dcat_dataset = n(DCAT, "Dataset")
        self.void_dataset = n(VOID, "Dataset")
        self.class_partition, self.void_class, self.void_entities = (
            n(VOID, x) for x in ("classPartition", "class", "entities"))
        self.ontology = NamedNode(I.ONTOLOGY)
        self.xsd_integer, self.xsd_decimal = n(XSD, "integer"), n(XSD, "decimal")
        self.any_uri = n(XSD, "anyURI")
        self.xsd_date = {10: n(XSD, "date"), 7: n(XSD, "gYearMonth"), 4: n(XSD, "gYear")}
        self.k = {local: n(KGO, local) for local in (
            "Paper", "Entity", *ENTITY_CLASSES, "CodeRepository", "Result", "CostResult",
            "Statement", "Evidence", "Author", "SurfaceForm", "arxivId", "link", "paperCount",
            "nameKey",
            "appearsIn", "derived", "surfaceForm", "text", "count", "host", "value",
            "numericValue", "entityName", "datasetName", "metricName", "field", "start",
            "end", "sentence", "support", "confidence", "component", "evidence",
            "schemaVersion", "rankInType", "proposedMethodCount", "rankByProposedMethods",
            "rankBySupport", "entitiesInTwoOrMorePapers", "papersNaming", "DatasetOverlap",
            "firstPaper", "secondPaper", "sharedDatasetCount", "rankByShared",
            "evaluationCount", "rankByEvaluations", *RELATION_PROPERTY.values())}


V = _V()
_MEMBER = [NamedNode(f"{RDF}_{i}") for i in range(1, 65)]
_NUMBER = re.compile(r"\s*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*%?\s*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_GYEAR = re.compile(r"[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def name_keys(d: dict) -> list[str]:
    """The entity's name and aliases lower-cased (SPARQL's LCASE), each once, sorted: an
    exact match on ``kgo:nameKey`` is an index lookup, whereas ``FILTER (LCASE(?label) =
    "gsm8k")`` reads every label of the graph (seconds at 100k papers)."""
    names = [d.get("name"), *(d.get("aliases") or ())]
    return sorted({n.lower() for n in names if n})


def author_keys(name: str) -> list[str]:
    """An author's name lower-cased, and each word of it (split at spaces and commas; a
    hyphenated word also at its hyphens), each once, sorted: ``kgo:nameKey "luong"`` finds
    every author with the word "Luong" in their name by an index lookup, where ``FILTER
    (CONTAINS(LCASE(?name), "luong"))`` reads every author's name (seconds through kg
    serve at 100k papers)."""
    full = " ".join(name.split()).lower()
    tokens = [t for t in re.split(r"[\s,]+", full) if t]
    words = {*tokens, *(w for t in tokens for w in t.split("-") if w)}
    return sorted({full, *words} - {""})


def member(i: int) -> NamedNode:
    """``rdf:_i`` (container membership property, 1-based)."""
    return _MEMBER[i - 1] if i <= len(_MEMBER) else NamedNode(f"{RDF}_{i}")


def text(value: Any) -> Literal:
    """An ``xsd:string`` literal of any Python string (lone surrogates → U+FFFD)."""
    s = str(value)
    try:
        return Literal(s)
    except ValueError:
        return Literal(_SURROGATE.sub("\ufffd", s))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while making millions of small acyclic objects (RDF terms,
    lines): its collections rescan the whole heap and double the time of a big export."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=1 << 14)
def integer(value: Any) -> Literal:
    return Literal(str(int(value)), datatype=V.xsd_integer)


@lru_cache(maxsize=1 << 14)
def decimal(value: Any) -> Literal:
    """``xsd:decimal`` from a float as written by Python (``0.8`` stays ``0.8``)."""
    x = float(value)
    if not math.isfinite(x):
        return Literal(x)  # xsd:double NaN/INF: decimal has no such values
    s = format(Decimal(repr(x)), "f")
    return Literal(s if "." in s else s + ".0", datatype=V.xsd_decimal)


def any_uri(value: str) -> Literal:
    return Literal(_SURROGATE.sub("\ufffd", value), datatype=V.any_uri)


def date_literal(value: str) -> Literal:
    """``xsd:date`` / ``gYearMonth`` / ``gYear`` when the string is one, else a string."""
    v = str(value)
    if _GYEAR.fullmatch(v):
        return Literal(v, datatype=V.xsd_date[len(v)])
    if _DATE.fullmatch(v):
        try:
            date.fromisoformat(v)  # a real day (not 2024-02-30)
            return Literal(v, datatype=V.xsd_date[10])
        except ValueError:
            pass
    return text(v)


def numeric_value(value: str) -> Literal | None:
    """The number in a result value written as a plain number ("84", "70.5%"), else None."""
    m = _NUMBER.fullmatch(value)
    if not m:
        return None
    num = m.group(1)
    s = format(Decimal(num), "f")
    return Literal(s if "." in s else s + ".0", datatype=V.xsd_decimal)


class _Mapper:
    """Turns one networkx graph into (s, p, o) term tuples; caches node IRIs."""

    def __init__(self, base: str | None) -> None:
        self.base = I.check_base(base)
        self.nodes: dict[str, NamedNode] = {}
        self.authors: set[str] = set()

    def node(self, node_id: str) -> NamedNode:
        n = self.nodes.get(node_id)
        if n is None:
            n = self.nodes[node_id] = NamedNode(I.node_iri(node_id, self.base))
        return n

    def paper(self, paper_id: str) -> NamedNode:
        return self.node(f"paper:{paper_id}")

    def triples(self, g: nx.MultiDiGraph) -> Iterator[tuple[NamedNode, NamedNode, Term]]:
        ds = NamedNode(I.dataset_iri(self.base))
        yield ds, V.type, V.dcat_dataset
        yield ds, V.conforms, V.ontology
        yield ds, V.title, text(g.graph.get("name", "kg"))
        version = g.graph.get("kg_schema", SCHEMA_VERSION)
        yield ds, V.k["schemaVersion"], text(version)
        for n, d in g.nodes(data=True):
            kind = d.get("kind")
            emit = {"paper": self._paper, "entity": self._entity, "code": self._code,
                    "result": self._result}.get(kind)
            if emit is None:
                raise ValueError(f"node {n!r}: kind {kind!r} is not in the kg schema")
            yield from emit(n, d)
        for u, v, key, d in g.edges(keys=True, data=True):
            yield from self._edge(u, v, key, d)
        yield from self._aggregates(g, ds)

    def _aggregates(self, g: nx.MultiDiGraph, ds: NamedNode) -> Iterator[tuple]:
        """What whole-graph questions need, counted once here so that a query reads a few
        triples instead of grouping or sorting the whole graph (seconds at 100k papers):
        a VoID description of the graph by class, entity ranks per class, tasks' proposed
        methods, statement ranks and the paper pairs sharing the most datasets."""
        yield ds, V.type, V.void_dataset
        entities: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        papers = 0
        for n, d in g.nodes(data=True):
            if d.get("kind") == "entity":
                etype = d.get("type")
                entities[etype if etype in ENTITY_CLASSES else "Entity"].append((n, d))
            elif d.get("kind") == "paper":
                papers += 1
        partitions = [("Paper", papers, None)] if papers else []
        partitions += [(cls, len(entities[cls]), entities[cls])
                       for cls in ("Entity", *ENTITY_CLASSES) if entities.get(cls)]
        for cls, count, members in partitions:
            part = NamedNode(I.class_partition_iri(cls, self.base))
            yield ds, V.class_partition, part
            yield part, V.type, V.void_dataset
            yield part, V.void_class, V.k[cls]
            yield part, V.void_entities, integer(count)
            if members is not None:
                two = sum(1 for _, d in members if (d.get("paper_count") or 0) >= 2)
                naming = {p for _, d in members for p in d.get("papers") or ()}
                yield part, V.k["entitiesInTwoOrMorePapers"], integer(two)
                yield part, V.k["papersNaming"], integer(len(naming))
        for cls in ENTITY_CLASSES:
            yield from _ranks([((-d["paper_count"], (s := self.node(n)).value), s)
                               for n, d in entities.get(cls, ())
                               if (d.get("paper_count") or 0) >= 1], "rankInType")
        yield from self._evaluations(g, entities.get("Dataset", ()))
        yield from self._task_methods(g, entities.get("Task", ()))
        yield from self._statement_ranks(g)
        yield from self._overlaps(g)

    def _evaluations(self, g: nx.MultiDiGraph, datasets: list[tuple[str, dict]]
                     ) -> Iterator[tuple]:
        """``kgo:evaluationCount`` of each dataset that papers evaluate on (the papers with
        ``kgo:evaluatesOn`` it), and the first :data:`RANKED` named datasets' rank by it
        (most first, ties by ``skos:prefLabel`` then IRI) as ``kgo:rankByEvaluations``."""
        counted = []
        for n, d in datasets:
            papers = {u for u, _, k in g.in_edges(n, keys=True)
                      if k == "evaluates_on" and g.nodes[u].get("kind") == "paper"}
            if not papers:
                continue
            s = self.node(n)
            yield s, V.k["evaluationCount"], integer(len(papers))
            if d.get("name") is not None:
                counted.append(((-len(papers), str(d["name"]), s.value), s))
        yield from _ranks(counted, "rankByEvaluations")

    def _task_methods(self, g: nx.MultiDiGraph, tasks: list[tuple[str, dict]]
                      ) -> Iterator[tuple]:
        """``kgo:proposedMethodCount`` of each task with one: the methods that a paper
        proposes while it addresses the task, or that a paper proposes and some paper
        states are ``usedFor`` the task; and the first :data:`RANKED` tasks' rank by it."""
        def is_method(n: str) -> bool:
            return g.nodes[n].get("kind") == "entity" and g.nodes[n].get("type") == "Method"

        proposed = {v for _, v, k in g.edges(keys=True) if k == "proposes" and is_method(v)}
        methods: dict[str, set[str]] = defaultdict(set)
        for u, v, k in g.edges(keys=True):
            if k == "used_for" and u in proposed:
                methods[v].add(u)
        for n, d in g.nodes(data=True):
            if d.get("kind") != "paper":
                continue
            mine: list[str] = []
            addressed: list[str] = []
            for _, v, k in g.out_edges(n, keys=True):
                if k == "proposes" and v in proposed:
                    mine.append(v)
                elif k == "addresses":
                    addressed.append(v)
            if mine:
                for t in addressed:
                    methods[t].update(mine)
        counted = []
        for n, d in tasks:
            if methods.get(n):
                s = self.node(n)
                yield s, V.k["proposedMethodCount"], integer(len(methods[n]))
                if d.get("name") is not None:
                    counted.append(((-len(methods[n]), str(d["name"]), s.value), s))
        yield from _ranks(counted, "rankByProposedMethods")

    def _statement_ranks(self, g: nx.MultiDiGraph) -> Iterator[tuple]:
        """``kgo:rankBySupport`` of the first :data:`RANKED` statements of the relations
        papers state between entities (:data:`STATED_RELATIONS`): most papers first, then
        highest confidence, then by IRI; only statements with both a support and a
        confidence are ranked."""
        ranked = []
        for u, v, key, d in g.edges(keys=True, data=True):
            prop = RELATION_PROPERTY.get(key)
            if (prop in STATED_RELATIONS and d.get("support") is not None
                    and d.get("confidence") is not None):
                st = I.statement_iri(u, prop, v, self.base)
                ranked.append(((-int(d["support"]), -float(d["confidence"]), st), NamedNode(st)))
        yield from _ranks(ranked, "rankBySupport")

    def _overlaps(self, g: nx.MultiDiGraph) -> Iterator[tuple]:
        """The :data:`RANKED_OVERLAPS` pairs of papers that evaluate on the most of the
        same datasets (two or more), as ``kgo:DatasetOverlap`` records: most shared first,
        then by the two papers' IRIs (the first the smaller)."""
        top = top_overlaps(g, RANKED_OVERLAPS, key=lambda n: self.node(n).value)
        for rank, (shared, p1, p2) in enumerate(top, 1):
            o = NamedNode(I.overlap_iri(p1.partition(":")[2], p2.partition(":")[2],
                                        self.base))
            yield o, V.type, V.k["DatasetOverlap"]
            yield o, V.k["firstPaper"], self.node(p1)
            yield o, V.k["secondPaper"], self.node(p2)
            yield o, V.k["sharedDatasetCount"], integer(shared)
            yield o, V.k["rankByShared"], integer(rank)

    def _common(self, s: NamedNode, cls: str, d: dict) -> Iterator[tuple]:
        yield s, V.type, V.k[cls]
        if d.get("label") is not None:
            yield s, V.label, text(d["label"])

    def _paper(self, n: str, d: dict) -> Iterator[tuple]:
        s = self.node(n)
        yield from self._common(s, "Paper", d)
        pid = d.get("paper_id", n.partition(":")[2])
        yield s, V.identifier, text(pid)
        for key, pred in (("title", V.title), ("abstract", V.abstract)):
            if d.get(key) is not None:
                yield s, pred, text(d[key])
        if d.get("date"):
            yield s, V.date, date_literal(d["date"])
        if d.get("url"):
            yield s, V.url, any_uri(d["url"])
        if d.get("link"):
            yield s, V.k["link"], any_uri(d["link"])
        if d.get("arxiv_id"):
            yield s, V.k["arxivId"], text(d["arxiv_id"])
        if d.get("doi"):
            yield s, V.doi, text(d["doi"])
        authors = list(d.get("authors") or ())
        if authors:
            seq = NamedNode(I.author_list_iri(pid, self.base))
            yield s, V.author_list, seq
            yield seq, V.type, V.seq
            for i, name in enumerate(authors, 1):
                a = NamedNode(I.author_iri(name, self.base))
                yield s, V.creator, a
                yield seq, member(i), a
                if name not in self.authors:
                    self.authors.add(name)
                    yield a, V.type, V.k["Author"]
                    yield a, V.name, text(name)
                    for key in author_keys(name):
                        yield a, V.k["nameKey"], text(key)

    def _entity(self, n: str, d: dict) -> Iterator[tuple]:
        s = self.node(n)
        etype = d.get("type")
        yield from self._common(s, etype if etype in ENTITY_CLASSES else "Entity", d)
        if d.get("name") is not None:
            yield s, V.pref, text(d["name"])
        for alias in d.get("aliases") or ():
            yield s, V.alt, text(alias)
        for key in name_keys(d):
            yield s, V.k["nameKey"], text(key)
        for form, count in sorted((d.get("alias_counts") or {}).items()):
            f = NamedNode(f"{s.value}/form/{I.segment(form)}")
            yield s, V.k["surfaceForm"], f
            yield f, V.type, V.k["SurfaceForm"]
            yield f, V.k["text"], text(form)
            yield f, V.k["count"], integer(count)
        if d.get("paper_count") is not None:
            yield s, V.k["paperCount"], integer(d["paper_count"])
        for pid in d.get("papers") or ():
            yield s, V.k["appearsIn"], self.paper(pid)
        if d.get("derived") is not None:
            yield s, V.k["derived"], Literal(bool(d["derived"]))

    def _code(self, n: str, d: dict) -> Iterator[tuple]:
        s = self.node(n)
        yield from self._common(s, "CodeRepository", d)
        if d.get("url"):
            yield s, V.url, any_uri(d["url"])
        if d.get("host") is not None:
            yield s, V.k["host"], text(d["host"])

    def _result(self, n: str, d: dict) -> Iterator[tuple]:
        s = self.node(n)
        yield from self._common(s, "Result", d)
        if d.get("result_kind") == "cost":
            yield s, V.type, V.k["CostResult"]
        if d.get("value") is not None:
            value = str(d["value"])
            yield s, V.k["value"], text(value)
            num = numeric_value(value)
            if num is not None:
                yield s, V.k["numericValue"], num
        for key in ("entity", "dataset", "metric"):
            if d.get(key) is not None:
                yield s, V.k[f"{key}Name"], text(d[key])
        if d.get("paper"):
            yield s, V.derived_from, self.paper(d["paper"])
        yield from self._span(s, d)

    def _span(self, s: NamedNode, d: dict) -> Iterator[tuple]:
        if d.get("field") is not None:
            yield s, V.k["field"], text(d["field"])
        for key in ("start", "end"):
            if d.get(key) is not None:
                yield s, V.k[key], integer(d[key])
        if d.get("sentence") is not None:
            yield s, V.k["sentence"], text(d["sentence"])

    def _edge(self, u: str, v: str, key: str, d: dict) -> Iterator[tuple]:
        prop = RELATION_PROPERTY.get(key)
        if prop is None:
            raise ValueError(f"edge {u!r} → {v!r}: relation {key!r} is not in the kg schema")
        su, p, ov = self.node(u), V.k[prop], self.node(v)
        yield su, p, ov
        st = NamedNode(I.statement_iri(u, prop, v, self.base))
        yield st, V.type, V.k["Statement"]
        yield st, V.subject, su
        yield st, V.predicate, p
        yield st, V.object, ov
        if d.get("support") is not None:
            yield st, V.k["support"], integer(d["support"])
        if d.get("confidence") is not None:
            yield st, V.k["confidence"], decimal(d["confidence"])
        if d.get("source") is not None:
            yield st, V.k["component"], text(d["source"])
        for pid in d.get("papers") or ():
            yield st, V.derived_from, self.paper(pid)
        seen: dict[tuple, int] = defaultdict(int)
        for ev in d.get("evidence") or ():
            if not ev.get("paper"):
                continue  # the resolver's own edges: no paper states them
            span = (ev["paper"], str(ev.get("field", "")), ev.get("start", 0), ev.get("end", 0))
            seen[span] += 1
            e = NamedNode(I.evidence_iri(st.value, *span, repeat=seen[span]))
            yield st, V.k["evidence"], e
            yield e, V.type, V.k["Evidence"]
            yield e, V.derived_from, self.paper(ev["paper"])
            yield from self._span(e, ev)
            if ev.get("source") is not None:
                yield e, V.k["component"], text(ev["source"])
            if ev.get("confidence") is not None:
                yield e, V.k["confidence"], decimal(ev["confidence"])


def _ranks(keyed: list[tuple[tuple, NamedNode]], prop: str) -> Iterator[tuple]:
    """``kgo:<prop>`` 1, 2, … of the first :data:`RANKED` nodes by their (unique) sort
    keys; ``keyed`` holds (key, node) pairs."""
    for rank, (_, s) in enumerate(heapq.nsmallest(RANKED, keyed, key=itemgetter(0)), 1):
        yield s, V.k[prop], integer(rank)


def top_overlaps(g: nx.MultiDiGraph, n: int, key: Callable[[str], str] = str
                 ) -> list[tuple[int, str, str]]:
    """The ``n`` pairs of nodes that ``kgo:evaluatesOn`` (``evaluates_on``) two or more of
    the same datasets, as (datasets shared, node, node), most shared first, then by
    ``key`` of the two nodes (the first the smaller).

    Two nodes that share ``s`` datasets share ``s(s-1)/2`` pairs of them, so grouping
    nodes by their dataset pairs finds every pair sharing two or more without the far
    more numerous pairs sharing one popular dataset. Pairs sharing ``t`` or more need
    nodes with ``t`` or more datasets each: the threshold ``t`` comes down from the
    largest until ``n`` pairs are found, so a big graph seldom needs the full count.
    """
    datasets: dict[str, set[str]] = defaultdict(set)
    for u, v, k in g.edges(keys=True):
        if k == "evaluates_on":
            datasets[u].add(v)
    sets = {u: sorted(ds) for u, ds in datasets.items() if len(ds) >= 2}
    if not sets:
        return []
    keys = {u: key(u) for u in sets}
    found: list[tuple[int, str, str]] = []
    for t in range(max(len(ds) for ds in sets.values()), 1, -1):
        by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
        for u, ds in sets.items():
            if len(ds) >= t:
                for pair in combinations(ds, 2):
                    by_pair[pair].append(u)
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        for members in by_pair.values():
            if len(members) >= 2:
                members.sort(key=keys.__getitem__)
                for pair in combinations(members, 2):
                    pairs[pair] += 1
        # c shared dataset pairs = s(s-1)/2 for s shared datasets
        found = [(s, a, b) for (a, b), c in pairs.items()
                 if (s := (1 + math.isqrt(1 + 8 * c)) // 2) >= t]
        if len(found) >= n:
            break
    found.sort(key=lambda x: (-x[0], keys[x[1]], keys[x[2]]))
    return found[:n]


def canonical_ntriples(triples: Iterable[Triple]) -> bytes:
    """Sorted, unique canonical N-Triples lines (a canonical form: no blank nodes)."""
    with gc_paused():
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()
        lines.sort()
        unique = [a for a, b in zip(lines, lines[1:], strict=False) if a != b]
        if lines:
            unique.append(lines[-1])
        return b"\n".join(unique) + b"\n" if unique else b""



def to_triples(g: nx.MultiDiGraph, base: str | None = None) -> list[Triple]:
    """Every triple of ``g`` in the kg ontology, in graph order (exports sort them)."""
    with gc_paused():
        return [Triple(s, p, o) for s, p, o in _Mapper(base).triples(g)]


#: Most term texts :func:`iter_ntriples` keeps (then it starts over): bounds its memory.
_TEXT_CACHE = 1 << 16


def iter_ntriples(g: nx.MultiDiGraph, base: str | None = None) -> Iterator[str]:
    """The N-Triples line (``\\n``-terminated) of each triple of :func:`to_triples`, in the
    same order, one at a time, for writers that must not hold them all
    (:func:`kg.export.rdf_files.write_rdf`).

    ``str()`` of a pyoxigraph term is its N-Triples text, escaping included — what
    pyoxigraph's N-Triples serializer writes — so these are the lines of
    ``serialize(to_triples(g), format=RdfFormat.N_TRIPLES)``, at a third of the cost: no
    ``Triple`` is built (pyoxigraph 0.5 takes ~3 µs to make one with a literal object,
    ten times one with an IRI), and the text of a recurring term (node IRIs, vocabulary,
    cached numbers) is made once.
    """
    texts: dict[Term, str] = {}
    subject, s_text = None, ""
    for s, p, o in _Mapper(base).triples(g):
        if s is not subject:  # a subject's triples mostly come together
            subject, s_text = s, str(s)
        p_text = texts.get(p)
        if p_text is None:
            p_text = texts[p] = str(p)
        o_text = texts.get(o)
        if o_text is None:
            if len(texts) >= _TEXT_CACHE:
                texts.clear()
            o_text = texts[o] = str(o)
        yield f"{s_text} {p_text} {o_text} .\n"


def to_quads(g: nx.MultiDiGraph, base: str | None = None) -> list[Quad]:
    """The same triples as :func:`to_triples`, as default-graph quads for a ``Store``."""
    with gc_paused():
        return [Quad(s, p, o) for s, p, o in _Mapper(base).triples(g)]


def to_store(g: nx.MultiDiGraph, base: str | None = None, store: Store | None = None) -> Store:
    """``g`` loaded into a pyoxigraph ``Store`` (a new in-memory one unless given)."""
    store = Store() if store is None else store
    store.extend(to_quads(g, base))
    return store


def to_rdflib(g: nx.MultiDiGraph, base: str | None = None) -> rdflib.Graph:
    """``g`` as an rdflib ``Graph``, with the export prefixes bound (for Python users and
    pySHACL; slower than the pyoxigraph path, so never used by ``kg build``)."""
    import rdflib

    rg = rdflib.Graph()
    for prefix, ns in prefixes(base).items():
        rg.bind(prefix, ns, override=True, replace=True)
    rg.parse(data=canonical_ntriples(to_triples(g, base)).decode("utf-8"), format="nt")
    return rg


# -- reading back ---------------------------------------------------------------------------

def _unsegment(seg: str) -> str:
    for raw, spelled in I._SPECIAL_SEGMENTS.items():
        if seg == spelled:
            return raw
    return unquote(seg, errors="surrogatepass")


def node_id_of(node_iri: str, base: str) -> str:
    """The networkx node id an IRI of :func:`kg.graph.iri.node_iri` was minted from."""
    if not node_iri.startswith(base):
        raise ValueError(f"{node_iri!r} is not under the base IRI {base!r}")
    kind, _, seg = node_iri[len(base):].partition("/")
    local = _unsegment(seg)
    return local if kind == "node" else f"{kind}:{local}"


def _value(term: Term) -> Any:
    if isinstance(term, NamedNode):
        return term.value
    dt = term.datatype.value
    if dt == XSD + "integer":
        return int(term.value)
    if dt == XSD + "decimal" or dt == XSD + "double":
        return float(term.value)
    if dt == XSD + "boolean":
        return term.value == "true"
    return term.value


def read_triples(source: str | Path | Store | Iterable[Triple | Quad]) -> Iterator[tuple]:
    """(s, p, o) terms from a file (.ttl/.nt/.jsonld), a store or triples/quads."""
    if isinstance(source, str | Path):
        p = Path(source)
        fmt = RdfFormat.JSON_LD if p.suffix.lower() in (".jsonld", ".json") else None
        source = parse(path=str(p), format=fmt or RdfFormat.from_extension(p.suffix[1:]))
    elif isinstance(source, Store):
        source = iter(source)
    for t in source:
        yield t.subject, t.predicate, t.object


def graph_from_rdf(source: str | Path | Store | Iterable[Triple | Quad]) -> nx.MultiDiGraph:
    """The networkx graph an RDF export was written from (``kg.load`` of .ttl/.nt/.jsonld).

    Lossless for graphs of :func:`kg.graph.property_graph.build_graph`, except the
    insertion order of nodes (now: papers, entities, code, results, each sorted by id) and lone
    surrogates
    (written as U+FFFD).
    """
    by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in read_triples(source):
        by_s[s.value][p.value].append(o)
    typ = RDF + "type"
    base = next((s for s, po in by_s.items()
                 if any(t.value == DCAT + "Dataset" for t in po.get(typ, ()))), None)
    if base is None:
        raise ValueError("not a kg export: no dcat:Dataset node with the base IRI")
    g = nx.MultiDiGraph(name="kg", kg_schema=SCHEMA_VERSION)
    meta = by_s[base]
    if meta.get(DCTERMS + "title"):
        g.graph["name"] = meta[DCTERMS + "title"][0].value
    if meta.get(KGO + "schemaVersion"):
        g.graph["kg_schema"] = meta[KGO + "schemaVersion"][0].value
    kinds: dict[str, list[str]] = defaultdict(list)
    for s, po in by_s.items():
        for t in po.get(typ, ()):
            kinds[t.value[len(KGO):] if t.value.startswith(KGO) else t.value].append(s)

    def one(po: dict, pred: str, default: Any = None) -> Any:
        vals = po.get(pred)
        return _value(vals[0]) if vals else default

    def pid(iri: str) -> str:
        return node_id_of(iri, base).partition(":")[2]

    nodes: list[tuple[str, dict]] = []
    for s in kinds["Paper"]:
        po = by_s[s]
        d: dict[str, Any] = {"kind": "paper", "label": one(po, RDFS + "label"),
                             "paper_id": one(po, DCTERMS + "identifier"),
                             "title": one(po, DCTERMS + "title"),
                             "abstract": one(po, DCTERMS + "abstract")}
        seq = po.get(BIBO + "authorList")
        members = sorted((int(p[len(RDF) + 1:]), o.value) for p, os_ in
                         by_s[seq[0].value].items() if p.startswith(RDF + "_")
                         for o in os_) if seq else []
        d["authors"] = [one(by_s[a], FOAF + "name", "") for _, a in members]
        for key, pred in (("date", DCTERMS + "date"), ("url", SCHEMA + "url"),
                          ("arxiv_id", KGO + "arxivId"), ("doi", BIBO + "doi"),
                          ("link", KGO + "link")):
            if po.get(pred):
                d[key] = po[pred][0].value
        nodes.append((node_id_of(s, base), {k: v for k, v in d.items() if v is not None}))
    for cls in ("Entity", *ENTITY_CLASSES):
        for s in kinds[cls]:
            po = by_s[s]
            forms = {by_s[f.value][KGO + "text"][0].value: one(by_s[f.value], KGO + "count")
                     for f in po.get(KGO + "surfaceForm", ())}
            d = {"kind": "entity", "label": one(po, RDFS + "label"), "type": cls,
                 "name": one(po, SKOS + "prefLabel"),
                 "aliases": sorted(a.value for a in po.get(SKOS + "altLabel", ())),
                 "alias_counts": dict(sorted(forms.items())),
                 "paper_count": one(po, KGO + "paperCount"),
                 "papers": sorted(pid(p.value) for p in po.get(KGO + "appearsIn", ())),
                 "derived": one(po, KGO + "derived")}
            nodes.append((node_id_of(s, base), {k: v for k, v in d.items() if v is not None}))
    for s in kinds["CodeRepository"]:
        po = by_s[s]
        d = {"kind": "code", "label": one(po, RDFS + "label"), "url": one(po, SCHEMA + "url"),
             "host": one(po, KGO + "host")}
        nodes.append((node_id_of(s, base), {k: v for k, v in d.items() if v is not None}))
    costs = set(kinds["CostResult"])
    for s in kinds["Result"]:
        po = by_s[s]
        paper = po.get(PROV + "wasDerivedFrom")
        d = {"kind": "result", "label": one(po, RDFS + "label"), "value": one(po, KGO + "value"),
             "result_kind": "cost" if s in costs else "score",
             "paper": pid(paper[0].value) if paper else None,
             **{k: one(po, KGO + k) for k in ("field", "start", "end", "sentence")},
             **{k: one(po, f"{KGO}{k}Name") for k in ("entity", "dataset", "metric")}}
        nodes.append((node_id_of(s, base), {k: v for k, v in d.items() if v is not None}))
    kind_rank = {"paper": 0, "entity": 1, "code": 2, "result": 3}
    for n, d in sorted(nodes, key=lambda x: (kind_rank[x[1]["kind"]], x[0])):
        g.add_node(n, **d)

    edges = []
    for s in kinds["Statement"]:
        po = by_s[s]
        u = node_id_of(po[RDF + "subject"][0].value, base)
        v = node_id_of(po[RDF + "object"][0].value, base)
        rel = PROPERTY_RELATION[po[RDF + "predicate"][0].value[len(KGO):]]
        evidence = []
        for e in po.get(KGO + "evidence", ()):
            epo = by_s[e.value]
            ev = {"paper": pid(epo[PROV + "wasDerivedFrom"][0].value),
                  **{k: one(epo, KGO + k) for k in ("field", "start", "end", "sentence")},
                  "source": one(epo, KGO + "component"),
                  "confidence": one(epo, KGO + "confidence")}
            evidence.append({k: x for k, x in ev.items() if x is not None})
        evidence.sort(key=lambda e: (e.get("paper", ""), e.get("field", ""), e.get("start", 0),
                                     e.get("end", 0), e.get("sentence", "")))
        support = one(po, KGO + "support")
        if not evidence and support == 0:
            evidence = [{"paper": "", "field": "", "start": 0, "end": 0, "sentence": "",
                         "source": one(po, KGO + "component"),
                         "confidence": one(po, KGO + "confidence")}]
        d = {"rel": rel, "support": support,
             "papers": sorted(pid(p.value) for p in po.get(PROV + "wasDerivedFrom", ())),
             "confidence": one(po, KGO + "confidence"),
             "source": one(po, KGO + "component"), "evidence": evidence}
        edges.append((u, v, rel, {k: x for k, x in d.items() if x is not None}))
    stated = {e[:3] for e in edges}
    for s, po in by_s.items():  # direct triples without a statement (RDF from elsewhere)
        for prop, rel in PROPERTY_RELATION.items():
            for o in po.get(KGO + prop, ()):
                if isinstance(o, NamedNode) and o.value.startswith(base):
                    u, v = node_id_of(s, base), node_id_of(o.value, base)
                    if (u, v, rel) not in stated and u in g and v in g:
                        edges.append((u, v, rel, {"rel": rel}))
    for u, v, rel, d in sorted(edges, key=lambda e: e[:3]):
        g.add_edge(u, v, key=rel, **d)
    return g
