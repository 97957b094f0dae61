"""The page's data: vis-network nodes and edges plus per-node details, safely encoded.

Everything here is untrusted text (titles, abstracts, names). It only ever reaches the
page as JSON inside a ``<script type="application/json">`` block, which the page's script
turns into DOM text nodes (``textContent``), never into HTML. :func:`script_json` makes the
block impossible to close early, and :func:`safe_link` lets only http(s) URLs become links.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import networkx as nx

from kg.view import style
from kg.view.select import Selection, category, is_family, paper_count

MAX_ALIASES = 12
MAX_EVIDENCE = 3
MAX_RESULTS = 6
MAX_AUTHORS = 6
LABEL_CHARS = 40
SENTENCE_CHARS = 300
ABSTRACT_CHARS = 600

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
    0x2028: "\\u2028", 0x2029: "\\u2029",
}


def script_json(value: Any) -> str:
    """Deterministic JSON that can sit inside ``<script>``: ``</script>``, ``<!--`` and the
    JavaScript line terminators U+2028/2029 cannot appear in it (they only ever occur
    inside JSON strings, where the ``\\uXXXX`` form means the same)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # str.replace per character: the same result as str.translate(_SCRIPT_ESCAPES), but
    # C-speed on the view's multi-megabyte JSON (translate with a dict runs per character).
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def safe_link(url: Any) -> str | None:
    """``url`` if it is an absolute http(s) URL without spaces or control characters."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def paper_link(attrs: dict) -> str | None:
    """The graph's ``link``, else the same fallback :mod:`kg.graph.property_graph` uses;
    http(s) only."""
    for candidate in (
        attrs.get("link"),
        attrs.get("url"),
        f"https://arxiv.org/abs/{attrs['arxiv_id']}" if attrs.get("arxiv_id") else None,
        f"https://doi.org/{attrs['doi']}" if attrs.get("doi") else None,
    ):
        link = safe_link(candidate)
        if link:
            return link
    return None


def clip(text: Any, limit: int) -> str:
    """Whitespace collapsed, cut at ``limit`` characters with an ellipsis."""
    s = " ".join(str(text or "").split())  # re.sub(r"\s+", " ", ...).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _as_list(value: Any) -> list:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.startswith("["):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return [value]
        return decoded if isinstance(decoded, list) else [value]
    return [] if value in (None, "") else [value]


def _result_text(attrs: dict) -> str:
    value = str(attrs.get("value", ""))
    text = f"{attrs.get('entity') or '?'}: {value}"
    if attrs.get("metric") and not value.casefold().endswith(attrs["metric"].casefold()):
        text += f" {attrs['metric']}"  # a cost's value has its unit: "52.0 FPS", not "… FPS FPS"
    if attrs.get("dataset"):
        text += f" on {attrs['dataset']}"
    return clip(text, 160)


def _edges_touching(g: nx.MultiDiGraph, keep: set[str]) -> Iterator[tuple[str, str, str, dict]]:
    """Every edge with an end in ``keep``, once (a drawn selection is a few thousand nodes
    of a graph that may have hundreds of thousands of edges). Order: by node, as the
    graph stores them; callers sort what they keep."""
    succ, pred = g._succ, g._pred  # noqa: SLF001 - adjacency dicts, read only
    for u in keep:
        for v, keyed in succ[u].items():
            for key, d in keyed.items():
                yield u, v, key, d
        for w, keyed in pred[u].items():
            if w not in keep:  # edges between two kept nodes came as out-edges above
                for key, d in keyed.items():
                    yield w, u, key, d


def _evidence_and_results(g: nx.MultiDiGraph, keep: set[str]) -> tuple[dict, dict]:
    """Evidence sentences per drawn entity, result summaries per drawn paper/entity."""
    evidence: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    results: dict[str, list[str]] = defaultdict(list)
    for u, v, key, d in _edges_touching(g, keep):
        if key in ("reports", "result_for"):
            r, owner = (v, u) if key == "reports" else (u, v)
            if owner in keep:
                results[owner].append(_result_text(g.nodes[r]))
            continue
        for end in (u, v):
            if end in keep and g.nodes[end].get("kind") == "entity":
                for ev in _as_list(d.get("evidence")):
                    if isinstance(ev, dict) and ev.get("sentence"):
                        conf = float(ev.get("confidence") or 0.0)
                        evidence[end].append((-conf, str(ev.get("paper", "")), ev["sentence"]))
    picked: dict[str, list[str]] = {}
    for node, items in evidence.items():
        seen: list[str] = []
        for _, _, sentence in sorted(items):
            s = clip(sentence, SENTENCE_CHARS)
            if s not in seen:
                seen.append(s)
            if len(seen) == MAX_EVIDENCE:
                break
        picked[node] = seen
    return picked, {n: sorted(set(r))[:MAX_RESULTS] for n, r in results.items()}


def node_info(g: nx.MultiDiGraph, sel: Selection) -> dict[str, dict]:
    """What the tooltip and the details panel show for every drawn node."""
    keep = set(sel.graph.nodes)
    evidence, results = _evidence_and_results(g, keep)
    out: dict[str, dict] = {}
    for n in sorted(keep):
        a = g.nodes[n]
        cat = category(a)
        item: dict[str, Any] = {"category": cat}
        if cat == "paper":
            item["name"] = clip(a.get("title") or a.get("label") or n, 500)
            authors = [str(x) for x in _as_list(a.get("authors"))]
            if authors:
                extra = ["et al."] if len(authors) > MAX_AUTHORS else []
                item["authors"] = authors[:MAX_AUTHORS] + extra
            if a.get("date"):
                item["date"] = str(a["date"])
            if a.get("abstract"):
                item["abstract"] = clip(a["abstract"], ABSTRACT_CHARS)
            link = paper_link(a)
            if link:
                item["link"] = link
        elif cat == "code":
            item["name"] = clip(a.get("url") or a.get("label") or n, 300)
            link = safe_link(a.get("url"))
            if link:
                item["link"] = link
        else:
            item["name"] = clip(a.get("name") or a.get("label") or n, 300)
            if a.get("label") and a.get("label") != a.get("name"):
                item["label"] = clip(a["label"], 300)
            aliases = [clip(x, 120) for x in _as_list(a.get("aliases"))]
            if aliases:
                item["aliases"] = aliases[:MAX_ALIASES]
            item["papers"] = paper_count(g, n)
            if is_family(a):
                item["family"] = True
            if evidence.get(n):
                item["evidence"] = evidence[n]
        if results.get(n):
            item["results"] = results[n]
        out[n] = item
    return out


def node_look(g: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """vis-network options for one node: label, shape, colour, size."""
    a = g.nodes[node]
    cat = category(a)
    look = style.look(cat)
    if cat == "paper":
        label, size = a.get("title") or a.get("label") or node, style.PAPER_SIZE
    elif cat == "code":
        label, size = a.get("host") or a.get("url") or node, style.CODE_SIZE
    else:
        label = a.get("label") or a.get("name") or node
        size = style.entity_size(paper_count(g, node))
    return {"label": clip(label, LABEL_CHARS) or node, "shape": look.shape, "color": look.color,
            "size": size}


def edge_items(g: nx.MultiDiGraph, sel: Selection) -> list[dict[str, Any]]:
    """One vis edge per drawn (from, to) pair; parallel relations share it."""
    drawn = sel.graph  # the selected links, undirected
    pairs: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
    for u in drawn:
        for v, keyed in g._succ[u].items():  # noqa: SLF001 - adjacency dict, read only
            if u != v and drawn.has_edge(u, v):
                pairs[(u, v)].extend((str(key), d) for key, d in keyed.items())
    items = []
    for i, (u, v) in enumerate(sorted(pairs)):
        rels = sorted(pairs[(u, v)], key=lambda kd: kd[0])
        names = [k for k, _ in rels]
        support = max(int(d.get("support") or 1) for _, d in rels)
        sentence = ""
        best = -1.0
        for _, d in rels:
            for ev in _as_list(d.get("evidence")):
                if isinstance(ev, dict) and ev.get("sentence"):
                    conf = float(ev.get("confidence") or 0.0)
                    if conf > best:
                        best, sentence = conf, ev["sentence"]
        items.append({
            "id": f"e{i}", "from": u, "to": v,
            "label": ", ".join(k.replace("_", " ") for k in names),
            "color": style.edge_color(names),
            "width": round(min(5.0, 1.0 + math.log2(support)), 2),
            "info": {"relations": names, "support": support,
                     **({"evidence": clip(sentence, SENTENCE_CHARS)} if sentence else {})},
        })
    return items
