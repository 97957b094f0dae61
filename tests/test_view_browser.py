"""The HTML view in a real headless Chromium: offline, interactive, and inert to hostile text."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from kg.export.html import write_html
from kg.graph.property_graph import build_graph
from kg.records import Entity, Extraction, Mention, Paper
from kg.view.browser import browser, chromium_path, click_node, node_point, open_view
from kg.view.demo import demo_records, synthetic_graph

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if chromium_path() is None:
    pytest.skip("no Chromium at /usr/bin/chromium (or $KG_CHROMIUM); CI installs it",
                allow_module_level=True)

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
GSM = "entity:grade-school-math-8k"


def _hostile() -> tuple[list[Paper], list[Extraction]]:
    papers = [
        Paper("x1", XSS_IMG, "We propose it.\u2028 Really.", url="javascript:alert(4)"),
        Paper("x2", XSS_SCRIPT, "A & B <b>bold</b>.", arxiv_id="2401.99999"),
    ]

    def e(name: str, type_: str, role: str) -> Entity:
        return Entity(name, type_, role, mentions=[Mention("title", 0, len(name), name)])

    exts = [Extraction("x1", XSS_IMG, [e(XSS_IMG, "Method", "proposes")]),
            Extraction("x2", XSS_SCRIPT, [e("R&D &amp; Co", "Task", "addresses")])]
    return papers, exts


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    papers, exts = demo_records()
    bad_papers, bad_exts = _hostile()
    return build_graph(papers + bad_papers, exts + bad_exts)


@pytest.fixture(scope="module")
def html_path(graph, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("view") / "view.html"
    write_html(graph, path, title=XSS_SCRIPT)
    return path


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def view(chromium, html_path):
    page, log = open_view(chromium, html_path)
    yield page, log
    page.close()


def drawn(g: nx.MultiDiGraph) -> set[str]:
    return {n for n, d in g.nodes(data=True) if d["kind"] != "result"}


def hidden_ids(page) -> set[str]:
    return set(page.evaluate("kgView.nodes.get({filter: n => n.hidden}).map(n => n.id)"))


def assert_clean(page, log, url: str) -> None:
    assert log.requests == [url], "the page must make no request but for itself"
    assert log.console_errors == [] and log.page_errors == []
    assert log.dialogs == []
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert not page.evaluate("[...document.querySelectorAll('*')].some(e =>"
                             " [...e.attributes].some(a => a.name.startsWith('on')))")
    assert page.evaluate("document.querySelectorAll('a[href]:not([href^=\"http\"])').length") == 0


def test_draws_every_node_offline_without_errors(view, graph, html_path):
    page, log = view
    keep = drawn(graph)
    assert page.evaluate("kgView.nodes.length") == len(keep)
    pairs = {(u, v) for u, v in graph.edges() if u in keep and v in keep}
    assert page.evaluate("kgView.edges.length") == len(pairs)
    labels = set(page.evaluate("kgView.edges.get().map(e => e.label)"))
    assert {"outperforms", "evaluates on", "based on"} <= labels
    assert page.title() == XSS_SCRIPT  # the title element holds it as text
    assert_clean(page, log, html_path.as_uri())


def test_search_by_name_and_alias(view):
    page, _ = view
    page.fill("#kg-search", "gsm8k")  # an alias
    first = page.locator("#kg-search-results li").first
    assert first.inner_text().startswith("Grade School Math 8K")
    page.press("#kg-search", "Enter")
    assert page.evaluate("kgView.highlighted") == GSM
    assert page.evaluate("kgView.network.getSelectedNodes()") == [GSM]
    assert "Grade School Math 8K" in page.inner_text("#kg-details")
    page.fill("#kg-search", "SELF-CONS")
    page.locator("#kg-search-results li").first.dispatch_event("mousedown")
    assert page.evaluate("kgView.highlighted") == "entity:self-consistency"
    page.fill("#kg-search", "no such thing")
    assert "No node" in page.inner_text("#kg-search-results")


def test_type_and_paper_count_filters(view, graph):
    page, _ = view
    datasets = {n for n, d in graph.nodes(data=True) if d.get("type") == "Dataset"}
    page.uncheck('#kg-legend input[data-category="Dataset"]')
    assert hidden_ids(page) == datasets
    page.check('#kg-legend input[data-category="Dataset"]')
    assert hidden_ids(page) == set()
    page.fill("#kg-min-papers", "2")
    rare = {n for n, d in graph.nodes(data=True)
            if d["kind"] == "entity" and d["paper_count"] < 2}
    assert hidden_ids(page) == rare
    page.fill("#kg-search", "TRPO")  # a hidden node found by search is shown again
    page.press("#kg-search", "Enter")
    assert "entity:trpo" not in hidden_ids(page)


def _pixel(page, node_id: str) -> tuple[int, int, int]:
    x, y = node_point(page, node_id)
    box = page.locator("#kg-network").bounding_box()
    return tuple(page.evaluate(
        """([x, y]) => { const c = document.querySelector('#kg-network canvas');
        const r = window.devicePixelRatio;
        const px = c.getContext('2d').getImageData(x * r, y * r, 1, 1).data;
        return [px[0], px[1], px[2]]; }""",
        [x - box["x"], y - box["y"]]))


def test_click_highlights_the_neighbourhood(view, graph):
    page, _ = view
    around = set(nx.all_neighbors(graph, GSM)) & drawn(graph)
    page.evaluate("id => kgView.network.focus(id, {scale: 0.8, animation: false})", GSM)
    box = page.locator("#kg-network").bounding_box()
    others = [n for n in sorted(drawn(graph) - around - {GSM})
              if 0 < node_point(page, n)[0] - box["x"] < box["width"]
              and 0 < node_point(page, n)[1] - box["y"] < box["height"]]
    other = next(n for n in others if graph.nodes[n]["kind"] == "paper")
    before = _pixel(page, other)
    click_node(page, GSM)
    assert page.evaluate("kgView.highlighted") == GSM
    assert set(page.evaluate("kgView.neighbourhood")) == around | {GSM}
    assert "linked to" in page.inner_text("#kg-details").lower()
    page.evaluate("id => kgView.network.focus(id, {scale: 0.8, animation: false})", GSM)
    page.wait_for_timeout(50)
    after = _pixel(page, other)
    assert sum(after) > sum(before) + 150, (before, after)  # faded behind the veil
    page.keyboard.press("Escape")
    assert page.evaluate("kgView.highlighted") is None
    assert page.is_hidden("#kg-details")


def test_tooltip_shows_entity_details(view):
    page, _ = view
    page.evaluate("id => kgView.network.focus(id, {scale: 1, animation: false})", GSM)
    page.mouse.move(*node_point(page, GSM))
    page.wait_for_selector("#kg-tooltip:not([hidden])")
    text = page.inner_text("#kg-tooltip")
    for part in ("DATASET", "5 PAPERS", "Grade School Math 8K", "Also: GSM8K", "EVIDENCE", "“"):
        assert part in text


def test_hostile_text_is_shown_as_text_and_runs_nothing(view, html_path):
    page, log = view
    page.evaluate("id => kgView.network.focus(id, {scale: 1, animation: false})", "paper:x1")
    page.mouse.move(*node_point(page, "paper:x1"))
    page.wait_for_selector("#kg-tooltip:not([hidden])")
    assert XSS_IMG in page.inner_text("#kg-tooltip")
    click_node(page, "paper:x1")
    details = page.inner_text("#kg-details")
    assert XSS_IMG in details and "javascript" not in details
    assert page.locator("#kg-details a").count() == 0  # javascript: URL is not a link
    click_node(page, "paper:x2")
    assert XSS_SCRIPT in page.inner_text("#kg-details")
    assert page.get_attribute("#kg-details a", "href") == "https://arxiv.org/abs/2401.99999"
    page.fill("#kg-search", "<img")
    assert XSS_IMG in page.inner_text("#kg-search-results")
    page.fill("#kg-search", "&amp;")
    assert "R&D &amp; Co" in page.inner_text("#kg-search-results")
    page.press("#kg-search", "Enter")
    assert "R&D &amp; Co" in page.inner_text("#kg-details")  # not decoded to "&"
    page.wait_for_timeout(200)
    assert_clean(page, log, html_path.as_uri())


def test_large_graph_is_capped_and_stays_usable(chromium, tmp_path):
    g = synthetic_graph(3000, seed=5)
    path = tmp_path / "big.html"
    summary = write_html(g, path, max_nodes=2000)
    assert summary.shown_nodes == 2000 and summary.capped
    page, log = open_view(chromium, path)
    try:
        assert page.evaluate("kgView.nodes.length") == 2000
        assert "Left out to stay fast" in page.inner_text("#kg-summary")
        assert page.evaluate("kgView.edges.get().every(e => e.label === undefined)")
        hub = page.evaluate("kgView.nodes.get().sort((a, b) => b.size - a.size)[0].id")
        click_node(page, hub)  # relation labels are then drawn for its edges only
        assert page.evaluate("kgView.highlighted") == hub
        assert log.console_errors == [] and log.page_errors == []
        assert log.requests == [path.as_uri()]
    finally:
        page.close()
