"""Aggregates kg build writes into the RDF (kg.graph.rdf: VoID class partitions, ranks,
tasks' proposed methods, dataset overlaps), and the competency queries that read them
(and the name lookups that match on kgo:nameKey instead of filtering every label).

On a small hand-made graph each aggregate is checked against its definition; on the sample
build each rewritten query must give the answer of the whole-graph formulation it replaced
(kept below, as it was in ontology/queries before the aggregates).
"""

from __future__ import annotations

import random
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import NamedNode, Store

import kg
from kg.graph import iri as I  # noqa: N812
from kg.graph import rdf
from kg.graph.rdf import KGO, VOID, to_store, top_overlaps

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"

#: The whole-graph formulations the rewritten queries replaced (same columns, same order).
OLD = {    "entities_by_type": """\
PREFIX kgo: <https://w3id.org/kg/ontology#>

SELECT ?type ?entities ?inTwoOrMorePapers ?papers
WHERE {
  {
    SELECT ?type (COUNT(?entity) AS ?entities)
           (SUM(IF(?n >= 2, 1, 0)) AS ?inTwoOrMorePapers)
    WHERE {
      VALUES ?type { kgo:Method kgo:Model kgo:Dataset kgo:Task kgo:Metric }
      ?entity a ?type ;
              kgo:paperCount ?n .
    }
    GROUP BY ?type
  }
  {
    SELECT ?type (COUNT(DISTINCT ?paper) AS ?papers)
    WHERE {
      VALUES ?type { kgo:Method kgo:Model kgo:Dataset kgo:Task kgo:Metric }
      ?entity a ?type .
      OPTIONAL { ?entity kgo:appearsIn ?paper }
    }
    GROUP BY ?type
  }
}
ORDER BY DESC(?entities) ?type
""",
    "papers_sharing_datasets": """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?paper1 ?title1 ?paper2 ?title2 ?shared
WHERE {
  {
    SELECT ?paper1 ?paper2 (COUNT(DISTINCT ?dataset) AS ?shared)
    WHERE {
      { SELECT ?paper1 ?a ?b
        WHERE { ?paper1 kgo:evaluatesOn ?a , ?b . FILTER (STR(?a) < STR(?b)) } }
      { SELECT ?paper2 ?a ?b
        WHERE { ?paper2 kgo:evaluatesOn ?a , ?b . FILTER (STR(?a) < STR(?b)) } }
      FILTER (STR(?paper1) < STR(?paper2))
      VALUES ?member { 1 2 }
      BIND (IF(?member = 1, ?a, ?b) AS ?dataset)
    }
    GROUP BY ?paper1 ?paper2
  }
  ?paper1 dcterms:title ?title1 .
  ?paper2 dcterms:title ?title2 .
}
ORDER BY DESC(?shared) ?paper1 ?paper2
LIMIT 100
""",
    "strongest_statements": """\
PREFIX kgo:  <https://w3id.org/kg/ontology#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?subjectName ?relation ?objectName ?support ?confidence ?component ?statement
WHERE {
  {
    SELECT ?statement ?relation ?support ?confidence
    WHERE {
      VALUES ?relation { kgo:outperforms kgo:basedOn kgo:evaluatedOn kgo:usedFor }
      ?statement rdf:predicate ?relation ;
                 kgo:support ?support ;
                 kgo:confidence ?confidence .
    }
    ORDER BY DESC(?support) DESC(?confidence) ?statement
    LIMIT 50
  }
  ?statement rdf:subject ?subject ;
             rdf:object ?object ;
             kgo:component ?component .
  OPTIONAL { ?subject rdfs:label ?subjectName }
  OPTIONAL { ?object rdfs:label ?objectName }
}
ORDER BY DESC(?support) DESC(?confidence) ?statement
""",
    "tasks_most_methods": """\
PREFIX kgo:  <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?task ?name (COUNT(DISTINCT ?method) AS ?methods)
WHERE {
  ?task a kgo:Task ;
        skos:prefLabel ?name .
  { ?paper kgo:addresses ?task ;
           kgo:proposes ?method . }
  UNION
  { ?method kgo:usedFor ?task .
    ?paper kgo:proposes ?method . }
  ?method a kgo:Method .
}
GROUP BY ?task ?name
ORDER BY DESC(?methods) ?name ?task
LIMIT 25
""",
    "top_entities": """\
PREFIX kgo:  <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?type ?entity ?name ?papers
WHERE {
  {
    SELECT ?type ?entity ?papers
    WHERE {
      BIND (kgo:Dataset AS ?type)
      ?entity a kgo:Dataset ;
              kgo:paperCount ?papers .
      FILTER (?papers >= 1)
    }
    ORDER BY DESC(?papers) ?entity
    LIMIT 10
  }
  UNION
  {
    SELECT ?type ?entity ?papers
    WHERE {
      BIND (kgo:Method AS ?type)
      ?entity a kgo:Method ;
              kgo:paperCount ?papers .
      FILTER (?papers >= 1)
    }
    ORDER BY DESC(?papers) ?entity
    LIMIT 10
  }
  UNION
  {
    SELECT ?type ?entity ?papers
    WHERE {
      BIND (kgo:Metric AS ?type)
      ?entity a kgo:Metric ;
              kgo:paperCount ?papers .
      FILTER (?papers >= 1)
    }
    ORDER BY DESC(?papers) ?entity
    LIMIT 10
  }
  UNION
  {
    SELECT ?type ?entity ?papers
    WHERE {
      BIND (kgo:Model AS ?type)
      ?entity a kgo:Model ;
              kgo:paperCount ?papers .
      FILTER (?papers >= 1)
    }
    ORDER BY DESC(?papers) ?entity
    LIMIT 10
  }
  UNION
  {
    SELECT ?type ?entity ?papers
    WHERE {
      BIND (kgo:Task AS ?type)
      ?entity a kgo:Task ;
              kgo:paperCount ?papers .
      FILTER (?papers >= 1)
    }
    ORDER BY DESC(?papers) ?entity
    LIMIT 10
  }
  ?entity skos:prefLabel ?name .
}
ORDER BY ?type DESC(?papers) ?entity
""",
}


