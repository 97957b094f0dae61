"""Paper ids and duplicate merging (kg.ingest.identity, kg.ingest.dedup)."""

from __future__ import annotations

import hashlib
import json

import pytest

from kg.ingest import IngestReport, InputError, read_papers
from kg.ingest.identity import (
    normalize_arxiv_id,
    normalize_doi,
    paper_from_fields,
    paper_id,
    title_id,
)
from kg.util.normalize import norm_name


@pytest.mark.parametrize("raw,expected", [
    ("2401.01234", "2401.01234"),
    ("arXiv:2401.01234v2", "2401.01234"),
    ("  ARXIV: 2401.01234v12 ", "2401.01234"),
    ("https://arxiv.org/abs/2401.01234v3", "2401.01234"),
    ("http://arxiv.org/pdf/2401.01234v1.pdf", "2401.01234"),
    ("10.48550/arXiv.2401.01234", "2401.01234"),
    ("https://doi.org/10.48550/arXiv.2401.01234", "2401.01234"),
    ("1501.0001", "1501.0001"),
    ("hep-th/9711200v3", "hep-th/9711200"),
    ("math.gt/0309136", "math.GT/0309136"),
    ("2401.1234567", None),
    ("paper-17", None),
    ("", None),
])
def test_arxiv_ids_are_normalised_without_version(raw, expected):
    assert normalize_arxiv_id(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("10.18653/v1/N19-1423", "10.18653/v1/n19-1423"),
    ("https://doi.org/10.1000/XYZ", "10.1000/xyz"),
    ("http://dx.doi.org/10.1000/abc", "10.1000/abc"),
    ("doi:10.1000/abc", "10.1000/abc"),
    ("not a doi", None),
])
def test_dois_are_lower_cased_without_resolver_prefix(raw, expected):
    assert normalize_doi(raw) == expected


def test_title_id_is_sha1_of_the_normalised_title():
    title = "The Transformers: Attention-Based Models"
    digest = hashlib.sha1(norm_name(title).encode("utf-8")).hexdigest()[:16]
    assert title_id(title) == "t-" + digest
    assert title_id("the transformers attention based model") == title_id(title)


def test_id_precedence_is_given_id_then_arxiv_then_doi_then_title():
    assert paper_id(" my-id ", "2401.01234", "10.1/x", "T") == "my-id"
    assert paper_id(None, "2401.01234", "10.1/x", "T") == "2401.01234"
    assert paper_id("", None, "10.1/x", "T") == "10.1/x"
    assert paper_id(None, None, None, "T") == title_id("T")


def test_given_id_is_kept_verbatim_and_fills_arxiv_id_when_it_is_one():
    p = paper_from_fields({"id": " arXiv:2401.01234v2 ", "title": "T", "abstract": "A."})
    assert p.id == "arXiv:2401.01234v2" and p.arxiv_id == "2401.01234"
    q = paper_from_fields({"id": "internal-7", "title": "T", "abstract": "A."})
    assert q.id == "internal-7" and q.arxiv_id is None


def test_arxiv_id_is_found_in_url_or_arxiv_doi():
    p = paper_from_fields({"title": "T", "abstract": "A.",
                           "url": "https://arxiv.org/abs/2312.17276v1"})
    assert p.id == p.arxiv_id == "2312.17276"


def test_unrecognised_doi_is_kept_in_metadata_with_a_warning():
    from kg.ingest.identity import build_paper

    built = build_paper({"title": "T", "abstract": "A.", "doi": "n/a"})
    assert built.paper.doi is None and built.paper.metadata["doi"] == "n/a"
    assert built.warnings == ["doi 'n/a' not recognised; kept in metadata"]


def test_iso_datetimes_become_dates_other_dates_stay():
    p = paper_from_fields({"title": "T", "abstract": "A.", "date": "2024-01-02T18:59:59Z"})
    assert p.date == "2024-01-02"
    assert paper_from_fields({"title": "T", "abstract": "A.", "date": "Aug 2019"}).date \
        == "Aug 2019"


def test_paper_from_fields_names_the_source_of_a_bad_record():
    with pytest.raises(InputError, match=r"^<papers>:record 2: no abstract"):
        paper_from_fields({"title": "T"}, source="<papers>:record 2")


def test_paper_to_json_output_reads_back_as_the_same_paper(tmp_path):
    p = paper_from_fields({"title": "T", "abstract": "A.", "doi": "10.1000/x", "venue": "V",
                           "authors": ["A B"]})
    path = tmp_path / "round.jsonl"
    path.write_text(json.dumps(p.to_json()) + "\n", encoding="utf-8")
    (q,) = read_papers([path])
    assert q.to_json() == p.to_json()


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_duplicate_by_id_keeps_the_first_and_fills_its_missing_fields(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "p1", "title": "A Paper", "abstract": "Same text.", "venue": "X"},
        {"id": "p1", "title": "A paper", "abstract": "Same text.", "authors": ["Ann"],
         "doi": "10.1000/p1", "venue": "Y", "pages": "1-2"},
    ])
    report = IngestReport()
    (p,) = read_papers([path], report=report)
    assert p.title == "A Paper" and p.authors == ("Ann",) and p.doi == "10.1000/p1"
    assert p.metadata == {"venue": "X", "pages": "1-2"}
    assert report.read == 2 and report.duplicates == 1 and not report.warnings


def test_duplicate_by_normalised_title_across_files_is_merged_once(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"title": "The Mixture-of-Experts Models",
                                            "abstract": "Text."}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"title": "mixture of experts model",
                                            "abstract": "Text.", "arxiv_id": "2401.04088"}])
    report = IngestReport()
    (p,) = read_papers([a, b], report=report)
    assert p.id == title_id("The Mixture-of-Experts Models")  # the first copy's id
    assert p.arxiv_id == "2401.04088"
    assert report.duplicates == 1 and report.papers == 1


def test_duplicate_by_arxiv_id_or_doi_is_merged(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "mine-1", "title": "One", "abstract": "Text.", "arxiv_id": "2401.00001"},
        {"title": "One (v2 title)", "abstract": "Text.", "arxiv_id": "arXiv:2401.00001v2"},
        {"title": "Two", "abstract": "Text.", "doi": "10.1000/two"},
        {"title": "Two again", "abstract": "Text.", "doi": "https://doi.org/10.1000/TWO"},
    ])
    report = IngestReport()
    assert [p.id for p in read_papers([path], report=report)] == ["mine-1", "10.1000/two"]
    assert report.duplicates == 2


def test_same_id_different_content_warns_naming_both_locations(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "p1", "title": "First", "abstract": "One."},
        {"id": "p1", "title": "Second", "abstract": "Two.", "doi": "10.1000/second"},
    ])
    report = IngestReport()
    (p,) = read_papers([path], report=report)
    assert p.title == "First" and p.doi is None  # a different paper fills nothing
    (warning,) = report.warnings
    assert str(warning).startswith(f"{path}:2: duplicate id 'p1'")
    assert f"{path}:1" in warning.message


def test_same_title_with_a_revised_abstract_warns_but_still_fills(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"title": "Paper", "abstract": "Version one."},
        {"title": "Paper", "abstract": "Version two.", "authors": ["Bo"]},
    ])
    report = IngestReport()
    (p,) = read_papers([path], report=report)
    assert p.abstract == "Version one." and p.authors == ("Bo",)
    assert "different abstract" in report.warnings[0].message


def test_papers_keep_first_seen_order(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"title": t, "abstract": "Text."} for t in ("C", "A", "B", "A")])
    assert [p.title for p in read_papers([path])] == ["C", "A", "B"]
