"""A build stopped at any moment leaves the previous exports intact and no partial file."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.build import EXPORT_FILES, build_exports, sample_corpus_path
from kg.options import BuildOptions
from kg.util.atomic import atomic_write

GRAPH_FILES = [f for f in EXPORT_FILES if f != "report.json"]


def _digests(out: Path) -> dict[str, str]:
    return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in GRAPH_FILES}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


@pytest.fixture(scope="module")
def bigger_input(tmp_path_factory) -> Path:
    """~600 papers (the sample, re-titled), so extraction takes a few seconds."""
    src = [json.loads(line) for line in
           (sample_corpus_path().parent / "papers.jsonl").read_text().splitlines()]
    path = tmp_path_factory.mktemp("input") / "papers.jsonl"
    with path.open("w") as fh:
        for copy in range(4):
            for r in src:
                fh.write(json.dumps({"title": f"{r['title']} (copy {copy})",
                                     "abstract": r["abstract"]}) + "\n")
    return path


@pytest.fixture()
def previous_build(tmp_path) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "exports"
    build_exports(None, out, options=BuildOptions(workers=1, quiet=True))
    return out, _digests(out)


def _start_build(inputs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from kg.cli import main; main()", "build", str(inputs),
         "-o", str(out), "--no-cache", "--workers", "1", "-q"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_build_stopped_during_extraction_keeps_previous_exports(previous_build, bigger_input,
                                                                sig):
    out, before = previous_build
    proc = _start_build(bigger_input, out)
    time.sleep(4)  # loading the pipeline and extracting: well before any export
    assert proc.poll() is None, "the build finished before it could be stopped"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _digests(out) == before
    assert _leftovers(out) == []


@pytest.mark.slow
def test_build_killed_while_exporting_leaves_one_complete_set(previous_build, bigger_input,
                                                             tmp_path):
    out, before = previous_build
    reference = tmp_path / "reference"
    build_exports([bigger_input], reference, options=BuildOptions(workers=1, quiet=True))
    after = _digests(reference)
    proc = _start_build(bigger_input, out)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        staging = [p for p in out.glob(".kg-staging-*")
                   if any(not f.name.startswith(".kg-extractions-") for f in p.iterdir())]
        if staging:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # Every export is complete, and all of them come from the same build.
    assert _digests(out) in (before, after)
    # SIGKILL cannot clean up: the hidden staging folder may remain until the next build,
    # which removes it; no export file itself is ever partial.
    build_exports(None, out, options=BuildOptions(workers=1, quiet=True))
    assert _digests(out) == before
    assert _leftovers(out) == []


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("half of the new")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_exports_are_readable_by_others(tmp_path):
    target = tmp_path / "graph.ttl"
    with atomic_write(target) as fh:
        fh.write("x")
    assert target.stat().st_mode & 0o044 == 0o044 or os.umask(0o022) & 0o044
