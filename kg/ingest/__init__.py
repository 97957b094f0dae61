"""Input files → clean, de-duplicated :class:`~kg.records.Paper` records.

One reader per format (``kg.ingest.readers``), chosen by the content with the extension
breaking ties, or by explicit name (``sniff``); gzip, bzip2 and xz files streamed through
a decompressor (``source``); shared cleaning and ids (``identity``), merging of duplicates
(``dedup``) and file:line error reporting (``errors``).

>>> report = IngestReport()
>>> papers = list(read_papers(["papers.jsonl"], report=report))  # doctest: +SKIP
>>> print(*report.skipped, sep="\\n")  # doctest: +SKIP
papers.jsonl:17: not a JSON object (a list)
"""

from kg.ingest.errors import IngestReport, InputError, Problem
from kg.ingest.read import read_papers
from kg.ingest.sniff import FORMATS, detect_format

__all__ = ["FORMATS", "IngestReport", "InputError", "Problem", "detect_format", "read_papers"]
