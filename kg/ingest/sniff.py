"""Which reader a file needs: its content decides, its extension only breaks ties.

The first 64 KiB (decompressed) are examined (:func:`sniff_content`): a JSON array, JSON
Lines, an Atom feed, BibTeX, delimited text with a ``title`` column (any of ``,`` ``;``
tab ``|``) and a daily-papers page are each told by their syntax. The result is the format
the content calls for, if any, and the formats whose reader would take it at all. Then:

- the extension's format, when it is one of those the content calls for or allows (a
  ``.json`` file holding JSON Lines is JSON Lines; JSON Lines in a ``.csv`` is delimited
  text too, so it is read as CSV, and the CSV reader's error names the format it looks like);
- else the content's format, whatever the extension (``papers.txt`` holding a pretty-printed
  JSON array is a JSON array, never a daily page of "papers" titled ``},``);
- else one line saying what the file looks like and which ``--format`` to give.

An explicit format wins, unless the content rules its reader out and calls for another
(``--format daily`` on a JSON array would turn JSON syntax into papers).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.ingest.encoding import HEAD_BYTES, Head, peek
from kg.ingest.errors import InputError, Problem
from kg.ingest.readers.daily import is_page_header, looks_like_abstract
from kg.ingest.readers.delimited import DELIMITERS, header_delimiter
from kg.ingest.readers.jsonl import DECODER
from kg.ingest.source import content_suffix

#: Input format names, as accepted by ``read_papers(format=...)`` and ``kg --format``.
FORMATS: tuple[str, ...] = ("daily", "jsonl", "json", "hf-api", "csv", "tsv", "atom", "bibtex")
#: Other names users type for them.
FORMAT_ALIASES = {"ndjson": "jsonl", "jsonlines": "jsonl", "json-lines": "jsonl",
                  "hf": "hf-api", "hf_api": "hf-api", "hfapi": "hf-api", "bib": "bibtex",
                  "xml": "atom", "arxiv": "atom", "txt": "daily", "text": "daily"}
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
              ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xml": "atom", ".atom": "atom",
              ".bib": "bibtex", ".bibtex": "bibtex", ".txt": "daily"}
#: What each format looks like, for messages.
DESCRIPTIONS = {"daily": "a daily-papers page dump", "jsonl": "JSON Lines",
                "json": "a JSON array", "hf-api": "a Hugging Face API response (JSON)",
                "csv": "CSV", "tsv": "TSV", "atom": "an Atom feed (XML)", "bibtex": "BibTeX"}
_JSON_FAMILY = ("json", "hf-api", "jsonl")
#: ``.txt`` says only "text": content that is not a daily page is read by its own format
#: without a warning. Other extensions name a format, and overruling one is warned about.
_GENERIC_EXTENSIONS = {".txt"}
_HF_LISTING = re.compile(r'"paper"\s*:\s*\{')
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.M)
_JSON_VALUE_START = re.compile(r'\[\s*([{\["\]tfn0-9-]|$)')
_XML_ROOT = re.compile(r"<([A-Za-z][\w.:-]*)")
#: Lines that start like JSON, XML or BibTeX syntax are never a daily page's titles.
_SYNTAX_LINE = re.compile(r"^(?:[{}\[\]],?$|<[A-Za-z!?/]|@[A-Za-z]+\s*[{(])")


@dataclass(frozen=True)
class Content:
    """What a file's first bytes look like."""

    #: The format the content calls for unambiguously, or ``None``.
    format: str | None
    #: Formats whose reader would take this content (the extension may pick one of them).
    allows: frozenset[str] = field(default_factory=frozenset)
    #: Said in messages: "a JSON array", "delimited text (';') without a 'title' column".
    looks_like: str = ""
    #: What to do when the content alone does not decide (names the ``--format``).
    advice: str | None = None


