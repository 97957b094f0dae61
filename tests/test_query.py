"""kg.query / `kg query`: the example queries give the same answers in pyoxigraph and rdflib,
and the three output formats are what the SPARQL 1.1 result formats say."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import BlankNode, NamedNode, QueryResultsFormat, Store
from test_rdf_corpus import corpus

from kg.cli import cli
from kg.export.rdf_files import write_rdf
from kg.graph.rdf import to_rdflib, to_store
from kg.query import Rows, load_store, query, read_query

QUERIES = sorted((Path(__file__).resolve().parent.parent / "ontology" / "queries").glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


@pytest.fixture(scope="module")
def G():
    return corpus()


@pytest.fixture(scope="module")
def store(G) -> Store:
    return to_store(G)


@pytest.fixture(scope="module")
def rdflib_graph(G) -> rdflib.Graph:
    return to_rdflib(G)


@pytest.fixture(scope="module")
def build_dir(G, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("build")
    write_rdf(G, d)
    return d


def _ox_key(t):
    """A comparable form of a pyoxigraph term (numbers by value: engines may differ in
    lexical form, e.g. "1.0" vs "1")."""
    if t is None:
        return None
    if isinstance(t, NamedNode):
        return ("iri", t.value)
    if isinstance(t, BlankNode):
        return ("bnode",)
    if t.datatype.value in NUMERIC:
        return ("num", Decimal(t.value))
    return ("lit", t.value, t.language or None, t.datatype.value)


def _rdflib_key(t):
    if t is None:
        return None
    if isinstance(t, rdflib.URIRef):
        return ("iri", str(t))
    if isinstance(t, rdflib.BNode):
        return ("bnode",)
    dt = str(t.datatype) if t.datatype else (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString" if t.language
        else XSD + "string")
    if dt in NUMERIC:
        return ("num", Decimal(str(t)))
    return ("lit", str(t), t.language or None, dt)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_pyoxigraph_and_rdflib_give_identical_answers(store, rdflib_graph, path):
    ours = query(store, path)
    theirs = rdflib_graph.query(path.read_text(encoding="utf-8"))
    assert ours.variables == [str(v) for v in theirs.vars]
    ox_rows = [tuple(_ox_key(t) for t in row) for row in ours.terms]
    rdflib_rows = [tuple(_rdflib_key(row[v]) for v in theirs.vars) for row in theirs]
    assert ox_rows, f"{path.name} answers nothing on the test corpus"
    if "ORDER BY" in path.read_text(encoding="utf-8"):
        assert ox_rows == rdflib_rows  # every example query orders its rows totally
    else:
        assert sorted(ox_rows, key=repr) == sorted(rdflib_rows, key=repr)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_every_query_says_which_question_it_answers(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines if line.startswith("#"))
    assert lines[0].startswith("# Question: ") and "?" in header and "# Answer: " in header


def test_there_are_at_least_ten_competency_questions():
    assert len(QUERIES) >= 10


def _q(store, name: str) -> list[dict]:
    return list(query(store, next(p for p in QUERIES if p.stem == name)))


def test_example_answers_on_the_corpus(store):
    top = _q(store, "datasets_most_evaluated")[0]
    assert (top["name"], top["papers"]) == ("GSM8K", 3)
    assert {r["name"] for r in _q(store, "models_outperforming")} == {"Llama2-70B",
                                                                       "Chain-of-Thought"}
    assert {r["name"] for r in _q(store, "methods_proposed_on_gsm8k")} == {
        "ReFT", "Chain-of-Thought", "Llama2-13B", "Llama2-70B"}
    pair = _q(store, "papers_sharing_datasets")
    assert [(r["paper1"].rsplit("/", 1)[1], r["paper2"].rsplit("/", 1)[1], r["shared"])
            for r in pair] == [("p1", "p3", 2)]
    board = [(r["metric"], r["entity"], r["value"]) for r in _q(store, "leaderboard")]
    assert board == [(None, "Llama2-70B", "56.8"), ("accuracy", "ReFT", "75.3"),
                     ("accuracy", "SFT", "63.7%")]
    evidence = _q(store, "edge_evidence")
    assert all("outperforms" in r["sentence"] for r in evidence)  # what outperforms GPT-4
    assert {(r["subjectName"], r["objectName"]) for r in evidence} == {
        ("Chain-of-Thought", "GPT-4"), ("Llama2-70B", "GPT-4")} and len(evidence) == 2
    assert _q(store, "tasks_most_methods")[0]["name"] == "mathematical reasoning"
    aliases = {(r["name"], r["alias"]) for r in _q(store, "entity_aliases")}
    assert aliases == {("Chain-of-Thought", "CoT")}  # "cot", asked in any case
    text = next(p for p in QUERIES if p.stem == "entity_aliases").read_text(encoding="utf-8")
    unaliased = list(query(store, text.replace('"cot"', '"gsm8k"')))
    assert [(r["name"], r["alias"]) for r in unaliased] == [("GSM8K", None)]
    # GSM8K: p1 (2024-01-17) and the Llama 2 paper (2023-07); p3 is dated by year only.
    assert [(r["month"], r["papers"], r["monthPapers"], r["percent"])
            for r in _q(store, "papers_per_month_using")] == [
        ("2023-07", 1, 1, 100.0), ("2024-01", 1, 1, 100.0)]


@pytest.mark.parametrize("name", ["NewNet", "oldnet", "BERT"])
def test_papers_per_month_query_agrees_with_the_analysis_timeline(name):
    import warnings

    from test_trends import dated_corpus

    from kg import analysis as A

    G = dated_corpus()
    path = next(p for p in QUERIES if p.stem == "papers_per_month_using")
    text = path.read_text(encoding="utf-8").replace('"gsm8k"', f'"{name.lower()}"')
    rows = list(query(G, text))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        counts = A.timeline(G, [name], normalize=False).iloc[:, 0]
        totals = A.papers_per_period(G)
    assert [(r["month"], r["papers"], r["monthPapers"]) for r in rows] == [
        (str(m), int(c), int(totals[m])) for m, c in counts.items() if c]
    assert [r["percent"] for r in rows] == [
        round(1000 * c / totals[m]) / 10 for m, c in counts.items() if c]


def test_rows_are_plain_python_values(store):
    rows = query(store, "SELECT ?n ?c ?b ?s WHERE { BIND(3 AS ?n) BIND(0.5 AS ?c) "
                        "BIND(true AS ?b) BIND(<https://x.org/a> AS ?s) }")
    assert list(rows) == [{"n": 3, "c": 0.5, "b": True, "s": "https://x.org/a"}]
    assert rows[0] == rows[-1] and rows[:1] == [rows[0]] and len(rows) == 1
    assert isinstance(rows, Rows) and rows.variables == ["n", "c", "b", "s"]


@pytest.mark.parametrize("path", QUERIES[:4], ids=[p.stem for p in QUERIES[:4]])
def test_csv_and_json_match_pyoxigraph_own_serialisers(store, path):
    rows = query(store, path)
    text = read_query(path)
    lib_csv = store.query(text).serialize(format=QueryResultsFormat.CSV).decode("utf-8")
    lib_json = store.query(text).serialize(format=QueryResultsFormat.JSON)
    assert rows.to_csv() == lib_csv
    assert json.loads(rows.to_json()) == json.loads(lib_json)


def test_json_results_parse_as_sparql_results_in_rdflib(store):
    rows = query(store, QUERIES[0])
    parsed = rdflib.query.Result.parse(source=__import__("io").StringIO(rows.to_json()),
                                       format="json")
    assert [str(v) for v in parsed.vars] == rows.variables and len(parsed) == len(rows)


def test_nasty_values_survive_csv_and_json(store):
    rows = query(store, 'SELECT ?t WHERE { ?p dcterms:title ?t FILTER(CONTAINS(?t, "<b>")) }')
    title = rows[0]["t"]
    assert json.loads(rows.to_json())["results"]["bindings"][0]["t"]["value"] == title
    import csv
    import io
    assert list(csv.reader(io.StringIO(rows.to_csv())))[1] == [title]
    table = query(store, 'SELECT ?t WHERE { ?p dcterms:title ?t FILTER(CONTAINS(?t, "\\n")) }')
    assert "\\n" in table.to_table() and "\n(1 row)\n" in table.to_table()


def test_ask_and_construct(store):
    assert query(store, "ASK { ?m a kgo:Model }").to_json() == \
        '{\n "head": {},\n "boolean": true\n}\n'
    assert query(store, "ASK { ?m a kgo:Nothing }").to_table() == "no\n"
    rows = query(store, "CONSTRUCT { ?m a kgo:Model } WHERE { ?m a kgo:Model }")
    assert rows.variables == ["subject", "predicate", "object"] and len(rows) == 4


@pytest.mark.parametrize("name", ["", "graph.ttl", "graph.nt", "graph.jsonld"])
def test_query_reads_a_build_directory_and_every_export(build_dir, store, name):
    q = QUERIES[0]
    assert query(build_dir / name, q).terms == query(store, q).terms


def test_query_takes_a_networkx_graph(G, store):
    assert query(G, QUERIES[0]).terms == query(store, QUERIES[0]).terms


def test_loaded_stores_are_reused_until_the_file_changes(G, tmp_path):
    write_rdf(G, tmp_path)
    first = load_store(tmp_path)
    assert load_store(tmp_path / "graph.ttl") is first
    (tmp_path / "graph.ttl").write_text("<https://x.org/a> <https://x.org/b> 1 .\n")
    assert len(load_store(tmp_path)) == 1


def test_a_query_file_may_have_any_name(store, tmp_path):
    path = tmp_path / "question.txt"
    path.write_text(QUERIES[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert query(store, str(path)).terms == query(store, QUERIES[0]).terms


def test_updates_are_refused(store):
    with pytest.raises(ValueError, match="read-only"):
        query(store, "PREFIX x: <https://x.org/>\nINSERT DATA { x:a x:b x:c }")


def test_cli_query_file_and_text(build_dir):
    runner = CliRunner()
    res = runner.invoke(cli, ["query", str(build_dir), str(QUERIES[0])])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].split() == ["dataset", "name", "papers"]
    assert "entity:gsm8k  GSM8K  3" in res.output
    res = runner.invoke(cli, ["query", str(build_dir / "graph.nt"),
                              "SELECT ?n WHERE { ?m a kgo:Model ; skos:prefLabel ?n } ORDER BY ?n",
                              "--format", "csv"])
    assert res.exit_code == 0 and res.output.splitlines()[:2] == ["n", "GPT-4"]
    res = runner.invoke(cli, ["query", str(build_dir), str(QUERIES[0]), "--format", "json"])
    assert json.loads(res.output)["head"]["vars"] == ["dataset", "name", "papers"]


def test_cli_query_errors_exit_2(build_dir, tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["query", str(build_dir), "SELECT ?x WHERE { ?x"])
    assert res.exit_code == 2 and "kg: error:" in res.output
    res = runner.invoke(cli, ["query", str(tmp_path), "ASK {}"])
    assert res.exit_code == 2 and "no graph.ttl" in res.output
    res = runner.invoke(cli, ["query", str(build_dir), str(tmp_path / "missing.rq")])
    assert res.exit_code == 2


# ----------------------------------------------------------------------------- display


def test_rows_show_as_an_html_table_in_a_notebook_with_text_escaped(store):
    rows = query(store, 'SELECT ?p ?t WHERE { ?p dcterms:title ?t FILTER(CONTAINS(?t, "<b>")) }')
    page = rows._repr_html_()
    assert page.startswith("<table><thead><tr><th>p</th><th>t</th></tr></thead><tbody><tr>")
    assert "&lt;b&gt;&quot;Reasoning&quot;&lt;/b&gt;" in page and "<b>" not in page
    assert "<td>paper:p1</td>" in page  # IRIs compacted as in the text table
    assert page.endswith("<p>1 row</p>")
    assert query(store, "ASK { ?m a kgo:Model }")._repr_html_() == "<p>yes</p>"


def test_long_answers_show_their_first_rows_and_say_how_many_there_are(store):
    rows = query(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(rows) > 50
    assert rows._repr_html_().count("<tr>") == 51  # the header and 50 rows
    assert rows._repr_html_().endswith(f"<p>{len(rows)} rows, 50 shown</p>")
    text = repr(rows)
    assert text.splitlines()[0].split() == ["s", "p", "o"] and "Rows(" not in text
    assert text.endswith(f"({len(rows)} rows, 50 shown)") and len(text.splitlines()) == 53
    assert rows.to_table().endswith(f"({len(rows)} rows)\n")  # what `kg query` prints: all


def test_rows_become_a_dataframe_of_plain_values(store):
    rows = query(store, QUERIES[0])
    df = rows.to_dataframe()
    assert list(df.columns) == rows.variables and len(df) == len(rows)
    assert df.iloc[0].to_dict() == rows[0]
    assert query(store, "ASK { ?m a kgo:Nothing }").to_dataframe().to_dict("list") == {
        "boolean": [False]}
    empty = query(store, "SELECT ?x WHERE { ?x a kgo:Nothing }").to_dataframe()
    assert list(empty.columns) == ["x"] and empty.empty
