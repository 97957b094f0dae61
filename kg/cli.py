"""The ``kg`` command: build, extract, query, serve, view, eval.

Each command is a thin shell around one public function of the package, so everything the
CLI does can also be done from Python.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build a knowledge graph of the methods, models, datasets, tasks and metrics that a
    set of papers talks about, then query it with SPARQL, open it in a browser or analyse
    it in Python. Runs offline.

    Start with `kg build` (no arguments: the bundled sample corpus into ./exports/).
    """


def _input_error(exc: Exception) -> None:
    click.echo(f"kg: error: {exc}", err=True)
    sys.exit(2)


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out", "out_dir", default="exports", show_default=True,
              type=click.Path(file_okay=False), help="Directory for the exports.")
@click.option("--format", "fmt", default=None, help="Input format, when the file extension "
              "and content sniffing are not enough (daily, jsonl, json, hf-api, csv, tsv, "
              "atom, bibtex).")
@click.option("--workers", type=int, default=None,
              help="Extraction processes [default: all cores].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Where extraction runs.")
@click.option("--scheduler", default=None,
              help="Dask scheduler address (tcp://host:8786); default: a local cluster.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Extraction cache [default: ~/.cache/kg]; unchanged papers are not "
              "re-extracted.")
@click.option("--no-cache", is_flag=True, help="Extract every paper again.")
@click.option("--base-iri", default=None, help="Base IRI of papers and entities in the RDF "
              "exports [default: https://w3id.org/kg/resource/].")
@click.option("--shards", type=int, default=0, show_default=True,
              help="Also write N-Triples in this many shards (graph-000.nt ...).")
@click.option("--max-view-nodes", type=int, default=5000, show_default=True,
              help="The HTML view keeps the most connected nodes above this size.")
@click.option("--sparql-store", is_flag=True, help="Also load graph.nt into a SPARQL "
              "store, --out/sparql-store/, that `kg serve` of --out then opens at once "
              "instead of loading the export (minutes for a big graph). Adds that load's "
              "time to the build.")
@click.option("--strict", is_flag=True, help="Stop at the first bad input record.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def build(inputs, out_dir, fmt, workers, engine, scheduler, cache_dir, no_cache, base_iri,
          shards, max_view_nodes, sparql_store, strict, quiet) -> None:
    """Build the knowledge graph of INPUTS and write every export into --out.

    With no INPUTS, builds the sample corpus that ships with kg (139 papers from one
    Hugging Face daily-papers page). Writes graph.ttl, graph.nt, graph.jsonld,
    graph.graphml, graph.html, extractions.jsonl, report.json (papers, entities, edges:
    the same bytes for the same input) and run.json (this run's timings and cache hits).
    With --sparql-store, also sparql-store/: graph.nt loaded for `kg serve`, which uses it
    while graph.nt is the one the build wrote (a build without the option removes it).
    """
    from kg.build import build_exports, written_files
    from kg.engines.local import default_workers
    from kg.ingest import InputError
    from kg.options import BuildOptions
    from kg.sparql_store import StoreError
    from kg.store.cache import default_cache_dir

    options = BuildOptions(
        workers=workers or default_workers(), engine=engine, scheduler=scheduler,
        cache_dir=None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir(),
        base_iri=base_iri, shards=shards, max_view_nodes=max_view_nodes,
        sparql_store=sparql_store, quiet=quiet,
    )
    try:
        report = build_exports(list(inputs), out_dir, fmt=fmt, strict=strict, options=options)
    except (InputError, OSError, StoreError) as exc:
        _input_error(exc)
    if not quiet:
        _print_problems(report.ingest)
        for line in report.summary_lines(out_dir, written_files(out_dir)):
            click.echo(line, err=True)


def _print_problems(ingest: dict) -> None:
    for line in ingest.get("skipped_messages", [])[:50]:
        click.echo(f"kg: skipped {line}", err=True)
    for line in ingest.get("warning_messages", [])[:50]:
        click.echo(f"kg: warning: {line}", err=True)
    skipped = ingest.get("skipped", 0)
    if skipped:
        click.echo(f"kg: {skipped} record(s) skipped", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(dir_okay=False),
              help="Output JSON Lines file, one extraction record per paper.")
@click.option("--format", "fmt", default=None, help="Input format (see `kg build --help`).")
@click.option("--workers", type=int, default=None,
              help="Extraction processes [default: all cores, as in `kg build`].")
