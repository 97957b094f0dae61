"""Cleaning title and abstract text once, at ingest.

The extractor reports character offsets into ``title`` and ``abstract``; those offsets are
only stable if every later stage sees exactly the text stored in the ``Paper``. So all
cleaning happens here and nowhere after.

Titles get :func:`kg.util.normalize.clean_text` (NFKC, control characters and lone surrogates
removed, whitespace folded). Abstracts keep their characters (NFC only, no compatibility
folding of "²" or "ﬁ"); line breaks and tabs become spaces, other control characters and
lone surrogates are dropped, runs of whitespace fold to one space. Markup such as
``<script>`` in a title is text like any other and stays: escaping is the exporters' job.
"""

from __future__ import annotations

import re
import unicodedata

from kg.util.normalize import clean_text

#: Longest abstract kept; longer ones are cut (with a warning). Real abstracts are < 5,000.
MAX_ABSTRACT_CHARS = 20_000

#: Category Cc except the ones that separate words (tab, line breaks, NEL): those are \s.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_title(s: str) -> str:
    """:func:`kg.util.normalize.clean_text`, with a fast path for plain printable ASCII (where
    NFKC and control removal change nothing), which most titles and names are."""
    if s.isascii() and s.isprintable():
        return " ".join(s.split())
    return clean_text(_drop_surrogates(s))


def clean_abstract(s: str) -> str:
    s = unicodedata.normalize("NFC", _drop_surrogates(s))
    if _CONTROLS.search(s):
        s = _CONTROLS.sub("", s)
    return " ".join(s.split())  # str.split() and re's \s agree on what whitespace is


def _drop_surrogates(s: str) -> str:
    """Lone surrogates (from JSON "\\ud800" escapes) dropped; a split pair is joined."""
    if not _SURROGATE.search(s):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


def truncate(s: str, limit: int) -> str:
    """``s`` cut to at most ``limit`` characters, at a space when one is near the end."""
    if len(s) <= limit:
        return s
    cut = s[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.9:
        cut = cut[:space]
    return cut.rstrip()


