"""CSV and TSV with a header row, streamed with the standard ``csv`` module.

Column names match case-insensitively (``Title``, `` ABSTRACT ``). A file without a
``title`` or ``abstract`` column is refused as a whole: every row would fail the same way,
and one clear message beats thousands. Empty cells count as absent.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import iter_lines
from kg.ingest.fields import ALIASES

#: Largest single cell; above csv's 128 KiB default so that an oversized abstract is
#: truncated with a warning rather than failing the row.
MAX_FIELD_CHARS = 64 * 1024 * 1024


def read_csv(ctx: FileContext) -> Iterator[Record]:
    yield from _read(ctx, ",")


def read_tsv(ctx: FileContext) -> Iterator[Record]:
    yield from _read(ctx, "\t")


def _read(ctx: FileContext, delimiter: str) -> Iterator[Record]:
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    lines = (text for _, text in iter_lines(ctx, keepends=True))
    rows = csv.reader(lines, delimiter=delimiter)
    header = _header(ctx, rows, delimiter)
    last = rows.line_num
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.skip(f"bad {_name(delimiter)} row ({exc})", line=last + 1)
            last = rows.line_num
            continue
        start, last = last + 1, rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            ctx.skip(f"{len(row)} fields, the header has {len(header)}", line=start)
            continue
        yield Record({k: v for k, v in zip(header, row, strict=True) if v.strip()}, line=start)


def _header(ctx: FileContext, rows: Iterator[list[str]], delimiter: str) -> list[str]:
    for row in rows:
        if any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    else:
        raise ctx.fail(f"no header row (a {_name(delimiter)} file needs one, with title and "
                       "abstract columns)")
    lowered = {h.lower() for h in header}
    missing = [c for c in ("title", "abstract")
               if c not in lowered and not lowered & {a for a, f in ALIASES.items() if f == c}]
    if missing:
        shown = delimiter.join(header)[:120]
        raise ctx.fail(f"no {' or '.join(repr(c) for c in missing)} column in the header "
                       f"row ({shown!r}); columns are matched case-insensitively")
    return header


def _name(delimiter: str) -> str:
    return "TSV" if delimiter == "\t" else "CSV"
