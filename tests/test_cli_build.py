"""`kg build` and `kg extract` as a user sees them: the summary, progress bars on a terminal
only, and the same default number of workers."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.engines.local
import kg.util.progress
from kg.build import sample_corpus_path
from kg.cli import cli
from kg.ingest import read_papers
from kg.options import BuildReport

#: The module (``kg.build`` as an attribute of ``kg`` is the public function).
build_module = importlib.import_module("kg.build")
STAGES = ("ingest", "extract", "resolve", "graph", "exports")


@pytest.fixture(scope="module")
def small_input(tmp_path_factory) -> Path:
    """Six papers of the sample as JSON Lines, and one line that is not a paper."""
    papers = list(read_papers([sample_corpus_path()]))[:6]
    path = tmp_path_factory.mktemp("cli-input") / "papers.jsonl"
    lines = [json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract})
             for p in papers]
    path.write_text("\n".join([*lines[:3], "[1, 2]", *lines[3:]]) + "\n", encoding="utf-8")
    return path


def _build(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "build", *args, "--no-cache",
                           "--workers", "1"], capture_output=True, text=True, timeout=300)


def test_build_summary_says_what_was_read_found_and_written(small_input, tmp_path):
    run = _build([str(small_input), "-o", f"{tmp_path}/graph/"])
    assert run.returncode == 0, run.stderr
    err = run.stderr
    report = json.loads((tmp_path / "graph" / "report.json").read_text())
    assert f"6 papers read from {small_input}: 1 record(s) skipped" in err
    assert "papers.jsonl:4: " in err  # the skipped record, by file and line
    entities = sum(report["entities_per_type"].values())
    top_type = max(report["entities_per_type"].items(), key=lambda kv: kv[1])
    assert f"{entities} entities: {top_type[1]} {top_type[0]}" in err
    assert f"{report['edges']:,} edges: " in err
    for relation, n in report["edges_per_relation"].items():
        assert f"{n:,} {relation}" in " ".join(err.split())
    assert f"wrote {tmp_path}/graph/ in " in err
    assert "//" not in err
    assert "graph.ttl" in err and "run.json" in err


def test_build_summary_names_the_directory_with_one_slash():
    lines = BuildReport(inputs=["a.jsonl"]).summary_lines("out//", ["graph.ttl"])
    assert lines[-1] == "kg: wrote out/: graph.ttl"
    assert BuildReport().summary_lines("out", [])[-1] == "kg: wrote out/"


def test_piped_build_prints_no_progress_bar(small_input, tmp_path):
    run = _build([str(small_input), "-o", str(tmp_path / "out")])
    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stderr and "paper/s" not in run.stderr
    assert all(line.startswith("kg: ") or line.startswith("    ")
               for line in run.stderr.splitlines()), run.stderr


def test_a_terminal_gets_a_progress_bar_for_every_stage(small_input, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.util.progress, "enabled", lambda quiet=False: not quiet)
    monkeypatch.setattr(kg.util.progress, "DELAY_S", 0.0)
    monkeypatch.setattr(kg.util.progress, "REFRESH_S", 0.01)
    res = CliRunner().invoke(cli, ["build", str(small_input), "-o", str(tmp_path / "out"),
                                   "--no-cache", "--workers", "1"])
    assert res.exit_code == 0, res.output
    for stage in STAGES:
        assert f"{stage}:" in res.stderr, (stage, res.stderr)
    assert "graph.ttl" in res.stderr.split("exports:")[-1]  # the exports' files done


def test_quiet_build_prints_nothing(small_input, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.util.progress, "enabled", lambda quiet=False: not quiet)
    monkeypatch.setattr(kg.util.progress, "DELAY_S", 0.0)
    res = CliRunner().invoke(cli, ["build", str(small_input), "-o", str(tmp_path / "out"),
                                   "--no-cache", "--workers", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert res.stderr == ""


def test_extract_and_build_use_the_same_number_of_workers_by_default(
        small_input, tmp_path, monkeypatch):
    monkeypatch.setattr(kg.engines.local, "default_workers", lambda: 3)
    seen: dict[str, int] = {}

    def fake_extractions(papers, options, report, pool=None):
        seen["extract"] = options.workers
        return iter([])

    def fake_build(inputs, out_dir, *, fmt=None, strict=False, options=None):
        seen["build"] = options.workers
        return BuildReport(inputs=[str(p) for p in inputs])

    monkeypatch.setattr(build_module, "iter_extractions", fake_extractions)
    monkeypatch.setattr(build_module, "build_exports", fake_build)
    runner = CliRunner()
    res = runner.invoke(cli, ["extract", str(small_input), "-o", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["build", str(small_input), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert seen == {"extract": 3, "build": 3}
    assert "all cores" in runner.invoke(cli, ["extract", "--help"]).output
