"""SPARQL query text: the prefixes kg predeclares, and syntax errors a person can read.

``kg query`` hands its prefixes to pyoxigraph; the endpoint (``kg serve``) cannot, so it
writes the declarations the query lacks on one line before it (:func:`with_prefixes`) and
gives error positions back in the user's own lines (:func:`tidy_error`). A query that
declares a prefix itself keeps its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: A PREFIX declaration's name (PN_PREFIX, or empty for the default prefix ``:``).
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?\s*:", re.IGNORECASE)
_POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
#: The parser's character classes (``['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' ...]``).
_CHAR_CLASS = re.compile(r"\[[^\[\]]*\\u\{[^\[\]]*\]")
_PREFIXED_NAME_END = re.compile(r"([A-Za-z][\w.\-]*)?:[^\s:<>]*$")


def declared_prefixes(text: str) -> set[str]:
    """Prefix names the query text declares itself."""
    return {m.group(1) or "" for m in _DECLARED.finditer(text)}


def with_prefixes(text: str, prefixes: Mapping[str, str]) -> tuple[str, int]:
    """``text`` with a PREFIX declaration, on one line before it, for each of
    ``prefixes`` it does not declare; and the number of lines added (0 or 1)."""
    declared = declared_prefixes(text)
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in prefixes.items() if p not in declared]
    if not missing:
        return text, 0
    return " ".join(missing) + "\n" + text, 1


def tidy_error(message: str, text: str, lines_added: int = 0,
               predeclared: Iterable[str] = ()) -> str:
    """A SPARQL parser's error (oxigraph's ``error at LINE:COL: expected one of …``) on
    one line: its position in the user's ``text`` (before ``lines_added`` lines were put
    in front), an undeclared prefix named, Unicode range lists left out."""
    m = _POSITION.match(message)
    if not m:
        return " ".join(message.split())
    line, col = int(m.group(1)) - lines_added, int(m.group(2))
    rest = message[m.end():]
    where = f"error at {line}:{col}"
    if "Prefix not found" in rest:
        lines = text.splitlines()
        before = lines[line - 1][: max(col - 1, 0)] if 0 < line <= len(lines) else ""
        name = _PREFIXED_NAME_END.search(before)
        prefix = f"the prefix {name.group(1) or ''}:" if name else "a prefix"
        known = sorted(predeclared)
        hint = f" (predeclared: {', '.join(p + ':' for p in known)})" if known else ""
        return f"{where}: {prefix} is not declared; add a PREFIX line for it{hint}"
    rest = _CHAR_CLASS.sub("a name character", rest)
    return f"{where}: {' '.join(rest.split())}"
