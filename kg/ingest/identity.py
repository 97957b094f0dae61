"""A paper's final id, and turning one record's fields into a ``Paper``.

The id decides which records are the same paper, in this run and across runs (the
extraction cache and graph IRIs key on it), so it follows one fixed order:

1. an ``id`` given in the input, verbatim (stripped) — the user knows best;
2. the arXiv id, normalised and without version ("arXiv:2401.01234v2" → "2401.01234"),
   so v1 and v2 of a paper, or the same paper from Atom and from BibTeX, meet;
3. the DOI, lower-cased, without the resolver prefix;
4. ``"t-"`` + 16 hex digits of SHA-1 of ``norm_name(title)``: stable across runs and
   formats, and equal for titles differing only in case, dashes or punctuation.

The arXiv id is also taken from an ``id``, ``url`` or arXiv DOI (10.48550/arXiv.…) that
holds one, so it is filled whenever the input has it anywhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.ingest.errors import InputError
from kg.ingest.fields import InvalidRecord, as_text, authors_of, split_fields
from kg.ingest.text import MAX_ABSTRACT_CHARS, clean_abstract, clean_title, truncate
from kg.records import Paper
from kg.util.normalize import norm_name

_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})"
_VERSION = r"(?:v\d+)?"
_ARXIV_FORMS = [
    re.compile(rf"^(?:arxiv:\s*)?{_ID}{_VERSION}$", re.I),
    re.compile(rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/{_ID}{_VERSION}"
               r"(?:\.pdf)?/?$", re.I),
    re.compile(rf"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.{_ID}{_VERSION}$",
               re.I),
]
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")


def normalize_arxiv_id(value: str | None) -> str | None:
    """"2401.01234" for "arXiv:2401.01234v2", an abs/pdf URL or the arXiv DOI; else None."""
    if not value:
        return None
    s = value.strip()
    for form in _ARXIV_FORMS:
        if m := form.match(s):
            ident = m.group(1)
            return ident if ident[0].isdigit() else _old_style(ident)
    return None


def _old_style(ident: str) -> str:
    """"math.GT/0309136": archive lower-case, subject class upper-case, as arXiv writes it."""
    archive, _, number = ident.partition("/")
    name, dot, subject = archive.partition(".")
    return f"{name.lower()}{dot}{subject.upper()}/{number}"


def normalize_doi(value: str | None) -> str | None:
    """"10.1000/xyz" for "https://doi.org/10.1000/XYZ" or "doi:10.1000/xyz"; else None."""
    if not value:
        return None
    s = _DOI_PREFIX.sub("", value.strip()).lower()
    return s if _DOI.match(s) else None


def title_id(title: str) -> str:
    """The id of a paper known only by its title."""
    key = norm_name(title) or title
    return "t-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def paper_id(given: str | None, arxiv_id: str | None, doi: str | None, title: str) -> str:
    """The final id by the rule in the module docstring."""
    if given and given.strip():
        return given.strip()
    return arxiv_id or doi or title_id(title)


@dataclass
class Built:
    """A paper and what was changed on the way (warnings, truncation)."""

    paper: Paper
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False


def build_paper(raw: Mapping[str, Any], source: str = "",
                max_abstract_chars: int | None = MAX_ABSTRACT_CHARS) -> Built:
    """Validate and clean one record; raises :class:`InvalidRecord` when it has no title or
    abstract (or they are not text). Odd optional fields are kept in metadata with a warning
    rather than costing the paper."""
    canon, meta = split_fields(raw)
    title = clean_title(as_text(canon.get("title"), "title") or "")
    if not title:
        raise InvalidRecord("empty title" if canon.get("title") is not None else "no title")
    abstract = clean_abstract(as_text(canon.get("abstract"), "abstract") or "")
    if not abstract:
        raise InvalidRecord(f"no abstract (title {title[:80]!r})")
    warnings: list[str] = []
    truncated = max_abstract_chars is not None and len(abstract) > max_abstract_chars
    if truncated:
        warnings.append(f"abstract of {len(abstract):,} characters truncated to "
                        f"{max_abstract_chars:,}")
        abstract = truncate(abstract, max_abstract_chars)

    def to_metadata(name: str, why: str) -> None:
        warnings.append(f"{why}; kept in metadata")
        meta[name] = canon[name]

    opt: dict[str, str | None] = {}
    for name in ("id", "url", "arxiv_id", "doi", "date"):
        try:
            value = as_text(canon.get(name), name)
        except InvalidRecord as exc:
            to_metadata(name, str(exc))
            value = None
        opt[name] = (value.strip() or None) if value is not None else None
    arxiv_id = normalize_arxiv_id(opt["arxiv_id"])
    doi = normalize_doi(opt["doi"])
    for name, value in (("arxiv_id", arxiv_id), ("doi", doi)):
        if opt[name] and not value:
            to_metadata(name, f"{name} {opt[name]!r} not recognised")
    arxiv_id = arxiv_id or next(
        filter(None, map(normalize_arxiv_id, (opt["id"], opt["url"], doi))), None)
    try:
        authors = authors_of(canon.get("authors"))
    except InvalidRecord as exc:
        to_metadata("authors", str(exc))
        authors = ()
    paper = Paper(
        id=paper_id(opt["id"], arxiv_id, doi, title),
        title=title,
        abstract=abstract,
        authors=authors,
        date=_date(opt["date"]),
        url=opt["url"],
        arxiv_id=arxiv_id,
        doi=doi,
        metadata=meta,
        source=source,
    )
    return Built(paper, warnings, truncated)


def _date(value: str | None) -> str | None:
    """ISO date-times are cut to the date ("2024-01-02T18:59:59Z" → "2024-01-02"), the
    granularity a paper has; anything else ("2019", "Aug 2019") is kept as given."""
    if value and (m := _ISO_DATETIME.match(value)):
        return m.group(1)
    return value


def paper_from_fields(raw: Mapping[str, Any], source: str = "",
                      max_abstract_chars: int | None = MAX_ABSTRACT_CHARS) -> Paper:
    """One ``Paper`` from a dict such as ``{"title": ..., "abstract": ...}``; raises
    :class:`~kg.ingest.InputError` (naming ``source``) when it cannot be one."""
    try:
        return build_paper(raw, source, max_abstract_chars).paper
    except InvalidRecord as exc:
        raise InputError(f"{source}: {exc}" if source else str(exc)) from None
