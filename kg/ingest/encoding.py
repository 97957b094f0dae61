"""Bytes to text: BOMs, UTF-8 with a per-line Latin-1 fallback, binary detection.

The bytes come through ``kg.ingest.source`` (so compressed files read like plain ones);
damaged compressed data ends the file with a message at the line it broke.

Decision: a line that is not valid UTF-8 is decoded as Windows-1252 (Latin-1 for the five
bytes it leaves undefined) and the record is kept, with a warning naming the line. Such
files are nearly always one stray legacy-encoded record in an otherwise good file, and
reading it as Latin-1 gives the author's text back, where ``errors="replace"`` would lose
it. Only the bad lines are re-decoded, so the valid UTF-8 around them is untouched.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.ingest.context import FileContext
from kg.ingest.source import CorruptInput, file_compression, open_input
from kg.ingest.source import read_head as _read_head

#: How much of a file sniffing and binary detection look at.
HEAD_BYTES = 64 * 1024
#: Per file, decoding warnings beyond this many are counted in one closing warning.
MAX_DECODE_WARNINGS = 20

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    # Compressed files are read decompressed: these are only seen compressed twice.
    (b"\x1f\x8b", "gzip-compressed"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (extract it first)"),
    (b"(\xb5/\xfd", "zstd-compressed (decompress it first)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_CONTROLS = set(b"\t\n\r\f\v\x1b")


def read_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes of the (decompressed) content."""
    return _read_head(path, n)[0]


@dataclass(frozen=True)
class Head:
    """A file's first bytes, whether they are all of it, and its compression."""

    data: bytes
    whole: bool
    compression: str | None
    #: Why the compressed data cannot be read past ``data`` (damaged), or ``None``.
    damage: str | None = None

    @property
    def blank(self) -> bool:
        """An empty file or one of only whitespace (and a BOM)."""
        return self.whole and is_blank(self.data, len(self.data))

    def binary(self) -> str | None:
        """Why the content is not text, or ``None``; says when it came out of compression."""
        what = binary_kind(self.data)
        if what and self.compression:
            return f"{what}, inside {self.compression} compression"
        return what


def peek(path: Path, n: int = HEAD_BYTES) -> Head:
    """What sniffing needs of ``path``: its first ``n`` content bytes."""
    kind = file_compression(path)
    data, damage = _read_head(path, n)
    whole = not damage and (len(data) < n if kind else path.stat().st_size <= len(data))
    return Head(data, whole, kind, damage)


def binary_kind(head: bytes) -> str | None:
    """Why ``head`` is not text (e.g. "a PDF document"), or ``None`` for text."""
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return "UTF-32 text (save it as UTF-8)"
    if head.startswith(_UTF16_BOMS):
        return None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[257:262] == b"ustar":
        return "a tar archive (extract it first)"
    if b"\x00" in head:
        return "binary data"
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    return "binary data" if head and controls / len(head) > 0.1 else None


def is_blank(head: bytes, size: int) -> bool:
    """True for an empty file or one of only whitespace (and a BOM)."""
    return size <= len(head) and not head.removeprefix(codecs.BOM_UTF8).strip()


def decode_line(raw: bytes) -> tuple[str, str | None]:
    """``raw`` as text, and a warning when it was not valid UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        note = (f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                "read as Latin-1 (Windows-1252)")
    try:
        return raw.decode("cp1252"), note
    except UnicodeDecodeError:
        return raw.decode("latin-1"), note


class _Decoder:
    """Per-file decoding with a cap on how many lines are warned about one by one."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.bad = 0

    def __call__(self, raw: bytes, lineno: int) -> str:
        text, note = decode_line(raw)
        if note:
            self.bad += 1
            if self.bad <= MAX_DECODE_WARNINGS:
                self.ctx.warn(note, line=lineno)
        return text

    def close(self) -> None:
        if self.bad > MAX_DECODE_WARNINGS:
            self.ctx.warn(f"{self.bad - MAX_DECODE_WARNINGS} more lines were not valid UTF-8 "
                          "and were read as Latin-1 (Windows-1252)")


def iter_lines(ctx: FileContext, keepends: bool = False) -> Iterator[tuple[int, str]]:
    """Stream ``(line number, text)``; a UTF-8 BOM is dropped, UTF-16 (with BOM) works too.
    Compressed files are decompressed as they are read."""
    with open_input(ctx.path) as fh:
        if fh.peek(4)[:2] in _UTF16_BOMS:
            yield from _iter_utf16(ctx, fh, keepends)
            return
        decoder = _Decoder(ctx)
        lineno = 0
        try:
            for lineno, raw in enumerate(fh, 1):
                if lineno == 1:
                    raw = raw.removeprefix(codecs.BOM_UTF8)
                text = decoder(raw, lineno)
                yield lineno, text if keepends else text.rstrip("\r\n")
        except CorruptInput as exc:
            ctx.skip(f"{exc}; rest of file not read", line=lineno + 1)
        decoder.close()


def _iter_utf16(ctx: FileContext, fh: io.BufferedReader, keepends: bool
                ) -> Iterator[tuple[int, str]]:
    text = io.TextIOWrapper(fh, encoding="utf-16", newline="")
    lineno = 0
    try:
        for lineno, line in enumerate(text, 1):
            yield lineno, line if keepends else line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise ctx.fail(f"invalid UTF-16 text: {exc.reason}") from None
    except CorruptInput as exc:
        ctx.skip(f"{exc}; rest of file not read", line=lineno + 1)
    finally:
        text.detach()


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n >= 2**20 else f"{n:,} bytes"


def read_text(ctx: FileContext, max_bytes: int) -> str:
    """The whole file as text, for formats that cannot be streamed; refuses huge files
    (compressed ones by their decompressed size, found without unpacking past the limit)."""
    if file_compression(ctx.path) is None:
        size = ctx.path.stat().st_size
        if size > max_bytes:
            raise ctx.fail(f"file is {_size(size)}, above the {_size(max_bytes)} limit for this "
                           f"format {_WHOLE}")
        data = ctx.path.read_bytes()
    else:
        data = _read_compressed(ctx, max_bytes)
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ctx.fail(f"invalid UTF-16 text: {exc.reason}") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    decoder = _Decoder(ctx)
    text = "\n".join(decoder(raw, n) for n, raw in enumerate(data.split(b"\n"), 1))
    decoder.close()
    return text


_WHOLE = ("(which must be read whole); split it, convert it to JSON Lines, or raise the limit "
          "(max_file_bytes)")


def _read_compressed(ctx: FileContext, max_bytes: int) -> bytes:
    """Up to ``max_bytes`` decompressed; damage keeps what came before it, reported."""
    chunks: list[bytes] = []
    total = 0
    with open_input(ctx.path) as fh:
        try:
            while total <= max_bytes and (chunk := fh.read1(max_bytes + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
        except CorruptInput as exc:
            line = 1 + sum(c.count(b"\n") for c in chunks)
            ctx.skip(f"{exc}; rest of file not read", line=line)
    if total > max_bytes:
        raise ctx.fail(f"file decompresses to more than {_size(max_bytes)}, the limit for this "
                       f"format {_WHOLE}")
    return b"".join(chunks)
