"""The view's first screen without a browser: groups, their layout, the label order, honest
controls and counts (model families, --min-papers), determinism."""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest
from helpers import ent, extraction, paper

from kg.export.html import render_html, write_html
from kg.graph.property_graph import build_graph
from kg.view.demo import synthetic_graph
from kg.view.groups import ISLAND_MAX, find_groups
from kg.view.layout import ASPECT, disc_radius, layout
from kg.view.overview import entities, label_ranking
from kg.view.select import select


def page_data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block.group(1))


def two_topics() -> nx.MultiDiGraph:
    """Six maths-reasoning papers, six vision papers, one paper on both, one on its own."""
    papers, exts = [], []
    for i in range(6):
        papers.append(paper(f"m{i}"))
        exts.append(extraction(f"m{i}", [
            ent("GSM8K", "Dataset", "evaluates_on"), ent("chain-of-thought prompting"),
            ent("PaLM", "Model"), ent(f"math trick {i}", "Method", "proposes")]))
        papers.append(paper(f"v{i}"))
        exts.append(extraction(f"v{i}", [
            ent("ImageNet", "Dataset", "evaluates_on"), ent("ResNet", "Model"),
            ent("object detection", "Task", "addresses"),
            ent(f"vision trick {i}", "Method", "proposes")]))
    papers.append(paper("both"))
    exts.append(extraction("both", [ent("GSM8K", "Dataset"), ent("ImageNet", "Dataset")]))
    papers.append(paper("alone"))
    exts.append(extraction("alone", [ent("lonely method", "Method", "proposes"),
                                     ent("lonely task", "Task", "addresses")]))
    # two model families, named by no paper: Llama-2 (variants in 2 papers), Qwen (in 1)
    papers += [paper("l1"), paper("l2")]
    exts += [extraction("l1", [ent("Llama-2-7B", "Model"), ent("GSM8K", "Dataset"),
                               ent("Qwen-7B", "Model")]),
             extraction("l2", [ent("Llama-2-13B", "Model"), ent("GSM8K", "Dataset")])]
    return build_graph(papers, exts)


def test_groups_split_topics_and_leave_islands_out():
    g = two_topics()
    sel = select(g)
    groups = find_groups(sel.graph, sel.degree, entities(g, sel))
    where = groups.of
    assert where["entity:gsm8k"] != where["entity:imagenet"]
    assert where["paper:m0"] == where["entity:gsm8k"] == where["entity:math-trick-0"]
    assert where["paper:v3"] == where["entity:imagenet"] == where["entity:vision-trick-3"]
    # the lone paper and its entities: a component too small to be a topic
    assert {"paper:alone", "entity:lonely-method"} <= set(groups.islands)
    assert "paper:alone" not in where
    assert set(where) | set(groups.islands) == set(sel.graph)
    # each group lists its most connected members first
    for members in groups.members:
        degrees = [sel.degree[n] for n in members]
        assert degrees == sorted(degrees, reverse=True)


def test_components_up_to_the_island_size_are_islands():
    g = nx.Graph()
    nx.add_path(g, [f"a{i}" for i in range(ISLAND_MAX)])
    nx.add_path(g, [f"b{i}" for i in range(ISLAND_MAX + 1)])
    groups = find_groups(g, dict(g.degree()), set(g))
    assert set(groups.islands) == {f"a{i}" for i in range(ISLAND_MAX)}
    assert {f"b{i}" for i in range(ISLAND_MAX + 1)} == set(groups.of)


def test_group_ellipses_do_not_overlap_and_islands_lie_below_them():
    h = select(synthetic_graph(2500, seed=4)).graph
    # plus a few islands: lone papers with an entity or two of their own
    for i in range(5):
        h.add_edges_from([(f"paper:lone{i}", f"entity:own{i}{x}") for x in "ab"])
    groups = find_groups(h, dict(h.degree()), {n for n in h if n.startswith("entity:")})
    assert len(groups.members) >= 4
    pos = layout(h, groups=groups)
    discs = []
    for members in groups.members:
        xy = np.array([pos[n] for n in members])
        centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
        discs.append((centre, disc_radius(xy, centre)))
    for i, (ci, ri) in enumerate(discs):
        for cj, rj in discs[i + 1:]:
            gap = np.hypot((ci[0] - cj[0]) / ASPECT, ci[1] - cj[1])
            assert gap >= ri + rj - 1.0
    bottom = max(c[1] + r for c, r in discs)
    assert min(pos[n][1] for n in groups.islands) > bottom


def test_labels_go_to_the_most_connected_entities_first():
    g = two_topics()
    sel = select(g)
    ranking = label_ranking(g, sel)
    assert all(g.nodes[n]["kind"] == "entity" for n in ranking)
    degrees = [sel.degree[n] for n in ranking]
    assert degrees == sorted(degrees, reverse=True)
    assert ranking[0] == "entity:gsm8k"  # 9 papers, the most of any


def test_page_names_groups_by_their_most_connected_entities():
    data = page_data(render_html(two_topics()))
    named = [d for d in data["groups"] if "name" in d]
    by_name = {d["name"].split(" · ")[0]: d for d in named}
    assert {"GSM8K", "ImageNet"} <= set(by_name)  # (and the Llama-2 papers, a third)
    info = data["info"]
    for d in named:
        assert len(d["members"]) == 3
        assert d["name"] == " · ".join(
            next(n["label"] for n in data["nodes"] if n["id"] == m) for m in d["members"])
        assert all(info[m]["category"] not in ("paper", "code") for m in d["members"])
    # the page opens on the groups: their ellipses, not the island below
    x0, y0, x1, y1 = data["frame"]
    alone = next(n for n in data["nodes"] if n["id"] == "paper:alone")
    assert alone["y"] > y1 and x0 < x1


def test_model_families_are_drawn_and_counted_apart():
    g = two_topics()
    html = render_html(g)
    data = page_data(html)
    llama = data["info"]["entity:llama-2"]
    assert llama["family"] is True and llama["papers"] == 2  # its variants' papers
    models = [n for n, d in g.nodes(data=True) if d.get("type") == "Model"]
    families = [n for n in models if g.nodes[n]["derived"]]
    assert len(families) == 2
    assert sum(1 for i in data["info"].values() if i["category"] == "Model") == len(models)
    assert f'>{len(models)}</span>' in html.split('data-category="Model"')[1]
    assert "of which 2 model families that no paper names" in html
    assert "Filtered out" not in html
    # a family passes --min-papers by its variants' papers
    sel = select(g, min_papers=2)
    assert "entity:llama-2" in sel.graph and "entity:qwen" not in sel.graph
    assert sel.families["Model"] == 1


@pytest.mark.parametrize("min_papers", [1, 3])
def test_paper_count_box_shows_the_value_asked_for(min_papers):
    html = render_html(two_topics(), min_papers=min_papers)
    box = re.search(r'<input id="kg-min-papers"[^>]*>', html).group(0)
    assert f'value="{min_papers}"' in box and f'min="{min_papers}"' in box
    assert page_data(html)["minPapers"] == min_papers


def test_grouped_page_is_byte_identical_whatever_the_insertion_order(tmp_path):
    g = synthetic_graph(1000, seed=9)
    h = nx.MultiDiGraph()
    h.graph.update(g.graph)
    h.add_nodes_from(reversed(list(g.nodes(data=True))))
    h.add_edges_from(reversed(list(g.edges(keys=True, data=True))))
    write_html(g, tmp_path / "a.html")
    write_html(h, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert len(page_data((tmp_path / "a.html").read_text())["groups"]) >= 3
