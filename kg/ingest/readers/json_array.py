"""A JSON array of paper objects (or one object), and the HF daily-papers API response.

JSON cannot be resumed after a syntax error, so these are read whole, under a size limit.
Elements are decoded one at a time with ``JSONDecoder.raw_decode`` so that every record
and every error still gets its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import read_text
from kg.ingest.readers.jsonl import DECODER, json_type

#: Largest JSON file read (it is parsed in memory, several times its size).
MAX_JSON_BYTES = 256 * 1024 * 1024

_WS = " \t\n\r"


def iter_json_values(ctx: FileContext, max_bytes: int = MAX_JSON_BYTES
                     ) -> Iterator[tuple[int, int, Any]]:
    """``(line, record number, value)`` for each element of the top-level array; a
    top-level object is one element."""
    text = read_text(ctx, ctx.limit(max_bytes))
    decoder = DECODER
    pos = _skip_ws(text, 0)
    if pos == len(text):
        return
    if text[pos] == "{":
        yield 1 + text.count("\n", 0, pos), 1, _decode_all(ctx, decoder, text, pos)
        return
    if text[pos] != "[":
        raise ctx.fail("not a JSON array or object (use --format to pick another reader)")
    line, counted = 1, 0
    pos, n = _skip_ws(text, pos + 1), 0
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        n += 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            ctx.skip(f"invalid JSON: {exc.msg}: column {exc.colno}; rest of file not read",
                     line=exc.lineno)
            return
        yield line, n, value
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            line += text.count("\n", counted, pos)
            ctx.skip("invalid JSON: expected ',' or ']'; rest of file not read",
                     line=line)
            return
    if pos >= len(text):
        ctx.skip("invalid JSON: the array is not closed (file truncated?)",
                 line=text.count("\n") + 1)


def _decode_all(ctx: FileContext, decoder: json.JSONDecoder, text: str, pos: int) -> Any:
    try:
        value, end = decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise ctx.fail(f"invalid JSON: {exc.msg}: line {exc.lineno} column {exc.colno}") from None
    if _skip_ws(text, end) != len(text):
        raise ctx.fail("extra data after the JSON object (JSON Lines? use --format jsonl)")
    return value


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def read_json(ctx: FileContext) -> Iterator[Record]:
    for line, n, value in iter_json_values(ctx):
        if isinstance(value, dict):
            yield Record(value, line=line, record=n)
        else:
            ctx.skip(f"record {n} is not a JSON object (a {json_type(value)})", line=line)
