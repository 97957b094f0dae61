"""Property tests: any text a paper can carry survives every export and stays inert.

Arbitrary Unicode goes through ingest's cleaning (as every paper does), into titles,
abstracts and entity names, then out through Turtle, N-Triples, JSON-LD and GraphML and
back in through rdflib and pyoxigraph: the strings must come back identical. The HTML
view must embed them without ever letting them become markup.
"""

from __future__ import annotations

import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph
import rdflib
from helpers import ent, extraction, paper
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.export.graphml import write_graphml
from kg.export.html import render_html
from kg.export.rdf_files import write_rdf
from kg.graph.property_graph import build_graph
from kg.ingest.text import clean_abstract, clean_title
from kg.load import load

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: Every code point but surrogates (not Unicode scalar values: ingest removes them).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
hostile = st.sampled_from([
    "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "a<>\"{}|\\^`b",
    "name with spaces", "\u2028line\u2029sep", "$\\pi$ & \"quotes\"", "javascript:alert(1)",
    "\\u003c/script>", "]]><!--", "' OR 1=1 --",
])
texts = st.one_of(any_text, hostile, st.builds(lambda a, b: a + b, hostile, any_text))


def _graph(title: str, abstract: str, name: str):
    papers = [paper("p1", title, abstract)]
    exts = [extraction("p1", [ent(name, "Method", "proposes", field="title")])]
    return build_graph(papers, exts)


def _literals_rdflib(path: Path, fmt: str) -> set[str]:
    g = rdflib.Graph()
    g.parse(path, format=fmt)
    return {str(o) for o in g.objects() if isinstance(o, rdflib.Literal)}


def _literals_oxigraph(path: Path, fmt: pyoxigraph.RdfFormat) -> set[str]:
    return {t.object.value for t in pyoxigraph.parse(path=str(path), format=fmt)
            if isinstance(t.object, pyoxigraph.Literal)}


def _cleaned(draw_title: str, draw_abstract: str, draw_name: str) -> tuple[str, str, str]:
    title = clean_title(draw_title) or "t"
    abstract = clean_abstract(draw_abstract) or "a"
    name = clean_title(draw_name) or "n"
    return title, abstract, name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts)
def test_any_text_survives_every_rdf_export(t, a, n):
    title, abstract, name = _cleaned(t, a, n)
    g = _graph(title, abstract, name)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_rdf(g, out)
        for fname, rl_fmt, ox_fmt in (
            ("graph.ttl", "turtle", pyoxigraph.RdfFormat.TURTLE),
            ("graph.nt", "nt", pyoxigraph.RdfFormat.N_TRIPLES),
            ("graph.jsonld", "json-ld", pyoxigraph.RdfFormat.JSON_LD),
        ):
            for literals in (_literals_rdflib(out / fname, rl_fmt),
                             _literals_oxigraph(out / fname, ox_fmt)):
                assert {title, abstract, name} <= literals, fname


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts)
def test_any_text_survives_graphml(t, a, n):
    title, abstract, name = _cleaned(t, a, n)
    g = _graph(title, abstract, name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.graphml"
        write_graphml(g, path)
        h = load(path)
    assert h.nodes["paper:p1"]["title"] == title
    assert h.nodes["paper:p1"]["abstract"] == abstract
    (entity,) = [n for n, d in h.nodes(data=True) if d["kind"] == "entity"]
    # The name as written survives: as the node's name, or (when the resolver shows it
    # without markup, kg.util.normalize.display_name) among its aliases.
    assert name == h.nodes[entity]["name"] or name in h.nodes[entity]["aliases"]
    assert dict(h.nodes(data=True)) == dict(g.nodes(data=True))


class _Tags(HTMLParser):
    """Start tags of a page as a browser's tokenizer sees them (script bodies are raw text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _tags(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


BENIGN = _tags(render_html(_graph("Plain title", "Plain abstract.", "PPO")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts, texts)
def test_view_keeps_any_text_inert(t, a, n):
    title, abstract, name = _cleaned(t, a, n)
    page = _tags(render_html(_graph(title, abstract, name)))
    # The same elements as a page of harmless text: no text added a tag or a handler.
    assert [tag for tag, _ in page.tags] == [tag for tag, _ in BENIGN.tags]
    for _, attrs in page.tags:
        assert not any(key.startswith("on") for key, _ in attrs)
    # The untrusted strings reach the page only as JSON data that decodes back to them.
    decoded = "\n".join(_decode_json_strings(body) for body in page.scripts)
    assert title in decoded and name in decoded


def _decode_json_strings(body: str) -> str:
    """All JSON string literals in a script body, decoded and joined."""
    out = []
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"', body):
        try:
            out.append(json.loads(m.group(0)))
        except json.JSONDecodeError:
            continue
    return "\n".join(out)