def _graph() -> nx.MultiDiGraph:
    """Four papers; methods m1..m3, a model, tasks t1..t2, datasets d1..d3."""
    g = nx.MultiDiGraph(name="kg")
    for p in ("p1", "p2", "p3", "p4"):
        g.add_node(f"paper:{p}", kind="paper", paper_id=p, title=p.upper(), label=p)

    def entity(slug: str, type_: str, papers: list[str]) -> None:
        g.add_node(f"entity:{slug}", kind="entity", type=type_, name=slug.upper(), label=slug,
                   paper_count=len(papers), papers=papers)

    entity("m1", "Method", ["p1", "p2", "p3"])
    entity("m2", "Method", ["p2", "p4"])
    entity("m3", "Method", ["p3", "p4"])  # ties m2 on papers: ranked by IRI
    entity("m4", "Method", [])  # named by no paper: counted, not ranked
    entity("x1", "Model", ["p1"])
    entity("t1", "Task", ["p1", "p2"])
    entity("t2", "Task", ["p3"])
    for d in ("d1", "d2", "d3"):
        entity(d, "Dataset", ["p1", "p2", "p3"])

    def edge(u: str, k: str, v: str, support: int = 1, confidence: float = 0.5) -> None:
        g.add_edge(u, v, key=k, support=support, confidence=confidence, source="rule",
                   papers=[], evidence=[])

    edge("paper:p1", "proposes", "entity:m1")
    edge("paper:p1", "addresses", "entity:t1")
    edge("paper:p2", "proposes", "entity:m2")
    edge("paper:p2", "proposes", "entity:x1")  # a model: never counted as a method
    edge("paper:p2", "addresses", "entity:t1")
    edge("paper:p3", "proposes", "entity:m3")
    edge("entity:m3", "used_for", "entity:t1", support=3, confidence=0.9)  # proposed: counts
    edge("entity:m1", "used_for", "entity:t2", support=3, confidence=0.7)
    edge("entity:m4", "used_for", "entity:t2", support=1, confidence=0.9)  # proposed by none
    edge("entity:m2", "outperforms", "entity:m1", support=3, confidence=0.7)
    for p, ds in (("p1", "d1 d2 d3"), ("p2", "d1 d2 d3"), ("p3", "d1 d2"), ("p4", "d3")):
        for d in ds.split():
            edge(f"paper:{p}", "evaluates_on", f"entity:{d}")
    return g


