"""Questions a researcher asks of the graph, as flat functions over the typed graph.

Every function takes the ``networkx.MultiDiGraph`` of :mod:`kg.graph.property_graph` (from
:func:`kg.build.build` or :func:`kg.load.load`) and returns plain values — lists, tuples,
dataclass rows, pandas DataFrames or new networkx graphs — never hidden state. All answers
are deterministic: ties are broken by name, then node id.

Entities are looked up with :func:`find_entity`, so every function that takes an entity
accepts its canonical name, any alias (case-insensitive) or its node id.

What functions return — one convention: **answers name entities by their display name**
(the entity's ``label``: the canonical name, or "SAM (Segment Anything Model)" for an
ambiguous acronym; when two entities share a label, e.g. "MATH" the Dataset and "MATH" the
Task, the type is appended: "MATH [Dataset]"), and every such name is accepted back as
input and means the same entity. Node ids appear only where they are asked for:
:func:`find_entity` (name → id, the way into ``G`` itself), :func:`entity_name` (id →
name), the ``id`` column of the tables (to join with :func:`to_dataframes`), the nodes of
the graphs returned (:func:`cooccurrence`, :func:`bipartite_projection`, :func:`ego`;
their ``name`` attribute is the display name) and ``explain_path(..., labels=False)``.

Time: :func:`papers_per_period`, :func:`timeline`, :func:`risers`, :func:`fallers` and
:func:`first_seen` read each paper's ``date`` (ISO ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``,
as the readers store it) at the precision of the ``period`` asked for; papers whose date
is missing or coarser than that are left out, with a warning saying how many.

"Papers using X" means papers with any paper → entity edge to X (``proposes``,
``evaluates_on``, ``addresses``, ``uses`` or ``mentions``); the functions that count them
take ``roles`` to narrow that down.
"""

from __future__ import annotations

import difflib
import heapq
import re
import sys
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from kg.graph.schema import PAPER_ROLES
from kg.records import ENTITY_TYPES
from kg.util.normalize import name_key

__all__ = [
    "BETWEENNESS_EXACT_MAX",
    "BETWEENNESS_SAMPLES",
    "Community",
    "LABEL_MEMBERS",
    "LOWER_IS_BETTER",
    "LeaderboardRow",
    "MIN_SUPPORT",
    "MIN_SUPPORT_SHARE",
    "bipartite_projection",
    "centrality",
    "co_usage",
    "communities",
    "cooccurrence",
    "costs",
    "ego",
    "entity_name",
    "explain_path",
    "fallers",
    "find_entity",
    "first_seen",
    "leaderboard",
    "lower_is_better",
    "papers_per_period",
    "parse_value",
    "PERIODS",
    "risers",
    "timeline",
    "to_dataframes",
    "top_entities",
]

Types = str | Iterable[str] | None

# --------------------------------------------------------------------------- helpers


def _norm_types(types: Types) -> frozenset[str] | None:
    """``"dataset"``, ``"Datasets"``, ``("Method", "Model")`` → canonical type names."""
    if types is None:
        return None
    items = [types] if isinstance(types, str) else list(types)
    by_fold = {t.casefold(): t for t in ENTITY_TYPES}
    out = set()
    for item in items:
        key = item.strip().casefold()
        t = by_fold.get(key) or by_fold.get(key.removesuffix("s"))
        if t is None:
            raise ValueError(f"unknown entity type {item!r} (expected one of {ENTITY_TYPES})")
        out.add(t)
    return frozenset(out)


def _norm_roles(roles: str | Iterable[str] | None) -> frozenset[str]:
    if roles is None:
        return frozenset(PAPER_ROLES)
    out = frozenset([roles] if isinstance(roles, str) else roles)
    bad = sorted(out - set(PAPER_ROLES))
    if bad:
        raise ValueError(f"unknown role(s) {bad} (expected some of {PAPER_ROLES})")
    return out


def _entity_nodes(G: nx.MultiDiGraph, types: frozenset[str] | None = None) -> list[str]:
    """Entity node ids (sorted), optionally of the given types."""
    return sorted(
        n for n, d in G.nodes(data=True)
        if d.get("kind") == "entity" and (types is None or d.get("type") in types)
    )


def _papers_of(G: nx.MultiDiGraph, roles: frozenset[str] | None = None
               ) -> dict[str, set[str]]:
    """entity node → the paper nodes with a paper → entity edge (of ``roles``) to it."""
    roles = roles if roles is not None else frozenset(PAPER_ROLES)
    kind = dict(G.nodes(data="kind"))
    out: dict[str, set[str]] = defaultdict(set)
    for u, k in kind.items():  # papers' out-edges only: a third of the time of all edges
        if k == "paper":
            for v, keys in G.succ[u].items():
                if kind.get(v) == "entity" and not roles.isdisjoint(keys):
                    out[v].add(u)
    return out


def _labels(G: nx.MultiDiGraph) -> dict[str, str]:
    """entity node → unique display name: label, then "label [Type]", then the node id."""
    base = {n: str(d.get("label") or d.get("name") or n)
            for n, d in G.nodes(data=True) if d.get("kind") == "entity"}
    seen: dict[str, list[str]] = defaultdict(list)
    for n, label in base.items():
        seen[label].append(n)
    out = dict(base)
    for label, nodes in seen.items():
        if len(nodes) > 1:
            for n in nodes:
                out[n] = f"{label} [{G.nodes[n].get('type', '?')}]"
    typed: dict[str, list[str]] = defaultdict(list)
    for n, label in out.items():
        typed[label].append(n)
    for nodes in typed.values():
        if len(nodes) > 1:
            for n in nodes:
                out[n] = n
    return out


