"""CSV and TSV with a header row, streamed with the standard ``csv`` module.

Column names match case-insensitively (``Title``, `` ABSTRACT ``). A file without a
``title`` or ``abstract`` column is refused as a whole: every row would fail the same way,
and one clear message beats thousands. Empty cells count as absent.

The delimiter is the one that splits the header row into the ``title`` and ``abstract``
columns (``,`` ``;`` tab ``|``; the reader's own first when several do): spreadsheet
software writes ``;`` in many locales. This is surer than ``csv.Sniffer``, which guesses
from character counts and is misled by the commas of quoted abstracts.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import iter_lines
from kg.ingest.fields import ALIASES

#: Largest single cell; above csv's 128 KiB default so that an oversized abstract is
#: truncated with a warning rather than failing the row.
MAX_FIELD_CHARS = 64 * 1024 * 1024
#: Delimiters a header row is tried with, after the reader's own.
DELIMITERS = (",", ";", "\t", "|")
_REQUIRED = ("title", "abstract")


def read_csv(ctx: FileContext) -> Iterator[Record]:
    yield from _read(ctx, ",")


def read_tsv(ctx: FileContext) -> Iterator[Record]:
    yield from _read(ctx, "\t")


def header_delimiter(line: str, default: str = ",") -> tuple[str, tuple[str, ...]]:
    """The delimiter of the header row ``line``, and which of title and abstract it names
    (``default`` when none finds either)."""
    best: tuple[str, tuple[str, ...]] = (default, ())
    for delimiter in dict.fromkeys((default, *DELIMITERS)):
        if delimiter not in line:
            continue
        found = _required_columns(next(csv.reader([line], delimiter=delimiter)))
        if len(found) > len(best[1]):
            best = (delimiter, found)
    return best


def _required_columns(header: list[str]) -> tuple[str, ...]:
    lowered = {h.strip().lower() for h in header}
    return tuple(c for c in _REQUIRED
                 if c in lowered or lowered & {a for a, f in ALIASES.items() if f == c})


def _read(ctx: FileContext, default: str) -> Iterator[Record]:
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    lines = (text for _, text in iter_lines(ctx, keepends=True))
    seen: list[str] = []
    for text in lines:
        seen.append(text)
        if text.strip():
            break
    delimiter, _ = header_delimiter(seen[-1] if seen else "", default)
    rows = csv.reader(itertools.chain(seen, lines), delimiter=delimiter)
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
    found = _required_columns(header)
    if missing := [c for c in _REQUIRED if c not in found]:
        shown = delimiter.join(header)[:120]
        raise ctx.fail(f"no {' or '.join(repr(c) for c in missing)} column in the header "
                       f"row ({shown!r}); columns are matched case-insensitively")
    return header


def _name(delimiter: str) -> str:
    return "TSV" if delimiter == "\t" else "CSV"
