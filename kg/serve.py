"""A read-only SPARQL 1.1 Protocol endpoint over a kg export (``kg serve``).

Why the ``oxigraph`` server (the PyPI wheel's binary) and not a Python HTTP server: it is a
complete, standards-conformant SPARQL 1.1 Protocol implementation (content negotiation,
GET and POST queries, JSON / XML / CSV / TSV results), and its ``serve-read-only`` mode
refuses updates by construction (HTTP 403), so nothing we write can open a write path.

The export is first loaded into a fresh store directory with ``oxigraph load`` (atomic:
all or nothing), then served. The endpoint binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
_LOAD_ORDER = ("graph.nt", "graph.ttl", "graph.jsonld")  # N-Triples loads fastest


class ServeError(RuntimeError):
    """The oxigraph server could not load the graph or start."""


def oxigraph_executable() -> str:
    """The ``oxigraph`` binary of the ``oxigraph`` wheel (next to this Python first)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServeError("the `oxigraph` server is not installed (pip install oxigraph)")
    return found


def export_file(graph: str | Path) -> Path:
    """The RDF file to serve for ``graph`` (a build directory or a .nt/.ttl/.jsonld file)."""
    p = Path(graph)
    if p.is_dir():
        for name in _LOAD_ORDER:
            if (p / name).is_file():
                return p / name
        raise FileNotFoundError(f"{p}: no graph.nt, graph.ttl or graph.jsonld in this directory")
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file or directory")
    if p.suffix.lower() not in (".nt", ".ttl", ".jsonld"):
        raise ValueError(f"{p}: unknown RDF format (expected .nt, .ttl, .jsonld or a build "
                         "directory)")
    return p


def load_store_dir(graph: str | Path, location: str | Path) -> Path:
    """``oxigraph load`` the export of ``graph`` into the (new) store at ``location``."""
    src = export_file(graph)
    fmt = {".jsonld": "jsonld"}.get(src.suffix.lower())
    cmd = [oxigraph_executable(), "load", "--location", str(location), "--file", str(src)]
    if fmt:
        cmd += ["--format", fmt]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise ServeError(f"oxigraph load {src} failed: {run.stderr.strip() or run.stdout}")
    return Path(location)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that was free a moment ago (for tests and ``--port 0``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running read-only endpoint; stop it with :meth:`stop` or a ``with`` block."""

    host: str
    port: int
    process: subprocess.Popen
    location: Path
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The SPARQL query endpoint (``/query``; ``/update`` answers 403)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (then kill it if it lingers) and remove a temporary store."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _ready(url: str) -> bool:
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    req = urllib.request.Request(probe, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_server(graph: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 location: str | Path | None = None, query_timeout_s: int | None = None,
                 startup_timeout_s: float = 60.0) -> Server:
    """Load ``graph`` and start ``oxigraph serve-read-only`` on ``host:port``.

    ``location``: a new or empty directory for the store, kept afterwards; by default a
    temporary one, removed by :meth:`Server.stop`. ``port=0`` picks a free port.
    Returns once the endpoint answers a query.
    """
    tmp = None
    if location is None:
        tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
        location = Path(tmp.name) / "store"
    loc = Path(location)
    try:
        if loc.exists() and any(loc.iterdir()):
            raise ServeError(f"{loc}: store directory is not empty")
        load_store_dir(graph, loc)
        port = port or free_port(host)
        cmd = [oxigraph_executable(), "serve-read-only", "--location", str(loc),
               "--bind", f"{host}:{port}"]
        if query_timeout_s:
            cmd += ["--timeout-s", str(int(query_timeout_s))]
        # stderr to a file, not a pipe: a long-running server must never block on it.
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
            server = Server(host=host, port=port, process=proc, location=loc, _tmp=tmp)
            _wait_until_ready(server, log, startup_timeout_s)
    except BaseException:
        if tmp is not None:
            tmp.cleanup()
        raise
    return server


def _wait_until_ready(server: Server, log, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not _ready(server.url):
        if server.process.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace").strip()
            server.stop()
            raise ServeError(f"oxigraph serve-read-only exited: {err}")
        if time.monotonic() > deadline:
            server.stop()
            raise ServeError(f"the endpoint did not answer within {timeout_s:.0f}s")
        time.sleep(0.05)
