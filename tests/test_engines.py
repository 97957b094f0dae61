"""Engines: one process, a local pool or a Dask cluster — the same bytes on disk.

Only the extract stage is distributed, and records come back in input order, so every
engine and worker count must write byte-identical exports. Speed is measured by
``benchmarks/run.py``, never here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from kg.build import EXPORT_FILES, build_exports, sample_corpus_path
from kg.cli import cli
from kg.engines import run_extraction
from kg.engines.local import CHUNK, MIN_CHUNK, chunk_size, extract_local
from kg.ingest import read_papers
from kg.options import BuildOptions

#: Papers in the test input: several chunks per worker, a few seconds per build.
N_PAPERS = 100
#: report.json fields that describe the run, not the graph.
VOLATILE_REPORT_KEYS = ("timings_s", "cache")


def _stable_report(path: Path) -> dict:
    report = json.loads(path.read_text())
    for key in VOLATILE_REPORT_KEYS:
        report.pop(key, None)
    report["inputs"] = [Path(p).name for p in report["inputs"]]
    for entry in report.get("ingest", {}).get("files", []):
        entry["source"] = Path(entry.get("source", "")).name
    return report


def assert_same_build(expected: Path, actual: Path) -> None:
    for name in EXPORT_FILES:
        if name == "report.json":
            assert _stable_report(actual / name) == _stable_report(expected / name)
        else:
            same = (actual / name).read_bytes() == (expected / name).read_bytes()
            assert same, f"{name} differs"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The first 100 papers of the bundled sample, as JSON Lines."""
    papers = list(read_papers([sample_corpus_path()]))[:N_PAPERS]
    path = tmp_path_factory.mktemp("engines-input") / "papers.jsonl"
    path.write_text("".join(
        json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
        for p in papers), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def one_worker(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one-worker")
    build_exports([corpus], out, options=BuildOptions(workers=1, quiet=True))
    return out


@pytest.fixture(scope="module")
def two_workers(corpus, tmp_path_factory) -> Path:
    """``kg build --workers 2 --shards 3`` through the CLI."""
    out = tmp_path_factory.mktemp("two-workers") / "out"
    res = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--workers", "2",
                                   "--no-cache", "--shards", "3", "-q"])
    assert res.exit_code == 0, res.output
    return out


def test_two_workers_write_the_same_bytes_as_one(one_worker, two_workers):
    assert json.loads((two_workers / "report.json").read_text())["papers"] == N_PAPERS
    assert_same_build(one_worker, two_workers)


def test_ntriples_shards_hold_exactly_the_triples_of_graph_nt(two_workers):
    shards = sorted(two_workers.glob("graph-*.nt"))
    assert [p.name for p in shards] == ["graph-000.nt", "graph-001.nt", "graph-002.nt"]
    whole = set(parse(path=str(two_workers / "graph.nt"), format=RdfFormat.N_TRIPLES))
    parts = [set(parse(path=str(p), format=RdfFormat.N_TRIPLES)) for p in shards]
    assert all(parts), "every shard holds triples"
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole), "no triple is in two shards"


def test_small_inputs_get_several_chunks_per_worker_and_large_ones_full_chunks():
    # Small inputs: enough tasks that no worker waits on another's last big chunk.
    assert -(-N_PAPERS // chunk_size(N_PAPERS, 2)) >= 2 * 4
    assert chunk_size(1, 2) == MIN_CHUNK
    # Large inputs: full chunks, so per-task overhead stays negligible.
    assert chunk_size(100_000, 2) == CHUNK
    assert chunk_size(100_000, 64) == CHUNK


def test_fewer_papers_than_workers_run_in_one_process():
    papers = list(read_papers([sample_corpus_path()]))[:3]
    exts = list(run_extraction(papers, BuildOptions(workers=8, quiet=True)))
    assert [e.id for e in exts] == [p.id for p in papers]
    assert list(run_extraction([], BuildOptions(workers=8))) == []


def test_an_unknown_engine_is_an_error():
    papers = list(read_papers([sample_corpus_path()]))[:1]
    with pytest.raises(ValueError, match="unknown engine"):
        run_extraction(papers, BuildOptions(engine="spark"))


@pytest.fixture(scope="module")
def dask_scheduler():
    """A LocalCluster of two single-threaded worker processes, as `dask worker` runs them."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster:
        yield cluster.scheduler_address


def test_dask_engine_writes_the_same_bytes_as_local(corpus, one_worker, dask_scheduler,
                                                     tmp_path):
    out = tmp_path / "dask"
    res = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(out), "--engine", "dask",
                                   "--scheduler", dask_scheduler, "--no-cache", "-q"])
    assert res.exit_code == 0, res.output
    assert_same_build(one_worker, out)


def test_a_worker_error_fails_the_build_instead_of_hanging(tmp_path):
    papers = list(read_papers([sample_corpus_path()]))[:64]
    with pytest.raises(FileNotFoundError, match="no spaCy pipeline"):
        list(extract_local(papers, workers=2, pipeline=str(tmp_path / "no-pipeline")))
