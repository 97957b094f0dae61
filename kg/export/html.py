"""Interactive, self-contained HTML view of the graph: one file that works offline.

The network is assembled with pyvis and drawn by vis-network, but the page is our own
template (``kg/data/view/``): pyvis's templates fetch vis-network and Bootstrap from CDNs
even in their "local" and "in_line" modes (WestHealth/pyvis#228, #229). vis-network's
JS/CSS are read from the copy pyvis ships and inlined, so the page makes no request at
all; a Content-Security-Policy that only admits our two scripts (by hash) backs that up
and stops injected markup from running.

The page opens on the corpus's topics (:mod:`kg.view.groups`, :mod:`kg.view.overview`):
groups of nodes that share papers as named ellipses, the most connected entities named.
Large graphs stay responsive because positions are computed here (:mod:`kg.view.layout`)
and shipped with physics off, and because at most ``max_nodes`` (the most connected) are
drawn, with at most ``max_edges`` links between them; the page says what was left out.
Same graph, same options → byte-identical file.

``python -m kg.export.html GRAPH -o view.html --screenshot view.png`` (or ``--demo``
instead of GRAPH) writes a page and a screenshot of it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.network import Network

from kg.util.atomic import atomic_write
from kg.view import style
from kg.view.groups import Groups, find_groups
from kg.view.layout import layout
from kg.view.overview import entities, group_discs, label_ranking, opening_frame
from kg.view.payload import edge_items, node_info, node_look, script_json
from kg.view.select import DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES, Selection, select

DEFAULT_TITLE = "Knowledge graph"
#: Above this many drawn nodes, edges are hidden while dragging/zooming and only the
#: highlighted neighbourhood's edges carry relation labels (labels on every edge cost
#: vis-network more than half of each frame at 5,000 nodes).
LARGE = 1500
_VIS = "templates/lib/vis-9.1.2"


@dataclass
class ViewSummary:
    """What the page shows and what it leaves out (also printed by ``kg view``)."""

    shown_nodes: int
    shown_edges: int
    total_nodes: int
    total_edges: int
    capped: dict[str, int] = field(default_factory=dict)
    filtered: dict[str, int] = field(default_factory=dict)
    results: int = 0
    bytes: int = 0
    capped_edges: int = 0
    islands: int = 0

    def lines(self) -> list[str]:
        """Plain-text sentences; the page shows them under its title."""
        out = [f"Showing {self.shown_nodes:,} of {self.total_nodes:,} nodes and "
               f"{self.shown_edges:,} links."]
        if self.capped:
            out.append(f"Left out to stay fast: {sum(self.capped.values()):,} less connected "
                       f"nodes ({_counts(self.capped)}); raise --max-nodes to draw more.")
        if self.capped_edges:
            out.append(f"Left out between drawn nodes: {self.capped_edges:,} less supported "
                       "links; raise --max-edges to draw more.")
        if self.filtered:
            out.append(f"Filtered out by type or paper count: {sum(self.filtered.values()):,} "
                       f"({_counts(self.filtered)}).")
        if self.islands:
            out.append(f"{self.islands:,} nodes in small islands (papers that share no entity "
                       "with the rest) lie below the groups; Fit to screen shows them.")
        if self.results:
            out.append(f"{self.results:,} reported results are listed in the details of "
                       "their paper and entity instead of drawn.")
        return out


def _counts(c: dict[str, int]) -> str:
    order = list(style.CATEGORIES)
    keys = sorted(c, key=lambda k: (order.index(k) if k in order else len(order), k))
    return " · ".join(f"{style.look(k).label if k in style.CATEGORIES else k} {c[k]:,}"
                      for k in keys)


class _IdIndex(list):
    """pyvis keeps node ids in a list and checks membership on every ``add_node`` and
    ``add_edge``: quadratic on thousands of nodes. This list answers ``in`` from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._ids.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._ids


@dataclass
class _Drawn:
    net: Network
    edge_info: dict[str, dict]
    groups: Groups
    pos: dict[str, tuple[float, float]]
    labels: dict[str, str]


