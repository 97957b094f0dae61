"""``read_papers``: every input file through its reader, into clean, unique ``Paper`` s.

The order of work per file: refuse what is not text (missing, directory, binary, empty;
compressed files are judged by their decompressed content), pick the reader (content, with
the extension breaking ties, or an explicit format: see ``sniff``), then per record:
validate and clean (``identity.build_paper``), merge duplicates (``dedup``). Problems go
to the :class:`IngestReport`; only ``strict`` makes them exceptions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest.context import FileContext, Record
from kg.ingest.dedup import Deduplicator
from kg.ingest.encoding import peek
from kg.ingest.errors import IngestReport, InputError, Problem
from kg.ingest.fields import InvalidRecord
from kg.ingest.identity import build_paper
from kg.ingest.readers import READERS
from kg.ingest.sniff import Choice, choose_format, format_name
from kg.ingest.source import CorruptInput
from kg.ingest.text import MAX_ABSTRACT_CHARS
from kg.records import Paper

PathLike = str | os.PathLike[str]


def read_papers(
    paths: PathLike | Iterable[PathLike],
    format: str | None = None,
    strict: bool = False,
    report: IngestReport | None = None,
    max_abstract_chars: int | None = MAX_ABSTRACT_CHARS,
    *,
    max_file_bytes: int | None = None,
) -> Iterator[Paper]:
    """Yield the distinct papers of ``paths`` in first-seen order.

    ``format`` forces one reader for every file (see ``FORMATS``). Bad records and
    unreadable files are skipped and recorded in ``report`` (pass one in to see them);
    with ``strict`` the first one raises :class:`InputError` instead. Abstracts longer
    than ``max_abstract_chars`` (``None``: no limit) are truncated with a warning.
    ``max_file_bytes`` overrides the size limit of formats read whole (JSON, BibTeX).

    Files are streamed, but papers are yielded once all inputs are read, because a later
    duplicate may fill fields of an earlier copy. A file without any valid paper is not
    an error here: ``report.read == 0`` and ``report.summary()`` say so; callers decide.
    """
    report = report if report is not None else IngestReport()
    forced = format_name(format) if format else None
    dedup = Deduplicator()
    for path in _as_list(paths):
        ctx = FileContext(Path(path), str(path), report, strict, max_file_bytes)
        report.files.append(ctx.stats)
        _read_file(ctx, forced, dedup, max_abstract_chars)
    report.duplicates += dedup.duplicates
    yield from dedup.papers()


def _as_list(paths: PathLike | Iterable[PathLike]) -> list[PathLike]:
    return [paths] if isinstance(paths, str | os.PathLike) else list(paths)


def _read_file(ctx: FileContext, forced: str | None, dedup: Deduplicator,
               max_abstract_chars: int | None) -> None:
    choice: Choice | None = None
    try:
        choice = _choose_format(ctx, forced)
        ctx.stats.format = choice.format
        if choice.note:
            ctx.warn(choice.note)
        for record in READERS[choice.format](ctx):
            _add(ctx, record, dedup, max_abstract_chars)
    except InputError as exc:
        exc = _with_hint(exc, choice)
        if ctx.strict:
            raise exc from None
        # Only file-level errors get here when not strict: record skips do not raise.
        ctx.report.skipped.append(exc.problem or Problem(ctx.name, None, str(exc)))
        ctx.stats.skipped += 1
        return
    except CorruptInput as exc:  # readers catch it where they know the line; this is a net
        ctx.skip(f"{exc}; rest of file not read")
    except OSError as exc:
        ctx.skip(f"cannot read ({exc.strerror or exc})")
        return
    if ctx.stats.read == 0:
        ctx.warn(f"no valid paper in this file ({ctx.stats.skipped} record(s) skipped)")


def _choose_format(ctx: FileContext, forced: str | None) -> Choice:
    if ctx.path.is_dir():
        raise ctx.fail("is a directory, not an input file")
    head = peek(ctx.path)
    if head.damage and not head.data.strip():
        raise ctx.fail(head.damage)
    if what := head.binary():
        raise ctx.fail(f"binary file ({what}), not paper text")
    if head.blank:
        raise ctx.fail("empty file")
    return choose_format(ctx.path, head, forced, ctx.name)


def _with_hint(exc: InputError, choice: Choice | None) -> InputError:
    """A reader's file-level error, plus the format the content looks like when the
    extension or ``--format`` chose another (JSON Lines in a ``.csv``)."""
    hint = choice.hint() if choice else None
    if not hint or exc.problem is None or exc.problem.line is not None \
            or exc.problem.record is not None:
        return exc
    problem = Problem(exc.problem.source, None, f"{exc.problem.message}; {hint}")
    return InputError(str(problem), problem)


def _add(ctx: FileContext, record: Record, dedup: Deduplicator,
         max_abstract_chars: int | None) -> None:
    where = {"line": record.line, "record": record.record}
    try:
        built = build_paper(record.fields, ctx.location(**where), max_abstract_chars)
    except InvalidRecord as exc:
        ctx.skip(str(exc), **where)
        return
    for warning in built.warnings:
        ctx.warn(warning, **where)
    ctx.report.truncated += built.truncated
    ctx.report.read += 1
    ctx.stats.read += 1
    dedup.add(built.paper, lambda message: ctx.warn(message, **where))
