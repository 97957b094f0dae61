"""kg.serve / `kg serve`: a real read-only SPARQL 1.1 endpoint, queried over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException
from test_rdf_corpus import corpus

import kg.sparql_store
from kg.cli import cli
from kg.export.rdf_files import write_rdf
from kg.query import query
from kg.serve import PortInUse, ServeError, free_port, start_server

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


def _copy_export(build_dir: Path, target: Path) -> Path:
    target.mkdir()
    shutil.copy2(build_dir / "graph.nt", target / "graph.nt")
    return target


def test_a_kept_store_is_reused_while_the_export_is_unchanged(build_dir, tmp_path, monkeypatch):
    export = _copy_export(build_dir, tmp_path / "build")
    store_dir = tmp_path / "kept"
    with start_server(export, port=free_port(), location=store_dir) as srv:
        assert _sparql(srv.url, "ASK { ?s a kgo:Paper }")["boolean"] is True
        assert srv.reused is False
    assert (store_dir / "oxigraph").is_dir() and (store_dir / "source.json").is_file()
    loads = []
    real_load = kg.sparql_store.load_store_dir
    monkeypatch.setattr(kg.sparql_store, "load_store_dir",
                        lambda *a, **k: loads.append(a) or real_load(*a, **k))
    with start_server(export, port=free_port(), location=store_dir) as srv:
        assert _sparql(srv.url, "ASK { ?s a kgo:Paper }")["boolean"] is True
        assert srv.reused is True
    assert loads == []  # opened as it was
    assert (store_dir / "oxigraph").is_dir()  # and kept after stop


def test_a_kept_store_is_loaded_again_when_the_export_changed(build_dir, tmp_path):
    export = _copy_export(build_dir, tmp_path / "build")
    store_dir = tmp_path / "kept"
    start_server(export, port=free_port(), location=store_dir).stop()
    with (export / "graph.nt").open("a", encoding="utf-8") as fh:
        fh.write('<https://x.org/added> <https://x.org/p> "new" .\n')
    with start_server(export, port=free_port(), location=store_dir) as srv:
        assert _sparql(srv.url, "ASK { <https://x.org/added> ?p ?o }")["boolean"] is True
    assert sorted(p.name for p in store_dir.iterdir()) == ["oxigraph", "source.json"]


def test_a_failed_reload_leaves_no_store_that_claims_the_new_export(build_dir, tmp_path):
    export = _copy_export(build_dir, tmp_path / "build")
    store_dir = tmp_path / "kept"
    start_server(export, port=free_port(), location=store_dir).stop()
    (export / "graph.nt").write_text("this is not n-triples\n")
    with pytest.raises(ServeError, match="oxigraph load"):
        start_server(export, port=free_port(), location=store_dir)
    assert not any(p.name.startswith(".loading-") for p in store_dir.iterdir())
    stamp = json.loads((store_dir / "source.json").read_text())
    assert stamp["size"] != (export / "graph.nt").stat().st_size  # still the old export's


def test_a_store_whose_swap_was_cut_short_is_loaded_again(build_dir, tmp_path):
    store_dir = tmp_path / "kept"
    start_server(build_dir, port=free_port(), location=store_dir).stop()
    (store_dir / "source.json").unlink()  # as if stopped between the swap and the stamp
    (store_dir / ".loading-x").mkdir()
    with start_server(build_dir, port=free_port(), location=store_dir) as srv:
        assert _sparql(srv.url, "ASK { ?s a kgo:Paper }")["boolean"] is True
    assert sorted(p.name for p in store_dir.iterdir()) == ["oxigraph", "source.json"]


def test_a_directory_of_other_files_is_never_taken_for_a_store(build_dir, tmp_path):
    store_dir = tmp_path / "mine"
    store_dir.mkdir()
    (store_dir / "notes.txt").write_text("keep me")
    with pytest.raises(ServeError, match="not a store kept by kg serve"):
        start_server(build_dir, port=free_port(), location=store_dir)
    assert [p.name for p in store_dir.iterdir()] == ["notes.txt"]


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


# -- issue 23: an honest endpoint ------------------------------------------------------------

#: Joins every triple with every other three times over: runs for hours without a limit.
PATHOLOGICAL = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                "?j ?k ?l }")


def _http(url: str, query: str | None = None, accept: str = "application/sparql-results+json",
          method: str = "GET", timeout: float = 30) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request, errors included; redirects are not
    followed."""
    data = None
    if query is not None and method == "GET":
        url += "?" + urllib.parse.urlencode({"query": query})
    elif query is not None:
        data = urllib.parse.urlencode({"query": query}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    req = urllib.request.Request(url, data=data, headers={"Accept": accept}, method=method)
    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def _kg_serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", "serve", *args],
                          capture_output=True, text=True, timeout=timeout)


def _without_prefix_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().upper().startswith("PREFIX"))


def test_a_port_held_by_any_socket_is_one_line_and_a_non_zero_exit(build_dir):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        with pytest.raises(PortInUse, match=f"port {port} on 127.0.0.1 is already in use"):
            start_server(build_dir, port=port)
        run = _kg_serve(str(build_dir), "--port", str(port))
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert f"port {port}" in lines[0] and "already in use" in lines[0] and "--port" in lines[0]


