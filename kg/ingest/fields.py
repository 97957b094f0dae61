"""From a record's raw fields to the ``Paper`` field names, whatever the format called them.

Readers hand over dicts as the input spells them (JSON objects, CSV rows) or already in
``Paper`` names (Atom, BibTeX, HF API). Matching is case-insensitive; a field that is not
a ``Paper`` field is kept verbatim in ``metadata`` so nothing the user had is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kg.ingest.text import clean_title

#: ``Paper`` fields a record may give (``title`` and ``abstract`` are required).
PAPER_FIELDS = ("id", "title", "abstract", "authors", "date", "url", "arxiv_id", "doi")
#: Other spellings accepted for a ``Paper`` field, used when the field itself is absent.
ALIASES = {"published": "date", "year": "date", "summary": "abstract"}

_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b)\s*")


class InvalidRecord(ValueError):
    """A record that cannot become a ``Paper``; the message says why, without location."""


def split_fields(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(paper fields, metadata)``. A ``metadata`` object in the input (as written by
    ``Paper.to_json``) is merged into the metadata rather than nested."""
    canon: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    aliased: dict[str, Any] = {}
    for key, value in raw.items():
        k = str(key).strip().lower()
        if k in PAPER_FIELDS and k not in canon:
            canon[k] = value
        elif k in ALIASES and ALIASES[k] not in aliased:
            aliased[ALIASES[k]] = (key, value)
        elif k == "metadata" and isinstance(value, dict):
            meta.update(value)
        else:
            meta[key] = value
    for name, (key, value) in aliased.items():
        if name in canon:
            meta[key] = value
        else:
            canon[name] = value
    return canon, meta


def as_text(value: Any, name: str) -> str | None:
    """Scalar field value as a string; ``None`` when absent. Lists and objects are refused."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRecord(f"{name} is not text (got {type(value).__name__})")
    return str(value)


def authors_of(value: Any) -> tuple[str, ...]:
    """Author names from a list of strings, a list of ``{"name": ...}`` or one string
    ("A; B", "A, B and C")."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = _AUTHOR_SPLIT.split(value)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise InvalidRecord(f"authors is not a list or text (got {type(value).__name__})")
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("fullname")
        if isinstance(item, str) and (name := clean_title(item)):
            names.append(name)
    return tuple(names)
