"""The handle a reader gets for one file: where it is, and where its problems go.

Readers only parse syntax and yield :class:`Record` s; they report through the context so
that every message carries the same file name and ``strict`` is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.ingest.errors import FileStats, IngestReport, InputError, Problem


@dataclass
class Record:
    """Raw fields of one paper as the format spells them, plus where it was found."""

    fields: dict[str, Any]
    line: int | None = None
    record: int | None = None


@dataclass
class FileContext:
    path: Path
    name: str
    report: IngestReport
    strict: bool = False
    #: Overrides each whole-file reader's own limit when set.
    max_file_bytes: int | None = None
    stats: FileStats = field(init=False)

    def __post_init__(self) -> None:
        self.stats = FileStats(self.name, None)

    def location(self, line: int | None = None, record: int | None = None) -> str:
        return Problem(self.name, line, "", record).location

    def skip(self, message: str, line: int | None = None, record: int | None = None) -> None:
        """A record (or, without line and record, the whole file) could not be used."""
        problem = Problem(self.name, line, message, record)
        if self.strict:
            raise InputError(str(problem), problem)
        self.report.skipped.append(problem)
        self.stats.skipped += 1

    def warn(self, message: str, line: int | None = None, record: int | None = None) -> None:
        """Something was kept but changed or is suspicious; never fatal."""
        self.report.warnings.append(Problem(self.name, line, message, record))

    def fail(self, message: str) -> InputError:
        """A file-level error for a reader to raise; the caller reports it as skipped."""
        return InputError(f"{self.name}: {message}", Problem(self.name, None, message))

    def limit(self, default: int) -> int:
        return self.max_file_bytes if self.max_file_bytes is not None else default
