"""`kg build --sparql-store` leaves the store `kg serve` of the build directory opens as it
is, and never a store that passes for the export's when it is not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper
from test_layout import import_graph

import kg.serve
import kg.sparql_store
from kg.build import build_exports, sample_corpus_path
from kg.cli import cli
from kg.ingest import read_papers
from kg.options import BuildOptions
from kg.serve import free_port, start_server
from kg.sparql_store import BUILD_STORE, build_store

OPTIONS = BuildOptions(workers=1, cache_dir=None, quiet=True)
WITH_STORE = BuildOptions(workers=1, cache_dir=None, quiet=True, sparql_store=True)


@pytest.fixture(scope="module")
def store_build(tmp_path_factory) -> Path:
    """Five papers of the sample built by `kg build --sparql-store`."""
    d = tmp_path_factory.mktemp("store-build")
    papers = list(read_papers([sample_corpus_path()]))[:5]
    src = d / "papers.jsonl"
    src.write_text("".join(json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract})
                           + "\n" for p in papers), encoding="utf-8")
    run = CliRunner().invoke(cli, ["build", str(src), "-o", str(d / "build"), "--no-cache",
                                   "--workers", "1", "-q", "--sparql-store"])
    assert run.exit_code == 0, run.output
    return d / "build"


@pytest.fixture()
def no_load(monkeypatch) -> list[tuple]:
    """Every `oxigraph load` that runs from here on, recorded (and still run)."""
    loads: list[tuple] = []
    real = kg.sparql_store.load_store_dir

    def recorded(*args, **kwargs):
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(kg.sparql_store, "load_store_dir", recorded)
    monkeypatch.setattr(kg.serve, "load_store_dir", recorded)
    return loads


def _papers(build: Path) -> Path:
    return build.parent / "papers.jsonl"


def _copy(build: Path, target: Path) -> Path:
    """The build directory copied as `cp -a` would (modification times kept)."""
    shutil.copytree(build, target, symlinks=True)
    return target


def _count_papers(url: str) -> int:
    client = SPARQLWrapper(url)
    client.setQuery("SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Paper }")
    client.setReturnFormat(JSON)
    return int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def _ask(url: str, query: str) -> bool:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return client.queryAndConvert()["boolean"]


def test_a_build_with_the_option_leaves_a_store_serve_opens_without_loading(
        store_build, no_load):
    store = store_build / BUILD_STORE
    assert sorted(p.name for p in store.iterdir()) == ["oxigraph", "source.json"]
    assert json.loads((store / "source.json").read_text())["source"] == "graph.nt"
    assert not list(store_build.glob(".*"))  # no staging or half-loaded store left
    run = json.loads((store_build / "run.json").read_text())
    assert run["timings_s"]["sparql_store"] > 0
    with start_server(store_build, port=free_port()) as srv:
        assert srv.reused is True
        assert srv.location == store / "oxigraph"
        assert _count_papers(srv.url) == 5
    assert no_load == []
    assert (store / "oxigraph").is_dir()  # stop leaves the build's store in place


def test_a_moved_or_copied_build_directory_keeps_its_store(store_build, tmp_path, no_load):
    moved = tmp_path / "elsewhere"
    _copy(store_build, tmp_path / "copy").rename(moved)
    with start_server(moved, port=free_port()) as srv:
        assert srv.reused is True and srv.location == moved / BUILD_STORE / "oxigraph"
    assert no_load == []


def test_the_builds_store_is_also_a_store_kept_with_store_dir(store_build, tmp_path, no_load):
    build = _copy(store_build, tmp_path / "build")
    with start_server(build, port=free_port(), location=build / BUILD_STORE) as srv:
        assert srv.reused is True
    assert no_load == []


def test_a_store_of_an_export_that_changed_is_not_used(store_build, tmp_path, no_load):
    build = _copy(store_build, tmp_path / "build")
    with (build / "graph.nt").open("a", encoding="utf-8") as fh:
        fh.write('<https://x.org/added> <https://x.org/p> "new" .\n')
    said: list[str] = []
    with start_server(build, port=free_port(), say=said.append) as srv:
        assert srv.reused is False
        assert _ask(srv.url, "ASK { <https://x.org/added> ?p ?o }") is True
    assert len(no_load) == 1  # the export, into a temporary store
    assert len(said) == 1 and "sparql-store does not hold the graph.nt now in" in said[0]
    assert "loading the export instead" in said[0]
    assert (build / BUILD_STORE / "oxigraph").is_dir()  # left as it was
    assert build_store(build)[0] is None


def test_a_build_without_the_option_writes_no_store_and_drops_an_earlier_one(
        sample_build, store_build, tmp_path):
    assert not (sample_build / BUILD_STORE).exists()
    build = _copy(store_build, tmp_path / "build")
    build_exports([_papers(store_build)], build, options=OPTIONS)
    assert not (build / BUILD_STORE).exists()  # it held the previous graph.nt
    assert not list(build.glob(".*"))


def test_an_interrupted_store_load_leaves_the_previous_build_and_no_store_in_progress(
        store_build, tmp_path, monkeypatch):
    build = _copy(store_build, tmp_path / "build")
    before = (build / "graph.nt").stat().st_mtime_ns
    real = kg.sparql_store.load_store_dir

    def cut_short(graph, location, **kwargs):
        real(graph, location, **kwargs)  # a whole store, then Ctrl-C before its stamp
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.sparql_store, "load_store_dir", cut_short)
    with pytest.raises(KeyboardInterrupt):
        build_exports([_papers(store_build)], build, options=WITH_STORE)
    assert not list(build.glob(".*"))  # neither the staging folder nor the new store
    assert (build / "graph.nt").stat().st_mtime_ns == before  # the previous build, whole
    assert build_store(build)[0] == build / BUILD_STORE / "oxigraph"  # and its own store


def test_a_build_stopped_between_its_exports_and_its_store_leaves_no_valid_store(
        store_build, tmp_path, monkeypatch):
    build = _copy(store_build, tmp_path / "build")
    before = (build / "graph.nt").stat().st_mtime_ns

    def stopped(folder, out):
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.sparql_store, "install_build_store", stopped)
    with pytest.raises(KeyboardInterrupt):
        build_exports([_papers(store_build)], build, options=WITH_STORE)
    # The new exports are in place; the store there is the previous build's.
    assert (build / "graph.nt").stat().st_mtime_ns != before
    found, why = build_store(build)
    assert found is None and "does not hold the graph.nt" in why
    assert not list(build.glob(".*"))  # the new store, loaded, is not left behind either


def test_a_store_folder_without_its_stamp_is_not_taken_for_a_store(store_build, tmp_path):
    build = _copy(store_build, tmp_path / "build")
    (build / BUILD_STORE / "source.json").unlink()
    found, why = build_store(build)
    assert found is None and "not a complete store" in why


def test_the_build_leaves_its_store_without_importing_the_endpoint():
    g = import_graph()
    assert g.has_edge("kg.build", "kg.sparql_store") and g.has_edge("kg.serve", "kg.sparql_store")
    assert not nx.has_path(g, "kg.build", "kg.serve")
    assert not nx.has_path(g, "kg.sparql_store", "kg.build")
