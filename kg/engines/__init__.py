"""Where extraction runs: this machine (processes) or a Dask cluster.

Only the extract stage is distributed: it is where the time goes and it is independent
per paper. Resolution and export run afterwards in the driver on the gathered records, so
every engine produces byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor

from kg.options import BuildOptions
from kg.records import Extraction, Paper

ENGINES = ("local", "dask")


def run_extraction(papers: list[Paper], options: BuildOptions, pool: Executor | None = None
                   ) -> Iterator[Extraction]:
    """Extractions of ``papers`` in input order on the engine ``options`` names (local: in
    ``pool``, a started :func:`kg.engines.local.start_pool`, when given)."""
    if not papers:
        return iter(())
    if options.engine == "dask":
        from kg.engines.dask import extract_dask

        return extract_dask(papers, scheduler=options.scheduler, workers=options.workers,
                            pipeline=options.pipeline)
    if options.engine != "local":
        raise ValueError(f"unknown engine {options.engine!r} (choose from {', '.join(ENGINES)})")
    from kg.engines.local import extract_local

    if pool is not None:  # already started (and warm): use it whatever the input size
        return extract_local(papers, workers=options.workers, pipeline=options.pipeline,
                             pool=pool)
    workers = min(options.workers, max(1, len(papers) // 32))
    return extract_local(papers, workers=workers, pipeline=options.pipeline)