def _network(g: nx.MultiDiGraph, sel: Selection, seed: int) -> _Drawn:
    """The pyvis network (positions fixed), the per-edge details kept out of it, the groups."""
    net = Network(directed=True, cdn_resources="in_line")
    net.node_ids = _IdIndex()
    looks = {n: node_look(g, n) for n in sel.graph.nodes}
    labels = {n: lk["label"] for n, lk in looks.items()}
    groups = find_groups(sel.graph, sel.degree, entities(g, sel), seed=seed)
    pos = layout(sel.graph, {n: lk["size"] for n, lk in looks.items()}, labels, seed=seed,
                 groups=groups)
    for n in sorted(sel.graph.nodes):
        lk = looks[n]
        net.add_node(n, label=lk["label"], shape=lk["shape"], color=lk["color"],
                     size=lk["size"], x=pos[n][0], y=pos[n][1])
    edge_info = {}
    large = len(looks) > LARGE
    for item in edge_items(g, sel):
        edge_info[item["id"]] = item.pop("info")
        if large:  # no labels; relations translucent like the roles
            del item["label"]
            item["color"] = style.faint(item["color"])
        net.add_edge(item.pop("from"), item.pop("to"), **item)
    return _Drawn(net, edge_info, groups, pos, labels)


def _options(n_nodes: int, seed: int) -> dict[str, Any]:
    large = n_nodes > LARGE
    font = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "keyboard": False, "multiselect": False},
        "nodes": {"borderWidth": 1, "font": {"size": 16, "face": font, "color": "#222222",
                                             "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 9}}},
        "edges": {"smooth": False, "color": {"inherit": False},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                  "font": {"size": 10, "face": font, "color": "#555555", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "middle"},
                  "scaling": {"label": {"drawThreshold": 7}}, "selectionWidth": 1.5},
    }


def _asset(package: str, name: str) -> str:
    return (resources.files(package) / name).read_text(encoding="utf-8")


def _script(js: str) -> str:
    js = re.sub(r"\s*//# sourceMappingURL=\S*\s*$", "\n", js)
    if re.search(r"</script|<!--", js, re.IGNORECASE):  # would end or derail the element
        raise ValueError("inline script contains '</script' or '<!--'")
    return js


def _style(css: str) -> str:
    if re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("inline style contains '</style'")
    return css


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _legend(infos: dict[str, dict], sel: Selection) -> list[dict[str, Any]]:
    """One row per category drawn, with its count; model families (in no paper) are
    counted in their category and named apart under it."""
    counts = Counter(i["category"] for i in infos.values())
    known = [c for c in style.CATEGORIES if c in counts]
    order = known + sorted(set(counts) - set(style.CATEGORIES))
    rows = []
    for c in order:
        row = {"category": c, "label": style.look(c).label if c in style.CATEGORIES else c,
               "color": style.look(c).color, "shape": style.look(c).shape, "count": counts[c],
               "apart": ""}
        if sel.families.get(c):
            n = sel.families[c]
            row["apart"] = (f"of which {n:,} model {'family' if n == 1 else 'families'} that "
                            "no paper names (drawn with their variants)")
        rows.append(row)
    return rows


def _edge_legend(edge_info: dict[str, dict]) -> list[dict[str, str]]:
    rels = {r for i in edge_info.values() for r in i["relations"]}
    out = [{"label": "paper → entity role", "color": style.ROLE_EDGE_SWATCH}] if rels - set(
        style.EDGE_COLORS) else []
    out += [{"label": r.replace("_", " "), "color": c} for r, c in style.EDGE_COLORS.items()
            if r in rels]
    return out


def _build(g: nx.MultiDiGraph, max_nodes: int, min_papers: int,
           types: str | Iterable[str] | None, title: str, seed: int,
           max_edges: int) -> tuple[str, ViewSummary]:
    sel = select(g, max_nodes=max_nodes, min_papers=min_papers, types=types,
                 max_edges=max_edges)
    drawn = _network(g, sel, seed)
    edge_info = drawn.edge_info
    nodes, edges, *_ = drawn.net.get_network_data()
    infos = node_info(g, sel)
    summary = ViewSummary(len(nodes), len(edges), sel.total_nodes, sel.total_edges,
                          dict(sorted(sel.capped.items())), dict(sorted(sel.filtered.items())),
                          sel.results, capped_edges=sel.capped_edges,
                          islands=len(drawn.groups.islands) if drawn.groups.members else 0)
    discs = group_discs(g, sel, drawn.groups, drawn.pos, drawn.labels)
    named = [d for d in discs if "name" in d]
    legend = _legend(infos, sel)
    data = {"nodes": nodes, "edges": edges, "options": _options(len(nodes), seed),
            "info": infos, "edgeInfo": edge_info, "edgeLabels": len(nodes) <= LARGE,
            "categories": {c["category"]: c["label"] for c in legend},
            "minPapers": min_papers, "rank": label_ranking(g, sel), "groups": discs,
            "frame": opening_frame(discs, drawn.pos), "solid": style.solid(len(nodes) > LARGE)}
    vis_js = _script(_asset("pyvis", f"{_VIS}/vis-network.min.js"))
    view_js = _script(_asset("kg.data", "view/view.js"))
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(view_js)}; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    page = env.from_string(_asset("kg.data", "view/template.html")).render(
        title=title, csp=csp, summary=summary.lines(), legend=legend, groups=named,
        edge_legend=_edge_legend(edge_info), min_papers=min_papers, max_papers=max(
            [min_papers] + [i.get("papers", 1) for i in infos.values()]),
        vis_css=Markup(_style(_asset("pyvis", f"{_VIS}/vis-network.css"))),
        view_css=Markup(_style(_asset("kg.data", "view/view.css"))),
        vis_js=Markup(vis_js), view_js=Markup(view_js), data=Markup(script_json(data)),
    )
    summary.bytes = len(page.encode("utf-8"))
    return page, summary


