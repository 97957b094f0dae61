"""The hand-made corpus shared by the RDF, ontology, query and serve tests.

Five papers built with ``kg.graph.property_graph.build_graph`` from hand-written records:
every node kind
and every relation of the schema, results, code links, a resolver-made model family, and
titles, names, ids and URLs full of characters that break naive IRIs, Turtle, JSON or CSV
(``<>"{}|\\^`` and backtick, spaces, newlines, tabs, RTL, emoji, ``%``, ``/``, empty strings).
"""

from __future__ import annotations

import networkx as nx
from helpers import ent, extraction, paper, rel, result

from kg.graph.property_graph import (
    ENTITY_RELATIONS,
    NODE_KINDS,
    OTHER_RELATIONS,
    PAPER_ROLES,
    build_graph,
)
from kg.records import Paper, Result, Span

NASTY_NAME = 'Net<>"{}|\\^`'
NASTY_TITLE = 'ReFT: <b>"Reasoning"</b> {with} |pipes| back\\slash ^caret `tick`'
NASTY_ID = "odd id %41 <x>"
SLASH_ID = "hep-th/9901001"


def _at(text: str, name: str) -> int:
    return text.index(name)


def corpus() -> nx.MultiDiGraph:
    a1 = ("We propose ReFT, a fine-tuning method for mathematical reasoning. ReFT outperforms "
          "SFT on GSM8K and MATH, building on SFT. ReFT reaches 75.3 accuracy on GSM8K. Code: "
          "https://github.com/lqtrung1998/mwp_ReFT.")
    a2 = ("We release Llama2-13B and Llama2-70B.\nLlama2-70B outperforms GPT-4 on MMLU. "
          "We also evaluate on GSM8K.")
    a3 = ("Chain-of-Thought (CoT) prompting outperforms GPT-4 on GSM8K and MATH. "
          "CoT is used for mathematical reasoning.")
    a4 = (f'We introduce "{NASTY_NAME}" for image segmentation.\r\nIt uses ReFT and, in '
          "the background, the Transformer. Data: https://huggingface.co/datasets/x/y")
    a5 = "A survey of שלום 模型 🤖 methods\u2028with a line separator; it mentions GPT-4."
    papers = [
        paper("p1", NASTY_TITLE, a1, authors=("Trung Quoc Luong", "Zoë Ångström", ""),
              arxiv_id="2401.08967", date="2024-01-17"),
        paper(SLASH_ID, "Llama 2: Open Foundation\nand Chat Models\t(tab)", a2,
              authors=("Hugo Touvron",), doi="10.48550/arXiv.2307.09288", date="2023-07"),
        paper("p3", "Chain-of-Thought Prompting", a3, authors=("Jason Wei", "Zoë Ångström"),
              url="https://example.org/cot?q=1&r=<2>", date="2022"),
        Paper(id=NASTY_ID, title="", abstract=a4, authors=('A "quoted" <name>',),
              date="not a date"),
        paper("p5", "שלום 模型 🤖 — survey", a5),
    ]
    exts = [
        extraction("p1", [
            ent("ReFT", role="proposes", start=_at(a1, "ReFT")),
            ent("SFT", role="uses", start=_at(a1, "SFT")),
            ent("GSM8K", "Dataset", role="evaluates_on", start=_at(a1, "GSM8K")),
            ent("MATH", "Dataset", role="evaluates_on", start=_at(a1, "MATH")),
            ent("mathematical reasoning", "Task", role="addresses",
                start=_at(a1, "mathematical reasoning")),
            ent("accuracy", "Metric", role="uses", start=_at(a1, "accuracy")),
        ], relations=[
            rel("ReFT", "outperforms", "SFT", 66, 106),
            rel("ReFT", "based_on", "SFT", 66, 106),
            rel("ReFT", "used_for", "mathematical reasoning", 0, 65),
            rel("ReFT", "evaluated_on", "GSM8K", 107, 143),
        ], results=[
            Result("ReFT", "75.3", "GSM8K", "accuracy", Span("abstract", 107, 143)),
            result("SFT", "63.7%", "GSM8K", "accuracy"),
            result("ReFT", "n/a", "MATH", None),
        ], code=["https://github.com/lqtrung1998/mwp_ReFT"]),
        extraction(SLASH_ID, [
            ent("Llama2-13B", "Model", role="proposes", start=_at(a2, "Llama2-13B")),
            ent("Llama2-70B", "Model", role="proposes", start=_at(a2, "Llama2-70B")),
            ent("GPT-4", "Model", role="uses", start=_at(a2, "GPT-4")),
            ent("MMLU", "Dataset", role="evaluates_on", start=_at(a2, "MMLU")),
            ent("GSM8K", "Dataset", role="evaluates_on", start=_at(a2, "GSM8K")),
        ], relations=[rel("Llama2-70B", "outperforms", "GPT-4", 38, 73)],
            results=[result("Llama2-70B", "56.8", "GSM8K", None),
                     Result("Llama2-70B", "12.5 tokens/s", "GSM8K", kind="cost")]),
        extraction("p3", [
            ent("Chain-of-Thought", role="proposes", aliases=["CoT"], start=0),
            ent("GPT-4", "Model", role="uses", start=_at(a3, "GPT-4")),
            ent("GSM8K", "Dataset", role="evaluates_on", start=_at(a3, "GSM8K")),
            ent("MATH", "Dataset", role="evaluates_on", start=_at(a3, "MATH")),
            ent("mathematical reasoning", "Task", role="addresses",
                start=_at(a3, "mathematical reasoning")),
        ], relations=[
            rel("Chain-of-Thought", "outperforms", "GPT-4", 0, 67),
            rel("Chain-of-Thought", "used_for", "mathematical reasoning", 68, 106),
        ]),
        extraction(NASTY_ID, [
            ent(NASTY_NAME, role="proposes", start=_at(a4, NASTY_NAME)),
            ent("image segmentation", "Task", role="addresses",
                start=_at(a4, "image segmentation")),
            ent("ReFT", role="uses", start=_at(a4, "ReFT")),
            ent("Transformer", role="mentions", start=_at(a4, "Transformer")),
        ], relations=[rel(NASTY_NAME, "used_for", "image segmentation", 0, 60)],
            code=["https://huggingface.co/datasets/x/y"]),
        extraction("p5", [ent("GPT-4", "Model", role="mentions", start=_at(a5, "GPT-4"))]),
    ]
    return build_graph(papers, exts)


def test_corpus_covers_every_node_kind_and_relation():
    g = corpus()
    assert {d["kind"] for _, d in g.nodes(data=True)} == set(NODE_KINDS)
    relations = {k for *_, k in g.edges(keys=True)}
    assert relations == set(PAPER_ROLES) | set(ENTITY_RELATIONS) | set(OTHER_RELATIONS)
    assert any(d.get("derived") for _, d in g.nodes(data=True))
    assert any(d["support"] == 0 for *_, d in g.edges(data=True))
