"""Deterministic node positions computed in Python, so the browser never runs physics.

The page opens on the corpus's topics (:mod:`kg.view.groups`), so the layout places each
group on its own and then the groups side by side, related groups close together:

1. each group (or each connected piece of it) in two steps, as the whole graph once was:
   its ``core`` (its most connected nodes, a share of ``core_size`` in all) with
   :func:`networkx.spring_layout` and a fixed seed — unless the piece is small
   (:data:`SPIRAL_MAX` nodes: a paper or two with their entities), where the core is its
   best-connected node alone — then every other node on a sunflower spiral around its
   already placed neighbour (or the centre of several), which is what paper graphs look
   like anyway: a paper with the entities only it mentions around it;
2. the groups as discs: a spring layout of the groups (weighted by the links between
   them) gives each its direction, and the discs are then drawn together until they
   touch (:func:`_arrange`);
3. islands (small components, no group) in rows below.

A force layout over every node would be quadratic (networkx's spring layout needs ~45 s
for 5,000 nodes). Each piece is scaled (a crowded one up, a loose group also down) until
its nodes *and labels* could fit, and a few vectorised passes push its overlapping boxes
apart. Same graph and seed → same coordinates.
"""

from __future__ import annotations

import heapq
import math
import zlib
from collections import defaultdict

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from kg.view.groups import Groups, find_groups

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
RING_START = 45.0   # px from a node to its first satellite
RING_STEP = 16.0    # spiral growth per sqrt(satellite index)
GAP = 12.0          # px kept free between two nodes' boxes
CORE_GAP = 100.0    # typical px between neighbouring nodes of a small graph
LABEL_LINE = 20.0   # px a label takes under its node
CHAR_PX = 4.4       # half the width of a label character (vis-network's 16 px font)
#: Largest component laid out as spirals alone. A force layout of a handful of nodes is
#: a star anyway, and its iterations on tiny arrays cost milliseconds each time: a build's
#: view of 830 papers has ~70 such components (a third of the layout time at 100
#: iterations).
SPIRAL_MAX = 16
#: Width / height of a group's ellipse: node boxes are wide (a label under a node), so
#: groups come out wide; discs in a space squashed by this much are ellipses on screen.
ASPECT = 2.0
#: Pull of :func:`_arrange` towards the middle, per round, along whichever side of the
#: block of groups is too long for a screen's shape.
GRAVITY = 0.1
#: Width / height of the block of groups: a 16:10 screen beside the page's side bar.
SCREEN = 1.35
#: Share of a group's nodes inside its ellipse: a few outlying satellites may stick out
#: rather than leave most of it empty.
DISC_SHARE = 95
Pos = dict[str, tuple[float, float]]
Box = tuple[float, float]  # half width, half height of a node with its label


def layout(h: nx.Graph, sizes: dict[str, float] | None = None,
           labels: dict[str, str] | None = None, *, seed: int = 7, core_size: int = 300,
           groups: Groups | None = None) -> Pos:
    """Positions in vis-network pixels for every node of the undirected graph ``h``.

    ``sizes`` (node radius) and ``labels`` give each node its box, node and label under
    it; boxes are kept from overlapping where the density allows. ``groups`` (default:
    :func:`kg.view.groups.find_groups` with every node a possible hub) are placed as discs.
    """
    boxes = _boxes(h, sizes or {}, labels or {})
    if groups is None:
        groups = find_groups(h, dict(h.degree()), set(h), seed=seed)
    grouped = sum(len(m) for m in groups.members)
    discs = []
    for members in groups.members:
        sub = h.subgraph(members)
        pieces = sorted((sorted(c) for c in nx.connected_components(sub)),
                        key=lambda c: (-len(c), c[0]))
        share = [max(1, round(core_size * len(c) / grouped)) for c in pieces]
        # each piece separated on its own first: its disc is then the room it really takes
        discs.append(_arrange([_separate(_roomy(_component(
            h.subgraph(c), c, seed, k if len(c) > SPIRAL_MAX else 1), boxes, shrink=True), boxes)
            for c, k in zip(pieces, share, strict=True)], {}, boxes, seed))
    links: dict[tuple[int, int], int] = defaultdict(int)
    for u, v in h.edges():
        a, b = groups.of.get(u), groups.of.get(v)
        if a is not None and b is not None and a != b:
            links[(min(a, b), max(a, b))] += 1
    parts = [_arrange(discs, links, boxes, seed)] if discs else []
    first_box = _disc_box(parts[0], groups.members) if discs else None
    island_comps = sorted((sorted(c) for c in nx.connected_components(h.subgraph(groups.islands))),
                          key=lambda c: (-len(c), c[0]))
    parts += [_landscape(_roomy(_component(h, nodes, seed, core_size if len(nodes) > SPIRAL_MAX
                                           else 1), boxes)) for nodes in island_comps]
    pos = _pack(parts, first_box)
    # The groups were separated piece by piece (pushing them apart again here would only
    # spread crowded groups into their neighbours); the islands together, in their rows.
    pos.update(_separate({n: pos[n] for n in groups.islands}, boxes))
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def _disc_box(pos: Pos, members: list[list[str]]) -> tuple[float, float, float, float]:
    """The box around the groups' ellipses (wider than their nodes' box)."""
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    for m in members:
        xy = np.array([pos[n] for n in m], dtype=float)
        c = (xy.min(axis=0) + xy.max(axis=0)) / 2
        r = disc_radius(xy, c)
        x0, y0 = min(x0, c[0] - r * ASPECT, xy[:, 0].min()), min(y0, c[1] - r, xy[:, 1].min())
        x1, y1 = max(x1, c[0] + r * ASPECT, xy[:, 0].max()), max(y1, c[1] + r, xy[:, 1].max())
    return x0, y0, x1, y1


