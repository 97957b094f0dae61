"""Extraction records kept on disk while a build runs, not in memory.

At 100k papers the records weigh ~1.6 GB as Python objects, more than the graph made
from them; but the later stages only ever read them one paper at a time (the resolver
once, the graph builder once, the ``extractions.jsonl`` export once). :class:`ExtractionStore`
appends each record, as its ``extractions.jsonl`` line, to a temporary file and reads
them back in the same order as often as asked; the file then *becomes* the export
(:meth:`ExtractionStore.move_to`), so a build never writes the records twice.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from kg.records import Extraction
from kg.util.atomic import atomic_write, make_readable


def extraction_line(ext: Extraction) -> str:
    """The ``extractions.jsonl`` line of one record (newline included)."""
    return json.dumps(ext.to_json(), ensure_ascii=False, sort_keys=False) + "\n"


class ExtractionStore:
    """An append-only, re-iterable sequence of extraction records in a temporary file.

    ``directory`` is where the file lives (the output's folder, so that :meth:`move_to`
    is a rename); the file is removed by :meth:`close` unless it was moved.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix=".kg-extractions-", suffix=".jsonl",
                                    dir=directory)
        self.path: Path | None = Path(name)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._count = 0

    def add(self, ext: Extraction) -> None:
        self._writer().write(extraction_line(ext))
        self._count += 1

    def extend(self, exts: Iterable[Extraction]) -> None:
        for ext in exts:
            self.add(ext)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Extraction]:
        """The records in the order they were added (each call reads the file again)."""
        path = self._readable()
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                yield Extraction.from_json(json.loads(line))

    def move_to(self, target: str | Path) -> None:
        """Make the file ``target`` (the ``extractions.jsonl`` export): renamed when on
        the same file system, else copied; the store is empty afterwards."""
        path = self._readable()
        target = Path(target)
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.replace(path, target)
        except OSError:  # another file system: copy, atomically
            with atomic_write(target, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
            path.unlink()
        make_readable(target)
        self.path = None
        self._count = 0

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None

    def __enter__(self) -> ExtractionStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _writer(self):
        if self._fh.closed:
            raise ValueError("extraction store already read back or moved: no more records")
        return self._fh

    def _readable(self) -> Path:
        if self.path is None:
            raise ValueError("extraction store closed or moved")
        if not self._fh.closed:
            self._fh.close()  # the records are complete once they are read
        return self.path
