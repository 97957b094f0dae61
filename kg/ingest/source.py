"""Opening an input file as a byte stream: plain, or gzip / bzip2 / xz compressed.

Compression is told by the first bytes, not the name (a ``.gz`` that is plain text is read
as plain text, a gzipped file named ``.jsonl`` is decompressed), and the standard library
decompresses as the readers read: nothing is unpacked whole, in memory or on disk.

A decompression bomb (a small file that unpacks to gigabytes) is stopped by the stream
itself: once more than ``MIN_CHECKED_BYTES`` have come out, output above ``MAX_RATIO``
times the compressed bytes read so far is refused. Real paper text compresses 2.5–10x.
Damaged compressed data (a truncated download, a bad CRC) surfaces as
:class:`CorruptInput`, which the readers report with the line where it happened.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: Once this much has been decompressed, output is held to ``MAX_RATIO`` x the input.
MIN_CHECKED_BYTES = 32 * 1024 * 1024
#: Largest accepted ratio of decompressed to compressed bytes (text: 2.5-10).
MAX_RATIO = 100
#: Read size of the buffer over a decompressor: large, so its Python layer is rarely called.
BUFFER_BYTES = 1024 * 1024
#: File name endings that only say how a file is compressed.
COMPRESSED_SUFFIXES = frozenset({".gz", ".gzip", ".bz2", ".xz", ".lzma"})

_BZIP2 = re.compile(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)")


def _gzip(fh: BinaryIO, mode: str) -> BinaryIO:
    return gzip.GzipFile(fileobj=fh, mode=mode)  # type: ignore[return-value]


_OPENERS: dict[str, Callable[[BinaryIO, str], BinaryIO]] = {
    "gzip": _gzip, "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}  # type: ignore[dict-item]
_DECODE_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)


class CorruptInput(Exception):
    """The compressed stream cannot be read further (damaged, truncated, or a bomb)."""


def compression(head: bytes) -> str | None:
    """"gzip", "bzip2" or "xz" when ``head`` (a file's first bytes) starts compressed data."""
    if head.startswith(b"\x1f\x8b\x08"):
        return "gzip"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if _BZIP2.match(head):
        return "bzip2"
    return None


def file_compression(path: Path) -> str | None:
    with open(path, "rb") as fh:
        return compression(fh.read(10))


def content_suffix(path: Path) -> str:
    """The extension that names the content: ``.jsonl`` for ``papers.jsonl.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in COMPRESSED_SUFFIXES:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def open_input(path: Path) -> BinaryIO:
    """``path`` as a binary stream of its content, decompressed on the fly if needed."""
    raw = open(path, "rb")  # noqa: SIM115 -- handed to the caller (or the stream) to close
    try:
        kind = compression(raw.read(10))
        raw.seek(0)
    except BaseException:
        raw.close()
        raise
    if kind is None:
        return raw
    return io.BufferedReader(_Guarded(raw, kind), BUFFER_BYTES)  # type: ignore[return-value]


def read_head(path: Path, n: int) -> tuple[bytes, str | None]:
    """The first ``n`` bytes of the content (decompressed; fewer means the whole file), and
    why the rest cannot be read when the compressed data is damaged before byte ``n``."""
    out = bytearray()
    with open_input(path) as fh:
        try:
            # read1 a step at a time: what precedes damage is kept
            while len(out) < n and (chunk := fh.read1(n - len(out))):
                out += chunk
        except CorruptInput as exc:
            return bytes(out), str(exc)
    return bytes(out), None


class _Guarded(io.RawIOBase):
    """A decompressor as a raw stream: counts what comes out against what went in, and
    turns the decompressors' assorted errors into :class:`CorruptInput`."""

    def __init__(self, raw: BinaryIO, kind: str) -> None:
        self._raw = raw
        self._kind = kind
        self._inner = _OPENERS[kind](raw, "rb")
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            # read1: one step of the decompressor, so what precedes damage comes out first
            data = self._inner.read1(len(buffer))  # type: ignore[attr-defined]
        except EOFError:
            raise CorruptInput(f"{self._kind} data ends early (truncated file?)") from None
        except _DECODE_ERRORS as exc:
            raise CorruptInput(f"damaged {self._kind} data ({exc})") from None
        n = len(data)
        buffer[:n] = data
        self._out += n
        if self._out > MIN_CHECKED_BYTES and self._out > MAX_RATIO * max(1, self._raw.tell()):
            raise CorruptInput(
                f"{self._kind} data expands more than {MAX_RATIO} times (a decompression "
                f"bomb?) after {self._out / 2**20:,.0f} MB")
        return n

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._raw.close()
        super().close()
