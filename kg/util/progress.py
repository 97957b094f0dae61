"""Progress bars for long stages: on a terminal only, silent when stderr is piped or the
caller is quiet, and only for a stage that has run a few seconds (a small build prints
none).

Stages that count something (papers read, papers extracted) get an ordinary tqdm bar;
stages that cannot be counted from outside (resolve, graph, exports: at 100k papers the
RDF export alone takes minutes) get a bar that shows the elapsed time and, optionally, a
status line (the exports: which files are done), kept fresh by a small thread. That
thread never holds a lock when the build forks (its worker pool, its export child): a
fork handler waits until a refresh is over, so the child starts with no lock taken.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from tqdm import tqdm

#: A stage's bar appears once the stage has run this long (seconds).
DELAY_S = 2.0
#: How often an uncounted stage's bar is redrawn (seconds).
REFRESH_S = 0.5

T = TypeVar("T")
_refreshing = threading.Lock()


def _after_fork_in_child() -> None:
    global _refreshing
    _refreshing = threading.Lock()  # the parent's copy is held across the fork


os.register_at_fork(before=lambda: _refreshing.acquire(),
                     after_in_parent=lambda: _refreshing.release(),
                     after_in_child=_after_fork_in_child)


def enabled(quiet: bool = False) -> bool:
    """Bars are drawn on a terminal, never into a pipe, a file or a quiet run."""
    try:
        return not quiet and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


def bar(desc: str, *, quiet: bool = False, unit: str = "paper", total: int | None = None,
        **kwargs) -> tqdm:
    """A tqdm bar on stderr with the stages' common settings."""
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, delay=DELAY_S,
                disable=not enabled(quiet), dynamic_ncols=True, **kwargs)


def counted(items: Iterable[T], desc: str, *, quiet: bool = False, unit: str = "paper"
            ) -> Iterator[T]:
    """``items`` unchanged, counted on a bar as they pass."""
    with bar(desc, quiet=quiet, unit=unit) as b:
        for item in items:
            yield item
            b.update(1)


@contextmanager
def stage(desc: str, *, quiet: bool = False, status: Callable[[], str] | None = None
          ) -> Iterator[None]:
    """A bar for the ``with`` block's duration: elapsed time and ``status()``."""
    if not enabled(quiet):
        yield
        return
    b = bar(desc, quiet=quiet, bar_format="{desc}: {elapsed}{postfix}")
    done = threading.Event()

    def tick() -> None:
        while not done.wait(REFRESH_S):
            with _refreshing:
                if done.is_set():
                    return
                if status is not None:
                    b.set_postfix_str(status(), refresh=False)
                b.update(0)  # redraws once the delay is over, like a counted bar

    ticker = threading.Thread(target=tick, name=f"kg-progress-{desc}", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        if status is not None:
            b.set_postfix_str(status(), refresh=False)
        b.close()
