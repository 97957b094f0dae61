"""kg: offline knowledge graphs of the methods, models, datasets, tasks and metrics that a
set of papers talks about.

The public API, in data-flow order::

    papers = kg.read_papers(["papers.jsonl"])          # ingest
    records = kg.extract(papers)                        # spaCy extraction, per paper
    G = kg.build(papers)                                # resolve + typed networkx graph
    G = kg.load("exports/")                             # any export back into networkx
    rows = kg.query("exports/graph.ttl", "SELECT ...")  # SPARQL (pyoxigraph)

and :mod:`kg.analysis` for questions over ``G``. Names are imported on first use, so
``import kg`` (and the CLI's start-up) does not load spaCy or the RDF stack.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: public name → module that defines it
_EXPORTS = {
    "BuildOptions": "kg.options",
    "build": "kg.build",
    "build_exports": "kg.build",
    "sample_corpus_path": "kg.build",
    "extract": "kg.extract",
    "build_graph": "kg.graph.property_graph",
    "read_papers": "kg.ingest",
    "load": "kg.load",
    "query": "kg.query",
    "Entity": "kg.records",
    "Extraction": "kg.records",
    "Mention": "kg.records",
    "Paper": "kg.records",
    "Relation": "kg.records",
    "Result": "kg.records",
    "resolve": "kg.resolve",
    "write_html": "kg.export.html",
}

__all__ = sorted(_EXPORTS)


class _PublicAPI(types.ModuleType):
    """``kg.build`` is both a function and a submodule (as are ``query``, ``load``,
    ``extract`` and ``resolve``). Importing a submodule makes Python set it as an attribute
    of the package, which would hide the function; public names always mean the function.
    The submodules stay reachable through ``sys.modules`` and ``from kg.build import ...``.
    """

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if (isinstance(value, types.ModuleType) and name in _EXPORTS
                and value.__name__ == _EXPORTS[name]):
            return getattr(value, name)
        return value


sys.modules[__name__].__class__ = _PublicAPI


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
