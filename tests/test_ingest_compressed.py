"""Compressed input (issue 22): gzip, bzip2 and xz files read like the plain file they
hold, by every reader, streamed; the content is sniffed after decompression; messages
name the file and the line as for plain files; damage and decompression bombs are
reported, never crashed on."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.ingest import IngestReport, InputError, detect_format, read_papers, source

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
BAD = ROOT / "tests" / "fixtures" / "bad"
HEAD = FIXTURES / "arxiv-cs-2025-head.jsonl.gz"
ARXIV_2025 = ROOT.parent / "shared" / "corpus" / "arxiv-cs-2025.jsonl.gz"

COMPRESSORS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": (".gz", lambda b: gzip.compress(b, mtime=0)),
    "bzip2": (".bz2", bz2.compress),
    "xz": (".xz", lzma.compress),
}
PLAIN = ["daily.txt", "papers.jsonl", "papers.json", "hf-api.json", "papers.csv",
         "papers.tsv", "arxiv.xml", "papers.bib"]


def read(path: Path, **kw) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_papers([path], report=report, **kw)), report


def compressed(tmp_path: Path, plain: Path, kind: str = "gzip", name: str | None = None
               ) -> Path:
    suffix, compress = COMPRESSORS[kind]
    path = tmp_path / (name or plain.name + suffix)
    path.write_bytes(compress(plain.read_bytes()))
    return path


def messages(report: IngestReport, name: str) -> list[tuple[str, str]]:
    """Skips and warnings with the file's name taken out, to compare two files."""
    return [(kind, str(p).replace(name, "FILE")) for kind, problems in
            (("skip", report.skipped), ("warn", report.warnings)) for p in problems]


@pytest.mark.parametrize("kind", COMPRESSORS)
@pytest.mark.parametrize("name", PLAIN)
def test_every_reader_reads_compressed_input_like_the_plain_file(tmp_path, name, kind):
    path = compressed(tmp_path, FIXTURES / name, kind)
    papers, report = read(path)
    plain, plain_report = read(FIXTURES / name)
    assert [p.to_json() | {"source": None} for p in papers] == \
        [p.to_json() | {"source": None} for p in plain]
    assert [p.source.replace(str(path), "FILE") for p in papers] == \
        [p.source.replace(str(FIXTURES / name), "FILE") for p in plain]
    assert report.files[0].format == plain_report.files[0].format


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_bad_input_compressed_gives_the_same_messages_with_file_and_line(tmp_path, name):
    path = compressed(tmp_path, BAD / name)
    papers, report = read(path)
    plain, plain_report = read(BAD / name)
    assert [p.title for p in papers] == [p.title for p in plain]
    assert messages(report, str(path)) == messages(plain_report, str(BAD / name))


def test_content_is_sniffed_after_decompression(tmp_path):
    bare = compressed(tmp_path, FIXTURES / "papers.bib", name="refs.gz")
    assert detect_format(bare) == "bibtex"
    pretty = compressed(tmp_path, FIXTURES / "unusual" / "pretty-array.txt", "xz")
    assert detect_format(pretty) == "json" and len(read(pretty)[0]) == 3


def test_an_archive_inside_compression_is_named(tmp_path):
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(FIXTURES / "papers.jsonl", arcname="papers.jsonl")
    path = tmp_path / "papers.tar.gz"
    path.write_bytes(buffer.getvalue())
    papers, report = read(path)
    assert papers == []
    assert report.skipped[0].message == ("binary file (a tar archive (extract it first), "
                                         "inside gzip compression), not paper text")


def test_compression_is_told_by_content_not_by_name(tmp_path):
    plain_named_gz = tmp_path / "papers.jsonl.gz"
    plain_named_gz.write_bytes((FIXTURES / "papers.jsonl").read_bytes())
    gzipped_named_plain = compressed(tmp_path, FIXTURES / "papers.jsonl", name="papers.jsonl")
    for path in (plain_named_gz, gzipped_named_plain):
        assert detect_format(path) == "jsonl" and len(read(path)[0]) == 3


def test_real_arxiv_listing_slice_reads_with_dates_and_ids():
    papers, report = read(HEAD)
    assert len(papers) == 20 and not report.skipped and not report.warnings
    assert papers[0].arxiv_id == "1610.09431" and papers[0].date == "2025-07-02"
    assert all(p.date and p.authors and p.url for p in papers)
    assert report.files[0].format == "jsonl"


@pytest.mark.skipif(not ARXIV_2025.exists(), reason="shared corpus not available")
def test_shared_arxiv_listing_is_sniffed_as_json_lines_and_the_slice_is_its_start():
    assert detect_format(ARXIV_2025) == "jsonl"
    with gzip.open(ARXIV_2025, "rb") as fh:
        first = [fh.readline() for _ in range(20)]
    assert gzip.decompress(HEAD.read_bytes()).splitlines(keepends=True) == first


