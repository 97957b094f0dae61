"""kg.graph.rdf maps the networkx graph to RDF in the kg ontology, and reads it back."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, serialize
from test_rdf_corpus import NASTY_ID, NASTY_NAME, NASTY_TITLE, SLASH_ID, corpus

from kg.export.rdf_files import write_rdf
from kg.graph import iri as I  # noqa: N812
from kg.graph.rdf import (
    KGO,
    PROV,
    RELATION_PROPERTY,
    graph_from_rdf,
    iter_ntriples,
    to_quads,
    to_rdflib,
    to_store,
    to_triples,
)
from kg.load import load

R = I.DEFAULT_BASE


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return corpus()


@pytest.fixture(scope="module")
def store(G) -> Store:
    return to_store(G)


def _ask(store: Store, q: str) -> bool:
    return bool(store.query(q, prefixes={"kgo": KGO, "prov": PROV, "kg": R,
                                         "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}))


def test_every_edge_is_a_direct_triple_and_a_statement(G, store):
    for u, v, key, d in G.edges(keys=True, data=True):
        s, p, o = I.node_iri(u), KGO + RELATION_PROPERTY[key], I.node_iri(v)
        st = I.statement_iri(u, RELATION_PROPERTY[key], v)
        assert _ask(store, f"ASK {{ <{s}> <{p}> <{o}> }}"), (u, key, v)
        assert _ask(store, f"""ASK {{ <{st}> a kgo:Statement ; rdf:subject <{s}> ;
            rdf:predicate <{p}> ; rdf:object <{o}> ; kgo:support {d["support"]} }}""")
        papers = [e for e in d["evidence"] if e["paper"]]
        n = len(list(store.quads_for_pattern(NamedNode(st), NamedNode(KGO + "evidence"), None)))
        assert n == len(papers)


def test_evidence_nodes_carry_paper_span_sentence_component_confidence(G, store):
    u, v = "entity:reft", "entity:sft"
    ev = G.edges[u, v, "outperforms"]["evidence"][0]
    st = I.statement_iri(u, "outperforms", v)
    rows = list(store.query(f"""
        SELECT ?paper ?field ?start ?end ?sentence ?component ?confidence WHERE {{
          <{st}> kgo:evidence ?e .
          ?e prov:wasDerivedFrom ?paper ; kgo:field ?field ; kgo:start ?start ; kgo:end ?end ;
             kgo:sentence ?sentence ; kgo:component ?component ; kgo:confidence ?confidence }}
        """, prefixes={"kgo": KGO, "prov": PROV}))
    assert len(rows) == 1
    r = rows[0]
    assert r["paper"] == NamedNode(I.paper_iri("p1"))
    assert (r["field"].value, int(r["start"].value), int(r["end"].value)) == (
        ev["field"], ev["start"], ev["end"])
    assert r["sentence"].value == ev["sentence"] and "outperforms" in ev["sentence"]
    assert r["component"].value == ev["source"]
    assert float(r["confidence"].value) == ev["confidence"]


def test_resolver_edges_have_support_zero_and_no_evidence(store):
    st = I.statement_iri("entity:llama2-13b", "variantOf", "entity:llama2")
    assert _ask(store, f'ASK {{ <{st}> kgo:support 0 ; kgo:component "resolver" '
                       f"FILTER NOT EXISTS {{ <{st}> kgo:evidence ?e }} }}")


def test_nasty_strings_are_literals_escaped_by_the_library(G, store):
    for value in (NASTY_TITLE, NASTY_NAME, "Llama 2: Open Foundation\nand Chat Models\t(tab)"):
        assert list(store.quads_for_pattern(None, None, Literal(value))), value
    # ids that hold IRI delimiters become percent-encoded segments, not broken IRIs
    assert NamedNode(I.paper_iri(NASTY_ID)).value.endswith("paper/odd%20id%20%2541%20%3Cx%3E")
    assert I.paper_iri(SLASH_ID).endswith("paper/hep-th%2F9901001")


def test_no_blank_nodes_anywhere(G):
    for t in to_triples(G):
        assert not isinstance(t.subject, BlankNode) and not isinstance(t.object, BlankNode)


@pytest.mark.parametrize("base", [None, "http://example.org/kg#"])
def test_ntriples_lines_are_the_bytes_of_pyoxigraphs_serializer(G, base):
    """iter_ntriples writes each term as ``str(term)``: pyoxigraph's N-Triples text, the
    same escaping as its serializer, nasty strings included."""
    expected = serialize(to_triples(G, base), format=RdfFormat.N_TRIPLES).decode("utf-8")
    assert "".join(iter_ntriples(G, base)) == expected


def test_entities_have_one_type_labels_aliases_and_counts(store):
    e = I.entity_iri("chain-of-thought")
    types = [q.object for q in store.quads_for_pattern(
        NamedNode(e), NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None)]
    assert types == [NamedNode(KGO + "Method")]
    assert _ask(store, f"""ASK {{ <{e}> <http://www.w3.org/2004/02/skos/core#prefLabel>
        "Chain-of-Thought" ; <http://www.w3.org/2004/02/skos/core#altLabel> "CoT" ;
        kgo:paperCount 1 ; kgo:appearsIn <{I.paper_iri("p3")}> ; kgo:derived false }}""")
    assert _ask(store, f"ASK {{ <{I.entity_iri('llama2')}> kgo:derived true }}")


def test_every_name_and_alias_of_an_entity_is_a_lower_case_name_key(store):
    e = I.entity_iri("chain-of-thought")
    keys = sorted(q.object.value for q in store.quads_for_pattern(
        NamedNode(e), NamedNode(KGO + "nameKey"), None))
    assert keys == ["chain-of-thought", "cot"]


def test_results_have_value_numeric_value_and_links(store):
    r = I.result_iri("p1:1")
    assert _ask(store, f"""ASK {{ <{r}> a kgo:Result ; kgo:value "63.7%" ; kgo:numericValue 63.7 ;
        kgo:resultFor <{I.entity_iri('sft')}> ; kgo:onDataset <{I.entity_iri('gsm8k')}> ;
        kgo:withMetric <{I.entity_iri('accuracy')}> ;
        prov:wasDerivedFrom <{I.paper_iri('p1')}> }}""")
    assert _ask(store, f"""ASK {{ <{I.result_iri('p1:2')}> kgo:value "n/a"
        FILTER NOT EXISTS {{ <{I.result_iri('p1:2')}> kgo:numericValue ?n }} }}""")


def test_papers_keep_metadata_and_author_order(store):
    p = I.paper_iri("p1")
    seq = list(store.query(f"""SELECT ?name WHERE {{
        <{p}> <http://purl.org/ontology/bibo/authorList> ?l . ?l ?m ?a .
        ?a <http://xmlns.com/foaf/0.1/name> ?name .
        FILTER (STRSTARTS(STR(?m), "http://www.w3.org/1999/02/22-rdf-syntax-ns#_")) }}
        ORDER BY xsd:integer(STRAFTER(STR(?m), "#_"))""",
        prefixes={"xsd": "http://www.w3.org/2001/XMLSchema#"}))
    assert [r["name"].value for r in seq] == ["Trung Quoc Luong", "Zoë Ångström", ""]
    assert _ask(store, f"""ASK {{ <{p}> <http://purl.org/dc/terms/date>
        "2024-01-17"^^<http://www.w3.org/2001/XMLSchema#date> ; kgo:arxivId "2401.08967" }}""")
    # a date that is not one stays a plain string
    assert _ask(store, f"""ASK {{ <{I.paper_iri(NASTY_ID)}> <http://purl.org/dc/terms/date>
        "not a date" }}""")


def test_quads_store_and_rdflib_hold_the_same_triples(G):
    triples = set(to_triples(G))
    assert {(q.subject, q.predicate, q.object) for q in to_quads(G)} == {
        (t.subject, t.predicate, t.object) for t in triples}
    rg = to_rdflib(G)
    assert isinstance(rg, rdflib.Graph) and len(rg) == len(triples)
    assert dict(rg.namespaces())["kgo"] == rdflib.URIRef(KGO)


def test_custom_base_iri(G):
    base = "https://example.org/my-kg/"
    subjects = {t.subject.value for t in to_triples(G, base)}
    assert all(s.startswith(base) for s in subjects)
    assert I.paper_iri("p1", base) in subjects


def test_unknown_relations_and_kinds_are_refused():
    g = nx.MultiDiGraph()
    g.add_node("paper:p", kind="paper", label="t")
    g.add_node("entity:e", kind="entity", label="e", type="Method", name="e")
    g.add_edge("paper:p", "entity:e", key="likes")
    with pytest.raises(ValueError, match="likes"):
        to_triples(g)
    g = nx.MultiDiGraph()
    g.add_node("x", kind="person")
    with pytest.raises(ValueError, match="person"):
        to_triples(g)


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert a.graph == b.graph
    assert sorted(a.nodes) == sorted(b.nodes)
    for n, d in a.nodes(data=True):
        assert b.nodes[n] == d, n
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    for u, v, k, d in a.edges(keys=True, data=True):
        assert b.edges[u, v, k] == d, (u, v, k)


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt", "graph.jsonld"])
def test_exports_read_back_to_the_same_networkx_graph(G, tmp_path, name):
    write_rdf(G, tmp_path)
    _same_graph(G, graph_from_rdf(tmp_path / name))
    _same_graph(G, load(tmp_path / name))


def test_reading_back_from_a_store_and_a_custom_base(G):
    _same_graph(G, graph_from_rdf(to_store(G, "https://example.org/other#")))


def test_lone_surrogates_become_replacement_characters(tmp_path):
    g = nx.MultiDiGraph(name="kg", kg_schema="1")
    g.add_node("paper:s\ud800", kind="paper", label="bad \udfff title", paper_id="s\ud800",
               title="bad \udfff title", abstract="", authors=["\ud83e name"])
    write_rdf(g, tmp_path)
    h = graph_from_rdf(tmp_path / "graph.ttl")
    d = h.nodes["paper:s\ud800"]  # the IRI keeps the exact id (percent-encoded)
    assert d["title"] == "bad \ufffd title" and d["authors"] == ["\ufffd name"]


def test_a_cost_result_is_a_cost_result_and_reads_back_as_one(G, store):
    (cost,) = [n for n, d in G.nodes(data=True) if d.get("result_kind") == "cost"]
    assert G.nodes[cost]["value"] == "12.5 tokens/s"
    r = I.node_iri(cost)
    assert _ask(store, f"""ASK {{ <{r}> a kgo:CostResult , kgo:Result ;
        kgo:value "12.5 tokens/s" }}""")
    scores = [n for n, d in G.nodes(data=True) if d.get("result_kind") == "score"]
    assert scores and not any(_ask(store, f"ASK {{ <{I.node_iri(n)}> a kgo:CostResult }}")
                              for n in scores)
    assert graph_from_rdf(store).nodes[cost]["result_kind"] == "cost"


def test_the_leaderboard_query_leaves_costs_out(store):
    text = (Path(__file__).resolve().parent.parent / "ontology" / "queries" /
            "leaderboard.rq").read_text(encoding="utf-8")
    values = {r["value"].value for r in store.query(text)}
    assert {"75.3", "63.7%", "56.8"} <= values
    assert "12.5 tokens/s" not in values
