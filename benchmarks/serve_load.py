"""Load on the SPARQL endpoint: many of the README's queries from concurrent clients, and
one pathological query under the time limit.

Every query of ``ontology/queries/`` (as written, with their PREFIX lines) and the README's
inline query, round-robin, ``--queries`` of them sent by ``--clients`` threads over HTTP
(a new connection each, JSON results). Prints how many were answered (HTTP 200 and a
parsable JSON body), the latency quantiles, the wall time; then sends the query of issue 23
that joins every triple with every other twice over, and prints how long until the
endpoint answered it with an error and whether the server's CPU was released.

``--backend kg`` is ``kg serve`` in a process of its own; ``--backend oxigraph`` is the
plain ``oxigraph serve-read-only`` that ``kg serve`` ran before issue 23 (with its
``--timeout-s``), for the before/after figures.

    python benchmarks/serve_load.py [GRAPH] [--backend kg|oxigraph] [--queries 1000]
        [--clients 32] [--timeout 5] [--workers N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
README_INLINE = "SELECT ?p WHERE { ?p a <https://w3id.org/kg/ontology#Paper> } LIMIT 3"


def queries() -> list[str]:
    texts = [p.read_text(encoding="utf-8")
             for p in sorted((ROOT / "ontology" / "queries").glob("*.rq"))]
    return [*texts, README_INLINE]


def post(host: str, port: int, text: str, timeout: float) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("POST", "/query", urllib.parse.urlencode({"query": text}),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Accept": "application/sparql-results+json"})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - t0
    finally:
        conn.close()


class OxigraphServer:
    """The endpoint as ``kg serve`` started it before: the oxigraph binary, read-only."""

    def __init__(self, graph: Path, timeout_s: int) -> None:
        from kg.serve import export_file, free_port, oxigraph_executable

        self.tmp = tempfile.TemporaryDirectory(prefix="serve-load-")
        store = Path(self.tmp.name) / "store"
        exe = oxigraph_executable()
        subprocess.run([exe, "load", "--location", str(store), "--file",
                        str(export_file(graph))], check=True, capture_output=True)
        self.host, self.port = "127.0.0.1", free_port()
        self.proc = subprocess.Popen(
            [exe, "serve-read-only", "--location", str(store), "--bind",
             f"{self.host}:{self.port}", "--timeout-s", str(timeout_s)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                if post(self.host, self.port, "ASK {}", 2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("oxigraph did not start")
            time.sleep(0.05)

    def pids(self) -> list[int]:
        return [self.proc.pid]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.tmp.cleanup()


class KgServer:
    """``kg serve`` as a user runs it: its own process (the front and its oxigraph
    processes), so that the clients' threads here do not share its interpreter."""

    def __init__(self, graph: Path, timeout_s: int, workers: int | None) -> None:
        from kg.serve import free_port

        self.host, self.port = "127.0.0.1", free_port()
        cmd = [sys.executable, "-m", "kg.cli", "serve", str(graph), "--port", str(self.port),
               "--timeout", str(timeout_s)]
        if workers:
            cmd += ["--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        if "SPARQL endpoint" not in line:
            raise RuntimeError(f"kg serve did not start: {line}{self.proc.stderr.read()}")

    def pids(self) -> list[int]:
        """The front and its oxigraph processes (children, from /proc)."""
        kids = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*/children"):
            kids += [int(x) for x in task.read_text().split()]
        return [self.proc.pid, *kids]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (from /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / 100


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("graph", nargs="?", default=str(ROOT / "exports"))
    ap.add_argument("--backend", choices=["kg", "oxigraph"], default="kg")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--timeout", type=int, default=5, help="the server's query time limit")
    ap.add_argument("--workers", type=int, default=None,
                    help="kg serve --workers (query processes)")
    ap.add_argument("--wait", type=float, default=60.0,
                    help="how long the client waits for the pathological query's answer")
    args = ap.parse_args()

    server = (KgServer(Path(args.graph), args.timeout, args.workers) if args.backend == "kg"
              else OxigraphServer(Path(args.graph), args.timeout))
    try:
        texts = queries()
        work = [texts[i % len(texts)] for i in range(args.queries)]
        answered, latencies, failures = 0, [], []
        lock = threading.Lock()

        def one(text: str) -> None:
            nonlocal answered
            try:
                status, body, dt = post(server.host, server.port, text, 120)
                ok = status == 200 and "head" in json.loads(body)
            except (OSError, ValueError) as exc:
                status, dt, ok = repr(exc), 0.0, False
            with lock:
                latencies.append(dt)
                if ok:
                    answered += 1
                else:
                    failures.append(status)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(one, work))
        wall = time.perf_counter() - t0
        q = statistics.quantiles(latencies, n=100)
        print(f"backend {args.backend}, graph {args.graph}: {answered}/{len(work)} answered "
              f"by {args.clients} clients in {wall:.2f}s ({len(work) / wall:.0f} queries/s); "
              f"latency p50 {q[49]:.3f}s, p95 {q[94]:.3f}s, max {max(latencies):.3f}s"
              + (f"; failures: {sorted(set(map(str, failures)))[:5]}" if failures else ""))

        t0 = time.perf_counter()
        try:
            status, body, _ = post(server.host, server.port, PATHOLOGICAL, args.wait)
            outcome = f"HTTP {status}: {body[:160].decode('utf-8', 'replace')!r}"
        except TimeoutError:
            outcome = f"no answer within {args.wait:.0f}s"
        took = time.perf_counter() - t0
        time.sleep(2)
        cpu1 = cpu_seconds(server.pids())
        time.sleep(3)
        busy = (cpu_seconds(server.pids()) - cpu1) / 3
        print(f"pathological query (limit {args.timeout}s): {outcome} after {took:.1f}s; "
              f"afterwards the server used {busy:.0%} of a core")
    finally:
        server.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