@dataclass(frozen=True)
class Choice:
    """The reader for one file, and what the user should hear about the choice."""

    format: str
    content: Content
    #: Set when the content overruled the extension.
    note: str | None = None

    def hint(self) -> str | None:
        """For a reader's error: the format the content looks like, when another was used."""
        other = self.content.format
        if other and other != self.format:
            return f"the content looks like {DESCRIPTIONS[other]}: try --format {other}"
        return None


def format_name(name: str) -> str:
    """Canonical format name for ``name`` (case and common aliases forgiven)."""
    key = name.strip().lower()
    key = FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise InputError(f"unknown input format {name!r}; choose one of {', '.join(FORMATS)}")
    return key


def detect_format(path: str | Path) -> str:
    """The format of ``path``; raises :class:`InputError` for a binary, empty or
    unrecognisable file (the message says which and how to override)."""
    path = Path(path)
    head = peek(path)
    if head.damage and not head.data.strip():
        raise _error(path, head.damage)
    if what := head.binary():
        raise _error(path, f"binary file ({what}), not paper text")
    return choose_format(path, head).format


def choose_format(path: Path, head: Head, forced: str | None = None,
                  name: str | None = None) -> Choice:
    """The reader for ``path`` given its first bytes (not binary); see the module doc."""
    name = name or str(path)
    suffix = content_suffix(path)
    by_ext = EXTENSIONS.get(suffix)
    if head.blank:
        if forced or by_ext:
            return Choice(forced or by_ext or "", Content(None))
        raise _error(path, "empty file", name)
    content = sniff_content(head.data, head.whole)
    if forced:
        if forced in content.allows or not content.format:
            return Choice(forced, content)
        raise _error(path, f"--format {forced} does not fit the content, which looks like "
                     f"{content.looks_like}; use --format {content.format} (or leave "
                     "--format out)", name)
    candidates = _JSON_FAMILY if by_ext == "json" else (by_ext,) if by_ext else ()
    if content.format in candidates:
        return Choice(content.format, content)
    for fmt in candidates:
        if fmt in content.allows:
            return Choice(fmt, content)
    if content.format:
        note = None
        if by_ext and suffix not in _GENERIC_EXTENSIONS:
            note = (f"read as {DESCRIPTIONS[content.format]}, which its content is, "
                    f"although the {suffix} extension says {DESCRIPTIONS[by_ext]}")
        return Choice(content.format, content, note)
    advice = content.advice or f"give it explicitly with --format (one of {', '.join(FORMATS)})"
    raise _error(path, f"cannot tell the input format: it looks like {content.looks_like}; "
                 + advice, name)


