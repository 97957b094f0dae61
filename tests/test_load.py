"""GraphML written by kg.export.graphml and read back by kg.load is the same graph.

Same nodes, edges, edge keys (relations) and attributes — including the list and dict
attributes GraphML cannot hold natively (JSON-encoded on the way out, decoded on the way
in) and strings that stress XML and UTF-8.
"""

from __future__ import annotations

import networkx as nx
import pytest
from helpers import ent, extraction, paper, rel, result

from kg.export.graphml import write_graphml
from kg.graph.property_graph import build_graph
from kg.load import load

#: Strings that have broken XML/GraphML/JSON round trips somewhere: markup and entities,
#: CDATA terminators, combining marks, ZWJ emoji, astral planes, RTL, BOM, zero-width
#: and line/paragraph separators, JSON- and number-looking text, edge whitespace.
NASTY = [
    "Ünïcödé Nét",
    "e\u0301t\u00e9",
    "模型-7B 🤖‍🔬",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "שלום עולם (RTL) مرحبا",
    "a & b < c > d \" e ' f",
    "&amp; &lt;not-an-entity&gt; &#0;",
    "]]> <![CDATA[x]]>",
    "<node id=\"evil\"/>",
    "\ufeffBOM \u200bzero\u200cwidth\u200d",
    "line\u2028separator\u2029paragraph",
    "tab\there\nnewline",
    "  leading and trailing  ",
    '{"json": [1, 2]}',
    "[1, 2]",
    "84",
    "true",
    "null",
    "\U0010fffd last plane",
    "\x85 NEL \x7f DEL",
]


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert {k: b.graph.get(k) for k in a.graph} == a.graph
    assert list(a.nodes) == list(b.nodes)
    for n, d in a.nodes(data=True):
        assert b.nodes[n] == d, n
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    for u, v, k, d in a.edges(keys=True, data=True):
        assert b.edges[u, v, k] == d, (u, v, k)


def _round_trip(g: nx.MultiDiGraph, tmp_path) -> nx.MultiDiGraph:
    path = tmp_path / "graph.graphml"
    write_graphml(g, path)
    return load(path)


def _corpus(names: list[str] | None = None) -> nx.MultiDiGraph:
    """Every node kind and edge relation, with ``names`` as entity names and text."""
    a, b, c = names or ["Reinforced Fine-Tuning", "SFT", "GSM8K"]
    abstract = f"We propose {a}. {a} outperforms {b} on {c}. Code: https://github.com/x/y."
    papers = [
        paper("p1", f"{a}: a title", abstract, authors=(a, "Zoë Ångström"),
              arxiv_id="2401.00001", date="2024-01-01"),
        paper("p2", "Second paper", f"{b} is used with Llama2-13B on {c}.",
              url="https://example.org/p2?q=1&r=2"),
    ]
    exts = [
        extraction("p1", [
            ent(a, role="proposes", aliases=[f"{a} (alias)"], start=11),
            ent(b, role="uses"),
            ent(c, "Dataset", role="evaluates_on"),
            ent("accuracy", "Metric"),
        ], relations=[rel(a, "outperforms", b, 0, len(abstract))],
            results=[result(a, "84", c, "accuracy"), result(b, "70.5%", c, None)],
            code=["https://github.com/x/y"]),
        extraction("p2", [
            ent(b, role="uses"),
            ent("Llama2-13B", "Model", role="uses"),
            ent(c, "Dataset", role="evaluates_on"),
        ], relations=[rel(b, "evaluated_on", c)]),
    ]
    return build_graph(papers, exts)


def test_graphml_round_trip_gives_the_same_graph(tmp_path):
    g = _corpus()
    relations = {k for *_, k in g.edges(keys=True)}
    assert {"proposes", "uses", "evaluates_on", "outperforms", "evaluated_on", "variant_of",
            "has_code", "reports", "result_for", "result_on"} <= relations
    _same_graph(g, _round_trip(g, tmp_path))


