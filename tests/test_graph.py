"""The typed networkx graph: node kinds, edge keys, roles, provenance, results, code."""

from __future__ import annotations

from helpers import ent, extraction, paper, rel, result

from kg.graph.property_graph import build_graph, edge_counts, entity_counts

ABSTRACT = ("We propose ReFT. ReFT outperforms SFT on GSM8K. "
            "Code: https://github.com/Foo/ReFT.")


OUT_START = ABSTRACT.index("ReFT outperforms")
OUT_END = ABSTRACT.index("GSM8K.") + len("GSM8K.")


def _graph():
    papers = [paper("p1", "ReFT: Reasoning", ABSTRACT, arxiv_id="2401.00001"),
              paper("p2", "Other", "SFT is used on GSM8K here.")]
    exts = [
        extraction("p1", [
            ent("Reinforced Fine-Tuning", role="proposes", aliases=["ReFT"], text="ReFT", start=11),
            ent("SFT", role="uses", start=35),
            ent("GSM8K", "Dataset", role="evaluates_on", start=42),
        ], relations=[rel("Reinforced Fine-Tuning", "outperforms", "SFT", OUT_START, OUT_END)],
            results=[result("Reinforced Fine-Tuning", "70.5%", "GSM8K", None)],
            code=["https://github.com/Foo/ReFT"]),
        extraction("p2", [ent("SFT", role="uses"), ent("GSM8K", "Dataset", role="evaluates_on"),
                          ent("sft", role="mentions")]),
    ]
    return build_graph(papers, exts)


def test_nodes_have_kinds_and_documented_attributes():
    g = _graph()
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"paper", "entity", "code", "result"}
    p1 = g.nodes["paper:p1"]
    assert p1["title"] == "ReFT: Reasoning"
    assert p1["link"] == "https://arxiv.org/abs/2401.00001"
    reft = g.nodes["entity:reinforced-fine-tuning"]
    assert reft["type"] == "Method" and reft["aliases"] == ["ReFT"]
    assert reft["paper_count"] == 1 and reft["papers"] == ["p1"]
    assert g.nodes["entity:sft"]["paper_count"] == 2


def test_edges_are_keyed_by_relation_with_provenance():
    g = _graph()
    data = g.get_edge_data("paper:p1", "entity:reinforced-fine-tuning")
    assert set(data) == {"proposes"}
    edge = data["proposes"]
    assert edge["rel"] == "proposes" and edge["support"] == 1 and edge["papers"] == ["p1"]
    (ev,) = edge["evidence"]
    assert ev["sentence"] == "We propose ReFT."
    assert ABSTRACT[ev["start"]:ev["end"]] == ev["sentence"]
    assert ev["source"] == "model"
    out = g.get_edge_data("entity:reinforced-fine-tuning", "entity:sft")["outperforms"]
    assert out["evidence"][0]["sentence"] == "ReFT outperforms SFT on GSM8K."


def test_one_role_per_paper_entity_pair_keeps_the_strongest():
    g = _graph()
    # p2 names SFT twice ("SFT" uses, "sft" mentions): one edge, the stronger role.
    assert set(g.get_edge_data("paper:p2", "entity:sft")) == {"uses"}


def test_edge_support_counts_papers_across_the_corpus():
    g = _graph()
    assert g.nodes["entity:gsm8k"]["paper_count"] == 2
    assert g.get_edge_data("paper:p2", "entity:gsm8k")["evaluates_on"]["support"] == 1


def test_results_and_code_links_become_nodes():
    g = _graph()
    (rnode,) = [n for n, d in g.nodes(data=True) if d["kind"] == "result"]
    assert g.nodes[rnode]["value"] == "70.5%"
    assert g.has_edge(rnode, "entity:reinforced-fine-tuning", "result_for")
    assert g.has_edge(rnode, "entity:gsm8k", "result_on")
    assert g.has_edge("paper:p1", rnode, "reports")
    assert g.has_edge("paper:p1", "code:https://github.com/Foo/ReFT", "has_code")


def test_counts_for_the_report():
    g = _graph()
    assert entity_counts(g) == {"Dataset": 1, "Method": 2}
    assert edge_counts(g)["evaluates_on"] == 2


def test_graph_is_deterministic():
    a, b = _graph(), _graph()
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_graph_reads_the_records_once_in_any_order():
    from kg.resolve import resolve

    papers = [paper("p1", "ReFT: Reasoning", ABSTRACT), paper("p2", "Other", "SFT on GSM8K.")]
    exts = [
        extraction("p1", [ent("ReFT", role="proposes", start=11)],
                   results=[result("ReFT", "70.5%", "GSM8K", None)],
                   code=["https://github.com/Foo/ReFT"]),
        extraction("p2", [ent("SFT", role="uses")], results=[result("SFT", "1%", None, None)],
                   code=["https://github.com/Bar/SFT"]),
    ]
    resolution = resolve(exts)
    a = build_graph(papers, iter(exts), resolution)
    b = build_graph(papers, iter(reversed(exts)), resolution)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert [n for n in a if not n.startswith(("paper:", "entity:"))] == [
        "code:https://github.com/Bar/SFT", "code:https://github.com/Foo/ReFT",
        "result:p1:0", "result:p2:0"]


def test_paper_evidence_shares_one_string_per_sentence():
    g = _graph()
    sentences = [ev["sentence"] for _, _, d in g.edges(data=True) for ev in d["evidence"]
                 if ev["paper"] == "p1" and ev["sentence"].startswith("ReFT outperforms")]
    assert len(sentences) >= 2
    assert all(s is sentences[0] for s in sentences)