def _sort_name(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def entity_name(G: nx.MultiDiGraph, node: str) -> str:
    """The display name :mod:`kg.analysis` uses for entity ``node`` (see module docstring)."""
    return _labels(G).get(node, node)


# --------------------------------------------------------------------------- lookup


def _surface_forms(d: dict) -> list[str]:
    forms = [d.get("name"), d.get("label"), *(d.get("aliases") or ()),
             *(d.get("alias_counts") or {})]
    return [f for f in forms if isinstance(f, str) and f]


def find_entity(G: nx.MultiDiGraph, name: str, type: str | None = None) -> str:
    """Which entity node does the user mean by ``name``? Returns its node id.

    Tried in order, first tier with a match wins: the node id (``entity:gsm8k`` or just
    ``gsm8k``) or a display name returned by this module ("MATH [Task]"); the exact name
    or label; the name or label ignoring case; any alias
    ignoring case; the same ``kg.util.normalize.name_key`` ("gpt4" finds "GPT-4"). Several
    matches in one tier go to the entity in most papers, then the smallest id. ``type``
    restricts the search to one entity type.

    Raises ``KeyError`` naming the closest known names when nothing matches.
    """
    types = _norm_types(type)
    nodes = _entity_nodes(G, types)
    known = set(nodes)
    for candidate in (name, f"entity:{name}"):
        if candidate in known:
            return candidate
    shown = [n for n, label in _labels(G).items() if label == name and n in known]
    if shown:  # a display name this module returned, e.g. "MATH [Task]"
        return shown[0]
    query = name.strip()
    fold = query.casefold()
    key = name_key(query)
    tiers: list[list[str]] = [[], [], []]
    for n in nodes:
        d = G.nodes[n]
        primary = [f for f in (d.get("name"), d.get("label")) if isinstance(f, str)]
        if query in primary:
            tiers[0].append(n)
        elif fold in {f.casefold() for f in primary}:
            tiers[1].append(n)
        elif fold in {f.casefold() for f in _surface_forms(d)}:
            tiers[2].append(n)
    if key and not any(tiers):  # the costlier normalised comparison only as a last resort
        tiers.append([n for n in nodes
                      if key in {name_key(f) for f in _surface_forms(G.nodes[n])}])
    for tier in tiers:
        if tier:
            return min(tier, key=lambda n: (-int(G.nodes[n].get("paper_count") or 0), n))
    raise KeyError(_not_found(G, nodes, query, types))


def _not_found(G: nx.MultiDiGraph, nodes: list[str], query: str,
               types: frozenset[str] | None) -> str:
    forms: dict[str, str] = {}
    for n in nodes:
        for f in _surface_forms(G.nodes[n]):
            forms.setdefault(f.casefold(), f)
    close = difflib.get_close_matches(query.casefold(), sorted(forms), n=5, cutoff=0.6)
    what = "/".join(sorted(types)) if types else "entity"
    msg = f"no {what} named {query!r} in the graph ({len(nodes)} {what} nodes)"
    if close:
        msg += "; did you mean " + ", ".join(repr(forms[c]) for c in close) + "?"
    return msg


# --------------------------------------------------------------------------- rankings


def top_entities(G: nx.MultiDiGraph, kind: Types = None, n: int | None = 10
                 ) -> list[tuple[str, int]]:
    """Which methods/models/datasets/tasks/metrics do the most papers use?

    ``kind`` is an entity type ("Dataset", case-insensitive, plural allowed) or several;
    ``None`` ranks every entity. Returns ``(name, paper count)`` pairs, most papers first,
    ties by name; entities no paper links to (derived model families) are left out.
    ``n=None`` returns them all.
    """
    types = _norm_types(kind)
    papers = _papers_of(G)
    names = _labels(G)
    ranked = sorted(
        ((names[e], len(papers[e])) for e in _entity_nodes(G, types) if papers.get(e)),
        key=lambda row: (-row[1], *_sort_name(row[0])),
    )
    return ranked if n is None else ranked[:n]


_MEASURES = ("degree", "pagerank", "betweenness")

#: Betweenness is exact on co-occurrence networks of at most this many entities; above it,
#: ``centrality(..., measure="betweenness")`` estimates it from
#: :data:`BETWEENNESS_SAMPLES` sampled sources unless ``k`` says otherwise.
BETWEENNESS_EXACT_MAX = 1_000
#: Sources sampled (seed 0) for the betweenness estimate on larger networks.
BETWEENNESS_SAMPLES = 300


def centrality(G: nx.MultiDiGraph, kind: Types = None,
               measure: Literal["degree", "pagerank", "betweenness"] = "degree",
               n: int | None = 10, k: int | Literal["auto"] | None = "auto"
               ) -> list[tuple[str, float]]:
    """Which entities hold the field together?

    Scores are computed on the entity co-occurrence network (:func:`cooccurrence`: entities
    linked when papers use both) over *all* entity types, then the ranking is restricted to
    ``kind``. ``degree``: share of other entities an entity co-occurs with; ``pagerank``:
    weighted by the number of shared papers; ``betweenness``: how often it lies on shortest
    paths between others (bridges between sub-fields; unweighted).

    Exact betweenness costs one shortest-path search per entity (V·E: about a minute on
    the co-occurrence network of 830 real papers), so by default (``k="auto"``) it is exact
    only up to :data:`BETWEENNESS_EXACT_MAX` (1,000) entities and above that estimated
    from :data:`BETWEENNESS_SAMPLES` (300) source entities sampled with seed 0 — the same
    answer every run. ``k=None`` forces the exact computation, an integer ``k`` samples
    that many sources (exact when ``k`` ≥ the number of entities).
    Returns ``(name, score)`` pairs, highest first, ties by name.
    """
    if measure not in _MEASURES:
        raise ValueError(f"unknown measure {measure!r} (expected one of {_MEASURES})")
    types = _norm_types(kind)
    H = cooccurrence(G)
    if H.number_of_nodes() == 0:
        return []
    if measure == "degree":
        scores = nx.degree_centrality(H)
    elif measure == "pagerank":
        scores = nx.pagerank(H, weight="weight")
    else:
        scores = nx.betweenness_centrality(H, k=_betweenness_sources(H.number_of_nodes(), k),
                                           seed=0)
    names = _labels(G)
    ranked = sorted(
        ((names[e], float(scores[e])) for e in H if types is None or H.nodes[e]["type"] in types),
        key=lambda row: (-round(row[1], 12), *_sort_name(row[0])),
    )
    return ranked if n is None else ranked[:n]


def _betweenness_sources(nodes: int, k: int | str | None) -> int | None:
    """How many sampled sources ``centrality`` uses (``None``: all, the exact score)."""
    if k == "auto":
        return BETWEENNESS_SAMPLES if nodes > BETWEENNESS_EXACT_MAX else None
    if k is not None and (not isinstance(k, int) or isinstance(k, bool) or k < 1):
        raise ValueError(f"k must be a positive number of sources, None or 'auto', not {k!r}")
    return k if k is not None and k < nodes else None


# --------------------------------------------------------------------------- results


#: Metric words that mean "lower is better" (matched against the words of a metric name,
#: case-insensitive: "word error rate", "FID", "test loss", "Inference time (ms)").
LOWER_IS_BETTER: frozenset[str] = frozenset({
    "perplexity", "ppl", "error", "errors", "err", "loss", "latency", "wer", "cer", "fid",
    "time", "runtime", "mae", "mse", "rmse",
})

_WORDS = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:e[-+]?\d+)?", re.I)


