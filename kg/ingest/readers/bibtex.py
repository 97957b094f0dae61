"""BibTeX via ``bibtexparser`` v2: entries become papers, failed blocks bad records.

The citation key is not used as the paper id: keys are local to one .bib file
("smith2024") and would keep the same paper from meeting its arXiv or JSON copy. It is
kept as ``metadata["bibtex_key"]``; the id comes from eprint, DOI or title as usual.
bibtexparser logs its own warning for every failed block; those are silenced here
because each one is reported with its line through the ingest report instead.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import bibtexparser
from bibtexparser.model import Block, Entry

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import read_text
from kg.ingest.latex import strip_latex

#: Largest .bib file read (parsed whole, in pure Python).
MAX_BIBTEX_BYTES = 64 * 1024 * 1024

_TEXT_FIELDS = {"title", "abstract"}


def read_bibtex(ctx: FileContext) -> Iterator[Record]:
    text = read_text(ctx, ctx.limit(MAX_BIBTEX_BYTES))
    with _quiet():
        try:
            library = bibtexparser.parse_string(text)
        except Exception as exc:  # the parser raises on its own internal errors only
            raise ctx.fail(f"BibTeX parser failed: {exc}") from None
    blocks: list[Block] = [*library.entries, *library.failed_blocks]
    for block in sorted(blocks, key=lambda b: b.start_line or 0):
        line = block.start_line + 1 if block.start_line is not None else None
        if isinstance(block, Entry):
            yield Record(_fields(block), line=line)
        else:
            ctx.skip(f"malformed BibTeX entry ({_reason(block)})", line=line)


def _reason(block: Block) -> str:
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "") or "unparseable"
    return " ".join(reason.split())


def _fields(entry: Entry) -> dict[str, Any]:
    raw = {f.key.lower(): f.value for f in entry.fields}
    meta: dict[str, Any] = {"bibtex_key": entry.key, "entry_type": entry.entry_type}
    out: dict[str, Any] = {"metadata": meta}
    for field in entry.fields:
        key, value = field.key.lower(), field.value
        if not isinstance(value, str):
            meta[field.key] = value
        elif key in _TEXT_FIELDS:
            out[key] = strip_latex(value)
        elif key == "author":
            out["authors"] = [_person(name) for name in split_names(value)]
        elif key in ("doi", "url"):
            out[key] = value.strip()
        elif key == "year":
            out["date"] = value.strip()
        elif key == "eprint" and raw.get("archiveprefix", "arXiv").lower() == "arxiv":
            out["arxiv_id"] = value.strip()
        else:
            meta[field.key] = value
    return out


def split_names(value: str) -> list[str]:
    """Split an author list on top-level "and" ("{Barnes and Noble}" is one name)."""
    names, depth, start = [], 0, 0
    for m in re.finditer(r"[{}]|\s+and\s+", value):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            names.append(value[start:m.start()])
            start = m.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _person(name: str) -> str:
    """"Last, First" and "Last, Jr, First" in reading order; LaTeX removed."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2:
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) >= 3:
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return strip_latex(name)


class _DropWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.WARNING


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("bibtexparser")
    loggers = [logger, *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict)
                         if n.startswith("bibtexparser."))]
    filt = _DropWarnings()
    for lg in loggers:
        lg.addFilter(filt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(filt)
