"""Choosing the reader: extension first, then content; an explicit format wins."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.ingest import FORMATS, IngestReport, InputError, detect_format, read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

BY_CONTENT = {
    "daily.txt": "daily",
    "papers.jsonl": "jsonl",
    "papers.json": "json",
    "hf-api.json": "hf-api",
    "papers.csv": "csv",
    "papers.tsv": "tsv",
    "arxiv.xml": "atom",
    "papers.bib": "bibtex",
}


def test_formats_lists_every_reader():
    assert set(FORMATS) == set(BY_CONTENT.values())


@pytest.mark.parametrize("name,fmt", BY_CONTENT.items())
def test_extension_and_content_agree_on_the_fixtures(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


@pytest.mark.parametrize("name,fmt", BY_CONTENT.items())
def test_content_alone_identifies_a_file_without_extension(tmp_path, name, fmt):
    bare = tmp_path / "input"
    shutil.copy(FIXTURES / name, bare)
    assert detect_format(bare) == fmt


def test_json_extension_holding_json_lines_is_read_as_jsonl(tmp_path):
    path = tmp_path / "papers.json"
    shutil.copy(FIXTURES / "papers.jsonl", path)
    assert detect_format(path) == "jsonl"
    assert len(list(read_papers([path]))) == 3


def test_extension_wins_over_content(tmp_path):
    path = tmp_path / "papers.csv"
    shutil.copy(FIXTURES / "papers.jsonl", path)
    assert detect_format(path) == "csv"


def test_explicit_format_overrides_extension(tmp_path):
    path = tmp_path / "export.dat.txt"
    shutil.copy(FIXTURES / "papers.jsonl", path)
    report = IngestReport()
    papers = list(read_papers([path], format="jsonl", report=report))
    assert len(papers) == 3 and report.files[0].format == "jsonl"


def test_format_names_forgive_case_and_common_aliases():
    papers = list(read_papers([FIXTURES / "papers.bib"], format="BIB"))
    assert len(papers) == 3


def test_unknown_format_name_is_an_input_error():
    with pytest.raises(InputError, match="unknown input format 'yaml'"):
        list(read_papers([FIXTURES / "papers.jsonl"], format="yaml"))


def test_binary_file_is_reported_even_with_a_text_extension(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_bytes(b"\x00\x01\x02\xff" * 100)
    with pytest.raises(InputError, match="binary file"):
        detect_format(path)


def test_compressed_file_says_what_it_is(tmp_path):
    # Compressed text is read since issue 22 (tests/test_ingest_compressed.py); what is
    # not text is still named, with the compression it came out of.
    import gzip

    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(gzip.compress(b"%PDF-1.7\n" + bytes(range(256)) * 8))
    with pytest.raises(InputError, match="a PDF document, inside gzip compression"):
        detect_format(path)


def test_unrecognisable_text_asks_for_a_format(tmp_path):
    path = tmp_path / "notes"
    path.write_text("just\nsome\nwords\n", encoding="utf-8")
    with pytest.raises(InputError, match="give it explicitly"):
        detect_format(path)


def test_utf16_file_with_bom_is_sniffed_and_read(tmp_path):
    path = tmp_path / "papers"
    path.write_text((FIXTURES / "papers.jsonl").read_text(encoding="utf-8"), encoding="utf-16")
    assert detect_format(path) == "jsonl"
    assert len(list(read_papers([path]))) == 3
