"""The HTML view without a browser: escaping, offline page, determinism, selection, layout."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html import unescape

import networkx as nx
import pytest
from click.testing import CliRunner
from helpers import ent, extraction, paper, rel, result

from kg.cli import cli
from kg.export.graphml import write_graphml
from kg.export.html import render_html, write_html
from kg.graph.property_graph import build_graph
from kg.view.demo import demo_graph, synthetic_graph
from kg.view.layout import layout
from kg.view.payload import safe_link, script_json
from kg.view.select import parse_types, select
from kg.view.source import read_graph

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"


def xss_graph() -> nx.MultiDiGraph:
    papers = [
        paper("p1", title=XSS_IMG, abstract="We use BERT on SQuAD.\u2028Next line.",
              url="javascript:alert(4)"),
        paper("p2", title=XSS_SCRIPT, abstract="A & B <b>bold</b> BERT.", arxiv_id="2401.00001"),
        paper("p3", title="Plain paper", abstract="BERT is good.", doi="10.1/abc"),
    ]
    exts = [
        extraction("p1", [ent("BERT", "Model"), ent(XSS_IMG, "Method", "proposes"),
                          ent("SQuAD", "Dataset", "evaluates_on")],
                   [rel("BERT", "evaluated_on", "SQuAD")],
                   results=[result("BERT", "93.2", "SQuAD", "F1")]),
        extraction("p2", [ent("BERT", "Model"), ent("R&D &amp; Co", "Task", "addresses")]),
        extraction("p3", [ent("BERT", "Model", "proposes")], code=["https://github.com/x/y"]),
    ]
    return build_graph(papers, exts)


def page_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block.group(1))


# --- escaping -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [XSS_SCRIPT, "<!-- x", "a & b", "\u2028\u2029", "it's \"q\"",
                                  "</SCRIPT >", "\\u003c"])
def test_script_json_round_trips_and_cannot_close_the_block(text):
    out = script_json({"k": [text]})
    assert json.loads(out) == {"k": [text]}
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in out


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2401.1", "http://example.org/a?b=1&c=2"])
def test_safe_link_keeps_http_urls(url):
    assert safe_link(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:x", "file:///etc/passwd",
    "//evil.example/x", "https:///nohost", "https://a b", "", None, 42,
])
def test_safe_link_rejects_everything_else(url):
    assert safe_link(url) is None


def test_untrusted_text_only_reaches_the_page_escaped():
    html = render_html(xss_graph())
    assert XSS_IMG not in html and "<img" not in html
    assert "alert(1)</script>" not in html
    assert html.count("</script>") == 3  # data block, vis-network, the view
    assert "javascript:alert" not in html
    data = page_data(html)
    names = {i["name"] for i in data["info"].values()}
    assert {XSS_IMG, XSS_SCRIPT, "R&D &amp; Co"} <= names  # intact, as text
    p1 = data["info"]["paper:p1"]
    assert "link" not in p1  # javascript: URL dropped
    assert data["info"]["paper:p2"]["link"] == "https://arxiv.org/abs/2401.00001"
    assert data["info"]["paper:p3"]["link"] == "https://doi.org/10.1/abc"


def test_title_is_html_escaped():
    html = render_html(demo_graph(), title=XSS_IMG)
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in html
    assert XSS_IMG not in html


# --- offline, self-contained ------------------------------------------------------------------

def test_page_is_self_contained():
    html = render_html(demo_graph())
    assert not re.search(r"<script[^>]*\bsrc=", html, re.I)
    assert not re.search(r"<(link|iframe|img|object|embed|base)\b", html, re.I)
    assert not re.search(r"@import", html)
    assert not re.search(r"url\(\s*(?!['\"]?data:)", html)
    assert "sourceMappingURL" not in html
    assert "bootstrap" not in html.lower() and "cdnjs" not in html and "jsdelivr" not in html
    assert "vis.Network" in html  # vis-network is inlined


def test_csp_admits_exactly_the_inline_scripts():
    html = render_html(demo_graph())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    csp = unescape(csp)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


# --- determinism ------------------------------------------------------------------------------

def test_same_graph_gives_byte_identical_html(tmp_path):
    g = demo_graph()
    write_html(g, tmp_path / "a.html")
    write_html(demo_graph(), tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_insertion_order_does_not_matter():
    g = demo_graph()
    h = nx.MultiDiGraph()
    h.graph.update(g.graph)
    h.add_nodes_from(reversed(list(g.nodes(data=True))))
    h.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    assert render_html(g) == render_html(h)


def test_graphml_round_trip_renders_the_same(tmp_path):
    g = demo_graph()
    write_graphml(g, tmp_path / "graph.graphml")
    assert render_html(read_graph(tmp_path)) == render_html(g)


# --- what is drawn --------------------------------------------------------------------------

def test_nodes_edges_and_details():
    g = demo_graph()
    data = page_data(render_html(g))
    drawn = {n["id"] for n in data["nodes"]}
    assert drawn == {n for n, d in g.nodes(data=True) if d["kind"] != "result"}
    look = {n["id"]: n for n in data["nodes"]}
    gsm = look["entity:grade-school-math-8k"]
    assert gsm["shape"] == "triangle" and gsm["size"] > look["entity:svamp"]["size"]
    assert look["paper:2401.08967"]["shape"] == "square"
    info = data["info"]["entity:grade-school-math-8k"]
    assert info["category"] == "Dataset" and info["papers"] == 5 and "GSM8K" in info["aliases"]
    assert 1 <= len(info["evidence"]) <= 3
    assert any("75.3" in r for r in data["info"]["entity:reinforced-fine-tuning"]["results"])
    reft = data["info"]["paper:2401.08967"]
    assert reft["link"] == "https://arxiv.org/abs/2401.08967"
    assert any("75.3 accuracy on GSM8K" in r for r in reft["results"])
    labels = {e["label"] for e in data["edges"]}
    assert {"outperforms", "evaluates on", "has code"} <= labels
    assert all(e["arrows"] == "to" for e in data["edges"])
    assert data["options"]["physics"]["enabled"] is False
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in data["nodes"])


def test_cap_keeps_the_most_connected_and_says_so():
    g = synthetic_graph(800, seed=3)
    sel = select(g, max_nodes=100)
    assert sel.shown_nodes == 100
    degree = {n: len(set(nx.all_neighbors(g, n))) for n in g}
    threshold = sorted(degree.values(), reverse=True)[99]
    assert min(degree[n] for n in sel.graph) >= threshold - 1
    assert sum(sel.capped.values()) == 700
    data_html = render_html(g, max_nodes=100)
    assert "Left out to stay fast: 700 less connected nodes" in data_html
    assert len(page_data(data_html)["nodes"]) == 100


def test_link_cap_keeps_the_best_supported_links_and_says_so():
    g = synthetic_graph(300, seed=5)
    every = select(g, max_nodes=300, max_edges=10**9)
    n_links = every.graph.number_of_edges()
    sel = select(g, max_nodes=300, max_edges=40)
    assert sel.graph.number_of_edges() == 40
    assert sel.capped_edges == n_links - 40
    assert set(sel.graph.edges) <= {tuple(sorted(e)) for e in every.graph.edges} | set(
        every.graph.edges)

    def support(u, v):
        keyed = [*g.get_edge_data(u, v, default={}).values(),
                 *g.get_edge_data(v, u, default={}).values()]
        return max(int(d.get("support") or 1) for d in keyed)

    kept = min(support(u, v) for u, v in sel.graph.edges)
    assert all(support(u, v) <= kept for u, v in every.graph.edges
               if not sel.graph.has_edge(u, v))
    html = render_html(g, max_nodes=300, max_edges=40)
    # (a link stated both ways is drawn as two arrows)
    assert len({frozenset((e["from"], e["to"])) for e in page_data(html)["edges"]}) == 40
    assert f"{n_links - 40:,} less supported links" in html


def test_type_and_paper_filters():
    g = demo_graph()
    sel = select(g, types="paper, dataset")
    cats = {g.nodes[n].get("type", g.nodes[n]["kind"]) for n in sel.graph}
    assert cats == {"paper", "Dataset"}
    sel = select(g, min_papers=2)
    assert all(g.nodes[n].get("paper_count", 99) >= 2 for n in sel.graph)
    assert sel.filtered["Method"] > 0
    assert parse_types(["MODEL", "papers"]) == {"Model", "paper"}
    assert parse_types(None) is None
    with pytest.raises(ValueError, match="unknown node type"):
        parse_types("Methods,result")


def test_layout_is_deterministic_and_separates_nodes():
    h = nx.Graph(select(synthetic_graph(1500, seed=2)).graph)
    sizes = {n: 10.0 for n in h}
    a, b = layout(h, sizes), layout(h, sizes)
    assert a == b and set(a) == set(h)
    xy = [a[n] for n in sorted(a)]
    from scipy.spatial import cKDTree

    close = cKDTree(xy).query_pairs(10.0)
    assert len(close) < len(xy) * 0.01


def _separate_with_add_at(pos, boxes, rounds=40):
    """The separation as first written (pushes summed with ``np.add.at``)."""
    import numpy as np
    from scipy.spatial import cKDTree

    ids = sorted(pos)
    xy = np.array([pos[n] for n in ids], dtype=float)
    half = np.array([boxes[n] for n in ids], dtype=float)
    wmax, hmax = half.max(axis=0)
    squash = np.array([hmax / wmax, 1.0])
    for _ in range(rounds):
        pairs = cKDTree(xy * squash).query_pairs(2 * hmax, p=np.inf, output_type="ndarray")
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        d = xy[j] - xy[i]
        over = half[i] + half[j] - np.abs(d)
        hit = (over[:, 0] > 0) & (over[:, 1] > 0)
        if not hit.any():
            break
        i, j, d, over = i[hit], j[hit], d[hit], over[hit]
        axis = (over[:, 1] > over[:, 0]).astype(int)
        rows = np.arange(len(i))
        sign = np.where(d[rows, axis] >= 0, 1.0, -1.0)
        push = np.zeros_like(d)
        push[rows, axis] = sign * over[rows, axis] / 2
        delta = np.zeros_like(xy)
        np.add.at(delta, i, -push)
        np.add.at(delta, j, push)
        xy += delta
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(ids, xy, strict=True)}


@pytest.mark.parametrize("n", [2, 30, 300])
def test_separation_moves_boxes_exactly_as_first_written(n):
    """Same floating-point sums in the same order: the same positions, signed zeros too
    (so the same pages as before the separation was sped up)."""
    import random

    from kg.view.layout import _separate

    rng = random.Random(n)
    for spread in (10.0, 300.0):
        pos = {f"n{k}": (rng.uniform(-spread, spread), rng.uniform(-spread, spread))
               for k in range(n)}
        for k in range(0, n, 4):
            pos[f"n{k}"] = (0.0, -0.0) if k % 8 else (-0.0, 0.0)
        boxes = {k: (rng.uniform(5.0, 180.0), rng.uniform(5.0, 76.0)) for k in pos}
        for rounds in (1, 40):
            got, want = _separate(pos, boxes, rounds), _separate_with_add_at(pos, boxes, rounds)
            assert repr(got) == repr(want)


def test_empty_and_tiny_graphs():
    assert page_data(render_html(nx.MultiDiGraph()))["nodes"] == []
    g = nx.MultiDiGraph()
    g.add_node("entity:a", kind="entity", type="Method", name="A", paper_count=1)
    g.add_node("entity:b", kind="entity", type="Weird", name="B", paper_count=1)
    data = page_data(render_html(g))
    assert len(data["nodes"]) == 2 and data["info"]["entity:b"]["category"] == "Weird"


# --- CLI ------------------------------------------------------------------------------------

def test_kg_view_command(tmp_path):
    write_graphml(demo_graph(), tmp_path / "graph.graphml")
    r = CliRunner().invoke(cli, ["view", str(tmp_path), "--types", "paper,Dataset",
                                 "--max-nodes", "10"])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "view.html").read_text()
    assert len(page_data(html)["nodes"]) == 10
    out = tmp_path / "v.html"
    r = CliRunner().invoke(cli, ["view", str(tmp_path / "graph.graphml"), "-o", str(out),
                                 "--min-papers", "2"])
    assert r.exit_code == 0 and out.exists()
    r = CliRunner().invoke(cli, ["view", str(tmp_path), "--types", "nope"])
    assert r.exit_code == 2 and "unknown node type" in r.output


def test_a_cost_shows_its_unit_once():
    from kg.view.payload import _result_text

    assert _result_text({"entity": "YOLO-World", "value": "52.0 FPS", "metric": "FPS",
                         "dataset": "LVIS"}) == "YOLO-World: 52.0 FPS on LVIS"
    assert _result_text({"entity": "ReFT", "value": "75.3", "metric": "accuracy"}) == (
        "ReFT: 75.3 accuracy")
