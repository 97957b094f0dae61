"""LaTeX markup in BibTeX values, reduced to the plain text a reader sees.

Handles what titles, abstracts and author names actually contain: protective braces
(``{BERT}``), accents (``{\\"u}``, ``\\'e``), a few special letters (``\\ss``), escaped
specials (``\\&``) and formatting commands (``\\emph{x}`` → ``x``). Math (``$...$``) is kept
as written. Not a TeX engine: ``pylatexenc`` would be, but is not a dependency.
"""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_ACCENT = re.compile(
    r"""\{?\\(["'`^~=.])\s*\{?\s*(\\[ij]\b|[A-Za-z])\s*\}?\}?"""
    r"""|\{?\\([uvHckr])(?:\s+|\s*\{\s*)(\\[ij]\b|[A-Za-z])\s*\}?\}?"""
)
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å",
            "l": "ł", "L": "Ł", "oe": "œ", "OE": "Œ", "i": "ı", "j": "ȷ"}
_LETTER = re.compile(r"\\(" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + r")\b\s*")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_COMMAND = re.compile(r"\\([A-Za-z]+)\*?\s*")
_BRACES = re.compile(r"[{}]")
_SPACES = re.compile(r"\s+")
_MATH_SPLIT = re.compile(r"(?<!\\)(\$[^$]*(?<!\\)\$)")
# Escaped braces survive brace removal as private-use placeholders.
_OPEN, _CLOSE = "\ue000", "\ue001"


def _accent(m: re.Match[str]) -> str:
    mark, letter = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", letter + _ACCENTS[mark])


def _command(m: re.Match[str]) -> str:
    # \emph{x} → x (its braces go later); an unknown bare command keeps its name (\LaTeX).
    end = m.end()
    return "" if end < len(m.string) and m.string[end] == "{" else m.group(1)


def strip_latex(s: str) -> str:
    # Odd pieces of a split on unescaped "$" are math: kept verbatim.
    parts = _MATH_SPLIT.split(s)
    text = "".join(p if i % 2 else _strip_text(p) for i, p in enumerate(parts))
    return _SPACES.sub(" ", text).strip()


def _strip_text(s: str) -> str:
    s = _ACCENT.sub(_accent, s)
    s = _LETTER.sub(lambda m: _LETTERS[m.group(1)], s)
    s = _ESCAPED.sub(lambda m: {"{": _OPEN, "}": _CLOSE}.get(m.group(1), m.group(1)), s)
    s = _COMMAND.sub(_command, s)
    s = _BRACES.sub("", s).replace("~", " ").replace("---", "\u2014").replace("--", "\u2013")
    return s.replace(_OPEN, "{").replace(_CLOSE, "}")
