"""Which nodes the view draws: type and paper-count filters, then a size cap.

A browser stays responsive with a few thousand nodes; beyond ``max_nodes`` the view keeps
the most connected ones (ties: more papers, then id, so the choice is deterministic) and
reports what it left out, per category, on the page. Result nodes are never drawn: their
scores are listed in the details of their paper and entity instead.

A model family (``derived``: made by the resolver for sized variants such as "Llama 2 7B")
is named by no paper itself; it counts the papers of its variants, so it is drawn with
them rather than filtered out as an entity in zero papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.records import ENTITY_TYPES
from kg.view.style import CATEGORIES

DEFAULT_MAX_NODES = 5000
#: Links drawn at most: the 5,000 nodes kept from a 10k-paper graph share ~75k links, a
#: 30 MB page that no browser draws smoothly; the best supported are kept.
DEFAULT_MAX_EDGES = 20000
_CANONICAL = {name.lower(): name for name in CATEGORIES}
_CANONICAL.update({"papers": "paper"})


def category(attrs: dict) -> str:
    """``paper``, ``code``, ``result`` or the entity's type (``Method``, ...)."""
    kind = attrs.get("kind", "entity")
    if kind == "entity":
        return str(attrs.get("type") or "entity")
    return str(kind)


def parse_types(types: str | Iterable[str] | None) -> frozenset[str] | None:
    """Normalise ``"method, Dataset"`` or ``["paper", "Model"]``; ``None`` keeps every type."""
    if types is None:
        return None
    items = types.split(",") if isinstance(types, str) else list(types)
    out = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        canonical = _CANONICAL.get(item.lower())
        if canonical is None:
            valid = ", ".join(CATEGORIES)
            raise ValueError(f"unknown node type {item!r} (choose from {valid})")
        out.add(canonical)
    return frozenset(out) if out else None


@dataclass
class Selection:
    """The drawn subgraph and an account of everything that is not drawn."""

    graph: nx.Graph
    total_nodes: int
    total_edges: int
    max_nodes: int
    min_papers: int
    types: frozenset[str] | None
    #: category → nodes removed by ``types``/``min_papers``
    filtered: Counter[str] = field(default_factory=Counter)
    #: category → nodes cut by ``max_nodes``
    capped: Counter[str] = field(default_factory=Counter)
    #: links between drawn nodes cut by ``max_edges``
    capped_edges: int = 0
    results: int = 0
    #: distinct neighbours among the filtered candidates: "how connected", the cap's rank
    degree: dict[str, int] = field(default_factory=dict)
    #: drawn model families (in no paper themselves), per category
    families: Counter[str] = field(default_factory=Counter)

    @property
    def shown_nodes(self) -> int:
        return self.graph.number_of_nodes()


def select(
    g: nx.MultiDiGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    min_papers: int = 1,
    types: str | Iterable[str] | None = None,
    max_edges: int = DEFAULT_MAX_EDGES,
) -> Selection:
    """Apply the filters and the caps; the returned graph is undirected, nodes sorted.

    Links beyond ``max_edges`` are cut, the least supported first (support: papers stating
    the link), then those between less connected nodes; ties by ids."""
    if max_nodes < 1 or max_edges < 0:
        raise ValueError("max_nodes must be at least 1 and max_edges at least 0")
    wanted = parse_types(types)
    sel = Selection(nx.Graph(), g.number_of_nodes(), g.number_of_edges(), max_nodes,
                    min_papers, wanted)
    candidates: set[str] = set()
    for node, attrs in g.nodes(data=True):
        cat = category(attrs)
        if cat == "result":
            sel.results += 1
        elif (wanted is not None and cat not in wanted) or (
                cat in ENTITY_TYPES and paper_count(g, node) < min_papers):
            sel.filtered[cat] += 1
        else:
            candidates.add(node)

    # Distinct neighbours among the candidates, counted without storing them: on a
    # 100k-paper graph the sets would hold ~300 MB for a ranking.
    succ, pred = g._succ, g._pred  # noqa: SLF001 - adjacency dicts, read only

    def neighbours(n: str) -> set[str]:
        return {m for m in (*succ[n], *pred[n]) if m != n and m in candidates}

    degree = {n: len(neighbours(n)) for n in candidates}

    def rank(n: str) -> tuple[int, int, str]:
        return (-degree[n], -int(g.nodes[n].get("paper_count") or 0), n)

    keep = set(sorted(candidates, key=rank)[:max_nodes])
    for n in candidates - keep:
        sel.capped[category(g.nodes[n])] += 1
    for n in sorted(keep):
        sel.graph.add_node(n)
        sel.degree[n] = degree[n]
        if is_family(g.nodes[n]):
            sel.families[category(g.nodes[n])] += 1
    links = [(u, v) for u in sorted(keep) for v in sorted(neighbours(u) & keep) if u < v]
    if len(links) > max_edges:
        def link_rank(link: tuple[str, str]) -> tuple[int, int, str, str]:
            u, v = link
            return (-_support(g, u, v), -min(degree[u], degree[v]), u, v)

        drawn = set(sorted(links, key=link_rank)[:max_edges])
        sel.capped_edges = len(links) - len(drawn)
        links = [link for link in links if link in drawn]
    sel.graph.add_edges_from(links)
    return sel


def is_family(attrs: dict) -> bool:
    """A model family the resolver made for sized variants: no paper names it."""
    return attrs.get("kind") == "entity" and attrs.get("derived") in (True, "true", "True") \
        and not int(attrs.get("paper_count") or 0)


def paper_count(g: nx.MultiDiGraph, node: str) -> int:
    """Papers an entity is seen in; for a model family, the papers of its variants."""
    attrs = g.nodes[node]
    if not is_family(attrs):
        return int(attrs.get("paper_count") or 0)
    papers: set[str] = set()
    for variant, keyed in g._pred[node].items():  # noqa: SLF001 - adjacency dict, read only
        if "variant_of" in keyed:
            papers.update(str(p) for p in g.nodes[variant].get("papers") or ())
    return len(papers)


def _support(g: nx.MultiDiGraph, u: str, v: str) -> int:
    """Most papers stating any relation between ``u`` and ``v``, either direction."""
    keyed = [*g._succ[u].get(v, {}).values(), *g._succ[v].get(u, {}).values()]  # noqa: SLF001
    return max((int(d.get("support") or 1) for d in keyed), default=1)
