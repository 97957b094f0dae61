"""graph.ttl / graph.nt / graph.jsonld (+ shards): canonical, loadable, valid, atomic."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from test_rdf_corpus import corpus

from kg.export.rdf_files import RDF_FILES, write_rdf

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO / "ontology" / "kg.ttl"
SHAPES = REPO / "ontology" / "shapes.ttl"
RDFLIB_FORMAT = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
OX_FORMAT = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES, ".jsonld": RdfFormat.JSON_LD}
#: rdflib's JSON-LD parser and pySHACL use APIs rdflib 7 deprecates (thousands of warnings).
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("rdf")
    write_rdf(corpus(), d, shards=3)
    return d


def _ox(path: Path) -> set:
    return {q.triple for q in parse(path=str(path), format=OX_FORMAT[path.suffix])}


def _rdflib(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(str(path), format=RDFLIB_FORMAT[path.suffix])


def test_writes_the_three_files_and_the_shards(out):
    names = sorted(p.name for p in out.iterdir())
    assert names == ["graph-000.nt", "graph-001.nt", "graph-002.nt", *sorted(RDF_FILES)]


def test_ntriples_are_sorted_unique_canonical_lines(out):
    data = (out / "graph.nt").read_bytes()
    lines = data.split(b"\n")
    assert lines[-1] == b"" and lines[:-1] == sorted(set(lines[:-1]))
    assert b"\r" not in data  # escaped by pyoxigraph's canonical N-Triples


@pytest.mark.parametrize("name", RDF_FILES)
def test_every_export_loads_unchanged_in_pyoxigraph_and_rdflib(out, name):
    reference_ox = _ox(out / "graph.nt")
    reference_rdflib = set(_rdflib(out / "graph.nt"))
    assert _ox(out / name) == reference_ox
    assert set(_rdflib(out / name)) == reference_rdflib
    assert len(reference_ox) == len(reference_rdflib) > 500


def test_turtle_and_jsonld_use_the_prefixes(out):
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix kgo: <https://w3id.org/kg/ontology#> ." in ttl
    assert "entity:gsm8k a kgo:Dataset" in ttl
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"]["kgo"] == "https://w3id.org/kg/ontology#"
    assert doc["@context"]["entity"] == "https://w3id.org/kg/resource/entity/"
    node = next(n for n in doc["@graph"] if n["@id"] == "entity:gsm8k")
    assert node["@type"] == ["kgo:Dataset"]
    assert node["skos:prefLabel"] == [{"@value": "GSM8K"}]


def test_jsonld_nodes_are_written_as_json_dumps_writes_them(out):
    """One node object per line, each exactly as ``json.dumps`` with sorted keys writes it
    (the writer makes the text without building the dicts)."""
    lines = (out / "graph.jsonld").read_text(encoding="utf-8").split("\n")
    nodes = lines[lines.index(' "@graph": [') + 1:lines.index(" ]")]
    assert len(nodes) > 100
    for line in nodes:
        text = line.removesuffix(",")
        node = json.loads(text)
        assert json.dumps(node, ensure_ascii=False, sort_keys=True, separators=(",", ":")) == text


def test_shards_load_alone_and_add_up_to_the_graph(out):
    whole = _ox(out / "graph.nt")
    parts = [_ox(p) for p in sorted(out.glob("graph-*.nt"))]
    assert all(parts) and set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)
    for p in sorted(out.glob("graph-*.nt")):
        assert len(rdflib.Graph().parse(str(p), format="nt")) > 0


def test_stale_shards_are_removed(tmp_path):
    g = corpus()
    write_rdf(g, tmp_path, shards=4)
    write_rdf(g, tmp_path, shards=2)
    assert sorted(p.name for p in tmp_path.glob("graph-*.nt")) == ["graph-000.nt", "graph-001.nt"]
    write_rdf(g, tmp_path)
    assert not list(tmp_path.glob("graph-*.nt"))


def test_no_temporary_files_are_left_behind(out):
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", RDF_FILES)
def test_every_export_conforms_to_the_shapes_and_ontology(out, name):
    conforms, _, report = pyshacl.validate(
        _rdflib(out / name), shacl_graph=str(SHAPES), ont_graph=str(ONTOLOGY))
    assert conforms, report


def test_the_shapes_catch_a_broken_export(out):
    g = _rdflib(out / "graph.nt")
    paper = rdflib.URIRef("https://w3id.org/kg/resource/paper/p1")
    g.remove((paper, rdflib.DCTERMS.title, None))
    g.add((rdflib.URIRef("https://w3id.org/kg/resource/entity/sft"), rdflib.RDF.type,
           rdflib.URIRef("https://w3id.org/kg/ontology#Model")))
    conforms, _, report = pyshacl.validate(g, shacl_graph=str(SHAPES), ont_graph=str(ONTOLOGY))
    assert not conforms
    assert "dcterms:title" in report and "exactly one of the types" in report


def test_output_is_byte_identical_across_runs(out, tmp_path):
    write_rdf(corpus(), tmp_path, shards=3)
    for p in out.iterdir():
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


_CHILD = """
import pickle, sys
from kg.export.rdf_files import write_rdf
with open(sys.argv[1], "rb") as fh:
    write_rdf(pickle.load(fh), sys.argv[2], shards=3)