def test_truncated_download_keeps_the_papers_before_the_break(tmp_path):
    data = gzip.compress((FIXTURES / "papers.jsonl").read_bytes() * 40, mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) - 20])
    papers, report = read(path)
    assert len(papers) == 3 and report.read > 3
    (problem,) = report.skipped
    assert problem.message == "gzip data ends early (truncated file?); rest of file not read"
    readable = zlib.decompressobj(31).decompress(path.read_bytes())
    assert problem.line == readable.count(b"\n") + 1  # the line it broke in


def test_damaged_data_is_a_message_with_its_line_not_a_crash(tmp_path):
    lines = "".join(f'{{"title": "Paper {i}", "abstract": "Abstract {i * 7919}."}}\n'
                    for i in range(5_000))
    data = bytearray(gzip.compress(lines.encode(), mtime=0))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(bytes(data))
    papers, report = read(path)
    assert 0 < len(papers) < 5_000
    problem = report.skipped[-1]
    assert problem.message.startswith("damaged gzip data (")
    assert problem.message.endswith("; rest of file not read")
    assert problem.line > len(papers)  # gzip checks its CRC at the end of the data
    with pytest.raises(InputError, match=r"damaged\.jsonl\.gz:\d+: "):
        read(path, strict=True)  # at the first line the damage garbled, or at the CRC


def test_damage_before_any_text_is_a_file_level_message(tmp_path):
    data = bytearray(bz2.compress((FIXTURES / "papers.jsonl").read_bytes() * 40))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "damaged.jsonl.bz2"
    path.write_bytes(bytes(data))
    papers, report = read(path)
    assert papers == []
    assert [str(p) for p in report.skipped] == [
        f"{path}: damaged bzip2 data (Invalid data stream)"]


@pytest.mark.parametrize("name", ["papers.json", "papers.bib", "arxiv.xml"])
def test_truncated_whole_file_and_xml_formats_report_the_break(tmp_path, name):
    data = gzip.compress((FIXTURES / name).read_bytes(), mtime=0)
    path = tmp_path / f"cut-{name}.gz"
    path.write_bytes(data[:-12])
    _, report = read(path)
    assert any(p.message.startswith("gzip data ends early") for p in report.skipped)


def test_whole_file_formats_apply_the_size_limit_to_the_decompressed_size(tmp_path):
    plain = tmp_path / "many.json"
    plain.write_text("[" + ",".join(['{"title": "T", "abstract": "A."}'] * 100) + "]")
    path = compressed(tmp_path, plain)
    assert path.stat().st_size < 1000 < plain.stat().st_size
    assert len(read(path, max_file_bytes=10_000)[0]) == 1  # the same paper, merged
    papers, report = read(path, max_file_bytes=1000)
    assert papers == []
    assert report.skipped[0].message.startswith("file decompresses to more than 1,000 bytes, "
                                                "the limit for this format")


def _bomb(tmp_path: Path, megabytes: int, line: bytes = b"") -> Path:
    """``megabytes`` of zeros (after ``line``), gzip-compressed a chunk at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(line)]
    chunk = b"0" * 2**20
    parts += [packer.compress(chunk) for _ in range(megabytes)]
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(b"".join(parts) + packer.flush())
    return path


def test_decompression_bomb_is_stopped_early_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MIN_CHECKED_BYTES", 2**20)
    path = _bomb(tmp_path, 64, b'{"title": "Before", "abstract": "The bomb."}\n')
    tracemalloc.start()
    try:
        papers, report = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.title for p in papers] == ["Before"]
    assert peak < 16 * 2**20  # stopped near MIN_CHECKED_BYTES, not at 64 MB
    (problem,) = report.skipped
    assert problem.line == 2
    assert "expands more than 100 times (a decompression bomb?)" in problem.message


def test_whole_file_bomb_is_refused_by_the_limit_or_the_ratio(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MIN_CHECKED_BYTES", 2**20)
    path = _bomb(tmp_path, 16, b"[")
    path = path.rename(tmp_path / "bomb.json.gz")
    papers, report = read(path)
    assert papers == [] and "decompression bomb" in report.skipped[0].message


def test_real_text_is_far_below_the_bomb_ratio():
    assert len(gzip.decompress(HEAD.read_bytes())) < 10 * HEAD.stat().st_size < \
        source.MAX_RATIO * HEAD.stat().st_size


def test_cli_builds_from_a_gzip_file(tmp_path):
    out = tmp_path / "x.jsonl"
    res = CliRunner().invoke(cli, ["extract", str(HEAD), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 20


def test_cli_exit_status_for_a_compressed_empty_file_is_that_of_a_plain_one(tmp_path):
    plain = tmp_path / "empty.jsonl"
    plain.write_bytes(b"")
    codes = []
    for path in (plain, compressed(tmp_path, plain)):
        res = CliRunner().invoke(cli, ["extract", str(path), "-o", str(tmp_path / "o.jsonl")])
        codes.append(res.exit_code)
        assert f"{path}: empty file" in res.output
    assert codes == [2, 2]
