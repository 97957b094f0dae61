"""The plain-data contract between the stages: ingest → extract → resolve → graph.

Every stage takes and returns these dataclasses (or their JSON form), so each stage can be
run, cached and parallelised on its own. ``Extraction.to_json`` is the ``kg extract`` record
format validated by ``kg/data/extraction.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["Method", "Model", "Dataset", "Task", "Metric"]
Role = Literal["proposes", "evaluates_on", "addresses", "uses", "mentions"]
RelationType = Literal["outperforms", "based_on", "evaluated_on", "used_for"]
Field = Literal["title", "abstract"]
Source = Literal["model", "gazetteer", "rule"]

ENTITY_TYPES: tuple[str, ...] = ("Method", "Model", "Dataset", "Task", "Metric")
#: Roles from strongest to weakest: a paper–entity pair keeps the first that applies.
ROLES: tuple[str, ...] = ("proposes", "evaluates_on", "addresses", "uses", "mentions")
RELATION_TYPES: tuple[str, ...] = ("outperforms", "based_on", "evaluated_on", "used_for")
#: What a result's value measures: quality ("score") or a cost (speed, size, compute).
RESULT_KINDS: tuple[str, ...] = ("score", "cost")


@dataclass(frozen=True)
class Paper:
    """One input paper. ``id`` is final (see ``kg.ingest.identity``)."""

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    date: str | None = None
    url: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    #: Any other input field, kept verbatim (JSON-serialisable values).
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Where the record came from, "file:line" or "file:record N", for error messages.
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": list(self.authors),
            "date": self.date,
            "url": self.url,
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "metadata": self.metadata,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Paper:
        return cls(
            id=d["id"],
            title=d["title"],
            abstract=d["abstract"],
            authors=tuple(d.get("authors") or ()),
            date=d.get("date"),
            url=d.get("url"),
            arxiv_id=d.get("arxiv_id"),
            doi=d.get("doi"),
            metadata=dict(d.get("metadata") or {}),
            source=d.get("source", ""),
        )


@dataclass(frozen=True)
class Mention:
    """A character span in the paper's ``title`` or ``abstract``."""

    field: Field
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Span:
    """Evidence: a span (usually the sentence) that states an edge."""

    field: Field
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end}


@dataclass
class Entity:
    """A named entity as one paper uses it (before cross-paper resolution)."""

    name: str
    type: EntityType
    role: Role = "mentions"
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    confidence: float = 1.0
    #: Which component found it; provenance carried to graph edges.
    source: Source = "model"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "aliases": list(self.aliases),
            "role": self.role,
            "mentions": [m.to_json() for m in self.mentions],
            "confidence": round(float(self.confidence), 4),
            "source": self.source,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Entity:
        return cls(
            name=d["name"],
            type=d["type"],
            role=d.get("role", "mentions"),
            aliases=list(d.get("aliases") or []),
            mentions=[Mention(**m) for m in d.get("mentions") or []],
            confidence=float(d.get("confidence", 1.0)),
            source=d.get("source", "model"),
        )


@dataclass(frozen=True)
class Relation:
    """``head rel tail`` between two entity names of the same paper."""

    head: str
    rel: RelationType
    tail: str
    evidence: Span
    confidence: float = 1.0
    source: Source = "rule"

    def to_json(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "rel": self.rel,
            "tail": self.tail,
            "evidence": self.evidence.to_json(),
            "confidence": round(float(self.confidence), 4),
            "source": self.source,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Relation:
        return cls(
            head=d["head"],
            rel=d["rel"],
            tail=d["tail"],
            evidence=Span(**d["evidence"]),
            confidence=float(d.get("confidence", 1.0)),
            source=d.get("source", "rule"),
        )


@dataclass(frozen=True)
class Result:
    """An explicit reported figure: ``entity`` reaches ``value`` on ``dataset`` in
    ``metric``. ``kind`` "score" is a quality measure (accuracy, BLEU: what leaderboards
    rank); "cost" is a speed, latency, size or compute figure ("25.4 fps", "3.58M
    parameters"), whose value keeps its unit."""

    entity: str
    value: str
    dataset: str | None = None
    metric: str | None = None
    evidence: Span | None = None
    kind: str = "score"

    def __post_init__(self) -> None:
        if self.kind not in RESULT_KINDS:
            raise ValueError(f"result kind {self.kind!r} is not one of {RESULT_KINDS}")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity": self.entity,
            "dataset": self.dataset,
            "metric": self.metric,
            "value": self.value,
            "kind": self.kind,
        }
        if self.evidence is not None:
            out["evidence"] = self.evidence.to_json()
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Result:
        ev = d.get("evidence")
        return cls(
            entity=d["entity"],
            value=d["value"],
            dataset=d.get("dataset"),
            metric=d.get("metric"),
            evidence=Span(**ev) if ev else None,
            kind=d.get("kind", "score"),
        )


@dataclass
class Extraction:
    """Everything one paper contributes to the graph (the ``kg extract`` record)."""

    id: str
    title: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    code: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "entities": [e.to_json() for e in self.entities],
            "relations": [r.to_json() for r in self.relations],
            "results": [r.to_json() for r in self.results],
            "code": list(self.code),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            id=d["id"],
            title=d["title"],
            entities=[Entity.from_json(e) for e in d.get("entities") or []],
            relations=[Relation.from_json(r) for r in d.get("relations") or []],
            results=[Result.from_json(r) for r in d.get("results") or []],
            code=list(d.get("code") or []),
        )