"""


def test_output_is_byte_identical_across_processes(out, tmp_path):
    """Two fresh interpreters with different hash seeds (set and dict order, the cause of
    rdflib#3545) write the same bytes as this process. They get the graph pickled, so they
    run only the RDF export (and start fast: no spaCy)."""
    graph = tmp_path / "graph.pickle"
    graph.write_bytes(pickle.dumps(corpus()))
    procs = {seed: subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(graph), str(tmp_path / seed)],
        env={**os.environ, "PYTHONHASHSEED": seed}, cwd=REPO) for seed in ("1", "2")}
    for seed, proc in procs.items():
        assert proc.wait(timeout=60) == 0
        for p in out.iterdir():
            assert (tmp_path / seed / p.name).read_bytes() == p.read_bytes(), (seed, p.name)


def _in_memory(g, shards: int) -> dict[str, bytes]:
    """The exports as the former writer made them: every triple and line at once."""
    from kg.export.rdf_files import canonical, jsonld_bytes, shard_lines, turtle_bytes
    from kg.graph.rdf import to_triples

    nt, triples = canonical(to_triples(g))
    files = {"graph.nt": nt, "graph.ttl": turtle_bytes(triples),
             "graph.jsonld": jsonld_bytes(triples)}
    files.update({f"graph-{n:03d}.nt": d for n, d in enumerate(shard_lines(nt, shards))})
    return files


@pytest.mark.parametrize("chunk", [1, 5, 37, 400, 10**6])
def test_streaming_writer_equals_the_in_memory_canonical_form(tmp_path, chunk):
    """Runs of ``chunk`` triples, spilled and merged (1 and 5: more runs than
    ``FAN_IN``, so runs are merged level by level too), give the same bytes as sorting
    everything in memory; the spill folder is gone afterwards."""
    g = corpus()
    write_rdf(g, tmp_path, shards=3, chunk=chunk)
    got = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert got == _in_memory(g, 3)


def test_streaming_writer_merges_duplicates_across_runs(tmp_path, monkeypatch):
    """The same triple in two runs is written once."""
    import kg.export.rdf_files as rf

    real = rf.iter_ntriples
    monkeypatch.setattr(rf, "iter_ntriples", lambda g, base=None: (
        t for _ in range(2) for t in real(g, base)))
    write_rdf(corpus(), tmp_path, chunk=100)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        k: v for k, v in _in_memory(corpus(), 1).items() if not k.startswith("graph-")}


def test_a_failing_export_leaves_no_file(tmp_path, monkeypatch):
    """An export stopped mid-way (after spilling runs and writing some chunks) leaves
    neither a partial file nor the spill folder."""
    import kg.export.rdf_files as rf

    calls = 0
    real = rf._JsonLdChunks.__call__

    def failing(self, lines, triples):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("stopped")
        return real(self, lines, triples)

    monkeypatch.setattr(rf._JsonLdChunks, "__call__", failing)
    with pytest.raises(RuntimeError, match="stopped"):
        write_rdf(corpus(), tmp_path, shards=2, chunk=50)
    assert list(tmp_path.iterdir()) == []
