"""A read-only SPARQL 1.1 Protocol endpoint over a kg export (``kg serve``).

The export is loaded once into an on-disk store (``oxigraph load``: all or nothing), or a
store already made is opened as it is (``kg serve --store DIR``, or the one ``kg build
--sparql-store`` left in the build directory: :mod:`kg.sparql_store`); a few
``oxigraph serve-read-only`` processes open it, each on a loopback port of its own, and a
small front server in this process, on the address the user asked for, hands every
request to an idle one. The front:

* binds its port first, so a port in use is one clear error at once (the oxigraph binary
  panics with a backtrace, and when another endpoint held the port, the probe that waited
  for ours was answered by that one: a false success);
* writes, on one line in front of a query, the declarations of the prefixes ``kg query``
  predeclares (:func:`kg.query.store_prefixes`: ``kgo:``, ``entity:``, ``paper:`` …)
  that the query does not declare itself, so that the same text works in both, and
  reports syntax errors at the user's own line numbers (:mod:`kg.sparql_text`);
* ends a query that runs past the time limit by killing the process that runs it,
  answers HTTP 503 with the reason, and starts a fresh process in its place. Each
  process runs one request at a time, so that no other query is lost with it. Killing
  is the only way to stop an evaluation: oxigraph's own ``--timeout-s`` did not stop a
  ``COUNT(*)`` over a three-way join of all triples (ten minutes of CPU with
  ``--timeout-s 3``, going on after the client left), and under load it cut slow
  answers short as HTTP 200 with half a JSON body.

Why the oxigraph server behind it, and not a SPARQL server written here: it is a
complete SPARQL 1.1 Protocol implementation (content negotiation, GET and POST, JSON /
XML / CSV / TSV results, RDF for CONSTRUCT and DESCRIBE), ``serve-read-only`` refuses
updates by construction (HTTP 403), and it serves the YASGUI query editor at ``/`` from
the binary itself (nothing is fetched from the network).
"""

from __future__ import annotations

import errno
import http.client
import os
import queue
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.sparql_store import (
    StoreError,
    build_store,
    export_file,
    kept_store,
    load_store_dir,
    oxigraph_executable,
)
from kg.sparql_text import tidy_error, with_prefixes

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DEFAULT_TIMEOUT_S", "PortInUse", "ServeError",
           "Server", "default_workers", "export_file", "free_port", "kept_store",
           "load_store_dir", "oxigraph_executable", "start_server", "store_prefixes_of"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
#: Seconds a query may run before it is stopped (``kg serve --timeout``).
DEFAULT_TIMEOUT_S = 60
#: Paths of the SPARQL query service (oxigraph answers both; YASGUI posts to /sparql).
_QUERY_PATHS = ("/query", "/sparql")
_REQUEST_HEADERS = ("Accept", "Content-Type")
_RESPONSE_HEADERS = ("Content-Type", "Content-Disposition", "Location", "Allow")
_LOOPBACK = "127.0.0.1"
#: For the editor page: its scripts, styles and requests stay on this server (YASGUI
#: would otherwise fetch prefix lists from prefix.cc).
_EDITOR_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                  "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                  "font-src 'self' data:; connect-src 'self'")


class ServeError(RuntimeError):
    """The endpoint could not load the graph or start (a :class:`StoreError` of the store
    is raised as one)."""


class PortInUse(ServeError):
    """The port asked for is held by another program (another ``kg serve`` or any)."""


class _QueryTimeout(Exception):
    pass


class _BackendFailed(Exception):
    pass


