"""Extraction on this machine: one process, or a pool of worker processes.

spaCy releases no GIL worth having for the NER, so parallelism is processes. Each worker
loads the pipeline once and extracts chunks of papers; results come back in input order,
so the output is identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from itertools import islice

from kg.extract import extract
from kg.records import Extraction, Paper

CHUNK = 64


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(papers)
    while chunk := list(islice(it, size)):
        yield chunk


def _extract_chunk(args: tuple[list[dict], str | None]) -> list[dict]:
    papers, pipeline = args
    from kg.nlp.pipeline import load_pipeline

    nlp = load_pipeline(pipeline)
    return [e.to_json() for e in extract((Paper.from_json(p) for p in papers), nlp=nlp)]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def extract_local(
    papers: Iterable[Paper], workers: int = 1, pipeline: str | None = None
) -> Iterator[Extraction]:
    """Extractions of ``papers`` in input order, using ``workers`` processes."""
    if workers <= 1:
        from kg.nlp.pipeline import load_pipeline

        yield from extract(papers, nlp=load_pipeline(pipeline))
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        jobs = ((
            [p.to_json() for p in chunk], pipeline) for chunk in _chunks(papers, CHUNK))
        for records in pool.imap(_extract_chunk, jobs):
            for r in records:
                yield Extraction.from_json(r)
