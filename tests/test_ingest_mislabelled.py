"""Mislabelled and unusual files (issue 23): the content decides the reader, the extension
only breaks ties, and what cannot be told is one message naming the file, what it looks
like and the ``--format`` to give. Never junk with a success status.

Each file in tests/fixtures/ingest/unusual/ has the paper count it must give, or the
message it must print.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.ingest import IngestReport, InputError, detect_format, read_papers

UNUSUAL = Path(__file__).parent / "fixtures" / "ingest" / "unusual"

#: file → (format it is read as, papers, warning it gets or None)
READ = {
    "pretty-array.txt": ("json", 3, None),
    "pretty-object.txt": ("json", 1, None),
    "lines.txt": ("jsonl", 3, None),
    "array.jsonl": ("json", 3, "read as a JSON array, which its content is, although the "
                    ".jsonl extension says JSON Lines"),
    "crlf-first-line-broken": ("jsonl", 3, None),
    "references.json": ("bibtex", 3, "read as BibTeX, which its content is, although the "
                        ".json extension says a JSON array"),
    "semicolon.csv": ("csv", 3, None),
    "semicolon.txt": ("csv", 3, None),
    "bars.psv": ("csv", 2, None),
    "tabs.csv": ("csv", 2, None),
    "comma.txt": ("csv", 2, None),
    "feed.txt": ("atom", 3, None),
    "daily-api.txt": ("hf-api", 2, None),
    "bracket-title": ("daily", 2, None),
}

#: file → the one message it is refused with
REFUSED = {
    "notes.txt": "cannot tell the input format: it looks like plain text, but not a "
                 "daily-papers page (no title line followed by an abstract line); if it is "
                 "one, give it explicitly: --format daily",
    "table.txt": "cannot tell the input format: it looks like delimited text (','-separated) "
                 "without a 'title' column; if it holds papers, name its title and abstract "
                 "columns in the header row, or give it explicitly: --format csv",
    "page.html": "cannot tell the input format: it looks like XML or HTML (<html>), not an "
                 "Atom feed; if it is an arXiv Atom feed, give it explicitly: --format atom",
}


def read(path: Path, **kw) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_papers([path], report=report, **kw)), report


def test_every_unusual_fixture_has_an_expectation():
    assert {p.name for p in UNUSUAL.iterdir()} == set(READ) | set(REFUSED) | {"lines.csv"}


@pytest.mark.parametrize("name", READ)
def test_mislabelled_file_is_read_by_its_content(name):
    fmt, count, warning = READ[name]
    papers, report = read(UNUSUAL / name)
    assert report.files[0].format == fmt
    assert len(papers) == count
    assert [p.message for p in report.warnings] == ([warning] if warning else [])
    expected_skips = 1 if name == "crlf-first-line-broken" else 0
    assert len(report.skipped) == expected_skips


@pytest.mark.parametrize("name", REFUSED)
def test_unrecognisable_file_is_refused_with_what_it_looks_like(name):
    papers, report = read(UNUSUAL / name)
    assert papers == [] and report.read == 0
    assert [str(p) for p in report.skipped] == [f"{UNUSUAL / name}: {REFUSED[name]}"]
    with pytest.raises(InputError, match="cannot tell the input format"):
        detect_format(UNUSUAL / name)


def test_pretty_printed_json_array_as_txt_gives_its_papers_not_json_syntax():
    papers, _ = read(UNUSUAL / "pretty-array.txt")
    source = [json.loads(line) for line in
              (UNUSUAL.parent / "papers.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    assert [p.title for p in papers] == [r["title"] for r in source]
    assert not any(p.title.strip() in ("{", "},", "]", '"authors": [') for p in papers)


def test_semicolon_csv_keeps_quoted_delimiters_and_other_columns():
    papers, _ = read(UNUSUAL / "semicolon.csv")
    first = papers[0]
    assert first.title == "Attention; Revisited"
    assert first.abstract == "We revisit attention, again; it still works, mostly."
    assert first.date == "2024" and first.metadata["Score"] == "0,85"
    assert papers[2].title == "A Title, With a Comma"


def test_json_lines_in_a_csv_file_says_what_the_content_looks_like():
    # A tie (JSON Lines are comma-separated text too): the extension picks CSV, and the
    # CSV reader's refusal names the format to use.
    papers, report = read(UNUSUAL / "lines.csv")
    assert papers == []
    (problem,) = report.skipped
    assert problem.message.startswith("no 'title' or 'abstract' column in the header row")
    assert problem.message.endswith("; the content looks like JSON Lines: try --format jsonl")


def test_json_lines_in_a_csv_file_is_read_with_the_format_it_names():
    papers, report = read(UNUSUAL / "lines.csv", format="jsonl")
    assert len(papers) == 3 and not report.skipped


def test_explicit_format_that_does_not_fit_the_content_is_refused_not_read_as_junk():
    papers, report = read(UNUSUAL / "pretty-array.txt", format="daily")
    assert papers == []
    assert report.skipped[0].message == (
        "--format daily does not fit the content, which looks like a JSON array; use "
        "--format json (or leave --format out)")


def test_explicit_format_is_still_used_on_text_the_content_does_not_decide():
    _, report = read(UNUSUAL / "notes.txt", format="daily")
    assert report.files[0].format == "daily"
    assert all(p.message.startswith("title without an abstract") for p in report.skipped)


def test_explicit_csv_reads_a_semicolon_file_whatever_its_name():
    papers, _ = read(UNUSUAL / "semicolon.txt", format="csv")
    assert len(papers) == 3
    papers, _ = read(UNUSUAL / "semicolon.csv", format="tsv")
    assert len(papers) == 3


def test_strict_raises_the_same_one_line_message():
    with pytest.raises(InputError) as err:
        list(read_papers([UNUSUAL / "notes.txt"], strict=True))
    assert str(err.value) == f"{UNUSUAL / 'notes.txt'}: {REFUSED['notes.txt']}"


def test_cli_exits_non_zero_naming_file_look_and_format(tmp_path):
    res = CliRunner().invoke(cli, ["extract", str(UNUSUAL / "table.txt"), "-o",
                                   str(tmp_path / "x.jsonl"), "-q"])
    assert res.exit_code == 2
    assert REFUSED["table.txt"] in res.output
    assert not (tmp_path / "x.jsonl").exists()


@pytest.mark.parametrize("first,fmt", [
    ('[1]\n[2]\n', "jsonl"),                 # one array a line
    ('[\n  1,\n  2\n]\n', "json"),
    ("@comment{x}\n@misc{k, title={T}}\n", "bibtex"),
    ("% exported\n\n@article{k,\n title={T}}\n", "bibtex"),
    ("Some preamble text.\n@article{k,\n title={T}}\n", "bibtex"),
    ("Title\tAbstract\nA\tB\n", "tsv"),
    ("id|title|abstract\n1|A|B\n", "csv"),
    ("<?xml version='1.0'?>\n<feed xmlns='http://www.w3.org/2005/Atom'/>\n", "atom"),
])
def test_content_alone_names_the_format(tmp_path, first, fmt):
    path = tmp_path / "input"
    path.write_text(first, encoding="utf-8")
    assert detect_format(path) == fmt