def _boxes(h: nx.Graph, sizes: dict[str, float], labels: dict[str, str]) -> dict[str, Box]:
    out = {}
    for n in h:
        size = sizes.get(n, 10.0)
        out[n] = (max(size, CHAR_PX * len(labels.get(n, ""))) + GAP / 2,
                  size + LABEL_LINE / 2 + GAP / 2)
    return out


def _grow_core(h: nx.Graph, nodes: list[str], deg: dict[str, int], size: int) -> list[str]:
    """The ``size`` best-connected nodes reachable from the top one without a gap: a
    connected core, so the force layout has no stray piece to push far away."""
    start = min(nodes, key=lambda n: (-deg[n], n))
    core, seen = [], {start}
    frontier = [(-deg[start], start)]
    while frontier and len(core) < size:
        _, n = heapq.heappop(frontier)
        core.append(n)
        for m in h[n]:
            if m not in seen:
                seen.add(m)
                heapq.heappush(frontier, (-deg[m], m))
    return core


def _component(h: nx.Graph, nodes: list[str], seed: int, core_size: int) -> Pos:
    deg = {n: h.degree(n) for n in nodes}
    core = _grow_core(h, nodes, deg, core_size)
    pos = _core(h, core, seed, spread=_spread(len(nodes), len(core)))
    ring: dict[str, int] = defaultdict(int)
    pending = sorted((n for n in nodes if n not in pos), key=lambda n: (-deg[n], n))
    while pending:
        rest = []
        for n in pending:
            placed = sorted(m for m in h[n] if m in pos)
            if not placed:
                rest.append(n)
                continue
            anchor = min(placed, key=lambda m: (-deg[m], m))
            cx = sum(pos[m][0] for m in placed) / len(placed)
            cy = sum(pos[m][1] for m in placed) / len(placed)
            k = ring[anchor]
            ring[anchor] += 1
            angle = _phase(anchor) + k * GOLDEN_ANGLE
            r = RING_START + RING_STEP * math.sqrt(k)
            pos[n] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        if len(rest) == len(pending):  # unreachable within a connected component
            for i, n in enumerate(rest):
                pos[n] = (RING_START * i, 0.0)
            break
        pending = rest
    return pos


def _roomy(pos: Pos, boxes: dict[str, Box], *, shrink: bool = False) -> Pos:
    """Spread a crowded component evenly until its boxes could fit, so the local
    separation afterwards only has small overlaps to resolve; with ``shrink``, also draw
    a loose one together to that size (a group should fill its disc, not sprawl)."""
    if len(pos) < 3:
        return pos
    xy = np.array(list(pos.values()), dtype=float)
    area = max(float(np.ptp(xy[:, 0]) * np.ptp(xy[:, 1])), 1.0)
    need = 1.5 * sum(4 * boxes[n][0] * boxes[n][1] for n in pos)
    factor = math.sqrt(need / area)
    if factor <= 1.0 and not shrink:
        return pos
    cx, cy = xy.mean(axis=0)
    return {n: (cx + (x - cx) * factor, cy + (y - cy) * factor) for n, (x, y) in pos.items()}


def _spread(n: int, core: int) -> float:
    """Typical distance between core nodes: room for a label, or for their satellites."""
    if n <= core:
        return CORE_GAP
    satellites = (n - core) / core
    return max(CORE_GAP, 2 * (RING_START + RING_STEP * math.sqrt(satellites)) + 40)


