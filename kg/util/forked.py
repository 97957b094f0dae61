"""Run a function in a forked child process while the parent goes on with other work.

The build's exports only read the finished graph, so after the graph is built the driver
forks: the child writes some exports (copy-on-write: the graph is not copied up front, nor
pickled), the parent writes the others, and both use a core. :func:`in_child` returns a
handle; :meth:`Forked.result` waits for the child and returns what the function returned,
or raises the exception it raised (with the child's traceback as a note). A child that
dies without answering (killed, out of memory) raises :class:`ChildProcessError`.

The child never returns into the caller's code: it leaves with ``os._exit``, so no
``finally`` block or ``with`` exit of the parent's stack (the build's staging folder, say)
runs twice. On Linux it is killed when the parent dies, so a killed build leaves no
writer behind. Where ``os.fork`` is missing, :func:`in_child` runs the function at once,
in-process, and the handle just holds its outcome.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    """True where :func:`in_child` really forks (POSIX)."""
    return hasattr(os, "fork") and sys.platform != "win32"


def _die_with_parent(parent: int) -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Forked(Generic[T]):
    """A function running in a child process (or already run, without fork)."""

    def __init__(self, pid: int | None, fd: int | None, outcome: tuple | None = None) -> None:
        self.pid, self._fd, self._outcome = pid, fd, outcome

    def result(self) -> T:
        """Wait for the child; its return value, or its exception raised here."""
        if self._outcome is None:
            self._outcome = self._collect()
        kind, value, tb = self._outcome
        if kind == "ok":
            return value
        if tb and isinstance(value, BaseException):
            value.add_note("in the forked export process:\n" + tb.rstrip())
        raise value

    def kill(self) -> None:
        """Stop the child (if still running) and reap it."""
        if self.pid is not None and self._outcome is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self._outcome = ("error", ChildProcessError("killed"), "")
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def _collect(self) -> tuple:
        assert self.pid is not None and self._fd is not None
        chunks = []
        try:
            with os.fdopen(self._fd, "rb", closefd=True) as fh:
                self._fd = None
                chunks.append(fh.read())  # until the child closes its end (exit)
        finally:
            _, status = os.waitpid(self.pid, 0)
        data = b"".join(chunks)
        if data:
            with contextlib.suppress(Exception):
                return pickle.loads(data)
        code = os.waitstatus_to_exitcode(status)
        how = f"signal {-code}" if code < 0 else f"exit status {code}"
        return ("error", ChildProcessError(f"the forked export process died ({how})"), "")


def in_child(fn: Callable[[], T]) -> Forked[T]:
    """Start ``fn()`` in a forked child (copy-on-write view of this process's memory)."""
    if not can_fork():
        try:
            return Forked(None, None, ("ok", fn(), ""))
        except Exception as exc:  # re-raised by result(), as from a child
            return Forked(None, None, ("error", exc, ""))
    parent = os.getpid()
    r, w = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(r)
        os.close(w)
        raise
    if pid == 0:  # the child: never returns
        status = 1
        try:
            # What exists now is never scanned by the child's collector, whose passes
            # would write to (and so copy) every page it shares with the parent. (The
            # parent should have frozen it too: kg.build does, for its own passes.)
            gc.freeze()
            os.close(r)
            _die_with_parent(parent)
            try:
                outcome: tuple = ("ok", fn(), "")
                status = 0
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                outcome = ("error", exc, traceback.format_exc())
            try:
                data = pickle.dumps(outcome)
            except Exception:  # an unpicklable result or exception: send its text
                kind, value, tb = outcome
                data = pickle.dumps((kind if kind == "error" else "error", RuntimeError(
                    f"{type(value).__name__}: {value}"), tb))
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(status)
    os.close(w)
    return Forked(pid, r)