def _values(store: Store, s: str, p: str) -> list:
    return [q.object.value for q in store.quads_for_pattern(NamedNode(s), NamedNode(p), None)]


def _one(store: Store, s: str, p: str) -> int | None:
    vals = _values(store, s, p)
    assert len(vals) <= 1
    return int(vals[0]) if vals else None


def test_void_partitions_count_each_class_its_members_and_the_papers_naming_them():
    store = to_store(_graph())
    rows = {r["c"].value: (int(r["n"].value), r["two"] and int(r["two"].value),
                           r["papers"] and int(r["papers"].value))
            for r in store.query(f"""
        SELECT ?c ?n ?two ?papers WHERE {{
          <{I.DEFAULT_BASE}> a <{VOID}Dataset> ; <{VOID}classPartition> ?part .
          ?part a <{VOID}Dataset> ; <{VOID}class> ?c ; <{VOID}entities> ?n .
          OPTIONAL {{ ?part <{KGO}entitiesInTwoOrMorePapers> ?two }}
          OPTIONAL {{ ?part <{KGO}papersNaming> ?papers }} }}""")}
    assert rows == {KGO + "Paper": (4, None, None), KGO + "Method": (4, 3, 4),
                    KGO + "Model": (1, 0, 1), KGO + "Task": (2, 1, 3),
                    KGO + "Dataset": (3, 3, 3)}


def test_rank_in_type_orders_by_paper_count_then_iri_and_skips_unnamed_entities():
    store = to_store(_graph())
    e = I.entity_iri
    assert [_one(store, e(m), KGO + "rankInType") for m in ("m1", "m2", "m3", "m4")] == [
        1, 2, 3, None]
    assert _one(store, e("x1"), KGO + "rankInType") == 1


def test_only_the_first_ranked_entities_carry_a_rank(monkeypatch):
    monkeypatch.setattr(rdf, "RANKED", 2)
    store = to_store(_graph())
    assert _one(store, I.entity_iri("m3"), KGO + "rankInType") is None
    assert _one(store, I.entity_iri("m2"), KGO + "rankInType") == 2


def test_proposed_method_count_counts_both_routes_once_and_only_methods():
    store = to_store(_graph())
    # t1: m1 (p1 addresses it), m2 (p2), m3 (usedFor t1, proposed by p3); x1 is a Model.
    # t2: m1 (usedFor t2, proposed by p1); m4 is proposed by no paper.
    assert _one(store, I.entity_iri("t1"), KGO + "proposedMethodCount") == 3
    assert _one(store, I.entity_iri("t2"), KGO + "proposedMethodCount") == 1
    assert _one(store, I.entity_iri("t1"), KGO + "rankByProposedMethods") == 1
    assert _one(store, I.entity_iri("t2"), KGO + "rankByProposedMethods") == 2
    assert _one(store, I.entity_iri("m1"), KGO + "proposedMethodCount") is None