def lower_is_better(metric: str | None) -> bool:
    """Does a smaller value of ``metric`` mean a better result? (See :data:`LOWER_IS_BETTER`.)"""
    return bool(metric) and any(w in LOWER_IS_BETTER for w in _WORDS.findall(metric.casefold()))


def parse_value(text: str | None) -> float | None:
    """The first number in a reported value: "70.5%" → 70.5, "1,024" → 1024.0, "−3.1" → -3.1.

    Percentages stay on their written scale (no division by 100); text with no number
    gives ``None``.
    """
    if not text:
        return None
    s = str(text).replace("\u2212", "-").replace("\u2013", "-").replace("\u00a0", " ")
    for m in _NUMBER.finditer(s):
        token = m.group(0)
        if any(c.isdigit() for c in token):
            try:
                return float(token.replace(",", ""))
            except ValueError:  # pragma: no cover - the pattern only matches numbers
                continue
    return None


@dataclass(frozen=True)
class LeaderboardRow:
    """One reported score on a leaderboard (or one cost figure: :func:`costs`)."""

    #: Who scored it: the entity's display name (or the name as extracted when unlinked).
    entity: str
    #: The metric's display name, ``None`` when the paper did not say.
    metric: str | None
    #: The number parsed from ``text`` (``None`` when it has none).
    value: float | None
    #: The paper id that reports it.
    paper: str
    #: The value as written ("70.5%").
    text: str
    #: The sentence stating it (evidence).
    sentence: str
    #: The result node id.
    result: str


def _linked(G: nx.MultiDiGraph, rnode: str, rel: str) -> str | None:
    for _, v, key in G.out_edges(rnode, keys=True):
        if key == rel:
            return v
    return None