def _core(h: nx.Graph, core: list[str], seed: int, spread: float) -> Pos:
    if len(core) == 1:
        return {core[0]: (0.0, 0.0)}
    sub = nx.Graph()
    sub.add_nodes_from(sorted(core))
    members = set(core)
    sub.add_edges_from(sorted((u, v) for u in sorted(core) for v in h[u] if v in members and u < v))
    # networkx's default 50 iterations: 100 took twice as long (0.38 s for a 300-node core)
    # for a hairball no easier to read.
    raw = nx.spring_layout(sub, seed=seed)
    ids = list(sub.nodes)
    xy = np.array([raw[n] for n in ids], dtype=float)
    dist, _ = cKDTree(xy).query(xy, k=2)
    nearest = float(np.median(dist[:, 1])) or 1.0
    xy *= spread / nearest
    return {n: (float(x), float(y)) for n, (x, y) in zip(ids, xy, strict=True)}


def _landscape(pos: Pos, aspect: float = 1.6) -> Pos:
    """Turn the component so it fills a wide screen best (fit scale ∝ 1/max(w/aspect, h))."""
    if len(pos) < 3:
        return pos
    ids = list(pos)
    xy = np.array([pos[n] for n in ids], dtype=float)
    xy -= xy.mean(axis=0)
    best, best_cost = xy, math.inf
    for step in range(12):  # every 15 degrees
        a = math.pi * step / 12
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        turned = xy @ rot.T
        w, h = np.ptp(turned[:, 0]), np.ptp(turned[:, 1])
        cost = max(w / aspect, h)
        if cost < best_cost - 1e-9:
            best, best_cost = turned, cost
    return {n: (float(x), float(y)) for n, (x, y) in zip(ids, best, strict=True)}


def _phase(node: str) -> float:
    """A fixed per-node start angle so neighbouring spirals do not line up."""
    return (zlib.crc32(node.encode("utf-8")) % 3600) / 3600 * 2 * math.pi


def _arrange(parts: list[Pos], links: dict[tuple[int, int], int], boxes: dict[str, Box],
             seed: int, rounds: int = 120) -> Pos:
    """Put laid-out parts side by side as touching ellipses (discs in a space squashed
    by :data:`ASPECT`), the first (largest) in the middle: their directions from a
    spring layout of the parts (weighted by ``links`` between them), then drawn towards
    the middle while overlapping discs push apart."""
    if len(parts) == 1:
        return parts[0]
    squash = np.array([1 / ASPECT, 1.0])
    centres, radii = [], []
    for p in parts:
        xy = np.array(list(p.values()), dtype=float)
        c = (xy.min(axis=0) + xy.max(axis=0)) / 2
        centres.append(c)
        radii.append(disc_radius(xy, c) + GAP)
    r = np.array(radii)
    pg = nx.Graph()
    pg.add_nodes_from(range(len(parts)))
    pg.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(links.items()))
    raw = nx.spring_layout(pg, seed=seed, weight="weight", center=(0.0, 0.0))
    xy = np.array([raw[k] for k in range(len(parts))], dtype=float)
    xy -= xy[0]
    span = float(np.abs(xy).max()) or 1.0
    xy *= 2 * float(r.sum()) / span
    need = r[:, None] + r[None, :]
    for step in range(rounds):
        if step < rounds * 2 // 3:  # gravity, then only overlap removal
            w = float(np.ptp(np.concatenate((xy[:, 0] - r, xy[:, 0] + r)))) * ASPECT
            hgt = float(np.ptp(np.concatenate((xy[:, 1] - r, xy[:, 1] + r))))
            wide = w / hgt / SCREEN
            xy[:, 0 if wide > 1 else 1] *= 1 - GRAVITY
        for _ in range(4):
            d = xy[:, None, :] - xy[None, :, :]
            dist = np.sqrt((d ** 2).sum(axis=2))
            over = need - dist
            np.fill_diagonal(over, 0.0)
            over = np.maximum(over, 0.0)
            if not over.any():
                break
            same = dist <= 1e-9
            if same.any():  # coinciding centres part along x, the lower index to the left
                lower = np.arange(len(r))[:, None] < np.arange(len(r))[None, :]
                d[same] = np.where(lower[same], -1.0, 1.0)[:, None] * np.array([1.0, 0.0])
                dist = np.where(same, 1.0, dist)
            # each disc of a pair moves by its partner's share of the two radii
            push = (d / dist[:, :, None]) * (over * r[None, :] / need)[:, :, None]
            xy += push.sum(axis=1)
    xy /= squash
    out: Pos = {}
    for p, c, (x, y) in zip(parts, centres, xy, strict=True):
        out.update({n: (px - c[0] + x, py - c[1] + y) for n, (px, py) in p.items()})
    return out


