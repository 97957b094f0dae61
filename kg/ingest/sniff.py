"""Which reader a file needs: by extension first, then by its first bytes.

An explicit format name always wins (``read_papers(format=...)``). ``.json`` is the one
ambiguous extension: its content tells a JSON array, an HF API response and JSON Lines
apart. Files without a known extension are recognised by content alone.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from pathlib import Path

from kg.ingest.encoding import HEAD_BYTES, binary_kind, is_blank, read_head
from kg.ingest.errors import InputError, Problem
from kg.ingest.readers.daily import is_page_header, looks_like_abstract
from kg.ingest.readers.jsonl import DECODER

#: Input format names, as accepted by ``read_papers(format=...)`` and ``kg --format``.
FORMATS: tuple[str, ...] = ("daily", "jsonl", "json", "hf-api", "csv", "tsv", "atom", "bibtex")
#: Other names users type for them.
FORMAT_ALIASES = {"ndjson": "jsonl", "jsonlines": "jsonl", "json-lines": "jsonl",
                  "hf": "hf-api", "hf_api": "hf-api", "hfapi": "hf-api", "bib": "bibtex",
                  "xml": "atom", "arxiv": "atom", "txt": "daily", "text": "daily"}
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
              ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xml": "atom", ".atom": "atom",
              ".bib": "bibtex", ".bibtex": "bibtex", ".txt": "daily"}
_JSON_FAMILY = {"json", "hf-api", "jsonl"}
_HF_LISTING = re.compile(r'"paper"\s*:\s*\{')
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.M)


def format_name(name: str) -> str:
    """Canonical format name for ``name`` (case and common aliases forgiven)."""
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise InputError(f"unknown input format {name!r}; choose one of {', '.join(FORMATS)}")
    return key


def detect_format(path: str | Path) -> str:
    """The format of ``path``; raises :class:`InputError` for a binary, empty or
    unrecognisable file (the message says which and how to override)."""
    path = Path(path)
    head = read_head(path)
    if what := binary_kind(head):
        raise _error(path, f"binary file ({what}), not paper text")
    by_ext = EXTENSIONS.get(path.suffix.lower())
    if by_ext and by_ext != "json":
        return by_ext
    if is_blank(head, path.stat().st_size):
        if by_ext:
            return by_ext
        raise _error(path, "empty file")
    sniffed = sniff(head)
    if by_ext == "json":
        return sniffed if sniffed in _JSON_FAMILY else "json"
    if sniffed is None:
        raise _error(path, "cannot tell the input format from the extension or the content; "
                     f"give it explicitly (one of {', '.join(FORMATS)})")
    return sniffed


def _error(path: Path, message: str) -> InputError:
    problem = Problem(str(path), None, message)
    return InputError(str(problem), problem)


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a text file look like, or ``None``."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
    text = text.lstrip()
    if text.startswith("<"):
        return "atom" if "<feed" in text or text.startswith("<?xml") else None
    if text.startswith("["):
        return "hf-api" if _HF_LISTING.search(text) else "json"
    if text.startswith("{"):
        return _object_or_lines(text, complete=len(head) < HEAD_BYTES)
    if _BIBTEX_ENTRY.search(text):
        return "bibtex"
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    return (_delimited(lines[0]) or _daily(lines)) if lines else None


def _object_or_lines(text: str, complete: bool) -> str:
    """JSON Lines when the first line is a whole object, else one (pretty-printed) object.
    A first line longer than the head is taken to be a JSON line."""
    first, newline, _ = text.partition("\n")
    if not newline and not complete:
        return "jsonl"
    try:
        return "jsonl" if isinstance(DECODER.decode(first), dict) else "json"
    except json.JSONDecodeError:
        return "json"


def _delimited(first: str) -> str | None:
    for delimiter, name in (("\t", "tsv"), (",", "csv")):
        if delimiter in first:
            header = {c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter))}
            if "title" in header:
                return name
    return None


def _daily(lines: list[str]) -> str | None:
    window = lines[:20]
    if any(map(is_page_header, window[:8])) or any(
            looks_like_abstract(s) for s in window[1:]):
        return "daily"
    return None