def leaderboard(G: nx.MultiDiGraph, dataset: str, metric: str | None = None,
                higher_is_better: bool | None = None) -> list[LeaderboardRow]:
    """Who reports the best score on ``dataset``?

    Rows are the score results measured on the dataset (linked by ``result_on``, or whose
    ``dataset`` attribute is one of its names; cost figures are left out: see
    :func:`costs`), optionally only for ``metric`` (a name or alias). They are grouped
    by metric (alphabetical, unknown metric last) and, within a metric, best first: higher
    values unless :func:`lower_is_better` says otherwise or ``higher_is_better``
    overrides it. Values with no number come last; ties by entity,
    paper, result id. Turn the rows into a table with
    ``pandas.DataFrame(map(dataclasses.asdict, rows))``.

    Raises ``KeyError`` (with suggestions) when neither an entity nor any result has that
    dataset name.
    """
    names = _labels(G)
    # Scores only: a cost ("25.4 fps", "3.58M parameters") is not comparable with them.
    results = [n for n, d in G.nodes(data=True)
               if d.get("kind") == "result" and d.get("result_kind") != "cost"]
    try:
        node: str | None = find_entity(G, dataset, "Dataset")
    except KeyError:
        try:
            node = find_entity(G, dataset)
        except KeyError:
            node = None
            if not any(str(G.nodes[r].get("dataset", "")).casefold() == dataset.casefold()
                       for r in results):
                raise
    forms = {dataset.casefold()}
    if node is not None:
        forms |= {f.casefold() for f in _surface_forms(G.nodes[node])}

    metric_forms: set[str] | None = None
    metric_node: str | None = None
    if metric is not None:
        metric_forms = {metric.casefold()}
        try:
            metric_node = find_entity(G, metric, "Metric")
            metric_forms |= {f.casefold() for f in _surface_forms(G.nodes[metric_node])}
        except KeyError:
            pass

    rows: list[LeaderboardRow] = []
    for r in results:
        d = G.nodes[r]
        on = _linked(G, r, "result_on")
        if on is not None and node is not None:
            if on != node:
                continue
        elif str(d.get("dataset", "")).casefold() not in forms:
            continue
        m_node = _linked(G, r, "result_metric")
        m_name = names[m_node] if m_node in names else d.get("metric")
        if metric_forms is not None:
            m_forms = {str(d.get("metric") or "").casefold()} - {""}
            if m_node is not None:
                m_forms |= {f.casefold() for f in _surface_forms(G.nodes[m_node])}
            same_node = metric_node is not None and m_node == metric_node
            if not same_node and not m_forms & metric_forms:
                continue
        e_node = _linked(G, r, "result_for")
        rows.append(LeaderboardRow(
            entity=names[e_node] if e_node in names else str(d.get("entity", "")),
            metric=m_name, value=parse_value(d.get("value")), paper=str(d.get("paper", "")),
            text=str(d.get("value", "")), sentence=str(d.get("sentence", "")), result=r,
        ))

    def order(row: LeaderboardRow) -> tuple:
        higher = (higher_is_better if higher_is_better is not None
                  else not lower_is_better(row.metric))
        value = 0.0 if row.value is None else (-row.value if higher else row.value)
        group = (1, "", "") if row.metric is None else (0, *_sort_name(row.metric))
        return (group, row.value is None, value, *_sort_name(row.entity), row.paper, row.result)

    return sorted(rows, key=order)


def costs(G: nx.MultiDiGraph, entity: str) -> list[LeaderboardRow]:
    """What running or training ``entity`` costs, as its papers report it: its cost
    results (speed, latency, size, compute, memory: "25.4 fps", "3.58M parameters"),
    which no leaderboard ranks. Rows are grouped by metric (alphabetical, unknown metric
    last), then by paper and value as written; ``text`` keeps the unit.

    Raises ``KeyError`` (with suggestions) when no entity has that name.
    """
    node = find_entity(G, entity)
    names = _labels(G)
    rows = []
    for r, d in G.nodes(data=True):
        if d.get("kind") != "result" or d.get("result_kind") != "cost":
            continue
        if _linked(G, r, "result_for") != node:
            continue
        m_node = _linked(G, r, "result_metric")
        rows.append(LeaderboardRow(
            entity=names[node], metric=names[m_node] if m_node in names else d.get("metric"),
            value=parse_value(d.get("value")), paper=str(d.get("paper", "")),
            text=str(d.get("value", "")), sentence=str(d.get("sentence", "")), result=r))
    return sorted(rows, key=lambda row: ((1, "", "") if row.metric is None
                                         else (0, *_sort_name(row.metric)),
                                         row.paper, row.text, row.result))


# --------------------------------------------------------------------------- networks


def _entities_by_paper(G: nx.MultiDiGraph, types: frozenset[str] | None,
                       roles: frozenset[str]) -> list[tuple[str, list[str]]]:
    """(paper id, its sorted entity nodes of ``types``) for every paper, by paper id."""
    by_paper: dict[str, set[str]] = defaultdict(set)
    for e, papers in _papers_of(G, roles).items():
        if types is None or G.nodes[e].get("type") in types:
            for p in papers:
                by_paper[p].add(e)
    return sorted((str(G.nodes[p].get("paper_id") or p.removeprefix("paper:")), sorted(es))
                  for p, es in by_paper.items())


def _weighted(pairs: dict[tuple[str, str], list[str]], g: nx.Graph) -> nx.Graph:
    for (u, v) in sorted(pairs):
        g.add_edge(u, v, weight=len(pairs[(u, v)]), papers=pairs[(u, v)])
    return g


def cooccurrence(G: nx.MultiDiGraph, types: Types = None,
                 roles: str | Iterable[str] | None = None) -> nx.Graph:
    """Which entities appear in the same papers? The entity co-occurrence network.

    The weighted projection of the bipartite paper–entity graph onto the entities of
    ``types`` (default: all), as ``networkx.algorithms.bipartite.weighted_projected_graph``
    defines it but counted paper by paper (that function walks every neighbour's
    neighbours, which is slow around hub entities). Nodes are entity ids (attributes
    ``name``, ``type``); an edge joins two entities used by the same papers, with
    ``weight`` = number of such papers and ``papers`` = their sorted ids. Entities no paper
    uses stay as isolated nodes.
    """
    nodes = _entity_nodes(G, _norm_types(types))
    names = _labels(G)
    out = nx.Graph()
    out.add_nodes_from((e, {"name": names[e], "type": G.nodes[e].get("type")}) for e in nodes)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, ents in _entities_by_paper(G, _norm_types(types), _norm_roles(roles)):
        for i, u in enumerate(ents):
            for v in ents[i + 1:]:
                pairs[(u, v)].append(pid)
    return _weighted(pairs, out)


