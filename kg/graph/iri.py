"""The one place that mints IRIs for the RDF exports.

Every resource IRI is ``<base><kind>/<segment>``: ``paper/<paper id>``,
``entity/<node slug>``, ``code/<url>``, ``result/<paper id>:<n>``, ``author/<name>``, and
``statement/…`` / ``…/evidence/…`` for the provenance records. The default base is
:data:`DEFAULT_BASE` (``https://w3id.org/kg/resource/``); ``kg build --base-iri`` changes it.

Why a function family and not f-strings at the call sites: a title, a name or an id may
hold anything (``<>"{}|\\^``, backticks, spaces, newlines, bidi marks, lone surrogates, or
nothing at all), and an IRI must stay valid, readable and *injective* — two different ids
must never share an IRI, or the graph silently merges two nodes. :func:`segment` keeps
letters, digits and ``-._~:@`` (non-ASCII letters and symbols too, as RFC 3987 allows, so
"Zoë" stays readable) and percent-encodes every other character as UTF-8, ``%`` and
``/`` included, and a trailing ``.`` (which rdflib's Turtle parser cannot read back in a
prefixed name); whole segments that path resolution would eat (``""``, ``.``, ``..``) get a
reserved spelling. Statement and evidence IRIs are built from such segments, so they are
readable and stable across builds (no counters, no hashes).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: The documented default base IRI of papers, entities and every other resource.
DEFAULT_BASE = "https://w3id.org/kg/resource/"
#: Namespace of the kg ontology (``ontology/kg.ttl``); fixed, unlike the resource base.
ONTOLOGY = "https://w3id.org/kg/ontology"
KGO = ONTOLOGY + "#"

_ASCII_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@")
#: Unicode categories never written raw: controls, format (bidi, zero-width), surrogates,
#: private use, unassigned, and every kind of space or line separator.
_ENCODED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
#: Whole segments with a special meaning in IRI paths get a spelling no other text has.
_SPECIAL_SEGMENTS = {"": "-", "-": "%2D", ".": "%2E", "..": "%2E%2E"}


def _ucschar(cp: int) -> bool:
    """RFC 3987 ``ucschar``: the non-ASCII code points an IRI path may hold unencoded."""
    if 0xA0 <= cp <= 0xD7FF or 0xF900 <= cp <= 0xFDCF or 0xFDF0 <= cp <= 0xFFEF:
        return True
    # Planes 1-14 less each plane's last two code points; plane 14 starts at U+E1000
    # (its first 4,096 code points, the tag characters and variation selectors, are not).
    return (0x10000 <= cp <= 0xEFFFD and (cp & 0xFFFF) <= 0xFFFD
            and not 0xE0000 <= cp < 0xE1000)


def _keep(ch: str) -> bool:
    if ch < "\x80":
        return ch in _ASCII_KEEP
    return _ucschar(ord(ch)) and unicodedata.category(ch) not in _ENCODED_CATEGORIES


def _encode(ch: str) -> str:
    # surrogatepass: a lone surrogate still gets its own (distinct) escape.
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


@lru_cache(maxsize=1 << 16)
def segment(text: str) -> str:
    """``text`` as one IRI path segment: readable, valid for any input, and injective."""
    special = _SPECIAL_SEGMENTS.get(text)
    if special is not None:
        return special
    if text.isascii() and all(c in _ASCII_KEEP for c in text):
        out = text
    else:
        out = "".join(c if _keep(c) else _encode(c) for c in text)
    # A trailing "." is encoded: Turtle writes it as a prefixed name ending in "\.", valid
    # Turtle that rdflib's parser rejects (``entity:0\/form\/0\.``).
    return out[:-1] + "%2E" if out.endswith(".") else out


def check_base(base: str | None) -> str:
    """The base IRI to mint under (``None`` → :data:`DEFAULT_BASE`).

    It must be an absolute ``http(s)`` IRI without query or fragment, or a ``#`` namespace;
    a missing trailing ``/`` is added so that ``<base>paper/…`` stays under it.
    """
    if base is None:
        return DEFAULT_BASE
    from pyoxigraph import NamedNode

    b = base.strip()
    if not b.lower().startswith(("http://", "https://")):
        raise ValueError(f"base IRI must start with http:// or https://, not {base!r}")
    try:
        NamedNode(b + "x")
    except ValueError as exc:
        raise ValueError(f"not a valid base IRI: {base!r} ({exc})") from None
    if "?" in b or ("#" in b and not b.endswith("#")):
        raise ValueError(f"base IRI must not have a query or fragment: {base!r}")
    return b if b.endswith(("/", "#")) else b + "/"


# -- resources ------------------------------------------------------------------------------

def paper_iri(paper_id: str, base: str = DEFAULT_BASE) -> str:
    """A paper, from its final paper id (``kg.records.Paper.id``)."""
    return f"{base}paper/{segment(paper_id)}"


def entity_iri(slug: str, base: str = DEFAULT_BASE) -> str:
    """An entity, from the slug of its node id (``entity:<slug>`` → ``<base>entity/<slug>``)."""
    return f"{base}entity/{segment(slug)}"


def code_iri(url: str, base: str = DEFAULT_BASE) -> str:
    """A code repository, from its normalised URL (the part after ``code:``)."""
    return f"{base}code/{segment(url)}"


def result_iri(result_id: str, base: str = DEFAULT_BASE) -> str:
    """A reported result, from its node id without ``result:`` (``<paper id>:<n>``)."""
    return f"{base}result/{segment(result_id)}"


def author_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """An author *name* (kg does not disambiguate people: one IRI per spelling)."""
    return f"{base}author/{segment(name)}"


def author_list_iri(paper_id: str, base: str = DEFAULT_BASE) -> str:
    """The ordered author list (an ``rdf:Seq``) of a paper."""
    return f"{paper_iri(paper_id, base)}/authors"


def dataset_iri(base: str = DEFAULT_BASE) -> str:
    """The graph as a whole (a ``dcat:Dataset``): the base IRI itself."""
    return base


def class_partition_iri(class_local: str, base: str = DEFAULT_BASE) -> str:
    """The VoID class partition of the graph for one kgo class (``Method`` …):
    ``<base>partition/<class>``."""
    return f"{base}partition/{segment(class_local)}"


def overlap_iri(paper1: str, paper2: str, base: str = DEFAULT_BASE) -> str:
    """The datasets two papers share (a ``kgo:DatasetOverlap``), from their paper ids:
    ``<base>overlap/<paper1>/<paper2>``."""
    return f"{base}overlap/{segment(paper1)}/{segment(paper2)}"


_KINDS = ("paper", "entity", "code", "result")


def node_iri(node_id: str, base: str = DEFAULT_BASE) -> str:
    """Any node of the networkx graph (``paper:…``, ``entity:…``, ``code:…``, ``result:…``).

    An id without a known kind prefix is still minted, under ``node/``, so a hand-made graph
    cannot produce an invalid IRI.
    """
    kind, sep, local = node_id.partition(":")
    if sep and kind in _KINDS:
        return f"{base}{kind}/{segment(local)}"
    return f"{base}node/{segment(node_id)}"


def _node_path(node_id: str) -> str:
    kind, sep, local = node_id.partition(":")
    if sep and kind in _KINDS:
        return f"{kind}/{segment(local)}"
    return f"node/{segment(node_id)}"


def statement_iri(u: str, relation: str, v: str, base: str = DEFAULT_BASE) -> str:
    """The provenance record of edge ``u -relation-> v`` (node ids, ``relation`` the
    ontology property's local name): ``<base>statement/<kind>/<u>/<relation>/<kind>/<v>``.
    """
    return f"{base}statement/{_node_path(u)}/{segment(relation)}/{_node_path(v)}"


def evidence_iri(statement: str, paper_id: str, field: str, start: int, end: int,
                 repeat: int = 1) -> str:
    """One piece of evidence of a statement: where in which paper it is stated.

    ``repeat`` (≥ 2) tells apart evidence records with the same paper, field and span.
    """
    tail = f"{int(start)}-{int(end)}" + (f"-{int(repeat)}" if repeat > 1 else "")
    return f"{statement}/evidence/{segment(paper_id)}/{segment(field)}/{tail}"
