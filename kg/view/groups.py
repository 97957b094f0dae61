"""The topics of the drawn graph: groups of nodes the page places together and names.

Louvain over all drawn nodes takes seconds at 5,000 nodes (networkx, pure Python), so the
groups are found where the topics are, among the hubs: the :data:`HUBS` most connected
entities, linked by the papers they share (each paper adds ``1 / (its hubs - 1)`` to each
pair of its hubs, so a paper naming twenty hubs does not glue them all together) and by
the relations stated between them. Louvain (seeded, :data:`RESOLUTION`) splits that small
weighted graph; every other node then joins the group most of its already grouped
neighbours are in, layer by layer outwards from the hubs. Components too small to hold a topic
(:data:`ISLAND_MAX` nodes or fewer: a paper or two with their own entities) stay out
of the groups, as islands.

A group is named by its most connected members. Same graph, same seed → same groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

#: Hubs that Louvain sees; the rest of the nodes follow them.
HUBS = 400
#: Components of at most this many nodes are islands, not groups.
ISLAND_MAX = 24
#: Members that name a group in its caption.
NAMED_BY = 3
#: Louvain's resolution: above 1 favours smaller groups; 1.5 splits a 10k-paper corpus
#: into about a dozen topics (1.0: five or six, one of them a third of the page).
RESOLUTION = 1.5


@dataclass
class Groups:
    """Node → group index (largest group first); islands have no group."""

    of: dict[str, int]
    #: per group, its members most connected first
    members: list[list[str]]
    islands: list[str]


def find_groups(h: nx.Graph, degree: dict[str, int], hub_ok: set[str], *,
                seed: int = 7) -> Groups:
    """Groups of the undirected drawn graph ``h``.

    ``degree`` ranks nodes (most connected first, ties by id); only nodes in ``hub_ok``
    (the entities) can be hubs.
    """
    big: set[str] = set()
    islands: list[str] = []
    for comp in nx.connected_components(h):
        if len(comp) > ISLAND_MAX:
            big.update(comp)
        else:
            islands.extend(comp)
    islands.sort()

    def rank(n: str) -> tuple[int, str]:
        return (-degree.get(n, 0), n)

    hubs = sorted((n for n in big if n in hub_ok and h.degree(n) > 1), key=rank)[:HUBS]
    if not hubs and big:  # no entity is shared: the most connected nodes lead
        hubs = sorted(big, key=rank)[:HUBS]
    start = _hub_communities(h, hubs, seed)
    of = _spread(h, start, big)
    # Relabel: largest group first, ties by its first member.
    by_group: dict[int, list[str]] = defaultdict(list)
    for n, k in of.items():
        by_group[k].append(n)
    ordered = sorted(by_group.values(), key=lambda m: (-len(m), min(m)))
    members = [sorted(m, key=rank) for m in ordered]
    return Groups({n: i for i, m in enumerate(members) for n in m}, members, islands)


def _hub_communities(h: nx.Graph, hubs: list[str], seed: int) -> dict[str, int]:
    """Louvain over the hubs, weighted by the papers (and relations) they share."""
    if not hubs:
        return {}
    is_hub = set(hubs)
    weight: dict[tuple[str, str], float] = defaultdict(float)
    for u in hubs:
        for v in h[u]:
            if v in is_hub and u < v:
                weight[(u, v)] += 1.0
    for p in sorted({v for u in hubs for v in h[u] if v not in is_hub}):
        around = sorted(m for m in h[p] if m in is_hub)
        if len(around) < 2:
            continue
        share = 1.0 / (len(around) - 1)
        for i, u in enumerate(around):
            for v in around[i + 1:]:
                weight[(u, v)] += share
    hg = nx.Graph()
    hg.add_nodes_from(sorted(hubs))
    hg.add_weighted_edges_from((u, v, round(w, 6)) for (u, v), w in sorted(weight.items()))
    parts = nx.community.louvain_communities(hg, weight="weight", resolution=RESOLUTION,
                                             seed=seed)
    parts = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    return {n: k for k, p in enumerate(parts) for n in p}


def _spread(h: nx.Graph, start: dict[str, int], nodes: set[str]) -> dict[str, int]:
    """Every node of ``nodes`` joins the group most of its grouped neighbours are in, one
    layer outwards from the hubs at a time (ties: the lower group)."""
    of = dict(start)
    frontier = sorted({m for n in start for m in h[n] if m in nodes and m not in of})
    while frontier:
        layer = {}
        for n in frontier:
            votes: dict[int, int] = defaultdict(int)
            for m in h[n]:
                if m in of:
                    votes[of[m]] += 1
            layer[n] = min(votes, key=lambda k: (-votes[k], k))
        of.update(layer)
        frontier = sorted({m for n in layer for m in h[n] if m in nodes and m not in of})
    # A big component without a hub (possible when more components are big than there
    # are hubs to go round) is a group of its own.
    rest = sorted(nodes - of.keys())
    if rest:
        sub = h.subgraph(rest)
        nxt = max(of.values(), default=-1) + 1
        for comp in sorted((sorted(c) for c in nx.connected_components(sub)), key=lambda c: c[0]):
            for n in comp:
                of[n] = nxt
            nxt += 1
    return of