def bipartite_projection(G: nx.MultiDiGraph, left: Types = ("Method", "Model"),
                         right: Types = "Dataset",
                         roles: str | Iterable[str] | None = None) -> nx.Graph:
    """Which methods/models are used with which datasets, and in how many papers?

    A bipartite ``networkx.Graph`` (use ``networkx.algorithms.bipartite`` on it directly):
    entity nodes of the ``left`` types (``bipartite=0``) and of the ``right`` types
    (``bipartite=1``), with ``name`` and ``type`` attributes; a left–right edge wherever
    papers use both, with ``weight`` = number of those papers and ``papers`` = their ids.
    This is :func:`cooccurrence` without the edges inside one side.
    """
    lt, rt = _norm_types(left), _norm_types(right)
    if lt is None or rt is None:
        raise ValueError("left and right must name entity types")
    if lt & rt:
        raise ValueError(f"left and right share types {sorted(lt & rt)}")
    names = _labels(G)
    out = nx.Graph()
    for e in _entity_nodes(G, lt | rt):
        t = G.nodes[e].get("type")
        out.add_node(e, bipartite=0 if t in lt else 1, name=names[e], type=t)
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, ents in _entities_by_paper(G, lt | rt, _norm_roles(roles)):
        lefts = [e for e in ents if out.nodes[e]["bipartite"] == 0]
        rights = [e for e in ents if out.nodes[e]["bipartite"] == 1]
        for u in lefts:
            for v in rights:
                pairs[(u, v)].append(pid)
    return _weighted(pairs, out)


def co_usage(G: nx.MultiDiGraph, left: Types = ("Method", "Model"),
             right: Types = "Dataset", roles: str | Iterable[str] | None = None
             ) -> pd.DataFrame:
    """How often is each method/model used together with each dataset?

    The biadjacency table of :func:`bipartite_projection`: one row per ``left`` entity and
    one column per ``right`` entity that co-occur at least once, values = number of papers
    using both (0 elsewhere). Rows and columns are ordered by their totals, largest first,
    ties by name; index and columns hold display names.
    """
    P = bipartite_projection(G, left, right, roles)
    cells: dict[tuple[str, str], int] = {}
    for u, v, w in P.edges(data="weight"):
        r, c = (u, v) if P.nodes[u]["bipartite"] == 0 else (v, u)
        cells[(P.nodes[r]["name"], P.nodes[c]["name"])] = int(w)
    row_total: dict[str, int] = defaultdict(int)
    col_total: dict[str, int] = defaultdict(int)
    for (r, c), w in cells.items():
        row_total[r] += w
        col_total[c] += w
    rows = sorted(row_total, key=lambda n: (-row_total[n], *_sort_name(n)))
    cols = sorted(col_total, key=lambda n: (-col_total[n], *_sort_name(n)))
    ri, ci = {n: i for i, n in enumerate(rows)}, {n: i for i, n in enumerate(cols)}
    values = np.zeros((len(rows), len(cols)), dtype="int64")
    for (r, c), w in cells.items():
        values[ri[r], ci[c]] = w
    table = pd.DataFrame(values, index=pd.Index(rows, name="entity"),
                         columns=pd.Index(cols, name="dataset"
                                          if _norm_types(right) == {"Dataset"} else "entity"))
    return table


#: How many of its most central members name a community (:attr:`Community.label`).
LABEL_MEMBERS = 3


