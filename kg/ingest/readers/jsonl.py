"""JSON Lines: one JSON object per line, streamed; a bad line costs only that record.

Raw control characters inside strings are accepted (``strict=False``) rather than failing
the record: they are removed with the rest of the cleaning at ingest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import iter_lines

DECODER = json.JSONDecoder(strict=False)


def read_jsonl(ctx: FileContext) -> Iterator[Record]:
    for n, line in iter_lines(ctx):
        if not line.strip():
            continue
        try:
            value = DECODER.decode(line)
        except json.JSONDecodeError as exc:
            ctx.skip(f"invalid JSON: {exc.msg}: column {exc.colno}", line=n)
            continue
        if not isinstance(value, dict):
            ctx.skip(f"not a JSON object (a {json_type(value)})", line=n)
            continue
        yield Record(value, line=n)


def json_type(value: object) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean",
            type(None): "null"}.get(type(value), type(value).__name__)
