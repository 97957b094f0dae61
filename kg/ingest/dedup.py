"""One paper per real paper: duplicates across and within inputs are merged once.

Two records are the same paper when they share the id, the arXiv id, the DOI or the
normalised title (``kg.util.normalize.norm_name``). The first copy wins; the later copy only
fills what the first lacks (authors, date, links, metadata keys), so reading a BibTeX file
after a JSONL file adds DOIs without changing ids. A later copy with another title is a
different paper under a colliding id: it is dropped with a warning and fills nothing.
Merging needs the later copies, which is why :func:`kg.ingest.read_papers` yields papers
after all inputs are read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from kg.records import Paper
from kg.util.normalize import norm_name

_OPTIONAL = ("authors", "date", "url", "arxiv_id", "doi")


def _keys(p: Paper) -> list[tuple[str, str]]:
    keys = [("id", p.id)]
    if p.arxiv_id:
        keys.append(("arXiv id", p.arxiv_id))
    if p.doi:
        keys.append(("DOI", p.doi))
    if title := norm_name(p.title):
        keys.append(("title", title))
    return keys


class Deduplicator:
    """Collects papers in first-seen order, merging duplicates as they arrive."""

    def __init__(self) -> None:
        self._papers: dict[str, Paper] = {}
        self._owner: dict[tuple[str, str], str] = {}
        self.duplicates = 0

    def add(self, paper: Paper, warn: Callable[[str], None]) -> bool:
        """Keep ``paper`` (True) or merge it into the copy seen first (False, and ``warn``
        when the two disagree on title or abstract)."""
        keys = _keys(paper)
        match = next(((kind, value) for kind, value in keys if (kind, value) in self._owner),
                     None)
        if match is None:
            self._papers[paper.id] = paper
            self._own(keys, paper.id)
            return True
        first_id = self._owner[match]
        first = self._papers[first_id]
        self.duplicates += 1
        differs = [name for name, a, b in (
            ("title", norm_name(first.title), norm_name(paper.title)),
            ("abstract", first.abstract, paper.abstract)) if a != b]
        if differs:
            kind, value = match
            warn(f"duplicate {kind} {value!r} with a different {' and '.join(differs)} than "
                 f"{first.source or first.id}; kept that first copy")
        if "title" not in differs:
            self._papers[first_id] = merged = _fill(first, paper)
            self._own(_keys(merged) + keys, first_id)
        return False

    def _own(self, keys: list[tuple[str, str]], pid: str) -> None:
        for key in keys:
            self._owner.setdefault(key, pid)

    def papers(self) -> list[Paper]:
        return list(self._papers.values())


def _fill(first: Paper, later: Paper) -> Paper:
    """``first`` with its empty optional fields and missing metadata keys from ``later``."""
    changes = {name: getattr(later, name) for name in _OPTIONAL
               if not getattr(first, name) and getattr(later, name)}
    extra = {k: v for k, v in later.metadata.items() if k not in first.metadata}
    if extra:
        changes["metadata"] = {**first.metadata, **extra}
    return dataclasses.replace(first, **changes) if changes else first
