"""arXiv API responses (Atom XML), streamed with ``xml.etree.ElementTree.iterparse``.

Safety: a DOCTYPE (and so any ENTITY declaration, which can only live inside one) is
refused before parsing, which rules out entity-expansion ("billion laughs") and external
entity attacks without a new dependency; the arXiv API never sends a DOCTYPE. Expat
(2.4+) also limits entity amplification on its own.

arXiv reports query errors as a feed with one entry whose id is
``http://arxiv.org/api/errors#...`` and title ``Error``: that entry is a bad record.
Entries carry no line numbers through ``iterparse``, so locations are "record N" (the
entry's position in the feed).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import read_head
from kg.ingest.identity import normalize_arxiv_id
from kg.ingest.source import CorruptInput, open_input

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

_PROLOG_SKIP = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def check_prolog(head: bytes) -> str | None:
    """Why the XML prolog in ``head`` is refused (a DOCTYPE), or ``None``."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(codecs.BOM_UTF8)
    pos = 0
    while m := _PROLOG_SKIP.match(head, pos):
        pos = m.end()
    if head[pos:pos + 9].upper() == b"<!DOCTYPE" or head[pos:pos + 8].upper() == b"<!ENTITY":
        return "DOCTYPE/ENTITY declarations are refused (entity-expansion risk)"
    return None


def read_atom(ctx: FileContext) -> Iterator[Record]:
    if reason := check_prolog(read_head(ctx.path)):
        raise ctx.fail(reason)
    root: ET.Element | None = None
    n = 0
    with open_input(ctx.path) as fh:
        try:
            for event, elem in ET.iterparse(fh, events=("start", "end")):
                if root is None:
                    root = elem
                    if elem.tag != ATOM + "feed":
                        raise ctx.fail(f"not an Atom feed (root element <{_local(elem.tag)}>)")
                if event != "end" or elem.tag != ATOM + "entry":
                    continue
                n += 1
                record = _entry(ctx, elem, n)
                if record is not None:
                    yield record
                _forget(root, elem)
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            ctx.skip(f"XML error ({exc}); rest of file not read", line=line)
        except CorruptInput as exc:
            ctx.skip(f"{exc}; rest of file not read", record=n + 1)


def _forget(root: ET.Element, elem: ET.Element) -> None:
    """Drop a processed entry so memory stays flat however long the feed is."""
    elem.clear()
    if len(root) and root[-1] is elem:
        root.remove(elem)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text(elem: ET.Element, tag: str) -> str | None:
    found = elem.find(tag)
    return found.text.strip() if found is not None and found.text else None


def _entry(ctx: FileContext, e: ET.Element, n: int) -> Record | None:
    entry_id = _text(e, ATOM + "id") or ""
    title = _text(e, ATOM + "title")
    summary = _text(e, ATOM + "summary")
    if "/api/errors" in entry_id or (title == "Error" and not normalize_arxiv_id(entry_id)):
        ctx.skip(f"arXiv API error: {summary or entry_id or 'no message'}", record=n)
        return None
    meta: dict[str, Any] = {}
    fields: dict[str, Any] = {
        "title": title,
        "abstract": summary,
        "date": _text(e, ATOM + "published"),
        "authors": [a.findtext(ATOM + "name") or "" for a in e.findall(ATOM + "author")],
        "doi": _text(e, ARXIV + "doi"),
        "metadata": meta,
    }
    fields["arxiv_id" if normalize_arxiv_id(entry_id) else "id"] = entry_id or None
    for link in e.findall(ATOM + "link"):
        href, kind = link.get("href"), link.get("title")
        if kind == "doi":
            fields["doi"] = fields["doi"] or href
        elif kind == "pdf":
            meta["pdf_url"] = href
        elif link.get("rel", "alternate") == "alternate":
            fields.setdefault("url", href)
    for key, tag in (("updated", ATOM + "updated"), ("comment", ARXIV + "comment"),
                     ("journal_ref", ARXIV + "journal_ref")):
        if value := _text(e, tag):
            meta[key] = value
    if (primary := e.find(ARXIV + "primary_category")) is not None:
        meta["primary_category"] = primary.get("term")
    if categories := [c.get("term") for c in e.findall(ATOM + "category") if c.get("term")]:
        meta["categories"] = categories
    return Record(fields, record=n)
