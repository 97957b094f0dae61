"""Exports written by a forked child: same files, errors raised in the parent, no leftovers."""

from __future__ import annotations

import os
import signal

import pytest
from helpers import ent, extraction, paper, rel

import kg.export.html
from kg.export import write_all
from kg.graph.property_graph import build_graph
from kg.options import BuildOptions, BuildReport
from kg.util.atomic import staged_directory
from kg.util.forked import can_fork, in_child

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs os.fork")


def _graph():
    papers = [paper("p1", abstract="We propose FooNet and test it on BarSet."),
              paper("p2", abstract="FooNet beats BazNet on BarSet.")]
    exts = [extraction("p1", [ent("FooNet", role="proposes"), ent("BarSet", "Dataset")],
                       [rel("FooNet", "evaluated_on", "BarSet")]),
            extraction("p2", [ent("FooNet"), ent("BazNet"), ent("BarSet", "Dataset")],
                       [rel("FooNet", "outperforms", "BazNet")])]
    return build_graph(papers, exts), exts


def test_the_child_returns_its_value():
    assert in_child(lambda: {"pid": os.getpid()}).result()["pid"] != os.getpid()


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_traceback():
    def fail() -> None:
        raise ValueError("disk on fire")

    with pytest.raises(ValueError, match="disk on fire") as info:
        in_child(fail).result()
    assert any("fail" in note for note in getattr(info.value, "__notes__", []))


def test_a_child_that_dies_is_an_error():
    with pytest.raises(ChildProcessError, match="signal"):
        in_child(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()


def test_two_workers_write_the_same_files_as_one(tmp_path):
    g, exts = _graph()
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        report = BuildReport()
        with staged_directory(out) as staging:
            write_all(g, list(exts), staging, BuildOptions(workers=workers), report)
        assert {"export_graphml", "export_html", "export_rdf", "exports"} <= set(report.timings)
        outs[workers] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert outs[1] == outs[2]
    assert sorted(outs[2]) == ["extractions.jsonl", "graph.graphml", "graph.html",
                               "graph.jsonld", "graph.nt", "graph.ttl"]


def test_a_failing_export_in_the_child_fails_the_build_and_keeps_the_old_files(
        tmp_path, monkeypatch):
    g, exts = _graph()
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.html").write_text("old")

    def broken(*args, **kwargs):
        raise OSError("no space left for the view")

    monkeypatch.setattr(kg.export.html, "write_html", broken)
    with pytest.raises(OSError, match="no space left"), staged_directory(out) as staging:
        write_all(g, list(exts), staging, BuildOptions(workers=2), BuildReport())
    assert sorted(p.name for p in out.iterdir()) == ["graph.html"]
    assert (out / "graph.html").read_text() == "old"


def test_a_large_build_writes_the_same_files_with_the_rdf_helper_process(tmp_path,
                                                                         monkeypatch):
    import kg.export

    g, exts = _graph()
    outs = {}
    for name, limit in (("forked", 10**9), ("helper", 0)):
        monkeypatch.setattr(kg.export, "FORK_MAX_EDGES", limit)
        out = tmp_path / name
        report = BuildReport()
        with staged_directory(out) as staging:
            write_all(g, list(exts), staging, BuildOptions(workers=2, shards=2), report)
        assert {"export_graphml", "export_html", "export_rdf"} <= set(report.timings)
        outs[name] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert outs["helper"] == outs["forked"]
    assert "graph-001.nt" in outs["helper"]


def test_a_failing_rdf_helper_fails_the_export_after_the_work_meanwhile(tmp_path,
                                                                        monkeypatch):
    import sys

    from kg.export.rdf_files import write_rdf

    g, _ = _graph()
    out = tmp_path / "out"
    seen = []
    monkeypatch.setattr(sys, "executable", "false")  # a helper that exits with 1 at once
    with pytest.raises(RuntimeError, match="helper process failed"):
        write_rdf(g, out, meanwhile=lambda: seen.append(True))
    assert seen == [True]
    assert sorted(p.name for p in out.iterdir()) == []  # no file, no run left behind