def default_workers() -> int:
    """Query processes: two per core, at least four, so that short queries are not kept
    waiting behind a long one (measured with benchmarks/serve_load.py), at most 32
    (each holds ~35 MB)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return min(32, max(4, 2 * cores))


def store_prefixes_of(location: str | Path) -> dict[str, str]:
    """The prefixes ``kg query`` would predeclare for the store at ``location``."""
    from pyoxigraph import Store

    from kg.query import store_prefixes

    return store_prefixes(Store.read_only(str(location)))


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that was free a moment ago (for tests and ``--port 0``)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# -- the oxigraph processes ----------------------------------------------------------------


class _Backend:
    """One ``oxigraph serve-read-only`` process on a loopback port; one request at a time."""

    def __init__(self, exe: str, location: Path, startup_timeout_s: float) -> None:
        self.exe, self.location = exe, location
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._conn: http.client.HTTPConnection | None = None
        self._start(startup_timeout_s)

    def _start(self, timeout_s: float) -> None:
        err = ""
        for _ in range(5):  # another program may take the free port first: try another
            self.port = free_port(_LOOPBACK)
            with tempfile.TemporaryFile() as log:
                # stderr to a file, not a pipe: a long-running server must never block on it
                self.process = subprocess.Popen(
                    [self.exe, "serve-read-only", "--location", str(self.location),
                     "--bind", f"{_LOOPBACK}:{self.port}"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
                if self._wait_ready(time.monotonic() + timeout_s):
                    return
                self.kill()
                log.seek(0)
                err = log.read().decode("utf-8", "replace").strip()
            if "AddrInUse" not in err and "already in use" not in err:
                break
        raise ServeError(f"oxigraph serve-read-only did not start: {err or 'no answer'}")

    def _wait_ready(self, deadline: float) -> bool:
        probe = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
        while self.process is not None and self.process.poll() is None:
            conn = http.client.HTTPConnection(_LOOPBACK, self.port, timeout=2)
            try:
                conn.request("GET", probe, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                ours = "oxigraph" in (resp.getheader("Server") or "").lower()
                if resp.status == 200 and ours and self.process.poll() is None:
                    return True
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def request(self, method: str, target: str, body: bytes | None, headers: dict[str, str],
                deadline: float) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request; the whole answer, or :class:`_QueryTimeout` at ``deadline``.
        A kept-alive connection the server has closed meanwhile is opened again once."""
        for attempt in (0, 1):
            conn = self._conn or http.client.HTTPConnection(_LOOPBACK, self.port)
            self._conn = None
            try:
                conn.timeout = max(deadline - time.monotonic(), 0.001)
                if conn.sock is not None:
                    conn.sock.settimeout(conn.timeout)
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                chunks = []
                while chunk := resp.read1(1 << 16):
                    chunks.append(chunk)
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    if conn.sock is not None:
                        conn.sock.settimeout(left)
            except TimeoutError:
                conn.close()
                raise _QueryTimeout from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                if attempt == 0 and self.alive():
                    continue
                raise _BackendFailed(str(exc)) from None
            if resp.will_close:
                conn.close()
            else:
                self._conn = conn
            return resp.status, resp.getheaders(), b"".join(chunks)
        raise AssertionError("unreachable")

    def kill(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait()


class _Pool:
    """The oxigraph processes; a request takes an idle one and gives it back, or has it
    replaced when it had to be killed."""

    def __init__(self, exe: str, location: Path, size: int, startup_timeout_s: float) -> None:
        self.exe, self.location, self.size = exe, location, size
        self.startup_timeout_s = startup_timeout_s
        self.idle: queue.Queue[_Backend] = queue.Queue()
        self.members: set[_Backend] = set()
        self.lock = threading.Lock()
        self.closed = False
        self.last_error = ""
        errors: list[BaseException] = []

        def start_one() -> None:
            try:
                self._add(_Backend(exe, location, startup_timeout_s))
            except BaseException as exc:  # reported below, after all have been tried
                errors.append(exc)

        starters = [threading.Thread(target=start_one) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if errors:
            self.close()
            raise errors[0]

    def _add(self, backend: _Backend) -> None:
        with self.lock:
            if self.closed:
                backend.kill()
                return
            self.members.add(backend)
        self.idle.put(backend)

    def acquire(self, timeout_s: float) -> _Backend | None:
        try:
            return self.idle.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def release(self, backend: _Backend) -> None:
        self.idle.put(backend)

    def replace(self, backend: _Backend) -> None:
        """Kill ``backend`` now (its core is free at once) and start another meanwhile."""
        backend.kill()
        with self.lock:
            self.members.discard(backend)

        def restart() -> None:
            try:
                self._add(_Backend(self.exe, self.location, self.startup_timeout_s))
            except ServeError as exc:
                self.last_error = str(exc)

        threading.Thread(target=restart, daemon=True).start()

    def pids(self) -> list[int]:
        with self.lock:
            return sorted(b.process.pid for b in self.members if b.process is not None)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            members, self.members = list(self.members), set()
        for b in members:
            b.kill()


# -- the front server ----------------------------------------------------------------------


class _Front(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.pool: _Pool | None = None
        self.prefixes: dict[str, str] = {}
        self.timeout_s: float = DEFAULT_TIMEOUT_S
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would also look the host's name up (getfqdn): not needed.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def _bind(host: str, port: int) -> _Front:
    """The front server, listening; a port in use or refused is one clear error."""
    try:
        return _Front(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"port {port} on {host} is already in use (another `kg serve`, or any "
                "other program): choose another with --port, or --port 0 for a free one"
            ) from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on port {port} of {host} (ports below "
                             "1024 need privileges): choose another with --port") from None
        reason = exc.strerror or str(exc)
        raise ServeError(f"cannot listen on {host} port {port}: {reason}") from None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"
    timeout = 300  # seconds a kept-alive client may stay silent before it is let go
    server: _Front

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base's name
        """Requests are not logged (the endpoint is quiet, like oxigraph's server)."""

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    def _handle(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._reply(411, b"send the request body with a Content-Length\n")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._reply(400, b"bad Content-Length\n")
            return
        body = self.rfile.read(length) if length > 0 else None
        target, body, text, added = self._with_prefixes(body)
        if target is None:  # a browser opened /query without a query: the editor is at /
            self._reply(303, b"the query editor is at /\n", [("Location", "/")])
            return
        front = self.server
        assert front.pool is not None
        backend = front.pool.acquire(front.timeout_s)
        if backend is None:
            self._reply(503, f"all {front.pool.size} query processes stayed busy for "
                             f"{front.timeout_s:g}s: try again later\n".encode())
            return
        headers = {h: self.headers[h] for h in _REQUEST_HEADERS if self.headers.get(h)}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        try:
            status, got, data = backend.request(self.command, target, body, headers,
                                                time.monotonic() + front.timeout_s)
        except _QueryTimeout:
            front.pool.replace(backend)
            self._reply(503, (f"query stopped: it ran longer than this endpoint's limit of "
                              f"{front.timeout_s:g}s (kg serve --timeout)\n").encode())
            return
        except _BackendFailed as exc:
            front.pool.replace(backend)
            self._reply(502, f"the query process failed ({exc}); it has been restarted\n"
                        .encode())
            return
        front.pool.release(backend)
        kept = [(k, v) for k, v in got if k.title() in _RESPONSE_HEADERS]
        if any(k.title() == "Content-Type" and v.startswith("text/html") for k, v in kept):
            kept.append(("Content-Security-Policy", _EDITOR_POLICY))
        if status == 400 and text is not None:
            message = tidy_error(data.decode("utf-8", "replace"), text, added,
                                 front.prefixes)
            data = (message + "\n").encode()
            kept = [("Content-Type", "text/plain; charset=utf-8")]
        self._reply(status, data, kept)

    def _with_prefixes(self, body: bytes | None
                       ) -> tuple[str | None, bytes | None, str | None, int]:
        """The request target and body with the predeclared prefixes written into the
        query; the user's query text and the lines added. ``None`` as target: send the
        client to the editor."""
        split = urllib.parse.urlsplit(self.path)
        if split.path not in _QUERY_PATHS:
            return self.path, body, None, 0
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if self.command == "POST" and ctype == "application/sparql-query" and body:
            text = body.decode("utf-8", "replace")
            new, added = with_prefixes(text, self.server.prefixes)
            return self.path, new.encode("utf-8"), text, added
        form = self.command == "POST" and ctype == "application/x-www-form-urlencoded"
        encoded = (body or b"").decode("utf-8", "replace") if form else split.query
        params = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
        texts = [v for k, v in params if k == "query"]
        if not texts:
            browser = "text/html" in self.headers.get("Accept", "")
            if self.command in ("GET", "HEAD") and browser and not form:
                return None, body, None, 0
            return self.path, body, None, 0
        text = texts[0]
        new, added = with_prefixes(text, self.server.prefixes)
        params = [(k, new if k == "query" else v) for k, v in params]
        if form:
            return self.path, urllib.parse.urlencode(params).encode("ascii"), text, added
        target = urllib.parse.urlunsplit(split._replace(query=urllib.parse.urlencode(params)))
        return target, body, text, added

    def _reply(self, status: int, data: bytes, headers: list[tuple[str, str]] | None = None
               ) -> None:
        try:
            self.send_response(status)
            if headers is None:
                headers = [("Content-Type", "text/plain; charset=utf-8")]
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


# -- the endpoint --------------------------------------------------------------------------


@dataclass
class Server:
    """A running read-only endpoint; stop it with :meth:`stop` or a ``with`` block."""

    host: str
    port: int
    location: Path
    timeout_s: float
    #: The store was opened as it was (a kept or a build's store): no export was loaded.
    reused: bool
    _front: _Front = field(repr=False)
    _pool: _Pool = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint (``/query``; ``/update`` answers 403)."""
        return self.base_url + "/query"

    @property
    def editor_url(self) -> str:
        """The query editor for a browser (YASGUI, served by oxigraph)."""
        return self.base_url + "/"

    def running(self) -> bool:
        return self._thread.is_alive()

    def pids(self) -> list[int]:
        """Process ids of the oxigraph processes that answer the queries."""
        return self._pool.pids()

    def wait(self) -> None:
        """Block until the endpoint is stopped (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        """Stop listening, end the oxigraph processes, remove a temporary store."""
        if self._thread.is_alive():
            self._front.shutdown()
            self._thread.join()
        self._front.server_close()
        self._pool.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(graph: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 location: str | Path | None = None,
                 query_timeout_s: float | None = DEFAULT_TIMEOUT_S,
                 workers: int | None = None, startup_timeout_s: float = 60.0,
                 say: Callable[[str], object] | None = None) -> Server:
    """Load ``graph`` and serve it read-only on ``host:port`` (``port=0``: a free one).

    ``location``: a directory where the store is kept afterwards and reused by the next
    start while the export is unchanged (:func:`kept_store`). Without it, a build
    directory's own store (``kg build --sparql-store``: ``graph/sparql-store``) is opened
    as it is when it holds the export there now; otherwise the export is loaded into a
    temporary store, removed by :meth:`Server.stop` (and ``say`` is told why that store
    was not used). ``query_timeout_s``: a query running longer is stopped (``None``:
    :data:`DEFAULT_TIMEOUT_S`). ``workers``: oxigraph processes, each running one query
    at a time (default :func:`default_workers`). Raises :class:`PortInUse` before loading
    anything when the port is taken. Returns once the endpoint answers queries;
    :attr:`Server.reused` says whether a store was opened without loading the export.
    """
    front = _bind(host, port)
    tmp = None
    pool = None
    try:
        try:
            loc, reused = _store_for(graph, location, say)
        except StoreError as exc:
            raise ServeError(str(exc)) from None
        if isinstance(loc, tempfile.TemporaryDirectory):
            tmp, loc = loc, Path(loc.name) / "store"
        front.prefixes = store_prefixes_of(loc)
        front.timeout_s = float(query_timeout_s or DEFAULT_TIMEOUT_S)
        pool = _Pool(oxigraph_executable(), loc, workers or default_workers(),
                     startup_timeout_s)
        front.pool = pool
        thread = threading.Thread(target=front.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="kg-serve", daemon=True)
        thread.start()
    except BaseException:
        front.server_close()
        if pool is not None:
            pool.close()
        if tmp is not None:
            tmp.cleanup()
        raise
    return Server(host=host, port=front.server_address[1], location=loc,
                  timeout_s=front.timeout_s, reused=reused, _front=front, _pool=pool,
                  _thread=thread, _tmp=tmp)


def _store_for(graph: str | Path, location: str | Path | None,
               say: Callable[[str], object] | None
               ) -> tuple[Path | tempfile.TemporaryDirectory, bool]:
    """The store to open for ``graph`` and whether it was there already: the kept one at
    ``location``, else the build's own when it is current, else a temporary directory
    whose ``store`` the export was just loaded into."""
    if location is not None:
        return kept_store(graph, location)
    found, why = build_store(graph)
    if found is not None:
        return found, True
    if why and say is not None:
        say(f"{why}; loading the export instead (a big graph takes minutes: `kg build "
            "--sparql-store` writes the store again)")
    tmp = tempfile.TemporaryDirectory(prefix="kg-serve-")
    try:
        load_store_dir(graph, Path(tmp.name) / "store")
    except BaseException:
        tmp.cleanup()
        raise
    return tmp, False
