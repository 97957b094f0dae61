"""Graphs for trying, testing and benchmarking the view without running the extractor.

:func:`demo_graph` is a small hand-written corpus pushed through
:func:`kg.graph.property_graph.build_graph` (so it has real evidence, aliases and results);
:func:`synthetic_graph` builds large graphs
that follow the schema of :mod:`kg.graph.property_graph` directly, with the shape real
corpora have: a few popular datasets and tasks, a long tail of entities that one paper mentions.
"""

from __future__ import annotations

import itertools
import random

import networkx as nx

from kg.graph.property_graph import SCHEMA_VERSION, build_graph
from kg.records import (
    ENTITY_TYPES,
    ROLES,
    Entity,
    Extraction,
    Mention,
    Paper,
    Relation,
    Result,
    Span,
)

# (id, title, abstract, arXiv id, [(name, type, role, aliases)], [(head, rel, tail)],
#  [(entity, value, dataset, metric)], [code URLs])
_DEMO = [
    ("2401.08967", "ReFT: Reasoning with Reinforced Fine-Tuning",
     "We propose Reinforced Fine-Tuning (ReFT) to improve the reasoning of large language "
     "models. ReFT warms up the model with supervised fine-tuning (SFT) and then applies PPO. "
     "Experiments on GSM8K, MathQA and SVAMP show that ReFT outperforms SFT. "
     "Code: https://github.com/lqtrung1998/mwp_ReFT",
     [("ReFT", "Method", "proposes", ["Reinforced Fine-Tuning"]),
      ("SFT", "Method", "uses", ["supervised fine-tuning"]), ("PPO", "Method", "uses", []),
      ("GSM8K", "Dataset", "evaluates_on", []), ("MathQA", "Dataset", "evaluates_on", []),
      ("SVAMP", "Dataset", "evaluates_on", []),
      ("math word problem solving", "Task", "addresses", [])],
     [("ReFT", "outperforms", "SFT"), ("ReFT", "based_on", "PPO"),
      ("ReFT", "evaluated_on", "GSM8K")],
     [("ReFT", "75.3", "GSM8K", "accuracy")], ["https://github.com/lqtrung1998/mwp_ReFT"]),
    ("2201.11903", "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
     "We show that chain-of-thought (CoT) prompting improves the ability of large language "
     "models such as PaLM to perform complex reasoning. On GSM8K, PaLM 540B with CoT "
     "reaches state-of-the-art accuracy, and CoT also helps on StrategyQA.",
     [("chain-of-thought prompting", "Method", "proposes", ["CoT", "chain of thought"]),
      ("PaLM", "Model", "uses", ["PaLM 540B"]), ("GSM8K", "Dataset", "evaluates_on", []),
      ("StrategyQA", "Dataset", "evaluates_on", []), ("accuracy", "Metric", "uses", []),
      ("math word problem solving", "Task", "addresses", [])],
     [("chain-of-thought prompting", "evaluated_on", "GSM8K"),
      ("PaLM", "evaluated_on", "StrategyQA")],
     [("PaLM", "58.1", "GSM8K", "accuracy")], []),
    ("2203.11171", "Self-Consistency Improves Chain of Thought Reasoning in Language Models",
     "Self-consistency samples diverse reasoning paths and takes a majority vote. It boosts "
     "chain-of-thought prompting on GSM8K, SVAMP and StrategyQA with PaLM and GPT-3.",
     [("self-consistency", "Method", "proposes", []),
      ("chain-of-thought prompting", "Method", "uses", ["chain of thought"]),
      ("GSM8K", "Dataset", "evaluates_on", []), ("SVAMP", "Dataset", "evaluates_on", []),
      ("StrategyQA", "Dataset", "evaluates_on", []), ("PaLM", "Model", "uses", []),
      ("GPT-3", "Model", "uses", [])],
     [("self-consistency", "based_on", "chain-of-thought prompting"),
      ("self-consistency", "outperforms", "chain-of-thought prompting")],
     [("self-consistency", "74.4", "GSM8K", "accuracy")], []),
    ("2110.14168", "Training Verifiers to Solve Math Word Problems",
     "We introduce GSM8K, a dataset of grade school math word problems, and train verifiers "
     "that rank candidate solutions from GPT-3. Verification outperforms fine-tuning.",
     [("GSM8K", "Dataset", "proposes", ["Grade School Math 8K"]),
      ("verifiers", "Method", "proposes", ["verifier"]), ("GPT-3", "Model", "uses", []),
      ("math word problem solving", "Task", "addresses", [])],
     [("verifiers", "evaluated_on", "GSM8K"), ("GSM8K", "used_for", "math word problem solving")],
     [], []),
    ("1707.06347", "Proximal Policy Optimization Algorithms",
     "We propose Proximal Policy Optimization (PPO), a family of policy gradient methods for "
     "reinforcement learning that outperforms TRPO on continuous control benchmarks.",
     [("PPO", "Method", "proposes", ["Proximal Policy Optimization"]),
      ("TRPO", "Method", "uses", []), ("reinforcement learning", "Task", "addresses", [])],
     [("PPO", "outperforms", "TRPO"), ("PPO", "used_for", "reinforcement learning")], [], []),
    ("2305.18290", "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
     "Direct Preference Optimization (DPO) fine-tunes language models from preferences "
     "without reinforcement learning. DPO matches or outperforms PPO-based RLHF on "
     "summarization and dialogue with GPT-J.",
     [("DPO", "Method", "proposes", ["Direct Preference Optimization"]),
      ("PPO", "Method", "uses", []), ("RLHF", "Method", "uses", []),
      ("GPT-J", "Model", "uses", []), ("summarization", "Task", "addresses", []),
      ("win rate", "Metric", "uses", [])],
     [("DPO", "outperforms", "PPO"), ("DPO", "used_for", "summarization")], [], []),
    ("2303.08774", "GPT-4 Technical Report",
     "We report GPT-4, a large multimodal model. GPT-4 is evaluated on GSM8K and HumanEval "
     "and outperforms GPT-3.5; it was aligned with RLHF.",
     [("GPT-4", "Model", "proposes", ["GPT4"]), ("GPT-3.5", "Model", "uses", []),
      ("GSM8K", "Dataset", "evaluates_on", []), ("HumanEval", "Dataset", "evaluates_on", []),
      ("RLHF", "Method", "uses", []), ("pass@1", "Metric", "uses", [])],
     [("GPT-4", "outperforms", "GPT-3.5"), ("GPT-4", "evaluated_on", "HumanEval")],
     [("GPT-4", "92.0", "GSM8K", "accuracy"), ("GPT-4", "67.0", "HumanEval", "pass@1")], []),
    ("2107.03374", "Evaluating Large Language Models Trained on Code",
     "We introduce Codex, a GPT model fine-tuned on code, and HumanEval, a benchmark for "
     "program synthesis measured with pass@k.",
     [("Codex", "Model", "proposes", []), ("HumanEval", "Dataset", "proposes", []),
      ("program synthesis", "Task", "addresses", []), ("pass@1", "Metric", "uses", ["pass@k"])],
     [("Codex", "evaluated_on", "HumanEval"), ("HumanEval", "used_for", "program synthesis")],
     [("Codex", "28.8", "HumanEval", "pass@1")], []),
]


