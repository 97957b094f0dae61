"""Surface-form normalisation shared by extraction, resolution and IRI slugs.

One place decides when two strings are "the same name", so the extractor's de-duplication,
the cross-paper resolver and the scorer-like comparisons in tests cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_DASHES = re.compile(r"[\u2010-\u2015\u2212\-_/]")
_NON_WORD = re.compile(r"[^\w\s.+#]")
_SPACES = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[^0-9a-z+#]")


def clean_text(s: str) -> str:
    """NFKC, control characters and lone surrogates removed, whitespace folded."""
    s = unicodedata.normalize("NFKC", s)
    s = "".join(
        " " if ch in "\t\n\r\x0b\x0c" else ch
        for ch in s
        if not (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r\x0b\x0c")
    )
    return _SPACES.sub(" ", s).strip()


def singular(word: str) -> str:
    """Strip a plural "s" the way the gold scorer does (long, lower-case words only)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and not word.isupper():
        if word.endswith("ies") and len(word) > 4:
            return word[:-3] + "y"
        return word[:-1]
    return word


def norm_name(s: str) -> str:
    """Readable normal form: case-folded, dashes as spaces, singular, no leading "the"."""
    s = unicodedata.normalize("NFKC", s).casefold().strip()
    s = _DASHES.sub(" ", s)
    s = _NON_WORD.sub(" ", s)
    s = _SPACES.sub(" ", s).strip(" .")
    if s.startswith("the "):
        s = s[4:]
    if not s:
        return ""
    words = s.split(" ")
    words[-1] = singular(words[-1])
    return " ".join(words)


@lru_cache(maxsize=8192)  # the extractor asks for the same names again and again
def name_key(s: str) -> str:
    """Compact key: ``norm_name`` without spaces or punctuation ("GPT4" == "GPT-4")."""
    return _NON_ALNUM.sub("", norm_name(s))


def is_acronym(s: str) -> bool:
    """Short, mostly upper-case token such as "SFT", "ReFT", "GTNs", "CoT"."""
    t = s.strip()
    if not t or " " in t or len(t) > 12:
        return False
    letters = [c for c in t if c.isalpha()]
    if len(letters) < 2:
        return False
    uppers = sum(c.isupper() for c in letters)
    return uppers >= 2 and uppers / len(letters) >= 0.4


def word_set(text: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated words of ``text`` (readable word lists)."""
    return frozenset(text.split())
