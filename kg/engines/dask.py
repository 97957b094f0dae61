"""Extraction on a Dask cluster (``kg build --engine dask [--scheduler ADDRESS]``).

Papers travel to the workers in chunks as plain JSON-able dicts and come back as
extraction records; the driver gathers them in input order, then resolves and exports
exactly as the local engine does, so the output is byte-identical. Each worker process
loads the pipeline once (cached) and keeps it for every later chunk.

Without ``--scheduler`` a ``LocalCluster`` of ``workers`` single-threaded processes is
started for the build. With one, the workers must have the same version of kg installed
(``pip install kg`` on each node); starting them is the cluster's business (``dask
scheduler`` / ``dask worker``, dask-jobqueue, dask-kubernetes).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack

from kg.engines.local import IN_FLIGHT_PER_WORKER, _chunks, _extract_chunk, chunk_size, records
from kg.records import Extraction, Paper


def extract_dask(
    papers: list[Paper], scheduler: str | None = None, workers: int = 2,
    pipeline: str | None = None,
) -> Iterator[Extraction]:
    """Extractions of ``papers`` in input order, computed on a Dask cluster."""
    from dask.distributed import Client, Future, LocalCluster

    with ExitStack() as stack:
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=max(1, workers), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            ))
            client = stack.enter_context(Client(cluster))
        # Every thread of every worker runs one chunk at a time (workers that join later
        # still get work: the window only bounds what the driver holds).
        slots = max(1, sum(client.nthreads().values()) or workers)
        window = slots * IN_FLIGHT_PER_WORKER
        pending: deque[Future] = deque()
        for chunk in _chunks(papers, chunk_size(len(papers), slots)):
            payload = ([p.to_json() for p in chunk], pipeline)
            pending.append(client.submit(_extract_chunk, payload, pure=False))
            if len(pending) >= window:
                yield from records(pending.popleft().result())
        while pending:
            yield from records(pending.popleft().result())