def test_rank_by_support_orders_by_support_then_confidence_then_iri():
    store = to_store(_graph())
    st = {(u, k, v): I.statement_iri(f"entity:{u}", k, f"entity:{v}")
          for u, k, v in (("m3", "usedFor", "t1"), ("m1", "usedFor", "t2"),
                          ("m2", "outperforms", "m1"), ("m4", "usedFor", "t2"))}
    ranks = {key: _one(store, s, KGO + "rankBySupport") for key, s in st.items()}
    tied = sorted([st["m1", "usedFor", "t2"], st["m2", "outperforms", "m1"]])
    assert ranks["m3", "usedFor", "t1"] == 1  # support 3, confidence 0.9
    assert [ranks[k] for k in st if st[k] in tied] == [
        2 + tied.index(st[k]) for k in st if st[k] in tied]  # 3 and 0.7 each: by IRI
    assert ranks["m4", "usedFor", "t2"] == 4
    paper_edge = I.statement_iri("paper:p1", "proposes", "entity:m1")
    assert _one(store, paper_edge, KGO + "rankBySupport") is None


def test_dataset_overlaps_are_the_pairs_sharing_the_most_datasets():
    store = to_store(_graph())
    rows = [(int(r["rank"].value), r["a"].value, r["b"].value, int(r["n"].value))
            for r in store.query(f"""
        SELECT ?rank ?a ?b ?n WHERE {{ ?o a <{KGO}DatasetOverlap> ;
          <{KGO}rankByShared> ?rank ; <{KGO}firstPaper> ?a ; <{KGO}secondPaper> ?b ;
          <{KGO}sharedDatasetCount> ?n }} ORDER BY ?rank""")]
    p = I.paper_iri
    assert rows == [(1, p("p1"), p("p2"), 3), (2, p("p1"), p("p3"), 2), (3, p("p2"), p("p3"), 2)]


@pytest.mark.parametrize("n", [1, 5, 40, 10_000])
def test_top_overlaps_match_a_count_of_every_pair(n):
    rng = random.Random(n)
    g = nx.MultiDiGraph()
    datasets = [f"d{i}" for i in range(12)]
    for p in range(120):
        for d in rng.sample(datasets, rng.choice([0, 1, 2, 2, 3, 4, 6])):
            g.add_edge(f"paper:{p:03d}", d, key="evaluates_on")
    sets = {u: {v for _, v, k in g.out_edges(u, keys=True) if k == "evaluates_on"} for u in g
            if u.startswith("paper:")}
    every = sorted(((len(sets[a] & sets[b]), a, b) for a, b in combinations(sorted(sets), 2)
                    if len(sets[a] & sets[b]) >= 2), key=lambda x: (-x[0], x[1], x[2]))
    assert top_overlaps(g, n) == every[:n]


@pytest.mark.parametrize("name", sorted(OLD))
def test_rewritten_query_answers_as_the_whole_graph_formulation_on_the_sample(
        sample_build, name):
    ttl = sample_build / "graph.ttl"
    new = [dict(r) for r in kg.query(ttl, QUERIES / f"{name}.rq")]
    old = [dict(r) for r in kg.query(ttl, OLD[name])]
    # No two sample papers share two datasets: that query is compared on the small graph.
    assert new or name == "papers_sharing_datasets"
    assert new == old


@pytest.mark.parametrize("name", sorted(OLD))
def test_rewritten_query_answers_as_the_whole_graph_formulation_on_a_small_graph(name):
    g = _graph()
    new = [dict(r) for r in kg.query(g, QUERIES / f"{name}.rq")]
    assert new, name
    assert new == [dict(r) for r in kg.query(g, OLD[name])]


