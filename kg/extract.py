"""The extract stage: ``Paper`` records in, ``Extraction`` records out.

Runs the spaCy pipeline over titles and abstracts with ``nlp.pipe`` (batched, the fast
path) and hands each paper's two docs to :func:`kg.nlp.paper.paper_extraction`. Parallel
and distributed execution wrap this function (:mod:`kg.engines`); it holds no state
besides the loaded pipeline, so any worker can run it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata

from spacy.language import Language

from kg.nlp.paper import paper_extraction
from kg.nlp.pipeline import load_pipeline
from kg.records import Extraction, Paper


@lru_cache(maxsize=4)
def extractor_version(path: str | None = None) -> str:
    """Identifies the extractor for caches: kg's version plus the pipeline's meta and config."""
    nlp = load_pipeline(path)
    try:
        kg_version = metadata.version("kg")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        kg_version = "dev"
    blob = json.dumps([kg_version, nlp.meta.get("version"), nlp.config.to_str()], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def extract(
    papers: Iterable[Paper],
    nlp: Language | None = None,
    batch_size: int = 64,
) -> Iterator[Extraction]:
    """Extract entities, roles, relations, results and code links from each paper, in order."""
    nlp = nlp or load_pipeline()

    def texts(batch: list[Paper]) -> Iterator[str]:
        for p in batch:
            yield p.title
            yield p.abstract

    batch: list[Paper] = []
    for paper in papers:
        batch.append(paper)
        if len(batch) >= batch_size:
            yield from _run(nlp, batch, texts(batch), batch_size)
            batch = []
    if batch:
        yield from _run(nlp, batch, texts(batch), batch_size)


def _run(nlp: Language, batch: list[Paper], texts: Iterator[str], batch_size: int
         ) -> Iterator[Extraction]:
    docs = nlp.pipe(texts, batch_size=batch_size * 2)
    for paper in batch:
        title = next(docs)
        abstract = next(docs)
        yield paper_extraction(paper, title, abstract)
