"""kg.analysis answers questions about a small hand-built corpus with known answers.

Corpus (paper: entities it uses; results it reports):

    p1: Reinforced Fine-Tuning (alias ReFT, proposed), SFT, GSM8K, SVAMP, accuracy;
        ReFT 70.5% and SFT 63.1 accuracy on GSM8K; ReFT outperforms SFT
    p2: SFT, GSM8K, GPT-4, accuracy;   GPT-4 92% and SFT "about half" accuracy on GSM8K
    p3: LoRA, GPT-4, WikiText-103, perplexity;   LoRA 18.2 and GPT-4 15.9 perplexity
    p4: LoRA, WikiText-103, language modeling
    p5: ViT, ImageNet;   ViT 88.5 on "ImageNet-1k" (a name no entity has)
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import pandas as pd
import pytest
from helpers import ent, extraction, paper, rel, result

from kg import analysis as A
from kg.graph.property_graph import build_graph
from kg.records import Result


def _corpus() -> nx.MultiDiGraph:
    papers = [
        paper("p1", "ReFT: Reasoning with Reinforced Fine-Tuning"),
        paper("p2", "Scaling supervised fine-tuning"),
        paper("p3", "LoRA for language models"),
        paper("p4", "Low-rank adapters on WikiText"),
        paper("p5", "Vision transformers"),
    ]
    exts = [
        extraction("p1", [
            ent("Reinforced Fine-Tuning", role="proposes", aliases=["ReFT"]),
            ent("SFT", role="uses"),
            ent("GSM8K", "Dataset", role="evaluates_on"),
            ent("SVAMP", "Dataset", role="evaluates_on"),
            ent("accuracy", "Metric", role="uses"),
        ], relations=[rel("Reinforced Fine-Tuning", "outperforms", "SFT")],
            results=[result("Reinforced Fine-Tuning", "70.5%", "GSM8K", "accuracy"),
                     result("SFT", "63.1", "GSM8K", "accuracy")]),
        extraction("p2", [
            ent("SFT", role="proposes"),
            ent("GSM8K", "Dataset", role="evaluates_on"),
            ent("GPT-4", "Model", role="uses"),
            ent("accuracy", "Metric", role="uses"),
        ], results=[result("GPT-4", "92%", "GSM8K", "accuracy"),
                    result("SFT", "about half", "GSM8K", "accuracy")]),
        extraction("p3", [
            ent("LoRA", role="proposes"),
            ent("GPT-4", "Model", role="uses"),
            ent("WikiText-103", "Dataset", role="evaluates_on"),
            ent("perplexity", "Metric", role="uses"),
        ], results=[result("LoRA", "18.2", "WikiText-103", "perplexity"),
                    result("GPT-4", "15.9", "WikiText-103", "perplexity")]),
        extraction("p4", [
            ent("LoRA", role="uses"),
            ent("WikiText-103", "Dataset", role="evaluates_on"),
            ent("language modeling", "Task", role="addresses"),
        ]),
        extraction("p5", [
            ent("ViT", "Model", role="proposes"),
            ent("ImageNet", "Dataset", role="evaluates_on"),
        ], results=[result("ViT", "88.5", "ImageNet-1k", None)]),
    ]
    return build_graph(papers, exts)


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return _corpus()


def _clash_graph() -> nx.MultiDiGraph:
    """Two entities labelled "MATH" (a Dataset in two papers, a Task in one)."""
    g = nx.MultiDiGraph()
    for pid in ("a", "b", "c"):
        g.add_node(f"paper:{pid}", kind="paper", label=f"Paper {pid}", paper_id=pid)
    g.add_node("entity:math", kind="entity", type="Dataset", name="MATH", label="MATH",
               aliases=[], paper_count=2)
    g.add_node("entity:math--task", kind="entity", type="Task", name="MATH", label="MATH",
               aliases=[], paper_count=1)
    g.add_edge("paper:a", "entity:math", key="evaluates_on")
    g.add_edge("paper:b", "entity:math", key="evaluates_on")
    g.add_edge("paper:c", "entity:math--task", key="addresses")
    return g


# ----------------------------------------------------------------------------- find_entity


@pytest.mark.parametrize("query, node", [
    ("GSM8K", "entity:gsm8k"),
    ("gsm8k", "entity:gsm8k"),
    ("entity:gsm8k", "entity:gsm8k"),
    ("wikitext-103", "entity:wikitext-103"),
    ("ReFT", "entity:reinforced-fine-tuning"),
    ("reft", "entity:reinforced-fine-tuning"),
    ("reinforced fine-tuning", "entity:reinforced-fine-tuning"),
    ("GPT4", "entity:gpt-4"),
    ("  LoRA ", "entity:lora"),
])
def test_find_entity_accepts_name_alias_id_any_case(G, query, node):
    assert A.find_entity(G, query) == node


def test_find_entity_unknown_name_raises_keyerror_with_close_matches(G):
    with pytest.raises(KeyError) as info:
        A.find_entity(G, "GSM8")
    message = str(info.value)
    assert "GSM8" in message and "did you mean" in message and "'GSM8K'" in message


def test_find_entity_type_restricts_the_search(G):
    with pytest.raises(KeyError, match="Dataset"):
        A.find_entity(G, "LoRA", type="Dataset")
    assert A.find_entity(G, "lora", type="method") == "entity:lora"
    with pytest.raises(ValueError, match="unknown entity type"):
        A.find_entity(G, "LoRA", type="Algorithm")


def test_find_entity_prefers_the_entity_in_more_papers_and_type_disambiguates():
    g = _clash_graph()
    assert A.find_entity(g, "math") == "entity:math"
    assert A.find_entity(g, "MATH", type="Task") == "entity:math--task"


def test_entities_sharing_a_label_are_named_with_their_type():
    g = _clash_graph()
    assert A.top_entities(g, None) == [("MATH [Dataset]", 2), ("MATH [Task]", 1)]
    assert A.entity_name(g, "entity:math--task") == "MATH [Task]"
    assert A.find_entity(g, "MATH [Task]") == "entity:math--task"


# ----------------------------------------------------------------------------- top_entities


def test_top_entities_ranks_by_paper_count_then_name(G):
    assert A.top_entities(G, "Dataset") == [
        ("GSM8K", 2), ("WikiText-103", 2), ("ImageNet", 1), ("SVAMP", 1)]
    assert A.top_entities(G, "Method") == [
        ("LoRA", 2), ("SFT", 2), ("Reinforced Fine-Tuning", 1)]
    assert A.top_entities(G, ("Method", "Model"), n=3) == [
        ("GPT-4", 2), ("LoRA", 2), ("SFT", 2)]


def test_top_entities_counts_equal_paper_count_attribute(G):
    ranked = dict(A.top_entities(G, None, n=None))
    for _, d in G.nodes(data=True):
        if d["kind"] == "entity":
            assert ranked[d["name"]] == d["paper_count"]


def test_top_entities_accepts_lowercase_and_plural_kind_and_rejects_unknown(G):
    assert A.top_entities(G, "datasets", n=1) == [("GSM8K", 2)]
    with pytest.raises(ValueError):
        A.top_entities(G, "Benchmark")


def test_top_entities_leaves_out_entities_no_paper_uses(G):
    g = G.copy()
    g.add_node("entity:llama", kind="entity", type="Model", name="Llama", label="Llama",
               aliases=[], paper_count=0, papers=[], derived=True)
    assert "Llama" not in dict(A.top_entities(g, "Model", n=None))


# ----------------------------------------------------------------------------- leaderboard


def test_leaderboard_orders_best_first_with_unparseable_values_last(G):
    rows = A.leaderboard(G, "GSM8K")
    assert [(r.entity, r.value, r.text, r.paper) for r in rows] == [
        ("GPT-4", 92.0, "92%", "p2"),
        ("Reinforced Fine-Tuning", 70.5, "70.5%", "p1"),
        ("SFT", 63.1, "63.1", "p1"),
        ("SFT", None, "about half", "p2"),
    ]
    assert {r.metric for r in rows} == {"accuracy"}
    assert all(isinstance(r, A.LeaderboardRow) for r in rows)


def test_leaderboard_puts_lowest_first_for_lower_is_better_metrics(G):
    rows = A.leaderboard(G, "wikitext-103")
    assert [(r.entity, r.metric, r.value) for r in rows] == [
        ("GPT-4", "perplexity", 15.9), ("LoRA", "perplexity", 18.2)]
    flipped = A.leaderboard(G, "WikiText-103", higher_is_better=True)
    assert [r.entity for r in flipped] == ["LoRA", "GPT-4"]


def test_leaderboard_accepts_alias_case_and_node_id(G):
    expected = A.leaderboard(G, "GSM8K")
    assert A.leaderboard(G, "gsm8k") == expected
    assert A.leaderboard(G, "entity:gsm8k") == expected


def test_leaderboard_filters_by_metric_name_or_case(G):
    assert len(A.leaderboard(G, "GSM8K", metric="Accuracy")) == 4
    assert A.leaderboard(G, "GSM8K", metric="perplexity") == []
    assert A.leaderboard(G, "GSM8K", metric="F1") == []


def test_leaderboard_finds_results_by_dataset_name_without_an_entity(G):
    (row,) = A.leaderboard(G, "imagenet-1k")
    assert (row.entity, row.metric, row.value, row.paper) == ("ViT", None, 88.5, "p5")
    assert row.result == "result:p5:0"


def test_leaderboard_unknown_dataset_raises_keyerror(G):
    with pytest.raises(KeyError, match="SVAMP"):
        A.leaderboard(G, "SVAMPP")


def test_leaderboard_rows_become_a_dataframe(G):
    df = pd.DataFrame(map(dataclasses.asdict, A.leaderboard(G, "GSM8K")))
    assert list(df.columns[:4]) == ["entity", "metric", "value", "paper"]
    assert len(df) == 4


@pytest.mark.parametrize("text, value", [
    ("70.5%", 70.5), ("84", 84.0), ("0.91", 0.91), ("1,024", 1024.0), ("\u22123.5", -3.5),
    ("+2.1 points", 2.1), ("71.2 ± 0.3", 71.2), ("3e-4", 3e-4), (".5", 0.5),
    ("about half", None), ("", None), (None, None),
])
def test_parse_value_reads_the_first_number(text, value):
    assert A.parse_value(text) == value


@pytest.mark.parametrize("metric, lower", [
    ("perplexity", True), ("PPL", True), ("word error rate", True), ("WER", True),
    ("FID", True), ("test loss", True), ("Inference time (ms)", True), ("latency", True),
    ("RMSE", True), ("MAE", True), ("top-1 error", True),
    ("accuracy", False), ("F1", False), ("BLEU", False), ("exact match", False), (None, False),
])
def test_lower_is_better_knows_error_like_metrics(metric, lower):
    assert A.lower_is_better(metric) is lower


# ----------------------------------------------------------------------------- co-usage


def test_co_usage_counts_papers_using_both(G):
    table = A.co_usage(G)
    assert list(table.index) == ["SFT", "GPT-4", "LoRA", "Reinforced Fine-Tuning", "ViT"]
    assert list(table.columns) == ["GSM8K", "WikiText-103", "SVAMP", "ImageNet"]
    assert table.loc["SFT", "GSM8K"] == 2
    assert table.loc["SFT", "SVAMP"] == 1
    assert table.loc["LoRA", "WikiText-103"] == 2
    assert table.loc["GPT-4", "GSM8K"] == 1 and table.loc["GPT-4", "WikiText-103"] == 1
    assert table.loc["ViT", "GSM8K"] == 0
    assert int(table.to_numpy().sum()) == 2 + 1 + 1 + 1 + 2 + 1 + 1 + 1


def test_co_usage_other_types_and_roles(G):
    tasks = A.co_usage(G, left="Dataset", right="Task")
    assert tasks.to_dict() == {"language modeling": {"WikiText-103": 1}}
    proposed = A.co_usage(G, roles=("proposes", "evaluates_on"))
    # p4 only "uses" LoRA, so LoRA keeps one paper (p3) with WikiText-103.
    assert proposed.loc["LoRA", "WikiText-103"] == 1
    assert list(proposed.index) == ["Reinforced Fine-Tuning", "LoRA", "SFT", "ViT"]


def test_bipartite_projection_is_weighted_bipartite_method_dataset_graph(G):
    P = A.bipartite_projection(G)
    assert nx.is_bipartite(P)
    left = {n for n, side in P.nodes(data="bipartite") if side == 0}
    assert {P.nodes[n]["name"] for n in left} == {
        "SFT", "GPT-4", "LoRA", "Reinforced Fine-Tuning", "ViT"}
    assert P["entity:sft"]["entity:gsm8k"] == {"weight": 2, "papers": ["p1", "p2"]}
    assert not P.has_edge("entity:sft", "entity:reinforced-fine-tuning")
    assert nx.bipartite.is_bipartite_node_set(P, left)


def test_bipartite_projection_rejects_overlapping_sides(G):
    with pytest.raises(ValueError):
        A.bipartite_projection(G, left=("Method", "Dataset"), right="Dataset")


def test_cooccurrence_is_the_weighted_projection_of_the_paper_entity_graph(G):
    B = nx.Graph()
    entities = [n for n, kind in G.nodes(data="kind") if kind == "entity"]
    B.add_nodes_from(entities)
    B.add_edges_from((u, v) for u, v, k in G.edges(keys=True) if k in (
        "proposes", "evaluates_on", "addresses", "uses", "mentions"))
    expected = nx.bipartite.weighted_projected_graph(B, entities)
    H = A.cooccurrence(G)
    assert set(H) == set(expected)
    assert {frozenset(e): w for *e, w in H.edges(data="weight")} == {
        frozenset(e): w for *e, w in expected.edges(data="weight")}


def test_cooccurrence_links_entities_sharing_papers(G):
    H = A.cooccurrence(G)
    assert H["entity:gpt-4"]["entity:lora"] == {"weight": 1, "papers": ["p3"]}
    assert H["entity:gsm8k"]["entity:sft"]["weight"] == 2
    assert set(H["entity:vit"]) == {"entity:imagenet"}


# ----------------------------------------------------------------------------- networks


def test_ego_graph_holds_papers_results_and_related_entities(G):
    E = A.ego(G, "ReFT")
    assert set(E) == {"entity:reinforced-fine-tuning", "paper:p1", "entity:sft",
                      "result:p1:0"}
    assert E.has_edge("entity:reinforced-fine-tuning", "entity:sft", key="outperforms")
    assert E.nodes["entity:reinforced-fine-tuning"]["aliases"] == ["ReFT"]
    assert isinstance(E, nx.MultiDiGraph)


def test_ego_graph_radius_and_kinds(G):
    E = A.ego(G, "reft", radius=2, kinds=("paper", "entity"))
    assert set(E) == {"entity:reinforced-fine-tuning", "paper:p1", "paper:p2",
                      "entity:sft", "entity:gsm8k", "entity:svamp", "entity:accuracy"}


def test_explain_path_goes_through_a_paper(G):
    assert A.explain_path(G, "ReFT", "svamp") == [
        "Reinforced Fine-Tuning", "ReFT: Reasoning with Reinforced Fine-Tuning", "SVAMP"]
    assert A.explain_path(G, "ReFT", "SVAMP", labels=False) == [
        "entity:reinforced-fine-tuning", "paper:p1", "entity:svamp"]


def test_explain_path_alternates_entities_and_papers_that_use_both(G):
    path = A.explain_path(G, "ReFT", "WikiText-103", labels=False)
    assert path is not None and len(path) == 7
    assert path[0] == "entity:reinforced-fine-tuning" and path[-1] == "entity:wikitext-103"
    assert path[4] == "entity:gpt-4"  # the only bridge between the two halves
    for i in range(1, len(path), 2):
        assert G.nodes[path[i]]["kind"] == "paper"
        assert G.has_edge(path[i], path[i - 1]) and G.has_edge(path[i], path[i + 1])
    assert A.explain_path(G, "ReFT", "WikiText-103", labels=False) == path


def test_explain_path_none_when_unconnected_and_single_node_for_same_entity(G):
    assert A.explain_path(G, "ReFT", "ImageNet") is None
    assert A.explain_path(G, "ReFT", "reinforced fine-tuning") == ["Reinforced Fine-Tuning"]


def test_communities_are_deterministic_and_largest_first(G):
    groups = A.communities(G)
    assert groups == A.communities(G) == A.communities(_corpus())
    assert ["ImageNet", "ViT"] in [g.members for g in groups]
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    names = [n for g in groups for n in g]
    assert len(names) == len(set(names)) == 12


def test_community_members_are_ordered_by_papers_shared_inside_and_label_the_group(G):
    first, second, third = A.communities(G)
    # p1 uses ReFT, SFT, GSM8K, SVAMP, accuracy; p2 adds SFT, GSM8K, accuracy (and GPT-4,
    # which went to the other community): accuracy, GSM8K and SFT share 6 paper-links each.
    assert first.members == ["accuracy", "GSM8K", "SFT", "Reinforced Fine-Tuning", "SVAMP"]
    assert first.weights == [6, 6, 6, 4, 4] and first.papers == 2
    assert first.label == "accuracy · GSM8K · SFT"
    assert first.ids[:2] == ["entity:accuracy", "entity:gsm8k"]
    assert second.label == "LoRA · WikiText-103 · GPT-4"
    assert second.weights == sorted(second.weights, reverse=True)
    assert third.label == "ImageNet · ViT" and third[0] == "ImageNet" and len(third) == 2
    assert repr(third) == "Community('ImageNet · ViT', 2 members, 1 paper: ImageNet, ViT)"


def test_communities_of_one_type_and_min_size(G):
    groups = A.communities(G, types="Dataset", min_size=1)
    assert sorted(n for g in groups for n in g) == ["GSM8K", "ImageNet", "SVAMP", "WikiText-103"]
    assert ["GSM8K", "SVAMP"] in [g.members for g in groups]
    assert [g.members for g in A.communities(G, types="Dataset")] == [["GSM8K", "SVAMP"]]


def test_centrality_degree_ranking(G):
    # 12 entities; GPT-4 co-occurs with 6, accuracy/GSM8K/SFT with 5.
    ranked = A.centrality(G, n=4)
    assert [name for name, _ in ranked] == ["GPT-4", "accuracy", "GSM8K", "SFT"]
    assert [score for _, score in ranked] == pytest.approx([6 / 11, 5 / 11, 5 / 11, 5 / 11])
    assert [name for name, _ in A.centrality(G, kind="Dataset")] == [
        "GSM8K", "SVAMP", "WikiText-103", "ImageNet"]


def test_centrality_betweenness_finds_the_bridge_and_pagerank_sums_to_one(G):
    assert A.centrality(G, measure="betweenness", n=1)[0][0] == "GPT-4"
    scores = A.centrality(G, measure="pagerank", n=None)
    assert len(scores) == 12
    assert sum(s for _, s in scores) == pytest.approx(1.0)
    assert A.centrality(G, measure="betweenness", k=6, n=3) == A.centrality(
        G, measure="betweenness", k=6, n=3)
    with pytest.raises(ValueError):
        A.centrality(G, measure="closeness")


def test_betweenness_is_sampled_by_default_only_above_the_size_limit(G, monkeypatch):
    exact = A.centrality(G, measure="betweenness", n=None, k=None)
    assert A.centrality(G, measure="betweenness", n=None) == exact  # 12 entities: exact
    calls = []
    real = nx.betweenness_centrality

    def spy(H, k=None, seed=None, **kw):
        calls.append((H.number_of_nodes(), k, seed))
        return real(H, k=k, seed=seed, **kw)

    monkeypatch.setattr(nx, "betweenness_centrality", spy)
    monkeypatch.setattr(A, "BETWEENNESS_EXACT_MAX", 10)
    monkeypatch.setattr(A, "BETWEENNESS_SAMPLES", 5)
    sampled = A.centrality(G, measure="betweenness", n=None)
    assert sampled == A.centrality(G, measure="betweenness", n=None)  # seeded: repeatable
    A.centrality(G, measure="betweenness", k=None)
    A.centrality(G, measure="betweenness", k=50)
    assert calls == [(12, 5, 0), (12, 5, 0), (12, None, 0), (12, None, 0)]
    with pytest.raises(ValueError, match="positive"):
        A.centrality(G, measure="betweenness", k=0)


# ----------------------------------------------------------------------------- tables


def test_to_dataframes_one_row_per_node_and_edge(G):
    nodes, edges = A.to_dataframes(G)
    assert len(nodes) == G.number_of_nodes() and len(edges) == G.number_of_edges()
    assert list(nodes.columns[:3]) == ["id", "kind", "label"]
    assert list(edges.columns[:3]) == ["u", "v", "key"]
    assert {"type", "aliases", "paper_count", "title", "value"} <= set(nodes.columns)
    assert {"rel", "support", "papers", "confidence", "source", "evidence"} <= set(edges.columns)
    assert list(nodes["id"]) == list(G)
    reft = nodes.set_index("id").loc["entity:reinforced-fine-tuning"]
    assert reft["aliases"] == ["ReFT"] and reft["type"] == "Method"
    assert edges["key"].value_counts()["result_on"] == 6


def test_to_dataframes_of_an_empty_graph_have_the_fixed_columns():
    nodes, edges = A.to_dataframes(nx.MultiDiGraph())
    assert list(nodes.columns) == ["id", "kind", "label"] and nodes.empty
    assert list(edges.columns) == ["u", "v", "key"] and edges.empty


# ----------------------------------------------------------------------------- convention


def test_every_name_an_answer_gives_is_accepted_back_as_the_same_entity():
    g = _corpus()
    g = nx.compose(g, _clash_graph())  # two entities labelled "MATH"
    names = [n for n, _ in A.top_entities(g, None, n=None)]
    names += [n for n, _ in A.centrality(g, n=None)]
    names += [n for c in A.communities(g, min_size=1) for n in c]
    names += list(A.co_usage(g).index) + [r.entity for r in A.leaderboard(g, "GSM8K")]
    assert "MATH [Task]" in names
    for name in names:
        node = A.find_entity(g, name)
        assert A.entity_name(g, node) == name
    for c in A.communities(g):
        assert [A.entity_name(g, i) for i in c.ids] == c.members


# ----------------------------------------------------------------------------- costs


def _cost_graph() -> nx.MultiDiGraph:
    """YOLO-World: a score and two costs on LVIS; a cost is no leaderboard row."""
    return build_graph([paper("y", "YOLO-World: real-time open-vocabulary detection")], [
        extraction("y", [
            ent("YOLO-World", "Model", role="proposes"),
            ent("LVIS", "Dataset", role="evaluates_on"),
            ent("AP", "Metric", role="uses"),
            ent("FPS", "Metric", role="uses"),
        ], results=[result("YOLO-World", "35.4", "LVIS", "AP"),
                    Result("YOLO-World", "52.0 FPS", "LVIS", "FPS", kind="cost"),
                    Result("YOLO-World", "3.2M parameters", kind="cost")])])


def test_leaderboard_ranks_scores_not_costs():
    rows = A.leaderboard(_cost_graph(), "LVIS")
    assert [(r.entity, r.metric, r.text) for r in rows] == [("YOLO-World", "AP", "35.4")]


def test_costs_lists_an_entitys_cost_figures_with_their_units():
    rows = A.costs(_cost_graph(), "yolo-world")
    assert [(r.metric, r.value, r.text) for r in rows] == [
        ("FPS", 52.0, "52.0 FPS"), (None, 3.2, "3.2M parameters")]
    with pytest.raises(KeyError):
        A.costs(_cost_graph(), "YOLOv9")