def test_a_port_held_by_another_kg_serve_is_an_error_and_the_first_keeps_serving(server):
    run = _kg_serve(str(QUERIES), "--port", str(server.port))  # fails before loading
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1 and "already in use" in run.stderr, run.stderr
    assert "SPARQL endpoint" not in run.stderr
    assert _sparql(server.url, "ASK { ?s ?p ?o }")["boolean"] is True


def test_the_same_query_text_works_in_kg_query_and_at_the_endpoint(server, build_dir):
    texts = [
        "SELECT ?e WHERE { ?e a kgo:Model } ORDER BY ?e",
        "SELECT ?name WHERE { entity:gsm8k skos:prefLabel ?name }",
        "SELECT ?title WHERE { ?p a kgo:Paper ; dcterms:title ?title } ORDER BY ?title",
        "SELECT ?m WHERE { ?p kgo:proposes ?m . FILTER(?p = paper:p1) } ORDER BY ?m",
    ]
    texts += [_without_prefix_lines(p.read_text(encoding="utf-8"))
              for p in sorted(QUERIES.glob("*.rq"))]
    for i, text in enumerate(texts):
        answer = _sparql(server.url, text)
        assert i >= 4 or answer["results"]["bindings"], text
        got = [{v: b[v]["value"] for v in b} for b in answer["results"]["bindings"]]
        rows = query(build_dir, text)
        want = [{v: t.value for v, t in zip(rows.variables, terms, strict=True)
                 if t is not None}
                for terms in rows.terms]
        assert got == want, text
    assert _sparql(server.url, texts[1])["results"]["bindings"][0]["name"]["value"] == "GSM8K"


def test_a_query_that_declares_a_prefix_keeps_its_own(server):
    text = ("PREFIX kgo: <https://example.org/not-kg#>\n"
            "ASK { ?e a kgo:Model }")
    assert _sparql(server.url, text)["boolean"] is False
    assert _sparql(server.url, "ASK { ?e a kgo:Model }")["boolean"] is True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_syntax_errors_are_one_line_at_the_users_own_position(server, method):
    status, _, body = _http(server.url, "SELECT ?e WHERE {\n  ?e a nope:Model\n}",
                            method=method)
    assert status == 400
    message = body.decode()
    assert message.startswith("error at 2:") and "nope:" in message and "\\u{" not in message
    assert message.count("\n") == 1 and "kgo:" in message  # the predeclared ones listed
    status, _, body = _http(server.url, "SELECT ?e WHERE {\n ?e a kgo:Model \n FILTER( }")
    assert status == 400 and body.decode().startswith("error at 3:")


def test_a_sparql_query_body_gets_the_prefixes_too(server):
    req = urllib.request.Request(server.url, data=b"ASK { ?e a kgo:Model }", headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert json.loads(resp.read())["boolean"] is True


def test_a_query_past_the_time_limit_is_stopped_and_its_core_released(build_dir):
    with start_server(build_dir, port=free_port(), query_timeout_s=1, workers=2) as srv:
        before = set(srv.pids())
        t0 = time.monotonic()
        status, ctype, body = _http(srv.url, PATHOLOGICAL, timeout=60)
        took = time.monotonic() - t0
        assert status == 503 and ctype.startswith("text/plain")
        assert b"ran longer than this endpoint's limit of 1s" in body
        assert took < 30
        gone = before - set(srv.pids())
        assert len(gone) == 1
        assert not Path(f"/proc/{gone.pop()}").exists()  # killed and reaped: no core held
        deadline = time.monotonic() + 30
        while len(srv.pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(srv.pids()) == 2  # a fresh process took its place
        assert _sparql(srv.url, "ASK { ?e a kgo:Model }")["boolean"] is True


def test_concurrent_queries_are_all_answered(server, build_dir):
    text = (QUERIES / "datasets_most_evaluated.rq").read_text(encoding="utf-8")
    want = [r["name"] for r in query(build_dir, text)]
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _: _sparql(server.url, text), range(48)))
    for answer in answers:
        assert [b["name"]["value"] for b in answer["results"]["bindings"]] == want


def test_the_editor_is_at_the_root_and_a_browser_opening_query_is_sent_there(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, ctype, body = _http(server.url.replace("/query", "/"), accept=browser)
    assert status == 200 and ctype.startswith("text/html")
    assert b'src="./yasgui.min.js"' in body  # served from here, not from the network
    status, ctype, _ = _http(server.url.replace("/query", "/yasgui.min.js"), accept="*/*")
    assert status == 200 and "javascript" in ctype
    status, _, body = _http(server.url, accept=browser)
    assert status == 303 and b"editor" in body
    status, ctype, _ = _http(server.url, "ASK {}", accept=browser)
    assert status == 200 and ctype.startswith("application/sparql-results+xml")


def test_kg_serve_help_says_where_the_editor_is_and_what_query_returns():
    res = CliRunner().invoke(cli, ["serve", "--help"])
    text = " ".join(res.output.split())
    assert "http://HOST:PORT/ a query editor" in text
    assert "http://HOST:PORT/query the endpoint, for SPARQL clients" in text
    assert "--timeout" in text and "[default: 60" in text
    assert "kgo:" in text and "entity:" in text


def test_kg_query_and_the_endpoint_give_the_same_syntax_error(server, build_dir):
    text = "SELECT ?e WHERE {\n  ?e a nope:Model\n}"
    _, _, body = _http(server.url, text)
    res = CliRunner().invoke(cli, ["query", str(build_dir), text])
    assert res.exit_code == 2
    assert res.stderr == f"kg: error: {body.decode()}"
