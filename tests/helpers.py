"""Small builders for hand-written papers and extractions used across tests."""

from __future__ import annotations

from functools import lru_cache

from kg.records import Entity, Extraction, Mention, Paper, Relation, Result, Span


@lru_cache(maxsize=1)
def _blank():
    from kg.extract.pipeline import blank

    return blank()


def blank_doc(text: str):
    """``text`` through the scientific tokenizer and sentence rules (no NER), one shared
    pipeline for every test."""
    return _blank()(text)


def paper(pid: str, title: str = "", abstract: str = "", **kw) -> Paper:
    return Paper(id=pid, title=title or f"Paper {pid}", abstract=abstract or "An abstract.", **kw)


def ent(name: str, type_: str = "Method", role: str = "uses", aliases=(), text: str | None = None,
        field: str = "abstract", start: int = 0) -> Entity:
    surface = text or name
    return Entity(
        name=name, type=type_, role=role, aliases=list(aliases),
        mentions=[Mention(field=field, start=start, end=start + len(surface), text=surface)],
        confidence=0.8, source="model",
    )


def rel(head: str, r: str, tail: str, start: int = 0, end: int = 10) -> Relation:
    return Relation(head=head, rel=r, tail=tail, evidence=Span("abstract", start, end))


def extraction(pid: str, entities, relations=(), results=(), code=(), title: str = ""
               ) -> Extraction:
    return Extraction(id=pid, title=title or f"Paper {pid}", entities=list(entities),
                      relations=list(relations), results=list(results), code=list(code))


def result(entity: str, value: str, dataset: str | None = None, metric: str | None = None
           ) -> Result:
    return Result(entity=entity, value=value, dataset=dataset, metric=metric)
