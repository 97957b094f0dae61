"""One reader per input format: ``reader(ctx) -> Iterator[Record]``.

A reader parses syntax only: it yields raw fields with their location and reports bad
records through the context. Validation, cleaning and identity are shared, in
``kg.ingest.identity``, so every format obeys the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kg.ingest.context import FileContext, Record
from kg.ingest.readers.atom import read_atom
from kg.ingest.readers.bibtex import read_bibtex
from kg.ingest.readers.daily import read_daily
from kg.ingest.readers.delimited import read_csv, read_tsv
from kg.ingest.readers.hf_api import read_hf_api
from kg.ingest.readers.json_array import read_json
from kg.ingest.readers.jsonl import read_jsonl

Reader = Callable[[FileContext], Iterator[Record]]

READERS: dict[str, Reader] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "json": read_json,
    "hf-api": read_hf_api,
    "csv": read_csv,
    "tsv": read_tsv,
    "atom": read_atom,
    "bibtex": read_bibtex,
}

__all__ = ["READERS", "Reader"]
