"""The typed networkx graph: the one in-memory model every export and analysis reads.

Schema (``networkx.MultiDiGraph``; every exporter, the view and ``kg.analysis`` rely on it)
========================================================================================

Graph attributes: ``name`` ("kg"), ``kg_schema`` (schema version, :data:`SCHEMA_VERSION`).

Nodes — the ``kind`` attribute says which of four kinds a node is; every node has ``label``.

``paper``      id ``paper:<paper id>``
    ``paper_id``, ``title``, ``abstract``, ``authors`` (list[str]), ``date``, ``url``,
    ``arxiv_id``, ``doi``, ``link`` (best URL for a person: url, else arXiv, else DOI).
    Missing values are absent, never ``None``.
``entity``     id ``entity:<slug>`` (slug of the canonical name; ``--<type>`` on a clash)
    ``type`` (Method | Model | Dataset | Task | Metric), ``name`` (canonical),
    ``aliases`` (list[str]: every other surface form, sorted), ``alias_counts``
    (dict[str, int]: every surface form including ``name`` → times seen),
    ``paper_count`` (int), ``papers`` (list[str], sorted paper ids),
    ``derived`` (bool: a model family created for sized variants, no paper names it).
``code``       id ``code:<normalised URL>``
    ``url``, ``host``.
``result``     id ``result:<paper id>:<n>``
    ``value`` (str, as written), ``result_kind`` (``score``: a quality measure, what
    leaderboards rank; ``cost``: speed, latency, size or compute, its value with its unit),
    ``entity``/``dataset``/``metric`` (names, may be absent), ``paper`` (paper id),
    ``field``, ``start``, ``end``, ``sentence``.

Edges — the multigraph key **is** the relation; ``rel`` repeats it as an attribute.

======================  ===============  ============================================
key / ``rel``           from → to        meaning
======================  ===============  ============================================
proposes                paper → entity   introduced by the paper
evaluates_on            paper → entity   dataset used in the paper's experiments
addresses               paper → entity   task the paper tackles
uses                    paper → entity   method/model/metric used, built on, compared
mentions                paper → entity   background only
outperforms             entity → entity  head reported better than tail
based_on                entity → entity  head extends / fine-tunes / builds on tail
evaluated_on            entity → entity  method/model evaluated on a dataset
used_for                entity → entity  method/model/dataset used for a task
variant_of              entity → entity  sized variant → model family (resolver)
has_code                paper → code     code or data repository stated in the abstract
reports                 paper → result   the paper states this score or cost
result_for              result → entity  whose score it is
result_on               result → entity  the dataset it was measured on
result_metric           result → entity  the metric
======================  ===============  ============================================

Every edge carries its provenance: ``support`` (int, number of papers stating it),
``papers`` (list[str]), ``confidence`` (float, highest over its evidence), ``source``
(the component of the most confident evidence: ``model``, ``gazetteer``, ``rule`` or
``resolver``) and ``evidence`` (list of dicts ``{paper, field, start, end, sentence,
source, confidence}``: ``start``/``end`` index the paper's title or abstract and span the
sentence that states the edge).

GraphML has no lists or dicts: :mod:`kg.export.graphml` writes the attributes named in
:data:`JSON_ATTRIBUTES` as JSON strings and :func:`kg.load` decodes them again.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from kg.extract.doc.code_links import normalize_url
from kg.extract.doc.sentences import sentence_of
from kg.graph.schema import (  # noqa: F401  (re-exported: the schema's names live here too)
    ENTITY_RELATIONS,
    JSON_ATTRIBUTES,
    NODE_KINDS,
    OTHER_RELATIONS,
    PAPER_ROLES,
    RESULT_LINKS,
    SCHEMA_VERSION,
)
from kg.records import ROLES, Extraction, Paper
from kg.resolve import Resolution, resolve


def paper_node(paper_id: str) -> str:
    return f"paper:{paper_id}"


def code_node(url: str) -> str:
    return f"code:{url}"


def _link(p: Paper) -> str | None:
    if p.url:
        return p.url
    if p.arxiv_id:
        return f"https://arxiv.org/abs/{p.arxiv_id}"
    if p.doi:
        return f"https://doi.org/{p.doi}"
    return None


class _PaperEvidence:
    """Evidence dicts of one paper's edges. A paper's edges cite a handful of sentences:
    each sentence string is made once and shared, and the repeated values (field,
    source) are interned; at 100k papers that saves ~40% of the graph's memory."""

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.sentences: dict[tuple[str, int, int], str] = {}

    def __call__(self, field: str, start: int, end: int, source: str, conf: float) -> dict:
        field = sys.intern(field)
        text = self.paper.title if field == "title" else self.paper.abstract
        s, e = sentence_of(text, start, end)
        sentence = self.sentences.get((field, s, e))
        if sentence is None:
            sentence = self.sentences[(field, s, e)] = text[s:e]
        return {
            "paper": self.paper.id, "field": field, "start": s, "end": e,
            "sentence": sentence, "source": sys.intern(source),
            "confidence": round(float(conf), 4),
        }


