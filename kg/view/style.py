"""How each kind of node and edge looks: one colour *and* one shape per category.

Shapes differ as well as colours so the view stays readable in greyscale and for
colour-blind readers (the palette is Okabe–Ito).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    label: str
    color: str
    shape: str


#: Display categories: ``paper``, ``code`` and every entity type, in legend order.
CATEGORIES: dict[str, Look] = {
    "paper": Look("Paper", "#7f7f7f", "square"),
    "Method": Look("Method", "#0072B2", "dot"),
    "Model": Look("Model", "#D55E00", "diamond"),
    "Dataset": Look("Dataset", "#009E73", "triangle"),
    "Task": Look("Task", "#E69F00", "star"),
    "Metric": Look("Metric", "#CC79A7", "triangleDown"),
    "code": Look("Code", "#3b3b3b", "hexagon"),
}
#: Category for an entity whose ``type`` is missing or unknown.
FALLBACK = Look("Other", "#56B4E9", "dot")

#: Paper → entity roles are the bulk of the edges: drawn quietly.
#: Translucent: at 10k papers thousands of them cross, and their overlap shows density.
ROLE_EDGE_COLOR = "rgba(140,140,140,0.16)"
#: The same, as the legend's swatch shows it (one line on white).
ROLE_EDGE_SWATCH = "#c8c8c8"
#: ... and around a highlighted node, solid.
ROLE_EDGE_FOCUS = "#8c8c8c"
EDGE_COLORS: dict[str, str] = {
    "outperforms": "#D55E00",
    "based_on": "#7b3294",
    "evaluated_on": "#009E73",
    "used_for": "#E69F00",
    "variant_of": "#0072B2",
    "has_code": "#3b3b3b",
}

PAPER_SIZE = 6.0
CODE_SIZE = 9.0


def look(category: str) -> Look:
    return CATEGORIES.get(category, FALLBACK)


def entity_size(paper_count: int) -> float:
    """Area grows with the number of papers, so a 100-paper hub does not swamp the view."""
    return round(min(60.0, 10.0 + 6.0 * math.sqrt(max(paper_count, 1) - 1)), 1)


#: Opacity of the relation links in a large view (thousands cross one another there).
FAINT = 0.45


def faint(color: str) -> str:
    """``#rrggbb`` at :data:`FAINT` opacity (``rgba(...)``); other forms as they are."""
    if len(color) != 7 or not color.startswith("#"):
        return color
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{FAINT})"


def solid(large: bool) -> dict[str, str]:
    """Each translucent link colour of a view → the colour it takes around a highlighted
    node."""
    out = {ROLE_EDGE_COLOR: ROLE_EDGE_FOCUS}
    if large:
        out.update({faint(c): c for c in EDGE_COLORS.values()})
    return out


def edge_color(relations: list[str]) -> str:
    for rel in relations:
        if rel in EDGE_COLORS:
            return EDGE_COLORS[rel]
    return ROLE_EDGE_COLOR