def render_html(g: nx.MultiDiGraph, *, max_nodes: int = DEFAULT_MAX_NODES, min_papers: int = 1,
                types: str | Iterable[str] | None = None, title: str = DEFAULT_TITLE,
                seed: int = 7, max_edges: int = DEFAULT_MAX_EDGES) -> str:
    """The complete page for ``g`` as a string (see :func:`write_html`)."""
    return _build(g, max_nodes, min_papers, types, title, seed, max_edges)[0]


def write_html(g: nx.MultiDiGraph, path: str | Path, *, max_nodes: int = DEFAULT_MAX_NODES,
               min_papers: int = 1, types: str | Iterable[str] | None = None,
               title: str = DEFAULT_TITLE, seed: int = 7,
               max_edges: int = DEFAULT_MAX_EDGES) -> ViewSummary:
    """Write the interactive view of ``g`` to ``path`` atomically.

    ``types`` (e.g. ``"paper,Method,Dataset"``) keeps only those node categories;
    ``min_papers`` drops entities seen in fewer papers; then at most ``max_nodes`` of the
    most connected nodes are drawn, with at most ``max_edges`` of the best supported links
    between them. Result nodes are folded into paper/entity details.
    """
    page, summary = _build(g, max_nodes, min_papers, types, title, seed, max_edges)
    with atomic_write(path) as fh:
        fh.write(page)
    return summary


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.export.html``: write a view and optionally a screenshot of it."""
    ap = argparse.ArgumentParser(prog="python -m kg.export.html", description=main.__doc__)
    ap.add_argument("graph", nargs="?", help="GraphML file or build directory")
    ap.add_argument("--demo", action="store_true", help="use the small built-in demo graph "
                    "instead of GRAPH")
    ap.add_argument("-o", "--output", default="view.html", help="HTML file to write")
    ap.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES)
    ap.add_argument("--max-edges", type=int, default=DEFAULT_MAX_EDGES)
    ap.add_argument("--min-papers", type=int, default=1)
    ap.add_argument("--types", default=None, help="e.g. paper,Method,Dataset")
    ap.add_argument("--title", default=DEFAULT_TITLE)
    ap.add_argument("--screenshot", metavar="PNG", help="also save a screenshot of the page")
    ap.add_argument("--focus", metavar="NAME", help="search for NAME before the screenshot")
    ap.add_argument("--size", default="1600x1000", help="screenshot viewport, WxH")
    args = ap.parse_args(argv)
    if bool(args.demo) == bool(args.graph):
        ap.error("give either GRAPH or --demo")
    if args.demo:
        from kg.view.demo import demo_graph

        g = demo_graph()
    else:
        from kg.view.source import read_graph

        g = read_graph(args.graph)
    summary = write_html(g, args.output, max_nodes=args.max_nodes, min_papers=args.min_papers,
                         types=args.types, title=args.title, max_edges=args.max_edges)
    print(f"wrote {args.output} ({summary.bytes:,} bytes): {' '.join(summary.lines())}")
    if args.screenshot:
        from kg.view.browser import screenshot

        width, height = (int(x) for x in args.size.lower().split("x"))
        screenshot(args.output, args.screenshot, focus=args.focus, viewport=(width, height))
        print(f"wrote {args.screenshot}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
