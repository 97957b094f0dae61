"""Atomic file writes: an export is either the old file or the complete new one.

Each writer writes to a temporary file in the destination folder and renames it over the
target (``os.replace`` is atomic on POSIX), so a build killed mid-way never leaves a
half-written export behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = (stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH
              | stat.S_IWOTH) & ~_umask()


def make_readable(path: str | os.PathLike[str]) -> None:
    """mkstemp makes owner-only files; exports get the usual mode (0644 under umask 022)."""
    os.chmod(path, _FILE_MODE)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = "\n") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it into place on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    make_readable(tmp)
    try:
        text_args = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path for libraries that want a file name; renamed into place on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    make_readable(tmp)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def staged_directory(out: str | os.PathLike[str], owned: tuple[str, ...] = ()
                     ) -> Iterator[Path]:
    """Write a set of files into a hidden staging folder, then move them all into ``out``.

    Every file lands with an atomic rename, and the renames run with SIGINT/SIGTERM held
    back, so a build stopped at any point leaves either all the previous exports or all
    the new ones. A staging folder left by a killed process (SIGKILL) is removed by the
    next build. Files in ``out`` matching an ``owned`` glob that this build did not write
    (N-Triples shards of an earlier, larger ``--shards``) are removed in the same step, so
    the folder never mixes two builds.
    """
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob(".kg-staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=target))
    try:
        yield staging
        blocked = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            written = set()
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    dest = target / path.relative_to(staging)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, dest)
                    written.add(dest)
            for pattern in owned:
                for stale in target.glob(pattern):
                    if stale not in written and stale.is_file():
                        stale.unlink()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
