"""Extraction on this machine: one process, or a pool of worker processes.

spaCy releases no GIL worth having for the NER, so parallelism is processes. Each worker
loads the pipeline once and extracts chunks of papers; results come back in input order,
so the output is identical whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from kg.extract import extract
from kg.records import Extraction, Paper

#: Most papers per task: ~1 s of work, so IPC and scheduling cost nothing beside it.
CHUNK = 64
#: Chunks queued per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 4
#: Fewest papers per task (below it the NER batches get too small to be efficient).
MIN_CHUNK = 8


def chunk_size(n_papers: int, workers: int) -> int:
    """Papers per task: CHUNK, but small enough for ~8 tasks per worker on small inputs,
    so that no worker idles at the end while another finishes a big last chunk."""
    return max(MIN_CHUNK, min(CHUNK, -(-n_papers // (workers * 8))))


def _chunks(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(papers)
    while chunk := list(islice(it, size)):
        yield chunk


def _warm_up(pipeline: str | None) -> None:
    """Pool initializer: load the pipeline and run it once, so that its lazy parts (the
    gazetteer's phrase matchers: ~1 s) are built while the driver still reads the input.
    Best effort: a pipeline that fails to load fails the first chunk instead, with its
    own error (an initializer error would only say "broken pool")."""
    try:
        from kg.extract.pipeline import load_pipeline

        load_pipeline(pipeline)("")
    except Exception:  # noqa: BLE001,S110 - reported by the first chunk
        pass


def _start_method() -> str:
    """``fork`` where it is the platform's safe default (Linux): the workers inherit the
    driver's imports (spaCy: ~1 s each) instead of importing them again; else ``spawn``."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def start_pool(workers: int, pipeline: str | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` extraction processes, started now and loading the pipeline in
    the background: ``kg build`` starts it before reading its input."""
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(_start_method()),
                               initializer=_warm_up, initargs=(pipeline,))
    pool.submit(int)  # starts the processes (and their warm-up) at once
    return pool


def _extract_chunk(args: tuple[list[dict], str | None]) -> list[dict]:
    papers, pipeline = args
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline(pipeline)
    return [e.to_json() for e in extract((Paper.from_json(p) for p in papers), nlp=nlp)]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def extract_local(
    papers: list[Paper], workers: int = 1, pipeline: str | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> Iterator[Extraction]:
    """Extractions of ``papers`` in input order, using ``workers`` processes.

    One pool for the whole run: each worker pays the ~1-2 s import and pipeline load once
    and keeps the pipeline for every later chunk. At most ``IN_FLIGHT_PER_WORKER`` chunks
    per worker are queued, so the driver never holds a second copy of the whole input;
    a worker that dies (killed for memory, say) fails the build instead of hanging it,
    which is why this is a ``ProcessPoolExecutor`` and not a ``multiprocessing.Pool``.
    ``pool`` is one from :func:`start_pool` (``workers`` processes), already warming up;
    the caller shuts it down.
    """
    if workers <= 1 and pool is None:
        from kg.extract.pipeline import load_pipeline

        yield from extract(papers, nlp=load_pipeline(pipeline))
        return
    size = chunk_size(len(papers), workers)
    own = pool is None
    if pool is None:
        pool = start_pool(workers, pipeline)
    try:
        pending: deque[Future[list[dict]]] = deque()
        for chunk in _chunks(papers, size):
            pending.append(pool.submit(_extract_chunk, ([p.to_json() for p in chunk], pipeline)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield from records(pending.popleft().result())
        while pending:
            yield from records(pending.popleft().result())
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)


def records(rows: list[dict]) -> Iterator[Extraction]:
    """Extraction records back from their JSON form (as workers send them)."""
    for r in rows:
        yield Extraction.from_json(r)
