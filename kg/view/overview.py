"""What the page shows before the reader zooms: named groups, labelled hubs, a framed start.

The page labels the most connected entities at any zoom, as many as fit without overlap
(the browser places them each frame, most connected first, from :func:`label_ranking`),
draws each group as a tinted disc with a caption naming its most connected members
(:func:`group_discs`), and opens framed on the groups, the islands below out of frame
(:func:`opening_frame`). All from the selection and the positions: deterministic.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import numpy as np

from kg.records import ENTITY_TYPES
from kg.view.groups import NAMED_BY, Groups
from kg.view.layout import ASPECT, disc_radius
from kg.view.payload import clip
from kg.view.select import Selection, category

#: Entities the page may label, most connected first (it stops when the screen is full).
LABEL_CANDIDATES = 600
#: Groups drawn as discs with a caption (the largest; smaller ones are left plain).
MAX_CAPTIONS = 12
#: A group smaller than this share of the grouped nodes (or 4 nodes) gets no caption.
MIN_CAPTION_SHARE = 0.01
CAPTION_NAME_CHARS = 28
#: Pale fills for the group discs, far from the saturated node colours.
TINTS = ("#e3eefa", "#fbe9dc", "#e2f4ec", "#f6e7f1", "#fdf3d6", "#e8e6f6",
         "#e6f2f6", "#f4eedf", "#eaf1df", "#f7e2e2", "#e4ecee", "#efe8dc")
#: The fill of a group too small to be named.
PLAIN = "#f3f3f3"


def entities(g: nx.MultiDiGraph, sel: Selection) -> set[str]:
    """The drawn entity nodes (not papers, code)."""
    return {n for n in sel.graph if category(g.nodes[n]) in ENTITY_TYPES}


def _rank(g: nx.MultiDiGraph, sel: Selection):
    def key(n: str) -> tuple[int, int, str]:
        return (-sel.degree.get(n, 0), -int(g.nodes[n].get("paper_count") or 0), n)
    return key


def label_ranking(g: nx.MultiDiGraph, sel: Selection) -> list[str]:
    """Entities most connected first (as the cap ranks them), the page's label order."""
    return sorted(entities(g, sel), key=_rank(g, sel))[:LABEL_CANDIDATES]


def group_discs(g: nx.MultiDiGraph, sel: Selection, groups: Groups,
                pos: dict[str, tuple[float, float]], labels: dict[str, str]
                ) -> list[dict[str, Any]]:
    """Every group's ellipse as the layout kept it (centre, radii) and size; the largest
    (:data:`MAX_CAPTIONS`, each at least 1 % of the grouped nodes) tinted and named by
    their most connected entities, the others plain grey."""
    grouped = sum(len(m) for m in groups.members)
    least = max(4, math.ceil(MIN_CAPTION_SHARE * grouped))
    ents = entities(g, sel)
    out = []
    for k, members in enumerate(groups.members):
        xy = np.array([pos[n] for n in members], dtype=float)
        centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
        radius = disc_radius(xy, centre)
        disc: dict[str, Any] = {
            "size": len(members), "tint": PLAIN,
            "x": round(float(centre[0]), 1), "y": round(float(centre[1]), 1),
            "rx": round(radius * ASPECT, 1), "ry": round(radius, 1),
        }
        if k < MAX_CAPTIONS and len(members) >= least:
            named = [n for n in members if n in ents][:NAMED_BY] or members[:NAMED_BY]
            disc["name"] = " · ".join(clip(labels.get(n, n), CAPTION_NAME_CHARS) for n in named)
            disc["members"] = named
            disc["tint"] = TINTS[k % len(TINTS)]
        out.append(disc)
    return out


def opening_frame(discs: list[dict[str, Any]], pos: dict[str, tuple[float, float]]
                  ) -> list[float]:
    """``[x0, y0, x1, y1]`` the page opens on: the groups' ellipses (every node when there
    is no group); the islands below are left out of it."""
    if discs:
        return [round(min(d["x"] - d["rx"] for d in discs), 1),
                round(min(d["y"] - d["ry"] for d in discs), 1),
                round(max(d["x"] + d["rx"] for d in discs), 1),
                round(max(d["y"] + d["ry"] for d in discs), 1)]
    if not pos:
        return [0.0, 0.0, 0.0, 0.0]
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    return [min(xs), min(ys), max(xs), max(ys)]
