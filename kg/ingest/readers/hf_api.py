"""The Hugging Face daily-papers API response (``/api/daily_papers``).

A JSON array of listings ``{"paper": {"id", "title", "summary", "authors": [{"name"}],
"publishedAt", ...}, "title", "publishedAt", "numComments", ...}``. ``paper.id`` is the
arXiv id. Other ``paper`` fields (upvotes, githubRepo, ...) go to ``metadata``; the
listing's own fields to ``metadata["listing"]``, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.ingest.context import FileContext, Record
from kg.ingest.readers.json_array import iter_json_values

_PAPER_KEYS = {"id", "title", "summary", "authors", "publishedAt"}


def read_hf_api(ctx: FileContext) -> Iterator[Record]:
    for line, n, item in iter_json_values(ctx):
        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict):
            ctx.skip(f"record {n} has no \"paper\" object (not an HF API listing)", line=line)
            continue
        yield Record(_fields(item, paper), line=line, record=n)


def _fields(item: dict[str, Any], paper: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in paper.items() if k not in _PAPER_KEYS}
    listing = {k: v for k, v in item.items() if k != "paper"}
    if listing:
        meta["listing"] = listing
    return {
        "arxiv_id": paper.get("id"),
        "title": paper.get("title") or item.get("title"),
        "abstract": paper.get("summary"),
        "authors": paper.get("authors"),
        "date": paper.get("publishedAt"),
        "metadata": meta,
    }

