"""End to end: `kg build` and `kg extract` on the bundled sample corpus."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from kg.build import EXPORT_FILES, build_exports, sample_corpus_path
from kg.cli import cli
from kg.options import BuildOptions

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "kg" / "data" / "extraction.schema.json").read_text())
#: report.json fields that describe the run, not the graph.
VOLATILE_REPORT_KEYS = ("timings_s", "cache")


def _stable_report(path: Path) -> dict:
    report = json.loads(path.read_text())
    for key in VOLATILE_REPORT_KEYS:
        report.pop(key, None)
    return report


def test_build_writes_every_export(sample_build):
    for name in EXPORT_FILES:
        assert (sample_build / name).stat().st_size > 0, name
    report = json.loads((sample_build / "report.json").read_text())
    assert report["papers"] == 139
    assert report["inputs"] == ["kg:sample/daily-papers-aug-20.txt"]
    assert set(report["entities_per_type"]) <= {"Method", "Model", "Dataset", "Task", "Metric"}
    assert report["edges_per_relation"]["evaluates_on"] > 0
    run = json.loads((sample_build / "run.json").read_text())
    assert {"ingest", "extract", "resolve", "graph"} <= set(run["timings_s"])


def test_report_json_holds_only_what_describes_the_graph(sample_build):
    """Timings and cache hits change every run: they go to run.json, so that rebuilding
    the committed exports leaves `git status` clean."""
    report = json.loads((sample_build / "report.json").read_text())
    assert not set(VOLATILE_REPORT_KEYS) & set(report)
    run = json.loads((sample_build / "run.json").read_text())
    assert set(run) == set(VOLATILE_REPORT_KEYS)
    assert run["timings_s"]["total"] > 0


def test_run_json_of_the_committed_exports_is_git_ignored():
    ignored = subprocess.run(["git", "check-ignore", "-q", "exports/run.json"], cwd=REPO)
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "exports/run.json"],
                             cwd=REPO, capture_output=True)
    assert ignored.returncode == 0 and tracked.returncode != 0


def test_extraction_records_follow_the_contract(sample_build):
    lines = (sample_build / "extractions.jsonl").read_text().splitlines()
    assert len(lines) == 139
    for line in lines:
        record = json.loads(line)
        jsonschema.validate(record, SCHEMA)
        names = {e["name"] for e in record["entities"]}
        for r in record["relations"]:
            assert r["head"] in names and r["tail"] in names
        for r in record["results"]:
            assert r["entity"] in names
            assert r["dataset"] in names | {None} and r["metric"] in names | {None}


def test_schema_rejects_a_record_outside_the_contract():
    bad = {"id": "x", "title": "t", "entities": [{"name": "A", "type": "Thing"}],
           "relations": [], "results": [], "code": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_build_is_byte_identical_when_repeated(sample_build, tmp_path):
    # With a cache this time (every paper a miss, then a hit): report.json too is the same.
    options = BuildOptions(workers=1, quiet=True, cache_dir=tmp_path / "cache")
    for _ in range(2):
        build_exports(None, tmp_path / "out", options=options)
        for name in EXPORT_FILES:
            same = (tmp_path / "out" / name).read_bytes() == (sample_build / name).read_bytes()
            assert same, name


def test_committed_exports_are_not_stale(sample_build):
    """exports/ must be the build of the current code: rebuild with `kg build`."""
    committed = REPO / "exports"
    for name in EXPORT_FILES:
        if name == "report.json":
            assert _stable_report(committed / name) == _stable_report(sample_build / name)
        else:
            same = (committed / name).read_bytes() == (sample_build / name).read_bytes()
            assert same, f"exports/{name} is stale: run `kg build` and commit exports/"


def test_kg_extract_writes_one_record_per_paper(tmp_path):
    out = tmp_path / "ext.jsonl"
    res = CliRunner().invoke(cli, ["extract", str(sample_corpus_path()), "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 139
    jsonschema.validate(records[0], SCHEMA)


def test_build_with_no_valid_record_exits_non_zero(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"title": "no abstract"}\n')
    res = CliRunner().invoke(cli, ["build", str(empty), "-o", str(tmp_path / "out"), "-q"])
    assert res.exit_code != 0
    assert "empty.jsonl" in res.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_every_command_explains_itself():
    for cmd in ([], ["build"], ["extract"], ["query"], ["serve"], ["view"]):
        res = CliRunner().invoke(cli, [*cmd, "--help"])
        assert res.exit_code == 0, (cmd, res.output)
        assert "Usage:" in res.output and len(res.output) > 200