def _error(path: Path, message: str, name: str | None = None) -> InputError:
    problem = Problem(name or str(path), None, message)
    return InputError(str(problem), problem)


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a text file call for, or ``None``."""
    return sniff_content(head, len(head) < HEAD_BYTES).format


def sniff_content(head: bytes, whole: bool) -> Content:
    """What ``head`` (a text file's first bytes; ``whole``: all of it) looks like."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace")
    text = text.lstrip()
    if not text:
        return Content(None, looks_like="an empty file")
    lines = [s.strip() for s in text.splitlines() if s.strip()]
    if not whole and len(lines) > 1:
        lines.pop()  # cut off by the end of the head
    delimited = _delimited_allows(lines[0])
    if text.startswith("<"):
        return _xml(text)
    if text.startswith("[") and _JSON_VALUE_START.match(text):
        if len(lines) > 1 and _is_json(lines[0]):  # one array a line: JSON Lines
            return Content("jsonl", frozenset({"jsonl"}) | delimited, DESCRIPTIONS["jsonl"])
        fmt = "hf-api" if _HF_LISTING.search(text) else "json"
        return Content(fmt, frozenset({"json", "hf-api"}) | delimited, DESCRIPTIONS[fmt])
    if text.startswith("{"):
        fmt = _object_or_lines(text, whole)
        return Content(fmt, frozenset({"json", "jsonl"}) | delimited, DESCRIPTIONS[fmt])
    if _BIBTEX_ENTRY.match(_skip_bibtex_comments(lines)):
        return Content("bibtex", frozenset({"bibtex"}) | delimited, "BibTeX")
    delimiter, found = header_delimiter(lines[0])
    if "title" in found:
        fmt = "tsv" if delimiter == "\t" else "csv"
        return Content(fmt, frozenset({"csv", "tsv"}), _delimited_text(delimiter, fmt))
    if _BIBTEX_ENTRY.search(text):
        return Content("bibtex", frozenset({"bibtex"}) | delimited, "BibTeX")
    if shape := _table_delimiter(lines):
        return Content(None, delimited, f"{_delimited_text(shape, None)} without a 'title' "
                       "column", "if it holds papers, name its title and abstract columns in "
                       "the header row, or give it explicitly: --format "
                       + ("tsv" if shape == "\t" else "csv"))
    if _daily(lines):
        return Content("daily", frozenset({"daily"}) | delimited, DESCRIPTIONS["daily"])
    return Content(None, delimited, "plain text, but not a daily-papers page (no title line "
                   "followed by an abstract line)",
                   "if it is one, give it explicitly: --format daily")


def _xml(text: str) -> Content:
    if "<feed" in text or text.startswith("<?xml"):
        return Content("atom", frozenset({"atom"}), DESCRIPTIONS["atom"])
    root = _XML_ROOT.search(text)
    shown = f"<{root.group(1)}>" if root else "no root element"
    return Content(None, frozenset({"atom"}), f"XML or HTML ({shown}), not an Atom feed",
                   "if it is an arXiv Atom feed, give it explicitly: --format atom")


def _object_or_lines(text: str, whole: bool) -> str:
    """JSON Lines when one of the first lines is a whole object, else one (pretty-printed)
    object. A first line longer than the head is taken to be a JSON line."""
    first, newline, _ = text.partition("\n")
    if not newline and not whole:
        return "jsonl"
    complete = text.splitlines() if whole else text.splitlines()[:-1]
    for line in [s for s in complete if s.strip()][:3]:
        try:
            if isinstance(DECODER.decode(line), dict):
                return "jsonl"
        except json.JSONDecodeError:
            continue
    return "json"


def _is_json(line: str) -> bool:
    try:
        DECODER.decode(line)
    except json.JSONDecodeError:
        return False
    return True


def _skip_bibtex_comments(lines: list[str]) -> str:
    """The first line that is not a ``%`` comment (BibTeX files often start with some)."""
    return next((s for s in lines if not s.startswith("%")), "")


def _delimited_allows(first: str) -> frozenset[str]:
    """CSV/TSV when the first line splits into columns: a tie the extension may break."""
    if any(len(next(csv.reader([first], delimiter=d))) > 1 for d in DELIMITERS if d in first):
        return frozenset({"csv", "tsv"})
    return frozenset()


def _table_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the first rows into the same number (> 1) of columns."""
    rows = lines[:6]
    if len(rows) < 2:
        return None
    for delimiter in DELIMITERS:
        try:
            widths = {len(r) for r in csv.reader(io.StringIO("\n".join(rows)),
                                                 delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    return None


def _delimited_text(delimiter: str, fmt: str | None) -> str:
    name = {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}[delimiter]
    what = DESCRIPTIONS[fmt] if fmt else "delimited text"
    return f"{what} ({name}-separated)"


def _daily(lines: list[str]) -> bool:
    """A daily page: header lines the page shows, or a title line followed by an
    abstract-like line; none of the first lines written in JSON, XML or BibTeX syntax."""
    window = lines[:20]
    if any(_SYNTAX_LINE.match(s) for s in window[:8]):
        return False
    if any(map(is_page_header, window[:8])):
        return True
    return any(looks_like_abstract(s) and not looks_like_abstract(t)
               for t, s in zip(window, window[1:], strict=False))