def disc_radius(xy: np.ndarray, centre: np.ndarray) -> float:
    """Radius, in the space squashed by :data:`ASPECT`, of the disc around ``centre``
    holding :data:`DISC_SHARE` % of the points ``xy``, with room for a node around each."""
    d = (xy - centre) * np.array([1 / ASPECT, 1.0])
    return float(np.percentile(np.sqrt((d ** 2).sum(axis=1)), DISC_SHARE)) + RING_START


def _pack(parts: list[Pos], first_box: tuple[float, float, float, float] | None = None) -> Pos:
    """The largest component centred at the origin, the others in rows below it
    (below ``first_box`` when given: the room the first one takes, ellipses and all)."""
    out: Pos = {}
    if not parts:
        return out
    boxes = []
    for p in parts:
        xs = [x for x, _ in p.values()]
        ys = [y for _, y in p.values()]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    if first_box is not None:
        boxes[0] = first_box
    x0, y0, x1, y1 = boxes[0]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    out.update({n: (x - cx, y - cy) for n, (x, y) in parts[0].items()})
    area = sum((b[2] - b[0] + 2 * RING_START) * (b[3] - b[1] + 2 * RING_START) for b in boxes[1:])
    width = max(x1 - x0, math.sqrt(area), 4 * RING_START)
    left, top = -width / 2, (y1 - y0) / 2 + 3 * RING_START
    x, y, row_h = left, top, 0.0
    for p, (bx0, by0, bx1, by1) in zip(parts[1:], boxes[1:], strict=True):
        w, hgt = bx1 - bx0 + 2 * RING_START, by1 - by0 + 2 * RING_START
        if x > left and x + w > left + width:
            x, y, row_h = left, y + row_h, 0.0
        dx, dy = x + RING_START - bx0, y + RING_START - by0
        out.update({n: (px + dx, py + dy) for n, (px, py) in p.items()})
        x += w
        row_h = max(row_h, hgt)
    return out


def _separate(pos: Pos, boxes: dict[str, Box], rounds: int = 40) -> Pos:
    """Push apart overlapping boxes, each pair along the axis where they overlap least
    (mostly up/down: boxes are wide and flat).

    Each round takes the candidate pairs of a k-d tree, keeps those whose boxes overlap
    (along y first, which rules out more of them, then along x) and moves both boxes of
    each by half the overlap. The moves are summed per node with ``np.bincount``, which
    adds them in pair order like ``np.add.at`` (the same floating-point sums, so the same
    positions) at a fraction of its cost.
    """
    ids = sorted(pos)
    if len(ids) < 2:
        return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}
    xy = np.array([pos[n] for n in ids], dtype=float)
    half = np.array([boxes[n] for n in ids], dtype=float)
    wmax, hmax = half.max(axis=0)
    squash = np.array([hmax / wmax, 1.0])  # boxes that can overlap are then within 2*hmax
    hw, hh = half[:, 0].copy(), half[:, 1].copy()
    for _ in range(rounds):
        pairs = cKDTree(xy * squash).query_pairs(2 * hmax, p=np.inf, output_type="ndarray")
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        dy = xy[j, 1] - xy[i, 1]
        oy = hh[i] + hh[j] - np.abs(dy)
        keep = oy > 0
        i, j, dy, oy = i[keep], j[keep], dy[keep], oy[keep]
        dx = xy[j, 0] - xy[i, 0]
        ox = hw[i] + hw[j] - np.abs(dx)
        keep = ox > 0
        if not keep.any():
            break
        i, j, dx, dy, ox, oy = i[keep], j[keep], dx[keep], dy[keep], ox[keep], oy[keep]
        along_y = oy > ox  # else along x
        push_x = np.where(along_y, 0.0, np.where(dx >= 0, 1.0, -1.0) * ox / 2)
        push_y = np.where(along_y, np.where(dy >= 0, 1.0, -1.0) * oy / 2, 0.0)
        ends = np.concatenate((i, j))
        xy[:, 0] += np.bincount(ends, np.concatenate((-push_x, push_x)), minlength=len(ids))
        xy[:, 1] += np.bincount(ends, np.concatenate((-push_y, push_y)), minlength=len(ids))
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(ids, xy, strict=True)}