#: The label-filter formulations of the name lookups that now match on kgo:nameKey.
OLD_LOOKUPS = {    "leaderboard": """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov:    <http://www.w3.org/ns/prov#>

SELECT ?metric ?entity ?value ?numeric ?paper ?title
WHERE {
  {
    SELECT DISTINCT ?dataset
    WHERE {
      ?dataset a kgo:Dataset ;
               skos:prefLabel|skos:altLabel ?label .
      FILTER (LCASE(STR(?label)) = "gsm8k")
    }
  }
  ?result kgo:onDataset ?dataset ;
          kgo:value ?value ;
          prov:wasDerivedFrom ?paper .
  ?paper dcterms:title ?title .
  OPTIONAL { ?result kgo:numericValue ?numeric }
  OPTIONAL { ?result kgo:resultFor/skos:prefLabel ?entity }
  OPTIONAL { ?result kgo:withMetric/skos:prefLabel ?metric }
}
ORDER BY ?metric DESC(?numeric) ?entity ?result
""",
    "methods_proposed_on_gsm8k": """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?entity ?name ?type ?paper ?title
WHERE {
  {
    SELECT DISTINCT ?dataset
    WHERE {
      ?dataset a kgo:Dataset ;
               skos:prefLabel|skos:altLabel ?label .
      FILTER (LCASE(STR(?label)) = "gsm8k")
    }
  }
  ?paper kgo:evaluatesOn ?dataset ;
         kgo:proposes ?entity ;
         dcterms:title ?title .
  ?entity a ?type ;
          skos:prefLabel ?name .
  FILTER (?type IN (kgo:Method, kgo:Model))
}
ORDER BY ?name ?entity ?paper
""",
    "models_outperforming": """\
PREFIX kgo:  <https://w3id.org/kg/ontology#>
PREFIX rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?winner ?name ?type ?support (COUNT(DISTINCT ?evidence) AS ?sentences)
WHERE {
  VALUES ?labelProperty { skos:prefLabel skos:altLabel }
  ?loser ?labelProperty ?label .
  FILTER (LCASE(STR(?label)) = "gpt-4")
  FILTER EXISTS { ?loser a kgo:Model }
  ?winner kgo:outperforms ?loser ;
          a ?type ;
          skos:prefLabel ?name .
  FILTER (?type IN (kgo:Model, kgo:Method))
  ?statement rdf:subject ?winner ;
             rdf:predicate kgo:outperforms ;
             rdf:object ?loser ;
             kgo:support ?support .
  OPTIONAL { ?statement kgo:evidence ?evidence }
}
GROUP BY ?winner ?name ?type ?support
ORDER BY DESC(?support) ?name ?winner
""",
}


@pytest.mark.parametrize("name", sorted(OLD_LOOKUPS))
def test_name_lookup_by_key_answers_as_the_label_filter_on_the_sample(sample_build, name):
    ttl = sample_build / "graph.ttl"
    new_text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    old_text = OLD_LOOKUPS[name]
    key = {"leaderboard": "gsm8k", "methods_proposed_on_gsm8k": "gsm8k",
           "models_outperforming": "gpt-4"}[name]
    # The sample reports no result on GSM8K: ask the leaderboard of a dataset it has.
    other = {"leaderboard": "truthfulqa"}.get(name, key)
    new = [dict(r) for r in kg.query(ttl, new_text.replace(f'"{key}"', f'"{other}"'))]
    old = [dict(r) for r in kg.query(ttl, old_text.replace(f'"{key}"', f'"{other}"'))]
    assert new
    assert new == old


#: The monthly totals as they were counted before: papers asked for by type, then date.
OLD_PER_MONTH = """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?month ?papers ?monthPapers ?percent
WHERE {
  {
    SELECT ?month (COUNT(DISTINCT ?paper) AS ?papers)
    WHERE {
      # kgo:nameKey holds every name and alias lower-cased: an index lookup (a filter
      # on LCASE(?label) would read every label of the graph).
      VALUES ?name { "gsm8k" }
      ?entity kgo:nameKey ?name .
      ?paper kgo:proposes|kgo:evaluatesOn|kgo:addresses|kgo:uses|kgo:mentions ?entity ;
             dcterms:date ?date .
      BIND (SUBSTR(STR(?date), 1, 7) AS ?month)
      FILTER (REGEX(?month, "^[0-9]{4}-[0-9]{2}$"))
    }
    GROUP BY ?month
  }
  {
    SELECT ?month (COUNT(?dated) AS ?monthPapers)
    WHERE {
      ?dated a kgo:Paper ;
             dcterms:date ?day .
      BIND (SUBSTR(STR(?day), 1, 7) AS ?month)
    }
    GROUP BY ?month
  }
  BIND (ROUND(1000 * ?papers / ?monthPapers) / 10 AS ?percent)
}
ORDER BY ?month
"""