def _mention(text: str, title: str, surface: str) -> Mention:
    for field_name, body in (("abstract", text), ("title", title)):
        at = body.lower().find(surface.lower())
        if at >= 0:
            return Mention(field_name, at, at + len(surface), body[at:at + len(surface)])
    return Mention("abstract", 0, 0, surface)


def _span(text: str, *names: str) -> Span:
    """The first sentence of ``text`` naming all of ``names``, else the last of them."""
    for wanted in (names, names[-1:]):
        start = 0
        for sentence in text.split(". "):
            if all(n.lower() in sentence.lower() for n in wanted):
                return Span("abstract", start, start + len(sentence))
            start += len(sentence) + 2
    return Span("abstract", 0, text.find(". ") if ". " in text else len(text))


def demo_records() -> tuple[list[Paper], list[Extraction]]:
    """Eight real papers on LLM reasoning, hand-annotated."""
    papers, exts = [], []
    for pid, title, abstract, ents, rels, results, code in _DEMO:
        papers.append(Paper(id=pid, title=title, abstract=abstract, arxiv_id=pid))
        entities = [
            Entity(name=n, type=t, role=r, aliases=list(a),
                   mentions=[_mention(abstract, title, n)], confidence=0.9, source="model")
            for n, t, r, a in ents
        ]
        relations = [Relation(h, r, t, _span(abstract, h.split()[0], t.split()[0]), 0.8)
                     for h, r, t in rels]
        res = [Result(e, v, d, m, _span(abstract, e, d)) for e, v, d, m in results]
        exts.append(Extraction(pid, title, entities, relations, res, list(code)))
    return papers, exts


