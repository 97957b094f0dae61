"""What went wrong while reading inputs, said with file and line so a user can fix it.

Readers never raise on a bad record: they hand a :class:`Problem` to the report and go on,
because one broken line in a 100k-paper dump should not cost the other 99,999. Only
``strict=True`` turns the first skipped record into an :class:`InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class InputError(ValueError):
    """An input that cannot be read (or, with ``strict``, the first bad record).

    The message always names the file and, where known, the line or record.
    """

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Problem:
    """One bad record or file. ``line`` is 1-based; ``record`` numbers records when the
    format has no useful line (Atom entries), and both are ``None`` for file-level problems."""

    source: str
    line: int | None
    message: str
    record: int | None = None

    @property
    def location(self) -> str:
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.record is not None:
            return f"{self.source}:record {self.record}"
        return self.source

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "record": self.record,
                "message": self.message}


@dataclass
class FileStats:
    """Per-input summary, so a report shows which file was the empty or broken one."""

    source: str
    format: str | None
    read: int = 0
    skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "format": self.format, "read": self.read,
                "skipped": self.skipped}


@dataclass
class IngestReport:
    """Counts and messages of one :func:`kg.ingest.read_papers` run.

    ``read`` counts valid records (before de-duplication); the papers yielded are
    ``read - duplicates``. ``skipped`` holds bad records and unreadable files, ``warnings``
    records that were kept but changed (truncated, re-decoded, merged with different content).
    """

    read: int = 0
    skipped: list[Problem] = field(default_factory=list)
    duplicates: int = 0
    warnings: list[Problem] = field(default_factory=list)
    truncated: int = 0
    files: list[FileStats] = field(default_factory=list)

    @property
    def papers(self) -> int:
        """Distinct papers yielded."""
        return self.read - self.duplicates

    def summary(self) -> str:
        """One line for a person; says plainly when nothing could be read."""
        names = ", ".join(f.source for f in self.files) or "no input"
        if self.read == 0:
            return f"no valid paper in {names} ({len(self.skipped)} problem(s))"
        parts = [f"{self.papers} papers from {len(self.files)} file(s)"]
        for n, what in ((len(self.skipped), "skipped"), (self.duplicates, "duplicates merged"),
                        (self.truncated, "abstracts truncated"),
                        (len(self.warnings), "warnings")):
            if n:
                parts.append(f"{n} {what}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "papers": self.papers,
            "skipped": len(self.skipped),
            "duplicates": self.duplicates,
            "warnings": len(self.warnings),
            "truncated": self.truncated,
            "skipped_messages": [str(p) for p in self.skipped],
            "warning_messages": [str(p) for p in self.warnings],
            "files": [f.to_json() for f in self.files],
        }