def test_papers_per_month_totals_from_dates_alone_answer_as_before():
    g = _graph()
    for p, day in (("p1", "2025-01-03"), ("p2", "2025-01-20"), ("p3", "2025-02"),
                   ("p4", "2025")):
        g.nodes[f"paper:{p}"]["date"] = day
    new_text = (QUERIES / "papers_per_month_using.rq").read_text(encoding="utf-8")
    new = [dict(r) for r in kg.query(g, new_text.replace('"gsm8k"', '"d1"'))]
    old = [dict(r) for r in kg.query(g, OLD_PER_MONTH.replace('"gsm8k"', '"d1"'))]
    assert new == old
    assert [(r["month"], r["papers"], r["monthPapers"]) for r in new] == [
        ("2025-01", 2, 2), ("2025-02", 1, 1)]


# --- Session 12, later (#22): the queries that were still slow through kg serve -------

OLD["datasets_most_evaluated"] = """\
PREFIX kgo:  <https://w3id.org/kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?dataset ?name ?papers
WHERE {
  {
    SELECT ?dataset (COUNT(?paper) AS ?papers)
    WHERE { ?paper kgo:evaluatesOn ?dataset }
    GROUP BY ?dataset
  }
  ?dataset a kgo:Dataset ;
           skos:prefLabel ?name .
}
ORDER BY DESC(?papers) ?name ?dataset
LIMIT 25
"""

#: The label-filter formulation of the newest proposals on a dataset.
OLD_LOOKUPS["methods_proposed_on_gsm8k"] = """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT ?entity ?name ?type ?paper ?title ?date
WHERE {
  {
    SELECT DISTINCT ?dataset
    WHERE {
      ?dataset a kgo:Dataset ;
               skos:prefLabel|skos:altLabel ?label .
      FILTER (LCASE(STR(?label)) = "gsm8k")
    }
  }
  ?paper kgo:evaluatesOn ?dataset ;
         kgo:proposes ?entity ;
         dcterms:title ?title .
  OPTIONAL { ?paper dcterms:date ?date }
  ?entity a ?type ;
          skos:prefLabel ?name .
  FILTER (?type IN (kgo:Method, kgo:Model))
}
ORDER BY DESC(COALESCE(STR(?date), "")) ?paper ?entity
LIMIT 100
"""

#: Every paper with code, and every outperforms edge's evidence: the whole tables the
#: paged questions were asked of before.
OLD_PAPERS_WITH_CODE = """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema:  <https://schema.org/>

SELECT ?paper ?title ?url ?host
WHERE {
  ?paper kgo:hasCode ?code ;
         dcterms:title ?title .
  ?code schema:url ?url .
  OPTIONAL { ?code kgo:host ?host }
}
ORDER BY ?title ?paper ?url
"""

OLD_EDGE_EVIDENCE = """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov:    <http://www.w3.org/ns/prov#>

SELECT ?subject ?subjectName ?object ?objectName ?paper ?field ?start ?end ?sentence ?confidence
WHERE {
  ?statement rdf:subject ?subject ;
             rdf:predicate kgo:outperforms ;
             rdf:object ?object ;
             kgo:evidence ?evidence .
  ?evidence prov:wasDerivedFrom ?paper ;
            kgo:field ?field ;
            kgo:start ?start ;
            kgo:end ?end ;
            kgo:sentence ?sentence ;
            kgo:confidence ?confidence .
  ?subject rdfs:label ?subjectName .
  ?object rdfs:label ?objectName .
}
ORDER BY ?subjectName ?objectName ?subject ?object ?paper ?start ?evidence
"""