def test_round_trip_keeps_attribute_types(tmp_path):
    g = _corpus()
    h = _round_trip(g, tmp_path)
    ent_node = next(n for n, d in g.nodes(data=True) if d["kind"] == "entity")
    d = h.nodes[ent_node]
    assert isinstance(d["paper_count"], int) and not isinstance(d["paper_count"], bool)
    assert isinstance(d["derived"], bool)
    assert isinstance(d["aliases"], list) and isinstance(d["alias_counts"], dict)
    assert isinstance(h.nodes["paper:p1"]["authors"], list)
    res = next(n for n, d in h.nodes(data=True) if d["kind"] == "result" and d["value"] == "84")
    assert h.nodes[res]["value"] == "84"  # a number-looking string stays a string
    assert isinstance(h.nodes[res]["start"], int)
    edge = h.edges["paper:p1", "entity:sft", "uses"]
    assert isinstance(edge["confidence"], float) and isinstance(edge["support"], int)
    assert isinstance(edge["evidence"], list) and isinstance(edge["evidence"][0], dict)


@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_round_trip_keeps_nasty_unicode_in_ids_names_and_evidence(tmp_path, nasty):
    g = _corpus([f"{nasty} Net", "SFT", f"{nasty}-Bench"])
    names = [d.get("name", "") for _, d in g.nodes(data=True)]
    assert any(nasty.strip() in n for n in names)  # it reached the graph unchanged
    _same_graph(g, _round_trip(g, tmp_path))


@pytest.mark.parametrize("nasty", NASTY, ids=range(len(NASTY)))
def test_round_trip_keeps_nasty_unicode_in_any_attribute(tmp_path, nasty):
    g = nx.MultiDiGraph(name="kg", kg_schema="1")
    g.add_node(f"paper:{nasty}", kind="paper", label=nasty, title=nasty, abstract=nasty,
               authors=[nasty, ""])
    g.add_node(f"entity:{nasty}", kind="entity", label=nasty, name=nasty, aliases=[nasty],
               alias_counts={nasty: 2, "x": 1}, papers=[nasty], paper_count=1, derived=False)
    g.add_edge(f"paper:{nasty}", f"entity:{nasty}", key="uses", rel="uses", support=1,
               papers=[nasty], confidence=0.5, source=nasty,
               evidence=[{"paper": nasty, "sentence": nasty, "start": 0, "end": 1}])
    _same_graph(g, _round_trip(g, tmp_path))


def test_empty_lists_dicts_and_strings_survive(tmp_path):
    g = nx.MultiDiGraph(name="kg", kg_schema="1")
    g.add_node("paper:p", kind="paper", label="", title="", abstract="", authors=[])
    g.add_node("entity:e", kind="entity", label="e", aliases=[], alias_counts={}, papers=[])
    g.add_edge("paper:p", "entity:e", key="mentions", rel="mentions", papers=[], evidence=[])
    _same_graph(g, _round_trip(g, tmp_path))


def test_load_reads_a_build_directory(tmp_path):
    g = _corpus()
    write_graphml(g, tmp_path / "graph.graphml")
    _same_graph(g, load(tmp_path))
    _same_graph(g, load(str(tmp_path / "graph.graphml")))


def test_load_rejects_unknown_formats_and_empty_directories(tmp_path):
    with pytest.raises(ValueError, match="unknown graph format"):
        load(tmp_path / "graph.csv")
    with pytest.raises(FileNotFoundError):
        load(tmp_path)


# Edge cases of the export/load pair.


def test_a_loaded_graph_can_be_written_again_unchanged(tmp_path):
    g = _corpus()
    write_graphml(g, tmp_path / "a.graphml")
    h = load(tmp_path / "a.graphml")
    assert h.graph == g.graph
    write_graphml(h, tmp_path / "b.graphml")
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()


def test_carriage_returns_survive(tmp_path):
    g = nx.MultiDiGraph(name="kg", kg_schema="1")
    g.add_node("paper:p", kind="paper", label="t", abstract="one\r\ntwo\rthree")
    _same_graph(g, _round_trip(g, tmp_path))


@pytest.mark.parametrize("bad", ["form\x0cfeed", "nul\x00", "esc\x1b[0m", "\uffff", "\ud800"])
def test_xml_illegal_characters_never_produce_an_unreadable_file(tmp_path, bad):
    g = nx.MultiDiGraph(name="kg", kg_schema="1")
    g.add_node("paper:p", kind="paper", label="t", abstract=bad)
    path = tmp_path / "graph.graphml"
    try:
        write_graphml(g, path)
    except ValueError:
        return  # refusing to write is fine; writing an unreadable file is not
    load(path)