def demo_graph() -> nx.MultiDiGraph:
    """The demo corpus as a typed graph (about 40 nodes)."""
    return build_graph(*demo_records())


def synthetic_graph(n_nodes: int, *, seed: int = 0) -> nx.MultiDiGraph:
    """About ``n_nodes`` nodes: a paper per four entities, each paper with about four
    entities of its own plus a few popular ones (Zipf-like)."""
    rng = random.Random(seed)
    n_papers = max(1, n_nodes // 5)
    n_entities = max(1, n_nodes - n_papers - n_papers // 10)
    g = nx.MultiDiGraph(name="kg", kg_schema=SCHEMA_VERSION)
    entities = [f"entity:e{i:06d}" for i in range(n_entities)]
    weights = [1.0 / (i + 1) ** 0.9 for i in range(n_entities)]
    # what random.choices would sum on every call (the same picks): linear, not quadratic
    cum_weights = list(itertools.accumulate(weights))
    types = [ENTITY_TYPES[rng.randrange(len(ENTITY_TYPES))] for _ in entities]
    mentions: dict[str, set[str]] = {e: set() for e in entities}
    edges = []
    for p in range(n_papers):
        pid = f"s{p:06d}"
        node = f"paper:{pid}"
        g.add_node(node, kind="paper", label=f"Synthetic paper {p}", paper_id=pid,
                   title=f"Synthetic paper {p} on topic {p % 97}",
                   abstract=f"Abstract of synthetic paper {p}. It uses several methods.",
                   authors=[f"Author {p % 300}"], arxiv_id=f"2401.{p:05d}",
                   link=f"https://arxiv.org/abs/2401.{p:05d}")
        # each paper: one entity of its own (long tail) and a few popular ones
        share = n_entities // n_papers
        own = entities[p * share:(p + 1) * share] if p < n_papers - 1 else entities[p * share:]
        picked = {*own, *rng.choices(entities, cum_weights=cum_weights, k=rng.randint(2, 6))}
        for e in sorted(picked):
            mentions[e].add(pid)
            sentence = f"Synthetic paper {p} uses {e}."
            edges.append((node, e, ROLES[rng.randrange(len(ROLES))], pid, sentence))
        if p % 10 == 0:
            code = f"code:https://github.com/example/repo{p}"
            g.add_node(code, kind="code", label=code[5:], url=code[5:], host="github.com")
            edges.append((node, code, "has_code", pid, ""))
    for e, t in zip(entities, types, strict=True):
        papers = sorted(mentions[e]) or [f"s{rng.randrange(n_papers):06d}"]
        g.add_node(e, kind="entity", type=t, name=f"{t} {e[8:]}", label=f"{t} {e[8:]}",
                   aliases=[f"{t[:2].upper()}{e[9:]}"], alias_counts={}, paper_count=len(papers),
                   papers=papers, derived=False)
    for _ in range(n_entities // 4):
        a, b = rng.choices(entities, cum_weights=cum_weights, k=2)
        if a != b:
            edges.append((a, b, rng.choice(("outperforms", "based_on", "used_for")), "s000000",
                          f"{a} relates to {b}."))
    for u, v, rel, pid, sentence in edges:
        ev = [{"paper": pid, "field": "abstract", "start": 0, "end": len(sentence),
               "sentence": sentence, "source": "model", "confidence": 0.9}] if sentence else []
        g.add_edge(u, v, key=rel, rel=rel, support=1, papers=[pid], confidence=0.9,
                   source="model", evidence=ev)
    return g