OLD_PAPERS_BY_AUTHOR = """\
PREFIX kgo:     <https://w3id.org/kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf:    <http://xmlns.com/foaf/0.1/>
PREFIX skos:    <http://www.w3.org/2004/02/skos/core#>

SELECT ?author ?name ?paper ?title ?proposed
WHERE {
  ?author foaf:name ?name .
  FILTER (CONTAINS(LCASE(?name), "luong"))
  FILTER EXISTS { ?author a kgo:Author }
  ?paper dcterms:creator ?author ;
         dcterms:title ?title .
  OPTIONAL { ?paper kgo:proposes/skos:prefLabel ?proposed }
}
ORDER BY ?name ?author ?paper ?proposed
"""


def _dated_graph() -> nx.MultiDiGraph:
    """The small graph with dates (p4 undated), authors and code links."""
    g = _graph()
    for p, day in (("p1", "2025-01-03"), ("p2", "2025-03-20"), ("p3", "2025-02")):
        g.nodes[f"paper:{p}"]["date"] = day
    g.nodes["paper:p1"]["authors"] = ["Minh-Thang Luong", "Quoc V. Le"]
    g.nodes["paper:p2"]["authors"] = ["Thang  Luong"]
    g.nodes["paper:p3"]["authors"] = ["Hieu Pham", "Minh-Thang Luong"]
    g.nodes["paper:p4"]["authors"] = ["Truong Son"]
    for p, url in (("p1", "https://github.com/a/one"), ("p2", "https://github.com/b/two"),
                   ("p2", "https://zenodo.org/x"), ("p4", "https://github.com/d/four")):
        c = f"code:{url}"
        g.add_node(c, kind="code", url=url, host=url.split("/")[2], label=url)
        g.add_edge(f"paper:{p}", c, key="has_code", support=1, confidence=1.0,
                   source="rule", papers=[p], evidence=[])
    return g


def _run(g, name: str, key: str | None = None, other: str | None = None) -> list[dict]:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    if key is not None:
        assert f'"{key}"' in text
        text = text.replace(f'"{key}"', f'"{other}"')
    return [dict(r) for r in kg.query(g, text)]


def test_evaluation_count_and_rank_count_evaluating_papers_of_datasets_only():
    g = _graph()
    g.nodes["entity:d3"]["name"] = "A3"  # ties with d1, d2 on papers: first by name
    edge = {"support": 1, "confidence": 0.5, "source": "rule", "papers": [], "evidence": []}
    g.add_edge("paper:p4", "entity:m1", key="evaluates_on", **edge)  # not a dataset
    store = to_store(g)
    counts = {d: _one(store, I.entity_iri(d), KGO + "evaluationCount") for d in ("d1", "d2", "d3")}
    assert counts == {"d1": 3, "d2": 3, "d3": 3}
    ranks = {d: _one(store, I.entity_iri(d), KGO + "rankByEvaluations") for d in ("d1", "d2", "d3")}
    assert ranks == {"d3": 1, "d1": 2, "d2": 3}
    assert _one(store, I.entity_iri("m1"), KGO + "evaluationCount") is None
    assert _one(store, I.entity_iri("m1"), KGO + "rankByEvaluations") is None
    assert [r["name"] for r in _run(g, "datasets_most_evaluated")] == ["A3", "D1", "D2"]


def test_author_name_keys_are_the_name_and_each_word_lower_cased():
    assert rdf.author_keys("Minh-Thang  Luong") == [
        "luong", "minh", "minh-thang", "minh-thang luong", "thang"]
    assert rdf.author_keys("Le, Quoc") == ["le", "le, quoc", "quoc"]


def test_papers_by_author_looks_up_a_name_word_and_answers_as_the_substring_search():
    g = _dated_graph()
    new = _run(g, "papers_by_author")
    assert new == [dict(r) for r in kg.query(g, OLD_PAPERS_BY_AUTHOR)]
    assert {(r["name"], r["paper"].rsplit("/", 1)[1]) for r in new} == {
        ("Minh-Thang Luong", "p1"), ("Minh-Thang Luong", "p3"), ("Thang  Luong", "p2")}
    # a whole name works as well, in any case as written
    full = _run(g, "papers_by_author", "luong", "minh-thang luong")
    assert {r["paper"].rsplit("/", 1)[1] for r in full} == {"p1", "p3"}