@dataclass(eq=True)
class Community(Sequence[str]):
    """One sub-field found by :func:`communities`: a sequence of member names, most
    central first, with a label made of the first few."""

    #: The :data:`LABEL_MEMBERS` most central members, joined with " · ".
    label: str
    #: Display names, most central first.
    members: list[str]
    #: Node ids, in the order of ``members``.
    ids: list[str]
    #: Each member's weight inside the community: papers it shares with other members
    #: (its weighted degree in the co-occurrence network, counting only members).
    weights: list[int]
    #: Distinct papers that use at least one member.
    papers: int

    def __len__(self) -> int:
        return len(self.members)

    def __getitem__(self, i):  # type: ignore[override]
        return self.members[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def __repr__(self) -> str:
        shown = ", ".join(self.members[:8]) + (", …" if len(self.members) > 8 else "")
        return (f"Community({self.label!r}, {len(self.members)} members, {self.papers} "
                f"paper{'s' if self.papers != 1 else ''}: {shown})")


def communities(G: nx.MultiDiGraph, types: Types = None, resolution: float = 1.0,
                seed: int = 0, min_size: int = 2) -> list[Community]:
    """Which groups of entities form sub-fields (are used by the same papers)?

    Louvain (``networkx.community.louvain_communities``, weighted, fixed ``seed``) on the
    entity co-occurrence network of :func:`cooccurrence` restricted to ``types``. Each
    community lists its members most central first — by the papers a member shares with
    the other members (its weighted degree inside the community), then its paper count,
    then name — and is labelled by its first :data:`LABEL_MEMBERS`, so the first lines say
    what the cluster is about. Largest community first (ties by label); communities
    smaller than ``min_size`` (e.g. entities no other entity shares a paper with) are
    left out.
    """
    H = cooccurrence(G, types)
    if H.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(H, weight="weight", resolution=resolution,
                                             seed=seed)
    papers = _papers_of(G)
    out = []
    for part in parts:
        if len(part) < min_size:
            continue
        inside = {n: sum(int(w) for _, m, w in H.edges(n, data="weight") if m in part)
                  for n in part}
        order = sorted(part, key=lambda n: (-inside[n], -len(papers.get(n, ())),
                                            *_sort_name(H.nodes[n]["name"]), n))
        members = [H.nodes[n]["name"] for n in order]
        out.append(Community(
            label=" · ".join(members[:LABEL_MEMBERS]), members=members, ids=order,
            weights=[inside[n] for n in order],
            papers=len(set().union(*(papers.get(n, set()) for n in order))),
        ))
    return sorted(out, key=lambda c: (-len(c), *_sort_name(c.label)))


def ego(G: nx.MultiDiGraph, entity: str, radius: int = 1,
        kinds: str | Iterable[str] | None = None) -> nx.MultiDiGraph:
    """What is directly around ``entity``? Its ego graph, in the full graph schema.

    Every node within ``radius`` hops of the entity, ignoring edge direction (radius 1:
    its papers, results and related entities; radius 2 adds what those papers use), with
    all edges among them and all attributes, so it can be exported or viewed like ``G``.
    ``kinds`` (e.g. ``("paper", "entity")``) restricts the walk to those node kinds.
    """
    node = find_entity(G, entity)
    H: nx.MultiDiGraph = G
    if kinds is not None:
        wanted = {kinds} if isinstance(kinds, str) else set(kinds)
        H = G.subgraph(n for n, d in G.nodes(data=True) if d.get("kind") in wanted or n == node)
    return nx.ego_graph(H, node, radius=radius, undirected=True)


def explain_path(G: nx.MultiDiGraph, a: str, b: str, labels: bool = True
                 ) -> list[str] | None:
    """How are entities ``a`` and ``b`` connected through the literature?

    The shortest chain entity, paper, entity, paper, …, entity in which each paper uses
    the entities on both sides of it. Returns display names and paper titles (node ids
    with ``labels=False``), ``[a]`` when ``a`` and ``b`` are the same entity, ``None``
    when no chain of papers links them. Shortest chains tie-break deterministically
    (the graph is walked in sorted node order).
    """
    u, v = find_entity(G, a), find_entity(G, b)
    if u == v:
        path = [u]
    else:
        papers = _papers_of(G)
        B = nx.Graph()
        for e in sorted(papers):
            B.add_edges_from((e, p) for p in sorted(papers[e]))
        try:
            path = nx.shortest_path(B, u, v)
        except (nx.NodeNotFound, nx.NetworkXNoPath):
            return None
    if not labels:
        return path
    names = _labels(G)
    return [names.get(n) or str(G.nodes[n].get("label", n)) for n in path]


# --------------------------------------------------------------------------- time


#: period name → (pandas frequency, characters of an ISO date it needs: "2025-03" for a month)
PERIODS: dict[str, tuple[str, int]] = {
    "day": ("D", 10), "week": ("W", 10), "month": ("M", 7), "quarter": ("Q", 7),
    "year": ("Y", 4),
}
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
#: Risers and fallers need this many papers in their big window, and at least
#: 1 in :data:`MIN_SUPPORT_SHARE` of that window's papers, unless ``min_papers`` is given.
MIN_SUPPORT = 5
MIN_SUPPORT_SHARE = 500


def _freq(period: str) -> tuple[str, int]:
    try:
        return PERIODS[period]
    except KeyError:
        raise ValueError(f"unknown period {period!r} (expected one of {list(PERIODS)})") \
            from None


def _caller_level() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside this module."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame, level = frame.f_back, level + 1
    return level


def _paper_periods(G: nx.MultiDiGraph, period: str) -> dict[str, int]:
    """paper node → the ordinal of its ``period`` (pandas ``Period.ordinal``).

    Papers without a date precise enough for ``period`` are left out with one warning.
    Raises ``ValueError`` when no paper has one (the answer would be empty, not zero).
    """
    freq, need = _freq(period)
    papers = [n for n, d in G.nodes(data=True) if d.get("kind") == "paper"]
    nodes, days = [], []
    for n in papers:
        date = str(G.nodes[n].get("date") or "")
        if _ISO_DATE.fullmatch(date) and len(date) >= need:
            nodes.append(n)
            days.append(date[:need] + "-01-01"[: 10 - need])
    stamps = pd.to_datetime(pd.Series(days, dtype="object"), format="%Y-%m-%d",
                            errors="coerce")
    ok = stamps.notna().to_numpy()
    ordinals = stamps[ok].dt.to_period(freq).array.asi8 if ok.any() else []
    out = dict(zip((n for n, good in zip(nodes, ok, strict=True) if good),
                   (int(o) for o in ordinals), strict=True))
    if not out:
        raise ValueError(f"no paper in the graph has a date at {period} precision "
                         f"({len(papers)} papers); dates come from the input's date field")
    if len(out) < len(papers):
        warnings.warn(f"{len(papers) - len(out)} of {len(papers)} papers have no date at "
                      f"{period} precision and are not counted", stacklevel=_caller_level())
    return out


def _totals(when: dict[str, int], period: str) -> pd.Series:
    """Dated papers per period, every period from the first to the last (gaps: 0)."""
    freq = _freq(period)[0]
    per = pd.Series(list(when.values()), dtype="int64").value_counts()
    lo, hi = pd.PeriodIndex.from_ordinals([per.index.min(), per.index.max()], freq=freq)
    index = pd.period_range(lo, hi, freq=freq, name="period")
    totals = pd.Series(0, index=index, name="papers", dtype="int64")
    totals.iloc[(per.index - lo.ordinal).to_numpy()] = per.to_numpy()
    return totals


#: entity node → {period ordinal: papers that period using it}
Counts = dict[str, dict[int, int]]


def _dated_counts(G: nx.MultiDiGraph, period: str, types: frozenset[str] | None,
                  roles: frozenset[str]) -> tuple[pd.Series, Counts]:
    """(dated papers per period; each entity's papers per period). Plain dicts: a pandas
    group-by on 100k string keys is several times slower than counting."""
    when = _paper_periods(G, period)
    counts: Counts = {}
    for e, ps in _papers_of(G, roles).items():
        if types is None or G.nodes[e].get("type") in types:
            per: dict[int, int] = defaultdict(int)
            for p in ps:
                o = when.get(p)
                if o is not None:
                    per[o] += 1
            if per:
                counts[e] = dict(per)
    return _totals(when, period), counts


def papers_per_period(G: nx.MultiDiGraph, period: str = "month") -> pd.Series:
    """How many (dated) papers does each period have? The denominator of every share.

    A ``Series`` indexed by every period from the first dated paper's to the last one's
    (``PeriodIndex`` named "period"; periods without papers hold 0). ``period``: "day",
    "week", "month", "quarter" or "year".
    """
    return _totals(_paper_periods(G, period), period)


def timeline(G: nx.MultiDiGraph, entities: str | Iterable[str] | None = None,
             kind: Types = None, period: str = "month", n: int = 10,
             roles: str | Iterable[str] | None = None, normalize: bool = True
             ) -> pd.DataFrame:
    """How has the use of some entities changed over time?

    One row per period (every period of :func:`papers_per_period`, gaps included), one
    column per entity (display names): the number of that period's papers using the
    entity, divided by the period's number of papers (``normalize=False``: the counts;
    a period without papers has share NaN). ``entities``: names (anything
    :func:`find_entity` accepts), in the column order wanted; by default the ``n`` entities
    of ``kind`` with the most dated papers. Plot it with ``timeline(...).plot()``.
    """
    totals, counts = _dated_counts(G, period, _norm_types(kind), _norm_roles(roles))
    names = _labels(G)
    if entities is None:
        size = {e: sum(c.values()) for e, c in counts.items()}
        chosen = heapq.nsmallest(n, size, key=lambda e: (-size[e], *_sort_name(names[e]), e))
    else:
        items = [entities] if isinstance(entities, str) else list(entities)
        chosen = list(dict.fromkeys(find_entity(G, e) for e in items))
    first = totals.index[0].ordinal
    values = np.zeros((len(totals), len(chosen)), dtype="int64")
    for j, e in enumerate(chosen):
        for o, c in counts.get(e, {}).items():
            values[o - first, j] = c
    table = pd.DataFrame(values, index=totals.index,
                         columns=pd.Index([names[e] for e in chosen], name="entity"))
    if not normalize:
        return table
    return table.div(totals.where(totals > 0), axis=0)


def _movers(G: nx.MultiDiGraph, kind: Types, period: str, window: int, end: str | None,
            min_papers: int | None, roles: str | Iterable[str] | None, rising: bool,
            n: int | None) -> pd.DataFrame:
    if window < 1:
        raise ValueError(f"window must be at least one {period}, not {window}")
    totals, counts = _dated_counts(G, period, _norm_types(kind), _norm_roles(roles))
    last = pd.Period(end, freq=totals.index.freq) if end is not None else totals.index[-1]
    if last not in totals.index:
        raise ValueError(f"end {str(last)!r} is outside the papers' dates "
                         f"({totals.index[0]} to {totals.index[-1]})")
    stop = totals.index.get_loc(last) + 1
    if stop < 2 * window:
        raise ValueError(f"two windows of {window} {period}(s) up to {last} need "
                         f"{2 * window} {period}s of papers; the dates start at "
                         f"{totals.index[0]}")
    recent_p = totals.index[stop - window:stop]
    before_p = totals.index[stop - 2 * window:stop - window]
    n_recent, n_before = int(totals[recent_p].sum()), int(totals[before_p].sum())
    if not n_recent or not n_before:
        raise ValueError(f"no dated papers in {'the recent' if not n_recent else 'the earlier'}"
                         f" window ({recent_p[0]}–{recent_p[-1]} vs {before_p[0]}–"
                         f"{before_p[-1]})")
    lo, mid, hi = before_p[0].ordinal, recent_p[0].ordinal, recent_p[-1].ordinal
    need = min_papers if min_papers is not None else max(
        MIN_SUPPORT, -(-(n_recent if rising else n_before) // MIN_SUPPORT_SHARE))
    names = _labels(G)
    rows = []
    for e, per in counts.items():
        before = sum(c for o, c in per.items() if lo <= o < mid)
        recent = sum(c for o, c in per.items() if mid <= o <= hi)
        if (recent if rising else before) < need:
            continue
        ratio = ((recent + 1) / n_recent) / ((before + 1) / n_before)
        if (ratio > 1) if rising else (ratio < 1):
            rows.append((names[e], G.nodes[e].get("type"), before, recent,
                         before / n_before, recent / n_recent, ratio, e))
    sign = -1 if rising else 1
    rows.sort(key=lambda r: (sign * round(r[6], 12), -(r[3] if rising else r[2]),
                             *_sort_name(r[0]), r[7]))
    out = pd.DataFrame(rows[:n] if n is not None else rows,
                       columns=["entity", "type", "before", "recent", "before_share",
                                "recent_share", "ratio", "id"])
    out = out.astype({"before": "int64", "recent": "int64", "before_share": "float64",
                      "recent_share": "float64", "ratio": "float64"})
    out.attrs.update(before=f"{before_p[0]}–{before_p[-1]}",
                     recent=f"{recent_p[0]}–{recent_p[-1]}", before_papers=n_before,
                     recent_papers=n_recent, min_papers=need)
    return out


_MOVERS_DOC = """

    Two windows of ``window`` periods: the *recent* one ends with ``end`` (a period such as
    "2026-05"; default the last period with papers), the *before* one just precedes it.
    For each entity of ``kind`` (default all) the share of each window's papers that use it,
    and ``ratio`` = recent share ÷ earlier share with one paper added to both counts (so an
    entity absent before has a finite ratio, and a few papers cannot make a huge one).
    Minimum support: at least ``min_papers`` papers in the {big} window; by default
    :data:`MIN_SUPPORT` (5) or 1 in :data:`MIN_SUPPORT_SHARE` (500) of that window's papers,
    whichever is more. Returns a DataFrame, {order}: columns ``entity`` (display name),
    ``type``, ``before`` and ``recent`` (papers), ``before_share``, ``recent_share``,
    ``ratio`` and ``id``; ``attrs`` holds the windows, their paper counts and the support
    used. ``n=None`` returns every entity that {verb}.
    """


def risers(G: nx.MultiDiGraph, kind: Types = None, period: str = "month", window: int = 3,
           end: str | None = None, min_papers: int | None = None, n: int | None = 10,
           roles: str | Iterable[str] | None = None) -> pd.DataFrame:
    return _movers(G, kind, period, window, end, min_papers, roles, True, n)


def fallers(G: nx.MultiDiGraph, kind: Types = None, period: str = "month", window: int = 3,
            end: str | None = None, min_papers: int | None = None, n: int | None = 10,
            roles: str | Iterable[str] | None = None) -> pd.DataFrame:
    return _movers(G, kind, period, window, end, min_papers, roles, False, n)


risers.__doc__ = "What is rising: the entities whose share of papers grew the most?" + \
    _MOVERS_DOC.format(big="recent", verb="rose (ratio > 1)",
                       order="largest ratio first (ties: more recent papers, then name)")
fallers.__doc__ = "What is fading: the entities whose share of papers shrank the most?" + \
    _MOVERS_DOC.format(big="earlier", verb="fell (ratio < 1)",
                       order="smallest ratio first (ties: more earlier papers, then name)")


def first_seen(G: nx.MultiDiGraph, kind: Types = None, period: str = "month",
               roles: str | Iterable[str] | None = None) -> pd.DataFrame:
    """What is new? Each entity's first period with a (dated) paper using it.

    A DataFrame, newest first (ties: more papers in that first period, then more papers
    in all, then name), with columns ``entity`` (display name), ``type``, ``first`` (a
    pandas ``Period``), ``first_papers`` (papers using it in that period), ``papers`` (all
    its dated papers) and ``id``. What is new in May 2026: ``df[df["first"] == "2026-05"]``.
    Entities first seen in the corpus's first period may be older than the corpus: it
    cannot tell.
    """
    totals, counts = _dated_counts(G, period, _norm_types(kind), _norm_roles(roles))
    names = _labels(G)
    rows = []
    for e, per in counts.items():
        o = min(per)
        rows.append((names[e], G.nodes[e].get("type"), o, per[o], sum(per.values()), e))
    rows.sort(key=lambda r: (-r[2], -r[3], -r[4], *_sort_name(r[0]), r[5]))
    return pd.DataFrame({
        "entity": [r[0] for r in rows], "type": [r[1] for r in rows],
        "first": pd.PeriodIndex.from_ordinals([r[2] for r in rows], freq=totals.index.freq),
        "first_papers": np.array([r[3] for r in rows], dtype="int64"),
        "papers": np.array([r[4] for r in rows], dtype="int64"), "id": [r[5] for r in rows],
    })


# --------------------------------------------------------------------------- tables


_NODE_COLUMNS = ("id", "kind", "label")
_EDGE_COLUMNS = ("u", "v", "key")


def to_dataframes(G: nx.MultiDiGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The whole graph as two pandas tables, for filtering and joining.

    ``nodes_df``: one row per node, columns ``id``, ``kind``, ``label`` then every other
    node attribute (sorted; missing values are NaN/None, lists and dicts kept as objects).
    ``edges_df``: one row per edge, columns ``u`` (from), ``v`` (to), ``key`` (the
    relation) then every edge attribute (sorted; ``source`` is the provenance attribute,
    hence ``u``/``v`` for the endpoints). Rows follow the graph's order.
    """
    node_rows = [{"id": n, **d} for n, d in G.nodes(data=True)]
    node_attrs = sorted({k for _, d in G.nodes(data=True) for k in d} - set(_NODE_COLUMNS))
    nodes = pd.DataFrame(node_rows, columns=[*_NODE_COLUMNS, *node_attrs])
    edge_rows = [{"u": u, "v": v, "key": k, **d} for u, v, k, d in G.edges(keys=True, data=True)]
    edge_attrs = sorted({k for *_, d in G.edges(keys=True, data=True) for k in d}
                        - set(_EDGE_COLUMNS))
    edges = pd.DataFrame(edge_rows, columns=[*_EDGE_COLUMNS, *edge_attrs])
    return nodes, edges
