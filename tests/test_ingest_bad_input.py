"""Bad input (issue 8): each problem is reported with file and line, the bad record is
skipped and the rest is still read; ``strict`` stops at the first one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import IngestReport, InputError, Problem, read_papers

BAD = Path(__file__).parent / "fixtures" / "bad"


def read(path: Path, **kw) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_papers([path], report=report, **kw)), report


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


@pytest.fixture
def huge_abstract(tmp_path) -> Path:
    """A 2 MB abstract, generated rather than committed."""
    path = tmp_path / "huge.jsonl"
    records = [{"title": "Huge", "abstract": "Words in a very long abstract. " * 70_000},
               {"title": "Normal", "abstract": "A short abstract."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def binary_file(tmp_path) -> Path:
    path = tmp_path / "papers.jsonl"
    path.write_bytes(bytes(range(256)) * 64)
    return path


def test_problem_prints_as_file_line_message():
    assert str(Problem("papers.jsonl", 17, "not a JSON object")) == \
        "papers.jsonl:17: not a JSON object"
    assert str(Problem("feed.xml", None, "arXiv API error", record=2)) == \
        "feed.xml:record 2: arXiv API error"
    assert str(Problem("x.csv", None, "empty file")) == "x.csv: empty file"


def test_truncated_json_line_is_skipped_and_the_rest_read():
    papers, report = read(BAD / "truncated-line.jsonl")
    assert [p.title for p in papers] == ["Good paper 1", "Good paper 3"]
    (problem,) = report.skipped
    assert problem.line == 2 and problem.message.startswith("invalid JSON")


def test_json_line_that_is_not_an_object_is_skipped():
    papers, report = read(BAD / "not-object.jsonl")
    assert len(papers) == 2
    assert messages(report.skipped) == [
        f"{BAD / 'not-object.jsonl'}:2: not a JSON object (a list)",
        f"{BAD / 'not-object.jsonl'}:3: not a JSON object (a string)",
    ]


def test_json_array_element_that_is_not_an_object_is_skipped():
    papers, report = read(BAD / "not-object.json")
    assert len(papers) == 1
    assert [p.line for p in report.skipped] == [3, 4]


def test_truncated_json_array_keeps_the_elements_before_the_break():
    papers, report = read(BAD / "truncated.json")
    assert [p.title for p in papers] == ["Kept paper"]
    assert report.skipped[0].line == 3 and "rest of file not read" in report.skipped[0].message


def test_latin1_line_in_utf8_file_is_decoded_as_latin1_with_a_warning():
    papers, report = read(BAD / "latin1-line.jsonl")
    assert [p.title for p in papers] == ["Good paper 1", "Café naïve résumé", "Über UTF-8"]
    assert papers[1].abstract == "Étude des modèles."
    (warning,) = report.warnings
    assert warning.line == 2 and "not valid UTF-8" in warning.message


def test_utf8_bom_is_ignored():
    papers, report = read(BAD / "bom.jsonl")
    assert [p.title for p in papers] == ["Good paper 1", "Good paper 2"]
    assert not report.skipped and not report.warnings
    papers, _ = read(BAD / "bom.csv")
    assert papers[0].title == "BOM paper"  # the BOM is not part of the "title" column name


def test_empty_file_is_reported_and_reads_nothing():
    papers, report = read(BAD / "empty.jsonl")
    assert papers == [] and report.read == 0
    assert messages(report.skipped) == [f"{BAD / 'empty.jsonl'}: empty file"]
    assert report.summary().startswith("no valid paper in")


def test_binary_file_is_reported_not_crashed_on(binary_file):
    papers, report = read(binary_file)
    assert papers == []
    assert "binary file" in report.skipped[0].message and report.skipped[0].line is None


def test_paper_without_abstract_is_skipped_and_reported():
    papers, report = read(BAD / "no-abstract.jsonl")
    assert [p.title for p in papers] == ["Good paper 1", "Good paper 5"]
    assert [p.line for p in report.skipped] == [2, 3, 4]
    assert all(p.message.startswith("no abstract") for p in report.skipped)


def test_empty_or_missing_title_is_skipped_and_reported():
    papers, report = read(BAD / "empty-title.jsonl")
    assert [p.title for p in papers] == ["Good paper 4"]
    assert [(p.line, p.message) for p in report.skipped] == [
        (1, "empty title"), (2, "empty title"), (3, "no title")]


def test_huge_abstract_is_kept_but_truncated_with_a_warning(huge_abstract):
    papers, report = read(huge_abstract)
    huge, normal = papers
    assert 19_000 < len(huge.abstract) <= 20_000
    assert huge.abstract.startswith("Words in a very long abstract.")
    assert report.truncated == 1
    assert report.warnings[0].line == 1 and "truncated to 20,000" in report.warnings[0].message
    assert normal.abstract == "A short abstract."


def test_abstract_limit_is_configurable(huge_abstract):
    papers, report = read(huge_abstract, max_abstract_chars=100)
    assert len(papers[0].abstract) <= 100 and report.truncated == 1
    papers, report = read(huge_abstract, max_abstract_chars=None)
    assert len(papers[0].abstract) > 2_000_000 and report.truncated == 0


def test_control_characters_and_lone_surrogates_are_removed_at_ingest():
    (paper,), report = read(BAD / "control-chars.jsonl")
    assert paper.title == "Control chars in title here"
    assert paper.abstract == ("Tab here, NUL gone, vertical tab, lone surrogate, raw bell, "
                              "newline kept as space.")
    for text in (paper.title, paper.abstract):
        assert not any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in text)
    text = paper.abstract.encode("utf-8")  # no lone surrogate left to fail encoding
    assert text and not report.skipped


def test_html_and_script_in_titles_are_kept_verbatim_as_text():
    (paper,), _ = read(BAD / "html-title.jsonl")
    assert paper.title == '<script>alert("x")</script> & <b>Bold</b> Claims'
    assert paper.abstract == "We test <i>markup</i> & entities like &amp; in text."


def test_duplicate_ids_with_different_content_warn_and_count():
    papers, report = read(BAD / "duplicate-ids.jsonl")
    assert [p.title for p in papers] == ["First paper"]
    assert report.duplicates == 3 and report.read == 4 and report.papers == 1
    (warning,) = report.warnings
    assert warning.line == 2 and "duplicate id 'p1'" in warning.message
    assert f"{BAD / 'duplicate-ids.jsonl'}:1" in warning.message


def test_csv_without_title_column_is_a_clear_file_level_error():
    papers, report = read(BAD / "no-title-column.csv")
    assert papers == [] and report.read == 0
    (problem,) = report.skipped
    assert problem.line is None and "no 'title' column" in problem.message


def test_csv_row_with_wrong_field_count_is_skipped():
    papers, report = read(BAD / "ragged.csv")
    assert [p.title for p in papers] == ["A good row", "Another good row"]
    assert [(p.line, p.message) for p in report.skipped] == [
        (3, "3 fields, the header has 2")]


def test_malformed_bibtex_blocks_are_bad_records_with_their_line():
    papers, report = read(BAD / "malformed.bib")
    assert [p.title for p in papers] == ["A Good Entry", "Another Good Entry"]
    assert [p.line for p in report.skipped] == [7, 16, 21]
    assert report.skipped[0].message.startswith("malformed BibTeX entry")
    assert "Duplicate entry key 'good1'" in report.skipped[1].message
    assert report.skipped[2].message.startswith("no abstract")


def test_malformed_bibtex_does_not_log_behind_the_reports_back(caplog):
    read(BAD / "malformed.bib")
    assert not [r for r in caplog.records if r.name.startswith("bibtexparser")]


def test_arxiv_error_feed_is_a_bad_record():
    papers, report = read(BAD / "arxiv-error.xml")
    assert papers == [] and report.read == 0
    assert messages(report.skipped) == [
        f"{BAD / 'arxiv-error.xml'}:record 1: arXiv API error: "
        "incorrect id format for 1234.12345"]


def test_xml_with_doctype_is_refused_before_any_entity_is_expanded():
    papers, report = read(BAD / "entity-expansion.xml")
    assert papers == []
    assert "DOCTYPE/ENTITY declarations are refused" in report.skipped[0].message


def test_broken_xml_keeps_the_entries_before_the_error():
    papers, report = read(BAD / "truncated.xml")
    assert [p.id for p in papers] == ["2401.00001"]
    assert report.skipped[0].line == 11 and "XML error" in report.skipped[0].message


def test_daily_dump_reports_a_missing_abstract_and_an_orphan_abstract():
    papers, report = read(BAD / "daily-missing-abstract.txt")
    assert [p.title for p in papers] == [
        "First Paper With Its Abstract", "Third Paper Keeps Its Abstract", "Last Paper"]
    assert [(p.line, p.message.split(":")[0]) for p in report.skipped] == [
        (9, "title without an abstract"), (15, "abstract-like text without a title line "
                                               "before it")]


def test_whole_file_formats_refuse_files_above_the_size_limit():
    papers, report = read(BAD / "not-object.json", max_file_bytes=50)
    assert papers == []
    assert "above the 50 bytes limit" in report.skipped[0].message


def test_size_limit_is_a_module_constant(monkeypatch):
    from kg.ingest.readers import bibtex

    monkeypatch.setattr(bibtex, "MAX_BIBTEX_BYTES", 10)
    _, report = read(BAD / "malformed.bib")
    assert "limit" in report.skipped[0].message


def test_missing_file_and_directory_are_reported(tmp_path):
    report = IngestReport()
    assert list(read_papers([tmp_path / "nope.jsonl", tmp_path], report=report)) == []
    assert ["cannot read" in p.message or "directory" in p.message for p in report.skipped] \
        == [True, True]


def test_one_bad_file_does_not_stop_the_others(binary_file):
    report = IngestReport()
    papers = list(read_papers([binary_file, BAD / "bom.jsonl"], report=report))
    assert len(papers) == 2 and len(report.skipped) == 1


def test_strict_raises_at_the_first_bad_record_naming_file_and_line():
    with pytest.raises(InputError, match=r"not-object\.jsonl:2: not a JSON object") as err:
        list(read_papers([BAD / "not-object.jsonl"], strict=True))
    assert err.value.problem.line == 2


def test_strict_raises_for_a_bad_file_too():
    with pytest.raises(InputError, match=r"empty\.jsonl: empty file"):
        list(read_papers([BAD / "empty.jsonl"], strict=True))


def test_strict_does_not_raise_for_warnings():
    papers = list(read_papers([BAD / "latin1-line.jsonl"], strict=True))
    assert len(papers) == 3


def test_report_json_carries_counts_and_messages_for_the_cli():
    _, report = read(BAD / "no-abstract.jsonl")
    data = report.to_json()
    assert data["read"] == 2 and data["skipped"] == 3 and data["papers"] == 2
    assert data["skipped_messages"][0].endswith(":2: no abstract (title 'Missing abstract')")
    assert data["files"] == [{"source": str(BAD / "no-abstract.jsonl"), "format": "jsonl",
                              "read": 2, "skipped": 3}]
    json.dumps(data)


def test_file_without_any_valid_record_gets_a_closing_warning(tmp_path):
    path = tmp_path / "all-bad.jsonl"
    path.write_text("[1]\n[2]\n", encoding="utf-8")
    _, report = read(path)
    assert report.read == 0
    assert report.warnings[-1].message == "no valid paper in this file (2 record(s) skipped)"


def test_many_latin1_lines_are_summarised_after_twenty_warnings(tmp_path):
    path = tmp_path / "legacy.jsonl"
    line = '{"title": "Caf\u00e9 %d", "abstract": "R\u00e9sum\u00e9."}\n'
    path.write_bytes(b"".join((line % i).encode("latin-1") for i in range(25)))
    papers, report = read(path)
    assert len(papers) == 25
    assert len(report.warnings) == 21
    assert report.warnings[-1].message.startswith("5 more lines were not valid UTF-8")



@pytest.mark.parametrize("prolog", [
    b'<?xml version="1.0"?>\n<!DOCTYPE feed SYSTEM "http://example.org/x.dtd">\n',
    b"\xef\xbb\xbf<!-- a comment first -->\n<!doctype feed [<!ENTITY a 'b'>]>\n",
    b'<?xml version="1.0"?><?xml-stylesheet href="x"?><!DOCTYPE feed>',
])
def test_any_doctype_in_the_xml_prolog_is_refused(tmp_path, prolog):
    from kg.ingest.readers.atom import check_prolog

    assert check_prolog(prolog + b'<feed xmlns="http://www.w3.org/2005/Atom"/>')
    path = tmp_path / "feed.xml"
    path.write_bytes(prolog + b'<feed xmlns="http://www.w3.org/2005/Atom"/>')
    with pytest.raises(InputError, match="DOCTYPE/ENTITY"):
        list(read_papers([path], strict=True))


def test_doctype_text_inside_the_document_is_just_text():
    from kg.ingest.readers.atom import check_prolog

    assert check_prolog(b'<?xml version="1.0"?>\n<feed><title>&lt;!DOCTYPE</title></feed>') \
        is None


def test_non_text_title_is_a_bad_record_and_odd_optional_fields_go_to_metadata(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"title": ["a", "list"], "abstract": "Text."}\n'
        '{"title": "Fine", "abstract": "Text.", "authors": 42, "url": {"href": "x"}}\n',
        encoding="utf-8")
    (paper,), report = read(path)
    assert report.skipped[0].message == "title is not text (got list)"
    assert paper.authors == () and paper.url is None
    assert paper.metadata == {"authors": 42, "url": {"href": "x"}}
    assert len(report.warnings) == 2
