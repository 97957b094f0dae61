"""Extraction cache: adding papers to a build re-extracts only the new ones.

Keyed by the extractor version (kg version + pipeline config, :func:`extractor_version`)
and the paper's content (id, title, abstract), so a changed abstract or a retrained
pipeline misses the cache and an unchanged paper hits it. One SQLite file: atomic
commits, safe to interrupt, no server.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.records import Extraction, Paper

#: Keys per SQLite query (well under its 999 bound parameters).
_BATCH = 500


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kg"


def paper_key(paper: Paper, version: str) -> str:
    blob = json.dumps([version, paper.id, paper.title, paper.abstract], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ExtractionCache:
    """A persistent ``paper key → Extraction`` map."""

    def __init__(self, directory: str | Path, version: str) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(self.directory / "extractions.sqlite")
        self.db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, record TEXT)")
        self.hits = 0
        self.misses = 0

    def get_many(self, papers: list[Paper]) -> dict[str, Extraction]:
        """Cached extractions of ``papers`` by paper id."""
        keys = {paper_key(p, self.version): p.id for p in papers}
        found = {keys[key]: Extraction.from_json(json.loads(record))
                 for key, record in self._rows(list(keys), "key, record")}
        self.hits += len(found)
        self.misses += len(papers) - len(found)
        return found

    def present(self, papers: list[Paper]) -> set[str]:
        """Ids of the papers whose extraction is cached (counted as hits, the others as
        misses); nothing is decoded, so a large build can read the records as it goes."""
        keys = {paper_key(p, self.version): p.id for p in papers}
        found = {keys[key] for (key,) in self._rows(list(keys), "key")}
        self.hits += len(found)
        self.misses += len(papers) - len(found)
        return found

    def iter_many(self, papers: list[Paper]) -> Iterator[Extraction]:
        """The cached extractions of ``papers`` (all of them cached), in their order."""
        for i in range(0, len(papers), _BATCH):
            batch = papers[i: i + _BATCH]
            keys = [paper_key(p, self.version) for p in batch]
            records = dict(self._rows(keys, "key, record"))
            for p, key in zip(batch, keys, strict=True):
                if key not in records:
                    raise KeyError(f"extraction of paper {p.id!r} left the cache {self.directory}")
                yield Extraction.from_json(json.loads(records.pop(key)))

    def _rows(self, keys: list[str], columns: str) -> Iterator[tuple]:
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i: i + _BATCH]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(
                f"SELECT {columns} FROM extraction WHERE key IN ({marks})", chunk
            )

    def put_many(self, pairs: Iterable[tuple[Paper, Extraction]]) -> None:
        rows = [
            (paper_key(p, self.version), json.dumps(e.to_json(), ensure_ascii=False))
            for p, e in pairs
        ]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?)", rows)

    def close(self) -> None:
        self.db.close()