@click.option("--strict", is_flag=True, help="Stop at the first bad input record.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
def extract(inputs, out_file, fmt, workers, strict, quiet) -> None:
    """Extract entities, roles, relations, results and code links from INPUTS.

    Writes one JSON object per paper (the extraction contract, see
    kg/data/extraction.schema.json) without building the graph.
    """
    from kg.build import iter_extractions
    from kg.engines.local import default_workers
    from kg.export import write_extractions
    from kg.ingest import IngestReport, InputError, read_papers
    from kg.options import BuildOptions, BuildReport

    report = IngestReport()
    try:
        papers = list(read_papers(list(inputs), format=fmt, strict=strict, report=report))
        if not papers:
            raise InputError("no valid paper in " + ", ".join(inputs)
                             + "".join(f"\n  {p}" for p in report.skipped[:20]))
    except (InputError, OSError) as exc:
        _input_error(exc)
    # Streamed to the file as they come: the records never all sit in memory.
    options = BuildOptions(workers=workers or default_workers(), quiet=quiet)
    exts = iter_extractions(papers, options, BuildReport())
    n = write_extractions(exts, out_file)
    if not quiet:
        _print_problems(report.to_json())
        click.echo(f"kg: {n} extraction records → {out_file}", err=True)


@cli.command()
@click.argument("graph", type=click.Path(exists=True))
@click.option("-o", "--out", "out_file", default=None, type=click.Path(dir_okay=False),
              help="HTML file to write [default: view.html in a build directory, else "
              "GRAPH with .html].")
@click.option("--max-nodes", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Draw at most this many nodes, the most connected.")
@click.option("--max-edges", type=click.IntRange(min=0), default=20000, show_default=True,
              help="Draw at most this many links between them, the best supported.")
@click.option("--min-papers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Leave out entities seen in fewer papers.")
@click.option("--types", default=None, help="Node types to draw, comma-separated: paper, "
              "code, Method, Model, Dataset, Task, Metric [default: all].")
@click.option("--title", default="Knowledge graph", show_default=True, help="Page title.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def view(graph, out_file, max_nodes, max_edges, min_papers, types, title, open_browser
         ) -> None:
    """Write an interactive, self-contained HTML view of GRAPH (a .graphml file or a
    build directory): search, type and paper-count filters, neighbourhood highlight.
    Works offline from file://.
    """
    from kg.export.html import write_html
    from kg.view.source import read_graph

    src = Path(graph)
    out = Path(out_file) if out_file else (src / "view.html" if src.is_dir()
                                           else src.with_suffix(".html"))
    try:
        summary = write_html(read_graph(src), out, max_nodes=max_nodes, min_papers=min_papers,
                             types=types, title=title, max_edges=max_edges)
    except (ValueError, OSError) as exc:
        _input_error(exc)
    click.echo(f"kg: {' '.join(summary.lines())} → {out}", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(out.resolve().as_uri())


@cli.command()
@click.argument("graph", type=click.Path(exists=True))
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="table for people; csv and json are the SPARQL 1.1 "
              "results formats.")
def query(graph, sparql, fmt) -> None:
    """Run a SPARQL 1.1 query on GRAPH (a build directory, or a .ttl, .nt or .jsonld file).

    SPARQL is the query text or a .rq file (examples: ontology/queries/*.rq). The kg
    prefixes (kgo:, skos:, dcterms:, prov:, paper:, entity: ...) are predeclared.

      kg query exports/ ontology/queries/datasets_most_evaluated.rq

      kg query exports/graph.ttl 'SELECT ?m WHERE { ?m a kgo:Model }' --format csv

    `kg serve` predeclares the same prefixes: a query that runs here runs there.
    """
    from kg.query import load_store, read_query, store_prefixes
    from kg.query import query as run_query
    from kg.sparql_text import tidy_error

    try:
        rows = run_query(graph, sparql)
    except SyntaxError as exc:  # the same one-line message as the endpoint's
        _input_error(ValueError(tidy_error(str(exc), read_query(sparql), 0,
                                           store_prefixes(load_store(graph)))))
    except (OSError, ValueError) as exc:
        _input_error(exc)
    click.echo(rows.render(fmt), nl=False)


@cli.command()
@click.argument("graph", default="exports", type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the graph.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="TCP port (0: any free port).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=60,
              show_default=True, help="Seconds a query may run; a longer one is stopped "
              "and its client gets HTTP 503 with the reason.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Queries answered at the same time, each by an oxigraph process of its "
              "own [default: two per core, at least 4].")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), default=None,
              help="Keep the loaded store in this directory and reuse it on the next start "
              "while the export is unchanged (a big graph then answers in seconds) "
              "[default: the store `kg build --sparql-store` left in GRAPH when it holds "
              "the export there now, else a temporary store, removed on exit].")
def serve(graph, host, port, timeout_s, workers, store_dir) -> None:
    """Serve GRAPH (a build directory or an RDF export; default: exports/) as a read-only
    SPARQL 1.1 endpoint until Ctrl-C.

    \b
    http://HOST:PORT/query  the endpoint, for SPARQL clients: GET ?query=... or POST;
                            answers with SPARQL JSON, XML, CSV or TSV results (RDF for
                            CONSTRUCT) as the Accept header asks (a browser gets XML).
                            Opened in a browser without a query, it sends you to /.
    http://HOST:PORT/       a query editor (YASGUI) for a browser, served from here.

    The prefixes `kg query` predeclares (kgo:, skos:, dcterms:, prov:, paper:, entity:
    ...) work here too, so the same query text runs in both. Updates are refused (HTTP
    403). Queries are answered from an on-disk store by oxigraph server processes behind
    a front on HOST:PORT; a port already in use is an error. The store: the one kept
    with --store; else GRAPH/sparql-store, written by `kg build --sparql-store`, opened
    at once while graph.nt is the one that build wrote (otherwise it says so and is not
    used); else the export is loaded into a temporary store, minutes for a big graph.
    """
    from kg.serve import ServeError, start_server

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"kg: warning: listening on {host}: anyone who can reach it can query "
                   "the graph", err=True)
    try:
        server = start_server(graph, host=host, port=port, location=store_dir,
                              query_timeout_s=timeout_s, workers=workers,
                              say=lambda line: click.echo(f"kg: {line}", err=True))
    except (OSError, ValueError, ServeError) as exc:
        _input_error(exc)
    click.echo(f"kg: SPARQL endpoint (read-only) at {server.url}, query editor at "
               f"{server.editor_url} — Ctrl-C to stop", err=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def main() -> None:
    """Console-script entry point."""
    # SIGTERM ends the process through SystemExit, so every temporary file is cleaned up.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