def _evidence_order(e: dict) -> tuple[str, str, int]:
    return e.get("paper", ""), e.get("field", ""), e.get("start", 0)


def _confidence(e: dict) -> float:
    return e.get("confidence", 0.0)


class _EdgeAccumulator:
    """Collects evidence for (u, v, rel) across papers, then writes aggregated edges."""

    def __init__(self) -> None:
        self.edges: dict[tuple[str, str, str], list[dict]] = {}

    def add(self, u: str, v: str, rel: str, evidence: dict) -> None:
        self.edges.setdefault((u, v, rel), []).append(evidence)

    def write(self, g: nx.MultiDiGraph) -> None:
        for (u, v, rel) in sorted(self.edges):
            evs = self.edges[(u, v, rel)]
            if len(evs) == 1:  # most edges (every paper → entity role): nothing to order
                best = evs[0]
                papers = [best["paper"]] if best.get("paper") else []
            else:
                evs = sorted(evs, key=_evidence_order)
                best = max(evs, key=_confidence)
                papers = sorted({e["paper"] for e in evs if e.get("paper")})
            g.add_edge(
                u, v, key=rel, rel=rel, support=len(papers), papers=papers,
                confidence=best.get("confidence", 1.0), source=best.get("source", "rule"),
                evidence=evs,
            )


