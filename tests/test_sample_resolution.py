"""On the sample corpus: the merges a reader expects happen, and distinct things stay apart."""

from __future__ import annotations

import pytest

import kg
from kg.analysis import find_entity


@pytest.fixture(scope="module")
def graph(sample_build):
    return kg.load(sample_build)


@pytest.mark.parametrize("forms", [
    ("ReFT", "Reinforced Fine-Tuning"),
    ("SFT", "Supervised Fine-Tuning", "supervised fine-tuning"),
    ("CoT", "Chain-of-Thought", "chain-of-thought"),
    ("RL", "reinforcement learning", "Reinforcement Learning"),
    ("GRPO", "Group Relative Policy Optimization"),
    ("RAG", "retrieval-augmented generation", "Retrieval-Augmented Generation"),
    ("DPO", "Direct Preference Optimization"),
])
def test_expected_merges_give_one_node(graph, forms):
    nodes = {find_entity(graph, f) for f in forms}
    assert len(nodes) == 1, {f: find_entity(graph, f) for f in forms}
    (node,) = nodes
    data = graph.nodes[node]
    surface = {data["name"].lower(), *(a.lower() for a in data["aliases"])}
    assert {f.lower() for f in forms} <= surface


def test_no_two_entity_nodes_share_a_normalised_name(graph):
    from kg.util.normalize import name_key

    seen: dict[tuple[str, str], str] = {}
    for n, d in graph.nodes(data=True):
        if d.get("kind") != "entity" or d.get("derived"):
            continue
        key = name_key(d["name"])
        assert key not in seen, (n, seen.get(key))
        seen[key] = n


def test_different_things_are_not_merged(graph):
    # Distinct methods that share words stay distinct nodes.
    a = find_entity(graph, "supervised fine-tuning")
    b = find_entity(graph, "reinforcement learning")
    assert a != b
    # Sized model variants are nodes of their own, linked to their family.
    variants = [(u, v) for u, v, k in graph.edges(keys=True) if k == "variant_of"]
    assert variants
    for u, v in variants:
        assert graph.nodes[u]["type"] == graph.nodes[v]["type"] == "Model"
        assert graph.nodes[u]["name"] != graph.nodes[v]["name"]
