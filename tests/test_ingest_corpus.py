"""The real inputs: the bundled sample in both of its forms, and the shared HF corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import IngestReport, read_papers

SAMPLE = Path(__file__).parents[1] / "kg" / "data" / "sample"
# The shared folder sits beside the project (../shared from the repository root).
HF_2024 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "hf-daily-papers-2024.jsonl"


def read(path: Path) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_papers([path], report=report)), report


def test_sample_dump_and_jsonl_read_to_the_same_139_papers():
    daily, daily_report = read(SAMPLE / "daily-papers-aug-20.txt")
    jsonl, jsonl_report = read(SAMPLE / "papers.jsonl")
    assert len(daily) == len(jsonl) == 139
    assert [(p.title, p.abstract) for p in daily] == [(p.title, p.abstract) for p in jsonl]
    assert [p.id for p in daily] == [p.id for p in jsonl]
    for report in (daily_report, jsonl_report):
        assert not report.skipped and not report.warnings and report.duplicates == 0


def test_sample_jsonl_text_is_unchanged_by_cleaning():
    raw = [json.loads(line) for line in (SAMPLE / "papers.jsonl").open(encoding="utf-8")]
    papers, _ = read(SAMPLE / "papers.jsonl")
    assert [(p.title, p.abstract) for p in papers] == [(r["title"], r["abstract"]) for r in raw]


def test_sample_dump_keeps_code_urls_at_the_end_of_abstracts():
    papers, _ = read(SAMPLE / "daily-papers-aug-20.txt")
    assert any(p.abstract.endswith("https://github.com/vipulgupta1011/swapmix") for p in papers)


@pytest.mark.skipif(not HF_2024.exists(), reason="shared corpus not available")
def test_hf_2024_corpus_reads_693_papers_with_arxiv_ids_and_authors():
    papers, report = read(HF_2024)
    assert len(papers) == 693 and not report.skipped and report.duplicates == 0
    assert all(p.arxiv_id and p.id == p.arxiv_id for p in papers)
    assert all(p.authors for p in papers)
    assert all(p.url and p.url.startswith("https://arxiv.org/abs/") for p in papers)
    first = papers[0]
    assert first.id == "2312.17276" and first.authors[0] == "Yunhe Wang"
