"""Every competency query of ontology/queries/ on the sample corpus, its answers checked.

Answers are checked against the same question asked of the networkx graph (the two
views of one build must agree) and, where the sample makes it certain, against what the
abstracts say (ReFT evaluates on GSM8K, ReFT is "Reinforced Fine-Tuning", …).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

import kg
from kg.graph.iri import DEFAULT_BASE
from kg.graph.rdf import node_id_of

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"


@pytest.fixture(scope="module")
def ttl(sample_build) -> Path:
    return sample_build / "graph.ttl"


@pytest.fixture(scope="module")
def graph(sample_build):
    return kg.load(sample_build)


def run(ttl: Path, name: str) -> list[dict]:
    return list(kg.query(ttl, QUERIES / name))


def _papers_with(graph, rel: str) -> Counter:
    return Counter(v for u, v, k in graph.edges(keys=True) if k == rel)


def test_every_query_runs_on_the_sample(ttl):
    for path in sorted(QUERIES.glob("*.rq")):
        assert path.read_text().startswith("# Question:"), path.name
        kg.query(ttl, path)


def test_datasets_most_evaluated(ttl, graph):
    rows = run(ttl, "datasets_most_evaluated.rq")
    counts = _papers_with(graph, "evaluates_on")
    expected = sorted(counts.values(), reverse=True)[: len(rows)]
    assert [r["papers"] for r in rows] == expected
    assert {"name": "GSM8K", "papers": 3}.items() <= next(
        r for r in rows if r["name"] == "GSM8K").items()


def test_methods_proposed_by_papers_on_gsm8k(ttl):
    names = {r["name"] for r in run(ttl, "methods_proposed_on_gsm8k.rq")}
    assert "Reinforced Fine-Tuning" in names
    assert "Multi-agent LLM training" in names


def test_entity_aliases(ttl):
    text = (QUERIES / "entity_aliases.rq").read_text(encoding="utf-8")
    rows = list(kg.query(ttl, text.replace('"cot"', '"reft"')))
    assert {"name": "Reinforced Fine-Tuning", "alias": "ReFT"}.items() <= next(
        r for r in rows if r["name"] == "Reinforced Fine-Tuning").items()


def test_entities_by_type_match_the_graph(ttl, graph):
    rows = {r["type"].rsplit("#", 1)[1]: r["entities"] for r in run(ttl, "entities_by_type.rq")}
    expected = Counter(d["type"] for _, d in graph.nodes(data=True) if d.get("kind") == "entity")
    assert rows == dict(expected)


def _named(graph, key: str) -> set[str]:
    """The entities with ``key`` as their name or an alias, lower-cased (kgo:nameKey)."""
    return {n for n, d in graph.nodes(data=True) if d.get("kind") == "entity"
            and key in {a.lower() for a in [d.get("name") or "", *(d.get("aliases") or ())]}}


def _asking(ttl: Path, name: str, key: str, other: str) -> list[dict]:
    text = (QUERIES / name).read_text(encoding="utf-8")
    assert f'"{key}"' in text
    return list(kg.query(ttl, text.replace(f'"{key}"', f'"{other}"')))


@pytest.mark.parametrize("key", ["gpt-4", "supervised fine-tuning"])
def test_edge_evidence_sentences_are_in_their_abstracts(ttl, graph, key):
    rows = _asking(ttl, "edge_evidence.rq", "gpt-4", key)
    named = _named(graph, key)
    evidence = [ev for u, v, k, d in graph.edges(keys=True, data=True)
                if k == "outperforms" and v in named for ev in d.get("evidence") or ()
                if ev.get("paper")]
    assert len(rows) == len(evidence)
    assert key == "gpt-4" or rows
    for r in rows:
        assert node_id_of(r["object"], DEFAULT_BASE) in named
        paper = node_id_of(r["paper"], DEFAULT_BASE)
        text = graph.nodes[paper]["abstract" if r["field"] == "abstract" else "title"]
        assert text[r["start"]:r["end"]] == r["sentence"]


@pytest.mark.parametrize("key", ["gsm8k", "question answering"])
def test_papers_with_code(ttl, graph, key):
    rows = _asking(ttl, "papers_with_code.rq", "gsm8k", key)
    papers = {f"paper:{p}" for n in _named(graph, key) for p in graph.nodes[n]["papers"]}
    links = [(u, v) for u, v, k in graph.edges(keys=True) if k == "has_code" and u in papers]
    assert len(rows) == min(len(links), 100)
    assert key == "gsm8k" or rows
    assert all(r["url"].startswith(("http://", "https://")) for r in rows)


def test_tasks_with_most_proposed_methods(ttl):
    rows = run(ttl, "tasks_most_methods.rq")
    assert rows[0]["name"] == "question answering"
    assert [r["methods"] for r in rows] == sorted((r["methods"] for r in rows), reverse=True)


def test_top_entities_per_type(ttl, graph):
    rows = run(ttl, "top_entities.rq")
    for r in rows:
        node = node_id_of(r["entity"], DEFAULT_BASE)
        assert graph.nodes[node]["paper_count"] == r["papers"]
    # Every type has its own top ten (not the first type's top hundred).
    for kind in ("Dataset", "Method", "Metric", "Model", "Task"):
        counts = sorted((d["paper_count"] for _, d in graph.nodes(data=True)
                         if d.get("type") == kind and d.get("paper_count", 0) >= 1),
                        reverse=True)[:10]
        assert [r["papers"] for r in rows if r["type"].endswith("#" + kind)] == counts


def test_strongest_statements_count_their_papers(ttl, graph):
    rows = run(ttl, "strongest_statements.rq")
    assert rows
    rel = {"outperforms": "outperforms", "basedOn": "based_on", "evaluatedOn": "evaluated_on",
           "usedFor": "used_for"}
    supports = {}
    for u, v, k, d in graph.edges(keys=True, data=True):
        if k in rel.values():
            supports[(graph.nodes[u]["label"], k, graph.nodes[v]["label"])] = d["support"]
    for r in rows:
        key = (r["subjectName"], rel[r["relation"].rsplit("#", 1)[1]], r["objectName"])
        assert supports[key] == r["support"]


def test_papers_sharing_datasets_match_the_graph(ttl, graph):
    rows = run(ttl, "papers_sharing_datasets.rq")
    datasets: dict[str, set[str]] = {}
    for u, v, k in graph.edges(keys=True):
        if k == "evaluates_on":
            datasets.setdefault(u, set()).add(v)
    expected = sum(1 for a, b in combinations(sorted(datasets), 2)
                   if len(datasets[a] & datasets[b]) >= 2)
    assert len(rows) == expected


def test_leaderboard_matches_the_graphs_results(ttl, graph):
    rows = run(ttl, "leaderboard.rq")
    on_gsm8k = [n for n, d in graph.nodes(data=True)
                if d.get("kind") == "result" and graph.has_edge(n, "entity:gsm8k", "result_on")]
    assert len(rows) == len(on_gsm8k)


def test_papers_by_author_needs_authors(ttl, graph):
    rows = run(ttl, "papers_by_author.rq")
    has_authors = any(d.get("authors") for _, d in graph.nodes(data=True) if d["kind"] == "paper")
    # The sample page dump carries no authors, so the question has no answer there.
    assert has_authors or rows == []


def test_models_outperforming_gpt4(ttl, graph):
    rows = run(ttl, "models_outperforming.rq")
    gpt4 = [n for n, d in graph.nodes(data=True)
            if d.get("kind") == "entity" and d["name"].lower() == "gpt-4"]
    winners = {graph.nodes[u]["name"] for n in gpt4 for u, _, k in graph.in_edges(n, keys=True)
               if k == "outperforms"}
    assert {r["name"] for r in rows} == winners


def test_papers_per_month_needs_dates(ttl, graph):
    rows = run(ttl, "papers_per_month_using.rq")
    dated = any(len(str(d.get("date") or "")) >= 7
                for _, d in graph.nodes(data=True) if d["kind"] == "paper")
    # The sample page dump carries no dates, so the question has no answer there
    # (tests/test_query.py checks the answers on a dated corpus).
    assert dated or rows == []