def test_papers_with_code_are_the_entitys_papers_with_code_newest_first():
    g = _dated_graph()
    g.nodes["entity:d3"]["papers"] = ["p1", "p2", "p3", "p4"]  # kgo:appearsIn
    rows = _run(g, "papers_with_code", "gsm8k", "d3")  # p3 has no code, p4 no date
    assert [(r["paper"].rsplit("/", 1)[1], r["url"]) for r in rows] == [
        ("p2", "https://github.com/b/two"), ("p2", "https://zenodo.org/x"),
        ("p1", "https://github.com/a/one"), ("p4", "https://github.com/d/four")]
    assert rows[0]["host"] == "github.com"
    # the same rows as the whole table restricted to the papers naming d3 (m1: p1-p3)
    whole = {(r["paper"], r["url"]) for r in kg.query(g, OLD_PAPERS_WITH_CODE)}
    for slug in ("d3", "m1"):
        papers = {I.node_iri(f"paper:{p}") for p in g.nodes[f"entity:{slug}"]["papers"]}
        assert {(r["paper"], r["url"]) for r in _run(g, "papers_with_code", "gsm8k", slug)} \
            == {(p, u) for p, u in whole if p in papers}


def test_papers_with_code_on_the_sample(sample_build):
    ttl = sample_build / "graph.ttl"
    whole = [dict(r) for r in kg.query(ttl, OLD_PAPERS_WITH_CODE)]
    papers = {r["p"] for r in kg.query(ttl, """
        SELECT ?p WHERE { ?e <https://w3id.org/kg/ontology#nameKey> "question answering" ;
                             <https://w3id.org/kg/ontology#appearsIn> ?p }""")}
    new = _run(ttl, "papers_with_code", "gsm8k", "question answering")
    assert new
    assert sorted((r["paper"], r["url"]) for r in new) == sorted(
        (r["paper"], r["url"]) for r in whole if r["paper"] in papers)


def test_edge_evidence_of_one_entity_is_that_part_of_every_edges_evidence(sample_build):
    ttl = sample_build / "graph.ttl"
    whole = [dict(r) for r in kg.query(ttl, OLD_EDGE_EVIDENCE)]
    objects = {r["object"] for r in whole}
    assert objects
    for obj in sorted(objects):
        key = next(iter(kg.query(ttl, f"""
            SELECT ?k WHERE {{ <{obj}> <https://w3id.org/kg/ontology#nameKey> ?k }}
            ORDER BY ?k LIMIT 1""")))["k"]
        sharing = {r["e"] for r in kg.query(ttl, f"""
            SELECT ?e WHERE {{ ?e <https://w3id.org/kg/ontology#nameKey> "{key}" }}""")}
        new = _run(ttl, "edge_evidence", "gpt-4", key)
        assert new == [r for r in whole if r["object"] in sharing], obj


def test_methods_proposed_are_the_newest_proposals_on_the_dataset():
    g = _dated_graph()
    for p in ("p1", "p3", "p4"):
        edge = {"support": 1, "confidence": 0.5, "source": "rule", "papers": [], "evidence": []}
        g.add_edge(f"paper:{p}", "entity:x1", key="proposes", **edge)
    rows = _run(g, "methods_proposed_on_gsm8k", "gsm8k", "d3")  # p1, p2, p4
    assert [(r["paper"].rsplit("/", 1)[1], r["name"], r.get("date")) for r in rows] == [
        ("p2", "M2", "2025-03-20"), ("p2", "X1", "2025-03-20"),
        ("p1", "M1", "2025-01-03"), ("p1", "X1", "2025-01-03"), ("p4", "X1", None)]
