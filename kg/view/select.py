"""Which nodes the view draws: type and paper-count filters, then a size cap.

A browser stays responsive with a few thousand nodes; beyond ``max_nodes`` the view keeps
the most connected ones (ties: more papers, then id, so the choice is deterministic) and
reports what it left out, per category, on the page. Result nodes are never drawn: their
scores are listed in the details of their paper and entity instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.records import ENTITY_TYPES
from kg.view.style import CATEGORIES

DEFAULT_MAX_NODES = 5000
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
    results: int = 0

    @property
    def shown_nodes(self) -> int:
        return self.graph.number_of_nodes()


def select(
    g: nx.MultiDiGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    min_papers: int = 1,
    types: str | Iterable[str] | None = None,
) -> Selection:
    """Apply the filters and the cap; the returned graph is undirected, nodes sorted."""
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    wanted = parse_types(types)
    sel = Selection(nx.Graph(), g.number_of_nodes(), g.number_of_edges(), max_nodes,
                    min_papers, wanted)
    candidates: set[str] = set()
    for node, attrs in g.nodes(data=True):
        cat = category(attrs)
        if cat == "result":
            sel.results += 1
        elif (wanted is not None and cat not in wanted) or (
                cat in ENTITY_TYPES and int(attrs.get("paper_count") or 0) < min_papers):
            sel.filtered[cat] += 1
        else:
            candidates.add(node)

    neighbours: dict[str, set[str]] = {n: set() for n in candidates}
    for u, v in g.edges():
        if u != v and u in candidates and v in candidates:
            neighbours[u].add(v)
            neighbours[v].add(u)

    def rank(n: str) -> tuple[int, int, str]:
        return (-len(neighbours[n]), -int(g.nodes[n].get("paper_count") or 0), n)

    keep = set(sorted(candidates, key=rank)[:max_nodes])
    for n in candidates - keep:
        sel.capped[category(g.nodes[n])] += 1
    for n in sorted(keep):
        sel.graph.add_node(n)
    for u in sorted(keep):
        for v in sorted(neighbours[u]):
            if u < v and v in keep:
                sel.graph.add_edge(u, v)
    return sel
