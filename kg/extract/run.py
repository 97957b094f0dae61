"""The extract stage: ``Paper`` records in, ``Extraction`` records out.

Runs the spaCy pipeline over titles and abstracts with ``nlp.pipe`` (batched, the fast
path) and hands each paper's two docs to
:func:`kg.extract.paper.extraction.paper_extraction`. Parallel and distributed execution wrap
this function (:mod:`kg.engines`); it holds no state
besides the loaded pipeline, so any worker can run it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from spacy.language import Language
from threadpoolctl import threadpool_limits

from kg.extract.doc.views import made_doc
from kg.extract.paper.extraction import paper_extraction
from kg.extract.pipeline import default_pipeline_path, load_pipeline, optional_pipe
from kg.records import Extraction, Paper

#: The kg modules whose code decides what an extraction holds (with the pipeline's files).
_EXTRACTOR_SOURCES = ("extract", "records.py", "util/normalize.py")


@lru_cache(maxsize=4)
def extractor_version(path: str | None = None) -> str:
    """Identifies the extractor for caches: kg's version, every file of the pipeline
    (config, trained weights, gazetteer) and the extractor's source code.

    Hashing the files rather than the loaded pipeline's config means a retrained model or
    an edited rule (same config, same version number) misses the cache instead of
    returning stale extractions, and the driver does not load spaCy just to make a key.
    """
    target = Path(path) if path else default_pipeline_path()
    if not (target / "config.cfg").exists():
        load_pipeline(path)  # raises the helpful "no spaCy pipeline" error
    try:
        kg_version = metadata.version("kg")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        kg_version = "dev"
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(kg_version.encode())
    for label, root, names in (("pipeline", target, ("",)),
                               ("kg", package, _EXTRACTOR_SOURCES)):
        files = []
        for name in names:
            base = root / name
            files += [base] if base.is_file() else [
                f for f in base.rglob("*")
                if f.is_file() and "__pycache__" not in f.parts and f.suffix != ".pyc"]
        for f in sorted(files):
            h.update(f"\0{label}/{f.relative_to(root).as_posix()}\0".encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


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
    roles = optional_pipe(nlp, "kg_paper_roles")
    keep = optional_pipe(nlp, "kg_entity_keep")
    rkeep = optional_pipe(nlp, "kg_relation_keep")
    types = optional_pipe(nlp, "kg_paper_types")
    # One BLAS thread: extraction runs in parallel over processes (``--workers``), and a
    # BLAS thread pool per process would only make them compete for the same cores.
    with threadpool_limits(limits=1, user_api="blas"):
        docs = nlp.pipe((made_doc(nlp, t) for t in texts), batch_size=batch_size * 2)
        done = [paper_extraction(paper, next(docs), next(docs), roles, keep, rkeep, types)
                for paper in batch]
    yield from done
