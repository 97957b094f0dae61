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
from collections.abc import Iterable
from pathlib import Path

from kg.records import Extraction, Paper


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
        found: dict[str, Extraction] = {}
        items = list(keys)
        for i in range(0, len(items), 500):
            chunk = items[i: i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT key, record FROM extraction WHERE key IN ({marks})", chunk
            )
            for key, record in rows:
                found[keys[key]] = Extraction.from_json(json.loads(record))
        self.hits += len(found)
        self.misses += len(papers) - len(found)
        return found

    def put_many(self, pairs: Iterable[tuple[Paper, Extraction]]) -> None:
        rows = [
            (paper_key(p, self.version), json.dumps(e.to_json(), ensure_ascii=False))
            for p, e in pairs
        ]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?)", rows)

    def close(self) -> None:
        self.db.close()
