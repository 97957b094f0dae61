"""Each reader on a small hand-written file in its format (tests/fixtures/ingest/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import IngestReport, read_papers

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read_papers_at(path: Path, **kw) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_papers([path], report=report, **kw)), report


def read(name: str, **kw) -> tuple[list, IngestReport]:
    return read_papers_at(FIXTURES / name, **kw)


def test_daily_dump_skips_the_page_header_and_pairs_titles_with_abstracts():
    papers, report = read("daily.txt")
    assert [p.title for p in papers] == [
        "ReFT: Reasoning with Reinforced Fine-Tuning",
        "Did the Neurons Read your Book? Document-level Membership Inference for Large "
        "Language Models",
        "SwapMix: Diagnosing and Regularizing the Over-Reliance on Visual Context in Visual "
        "Question Answering",
    ]
    assert papers[0].abstract.startswith("One way to enhance the reasoning capability")
    assert not report.skipped and not report.warnings
    assert papers[0].source.endswith("daily.txt:13")


def test_daily_dump_keeps_a_trailing_code_url_in_the_abstract():
    papers, _ = read("daily.txt")
    assert papers[-1].abstract.endswith("Code is available at "
                                        "https://github.com/vipulgupta1011/swapmix")


def test_daily_dump_without_header_starts_at_the_first_line(tmp_path):
    lines = (FIXTURES / "daily.txt").read_text(encoding="utf-8").splitlines()
    body = tmp_path / "body.txt"
    body.write_text("\n".join(lines[12:]) + "\n", encoding="utf-8")
    papers, report = read_papers_at(body)
    assert len(papers) == 3 and not report.skipped


def test_jsonl_maps_fields_and_keeps_the_rest_in_metadata():
    papers, report = read("papers.jsonl")
    assert report.read == 3 and not report.skipped
    pangu, selfrew, mixtral = papers
    assert pangu.id == "2312.17276" and pangu.arxiv_id == "2312.17276"
    assert pangu.authors == ("Yunhe Wang", "Hanting Chen")
    assert pangu.url == "https://arxiv.org/abs/2312.17276"
    assert selfrew.id == "2401.10020"  # from arxiv_id "arXiv:2401.10020v1"
    assert selfrew.authors == ("Weizhe Yuan", "Richard Yuanzhe Pang")  # [{"name": ...}]
    assert selfrew.date == "2024-01-18"  # from "published"
    assert selfrew.metadata == {"venue": "ICML", "scores": {"upvotes": 144}}
    assert mixtral.authors == ("Albert Q. Jiang", "Alexandre Sablayrolles", "Antoine Roux")
    assert mixtral.doi == "10.48550/arxiv.2401.04088"
    assert mixtral.source.endswith("papers.jsonl:4")  # the blank line 3 is counted


def test_json_array_records_carry_their_line_numbers():
    papers, report = read("papers.json")
    assert [p.id for p in papers][0] == "mamba"
    assert papers[1].authors == ("Rafael Rafailov", "Archit Sharma")
    assert papers[1].date == "2023-05-29"
    assert [p.source.rsplit(":", 1)[1] for p in papers] == ["2", "7"]
    assert report.files[0].format == "json"


def test_hf_api_brings_arxiv_id_authors_and_date():
    papers, report = read("hf-api.json")
    assert report.files[0].format == "hf-api"
    first = papers[0]
    assert first.id == first.arxiv_id == "2408.10188"
    assert first.title.startswith("LongVILA")
    assert first.authors == ("Fuzhao Xue", "Yukang Chen")
    assert first.date == "2024-08-19"
    assert "\n" not in first.abstract
    assert first.metadata["upvotes"] == 51
    assert first.metadata["listing"]["numComments"] == 2


def test_csv_matches_columns_case_insensitively_and_reads_quoted_newlines():
    papers, report = read("papers.csv")
    assert not report.skipped
    reft, dots = papers
    assert reft.id == "2401.08967" and reft.arxiv_id == "2401.08967"
    assert reft.authors == ("Trung Quoc Luong", "Xinbo Zhang")
    assert '"on-line"' in reft.abstract
    assert reft.metadata == {"venue": "ACL"}
    assert dots.abstract == "A multi-line abstract: the second line continues it."
    assert dots.id.startswith("t-")  # the empty ID cell counts as absent


def test_tsv_reads_tab_separated_rows():
    papers, _ = read("papers.tsv")
    orca, tiny = papers
    assert orca.arxiv_id == orca.id == "2311.11045"  # from the arXiv DOI
    assert orca.doi == "10.48550/arxiv.2311.11045"
    assert orca.date == "2023"  # "year" is an alias of date
    assert tiny.title == "TinyLlama: An Open-Source Small Language Model"


def test_atom_reads_arxiv_entries_with_links_and_categories():
    papers, report = read("arxiv.xml")
    assert report.read == 3 and not report.skipped
    reft, bert, maldacena = papers
    assert reft.id == "2401.08967" and reft.date == "2024-01-17"
    assert reft.url == "http://arxiv.org/abs/2401.08967v2"
    assert reft.metadata["pdf_url"] == "http://arxiv.org/pdf/2401.08967v2"
    assert reft.metadata["categories"] == ["cs.CL", "cs.AI"]
    assert reft.abstract.startswith("One way") and "\n" not in reft.abstract
    assert bert.title == ("BERT: Pre-training of Deep Bidirectional Transformers for "
                          "Language Understanding")
    assert bert.doi == "10.18653/v1/n19-1423"
    assert len(bert.authors) == 4
    assert maldacena.id == "hep-th/9711200"
    assert maldacena.doi == "10.1023/a:1026654312961"  # from the DOI link
    assert reft.source.endswith("arxiv.xml:record 1")


def test_bibtex_strips_latex_and_maps_eprint_doi_and_authors():
    papers, report = read("papers.bib")
    assert report.read == 3 and not report.skipped
    bert, reft, groebner = papers
    assert bert.title.startswith("BERT: Pre-training")
    assert bert.id == bert.doi == "10.18653/v1/n19-1423"
    assert bert.authors[0] == "Jacob Devlin"
    assert bert.metadata["booktitle"] == "Proceedings of NAACL-HLT"  # @string resolved
    assert bert.metadata["bibtex_key"] == "devlin-etal-2019-bert"
    assert reft.id == reft.arxiv_id == "2401.08967"
    assert "ReFT significantly outperforms SFT by 9% on average." in reft.abstract
    assert groebner.title == "Gröbner Bases for Neural Networks"
    assert groebner.authors == ("Jürgen Müller", "Barnes and Noble Research")
    assert groebner.date == "2023"
    assert bert.source.endswith("papers.bib:4")


@pytest.mark.parametrize("name", ["daily.txt", "papers.jsonl", "papers.json", "hf-api.json",
                                  "papers.csv", "papers.tsv", "arxiv.xml", "papers.bib"])
def test_every_reader_yields_clean_complete_papers(name):
    papers, report = read(name)
    assert papers and report.read == len(papers)
    for p in papers:
        assert p.id and p.title and p.abstract and p.source
        assert p.title == p.title.strip() and "  " not in p.abstract


def test_several_files_are_read_in_order_with_their_own_stats():
    report = IngestReport()
    papers = list(read_papers([FIXTURES / "papers.json", FIXTURES / "papers.tsv"],
                              report=report))
    assert [p.title.split(":")[0] for p in papers] == [
        "Mamba", "Direct Preference Optimization", "Orca 2", "TinyLlama"]
    assert [(f.format, f.read) for f in report.files] == [("json", 2), ("tsv", 2)]


@pytest.mark.parametrize("latex,text", [
    (r"{BERT}: Pre-training of \emph{Deep} Models", "BERT: Pre-training of Deep Models"),
    (r"M{\"u}ller and Gr\"obner, \'Etude {\ss}", "Müller and Gröbner, Étude ß"),
    (r"\v{C}ech and \c{c}a", "Čech and ça"),
    (r"50\% of \{x\} \& y~z", "50% of {x} & y z"),
    (r"PanGu-$\pi$ in \LaTeX", r"PanGu-$\pi$ in LaTeX"),
    ("pages 1--2 --- done", "pages 1\u20132 \u2014 done"),
])
def test_latex_in_bibtex_values_becomes_plain_text(latex, text):
    from kg.ingest.latex import strip_latex

    assert strip_latex(latex) == text


def test_bibtex_author_lists_split_on_top_level_and_only():
    from kg.ingest.readers.bibtex import split_names

    assert split_names("Lee, Kenton and {Barnes and Noble} and Ann  Smith") == [
        "Lee, Kenton", "{Barnes and Noble}", "Ann  Smith"]
