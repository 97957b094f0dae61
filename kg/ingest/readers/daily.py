"""The Hugging Face daily-papers page dump: page-header lines, then a title line and an
abstract line per paper, all separated by blank lines (see kg/data/sample/README.md).

The header is recognised by content, not by a line count: the lines the page shows above
the papers ("new", "Subscribe", "Daily Papers", "Aug 20", ...) that come before the first
title, the first line followed by an abstract-like line (long, or several sentences).
Pairing re-synchronises on content too, so a title without abstract, or an abstract
without title, costs that one paper, reported, not every later one. The file is streamed
with two lines of look-ahead; a code URL ending an abstract stays in it.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator

from kg.ingest.context import FileContext, Record
from kg.ingest.encoding import iter_lines

#: At most this many lines before the first paper are taken as page header.
MAX_HEADER_LINES = 20
#: Longer lines are never taken for a title (arXiv titles stay well below).
MAX_TITLE_CHARS = 400
KNOWN_HEADER = re.compile(
    r"^(new|subscribe|daily papers|get trending papers in your email inbox!?|"
    r"by\s*ak and the research community|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(,? \d{4})?|"
    r"\d{4}-\d{2}-\d{2})$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?][)\"']?\s+\S")


def is_page_header(line: str) -> bool:
    """A line the daily-papers page shows above the papers ("Daily Papers", "Aug 20")."""
    return KNOWN_HEADER.match(line) is not None


def looks_like_abstract(line: str) -> bool:
    """Abstracts are hundreds of characters in several sentences; titles (even "Is X
    Enough? Y for Z") and header lines are not."""
    return len(line) >= 200 or (len(line) >= 80 and len(_SENTENCE_END.findall(line)) >= 2)


def read_daily(ctx: FileContext) -> Iterator[Record]:
    lines = _Lookahead((n, s.strip()) for n, s in iter_lines(ctx) if s.strip())
    _skip_header(ctx, lines)
    while (item := lines.next()) is not None:
        n, title = item
        if _is_orphan_abstract(title, lines):
            ctx.skip("abstract-like text without a title line before it", line=n)
        elif _has_abstract(lines):
            yield Record({"title": title, "abstract": lines.take()[1]}, line=n)
        else:
            ctx.skip(f"title without an abstract: {title[:80]!r}", line=n)


def _is_orphan_abstract(line: str, lines: _Lookahead) -> bool:
    """An abstract-like line where a title belongs is a long title if an abstract follows,
    else an abstract whose title is missing."""
    if not looks_like_abstract(line):
        return False
    following = lines.peek()
    return len(line) > MAX_TITLE_CHARS or following is None or not looks_like_abstract(
        following[1])


def _has_abstract(lines: _Lookahead) -> bool:
    """Whether the next line is the current title's abstract. A short next line counts as
    one unless the line after it is abstract-like: then it is the next paper's title."""
    following = lines.peek()
    if following is None:
        return False
    if looks_like_abstract(following[1]):
        return True
    after = lines.peek(2)
    return after is None or not looks_like_abstract(after[1])


def _skip_header(ctx: FileContext, lines: _Lookahead) -> None:
    """Drop the page header: the lines before the first title (the first line that is not
    a known header line and is followed by an abstract-like line), up to the last known
    header line among them. Lines after that are left to the pairing, which reports a
    title without abstract rather than silently dropping it."""
    prefix = 0
    for depth in range(1, MAX_HEADER_LINES + 2):
        line, following = lines.peek(depth), lines.peek(depth + 1)
        if line is None:
            break
        if is_page_header(line[1]):
            prefix = depth
        elif following is not None and looks_like_abstract(following[1]):
            break
    for _ in range(prefix):
        n, text = lines.take()
        if not is_page_header(text):
            ctx.warn(f"ignored as page header: {text[:80]!r}", line=n)


class _Lookahead:
    """An iterator of ``(line number, text)`` with a small peek buffer."""

    def __init__(self, it: Iterator[tuple[int, str]]) -> None:
        self._it = iter(it)
        self._buf: deque[tuple[int, str]] = deque()

    def peek(self, k: int = 1) -> tuple[int, str] | None:
        while len(self._buf) < k:
            item = next(self._it, None)
            if item is None:
                return None
            self._buf.append(item)
        return self._buf[k - 1]

    def next(self) -> tuple[int, str] | None:
        return self._buf.popleft() if self.peek() else None

    def take(self) -> tuple[int, str]:
        """The next item, which a ``peek`` has shown to exist."""
        item = self.next()
        assert item is not None
        return item
