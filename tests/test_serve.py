"""kg.serve / `kg serve`: a real read-only SPARQL 1.1 endpoint, queried over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from test_rdf_corpus import corpus

from kg.export.rdf_files import write_rdf
from kg.query import query
from kg.serve import ServeError, free_port, start_server

QUERIES = Path(__file__).resolve().parent.parent / "ontology" / "queries"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("serve")
    write_rdf(corpus(), d)
    return d


@pytest.fixture(scope="module")
def server(build_dir):
    srv = start_server(build_dir, port=free_port())
    yield srv
    srv.stop()


def _sparql(url: str, q: str) -> dict:
    client = SPARQLWrapper(url)
    client.setQuery(q)
    client.setReturnFormat(JSON)
    return client.queryAndConvert()


def test_endpoint_binds_to_loopback_and_answers_sparql_over_http(server, build_dir):
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/query")
    q = (QUERIES / "datasets_most_evaluated.rq").read_text(encoding="utf-8")
    answer = _sparql(server.url, q)
    assert answer["head"]["vars"] == ["dataset", "name", "papers"]
    rows = [(b["name"]["value"], int(b["papers"]["value"]))
            for b in answer["results"]["bindings"]]
    assert rows == [(r["name"], r["papers"]) for r in query(build_dir, q)]
    assert rows[0] == ("GSM8K", 3)


def test_updates_are_refused(server):
    client = SPARQLWrapper(server.url, updateEndpoint=server.url.replace("/query", "/update"))
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <https://x.org/a> <https://x.org/b> <https://x.org/c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as err:
        client.query()
    assert "403" in str(err.value) or "read-only" in str(err.value)
    count = _sparql(server.url, "ASK { <https://x.org/a> ?p ?o }")
    assert count["boolean"] is False


def test_stop_ends_the_process_and_removes_the_temporary_store(build_dir):
    srv = start_server(build_dir, port=free_port())
    location = srv.location
    assert srv.running() and location.exists()
    srv.stop()
    assert not srv.running() and not location.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(srv.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                               timeout=2)


def test_a_bad_graph_is_reported(tmp_path):
    (tmp_path / "graph.nt").write_text("this is not n-triples\n")
    with pytest.raises(ServeError, match="oxigraph load"):
        start_server(tmp_path, port=free_port())


def test_kg_serve_runs_until_interrupted(build_dir):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(build_dir),
                             "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}/query" in line, line
        assert _sparql(f"http://127.0.0.1:{port}/query", "ASK { ?s ?p ?o }")["boolean"]
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    time.sleep(0.1)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", timeout=2)