def build_graph(
    papers: Iterable[Paper],
    extractions: Iterable[Extraction],
    resolution: Resolution | None = None,
) -> nx.MultiDiGraph:
    """Link papers and their extractions into the typed graph described above.

    Reads ``extractions`` once, in any order (with ``resolution`` given; else it is
    computed first, from a list of them). Deterministic whatever that order: nodes and
    edges are inserted in sorted order, so exports of the same input are byte-identical.
    """
    paper_by_id = {p.id: p for p in papers}
    if resolution is None:
        extractions = list(extractions)
        resolution = resolve(e for e in extractions if e.id in paper_by_id)
    g = nx.MultiDiGraph(name="kg", kg_schema=SCHEMA_VERSION)

    for pid in sorted(paper_by_id):
        p = paper_by_id[pid]
        attrs: dict[str, Any] = {
            "kind": "paper", "label": p.title, "paper_id": p.id, "title": p.title,
            "abstract": p.abstract, "authors": list(p.authors),
        }
        for key in ("date", "url", "arxiv_id", "doi"):
            value = getattr(p, key)
            if value:
                attrs[key] = value
        link = _link(p)
        if link:
            attrs["link"] = link
        g.add_node(paper_node(pid), **attrs)

    for eid in sorted(resolution.entities):
        ent = resolution.entities[eid]
        counts = dict(sorted(ent.aliases.items()))
        g.add_node(
            eid, kind="entity", label=ent.label or ent.name, type=ent.type, name=ent.name,
            aliases=sorted(a for a in ent.aliases if a != ent.name), alias_counts=counts,
            paper_count=len(ent.papers), papers=sorted(ent.papers), derived=ent.derived,
        )

    acc = _EdgeAccumulator()
    # Code and result nodes are added at the end, sorted, whatever the records' order.
    code_nodes: dict[str, dict[str, Any]] = {}
    result_nodes: list[tuple[tuple[str, int], str, dict[str, Any]]] = []
    for ext in extractions:
        paper = paper_by_id.get(ext.id)
        if paper is None:
            continue
        evidence = _PaperEvidence(paper)
        pnode = paper_node(ext.id)
        ids = {e.name: resolution.assignment[(ext.id, e.name)] for e in ext.entities}
        # One role per paper–entity pair: the strongest over the entities that resolved
        # to the same node.
        best_role: dict[str, tuple[int, dict]] = {}
        for ent in ext.entities:
            m = ent.mentions[0] if ent.mentions else None
            ev = evidence(m.field if m else "title", m.start if m else 0, m.end if m else 0,
                          ent.source, ent.confidence)
            rank = ROLES.index(ent.role) if ent.role in ROLES else len(ROLES)
            node = ids[ent.name]
            if node not in best_role or rank < best_role[node][0]:
                best_role[node] = (rank, ev)
        for node, (rank, ev) in best_role.items():
            acc.add(pnode, node, ROLES[min(rank, len(ROLES) - 1)], ev)
        for rel in ext.relations:
            h, t = ids.get(rel.head), ids.get(rel.tail)
            if h is None or t is None or h == t:
                continue
            ev = evidence(rel.evidence.field, rel.evidence.start, rel.evidence.end,
                          rel.source, rel.confidence)
            acc.add(h, t, rel.rel, ev)
        for url in ext.code:
            canonical = normalize_url(url)
            cnode = code_node(canonical)
            if cnode not in code_nodes:
                host = urlsplit(canonical).hostname or ""
                code_nodes[cnode] = {"kind": "code", "label": canonical, "url": canonical,
                                     "host": host}
            pos = paper.abstract.find(url)
            ev = evidence("abstract", max(pos, 0), max(pos, 0) + len(url), "rule", 1.0)
            acc.add(pnode, cnode, "has_code", ev)
        for n, res in enumerate(ext.results):
            rnode = f"result:{ext.id}:{n}"
            span = res.evidence
            ev = evidence(span.field if span else "abstract", span.start if span else 0,
                          span.end if span else 0, "rule", 1.0)
            attrs = {"kind": "result", "label": res.value, "value": res.value,
                     "result_kind": res.kind, "paper": ext.id, "field": ev["field"],
                     "start": ev["start"], "end": ev["end"], "sentence": ev["sentence"]}
            for key in ("entity", "dataset", "metric"):
                if getattr(res, key):
                    attrs[key] = getattr(res, key)
            result_nodes.append(((ext.id, n), rnode, attrs))
            acc.add(pnode, rnode, "reports", ev)
            for key, rel in RESULT_LINKS:
                target = ids.get(getattr(res, key) or "")
                if target:
                    acc.add(rnode, target, rel, ev)
    for cnode in sorted(code_nodes):
        g.add_node(cnode, **code_nodes[cnode])
    result_nodes.sort(key=lambda r: r[0])
    for _, rnode, attrs in result_nodes:
        g.add_node(rnode, **attrs)
    del code_nodes, result_nodes
    resolver_evidence = {"paper": "", "field": "", "start": 0, "end": 0, "sentence": "",
                         "source": "resolver", "confidence": 1.0}
    for variant, family in resolution.variants:
        acc.add(variant, family, "variant_of", dict(resolver_evidence))
    for model, method in resolution.built_with:
        acc.add(model, method, "based_on", dict(resolver_evidence))
    acc.write(g)
    return g


def entity_counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """Entities per type (for the build report)."""
    c = Counter(d["type"] for _, d in g.nodes(data=True) if d.get("kind") == "entity")
    return dict(sorted(c.items()))


def edge_counts(g: nx.MultiDiGraph) -> dict[str, int]:
    """Edges per relation (for the build report)."""
    c = Counter(k for _, _, k in g.edges(keys=True))
    return dict(sorted(c.items()))
