"""Speed and memory of ``kg build``, with spaCy reference points: the one benchmark entry point.

    python benchmarks/run.py [--sizes 1k,10k,100k] [--quick] [--repeats N] [--json FILE]

First on real text (``../shared/corpus``: papers.jsonl + hf-daily-papers-2024.jsonl, 832
abstracts), then on N synthetic abstracts assembled deterministically (seeded) from real
sentences (those two files and the SciREX abstracts in ``../shared/benchmarks/scirex``).
Every input is written as JSON Lines and built by the real ``kg build`` code path
(:func:`kg.build.build_exports`, ``--workers 2``, no cache), each build in a fresh
subprocess so that memory peaks never mix. Per build it prints abstracts/s, words/s, the
peak RSS of the whole process tree (driver + extraction workers, sampled) and of the driver
alone (``ru_maxrss``), and the time of every stage from the build's ``report.json``.

Reference points, measured in the same run on the same text, one process each: spaCy's bare
tokenizer (``spacy.blank("en")``), a stock CNN NER pipeline (``spacy init config -l en -p
ner -o efficiency``, initialised with the 18 OntoNotes labels: the network a stock English
pipeline runs; its weights are untrained, which does not change its speed), the same on two
processes (``nlp.pipe(n_process=2)``), and kg's own extraction on one core. The targets are
printed with PASS/FAIL; speed targets live here only, never in unit tests.

``--quick`` is real text + 1k (about 3 minutes); the full run (1k, 10k, 100k and the Dask
engine at 10k) takes about 30. The machine may be shared: every row says how many cores
other processes used meanwhile, and CPU seconds are reported beside wall seconds, so that
contention is visible and the per-core comparisons stay meaningful under it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared"
REAL_FILES = ("corpus/papers.jsonl", "corpus/hf-daily-papers-2024.jsonl")
SCIREX_GLOB = "benchmarks/scirex/train.*.jsonl"
ONTONOTES_LABELS = ("CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC",
                    "MONEY", "NORP", "ORDINAL", "ORG", "PERCENT", "PERSON", "PRODUCT",
                    "QUANTITY", "TIME", "WORK_OF_ART")
STAGES = ("ingest", "extract", "resolve", "graph", "export_extractions", "export_graphml",
          "export_rdf", "export_html")
WORKERS = 2
MB = 1024 * 1024

# Targets (issue "Fast on one machine, and beyond one machine on Dask").
TARGET_ABS_PER_S = 100.0
TARGET_VS_STOCK_1CORE = 1.5
TARGET_PER_CORE = 1.0
TARGET_100K_S = 20 * 60
TARGET_100K_RSS = 4 * 1024 * MB
TARGET_DASK_SLOWDOWN = 1.3
ARXIV_REFS_MAX = 20_000  # larger real slices are compared per word with a smaller one


# ---------------------------------------------------------------------------- inputs

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'"}
_NO_SPACE_AFTER = {"(", "[", "{"}
_JOINERS = {"-", "/"}


def detokenize(text: str) -> str:
    """SciREX text is space-tokenised ("state - of - the - art"); write it as papers do."""
    tokens = text.split()
    out: list[str] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        glue = (i == 0 or tok in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER
                or (tok in _JOINERS and prev[-1:].isalnum() and nxt[:1].isalnum())
                or (prev in _JOINERS and i >= 2 and tokens[i - 2][-1:].isalnum()
                    and tok[:1].isalnum()))
        out.append(tok if glue else " " + tok)
    return "".join(out)


def real_inputs(shared: Path) -> list[Path]:
    paths = [shared / f for f in REAL_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.exit(f"benchmark: missing real corpus files: {', '.join(missing)} (--shared)")
    return paths


def sentence_pool(shared: Path) -> tuple[list[str], list[str], list[int]]:
    """Real titles, real abstract sentences, and real abstracts' sentence counts."""
    titles: list[str] = []
    sentences: list[str] = []
    counts: list[int] = []

    seen: set[str] = set()

    def add(title: str, abstract: str) -> None:
        parts = [s.strip() for s in _SENTENCE_END.split(abstract.strip()) if s.strip()]
        key = " ".join(re.sub(r"\W+", " ", title.casefold()).split())
        if key and parts:
            sentences.extend(parts)
            counts.append(len(parts))
            if key not in seen:  # the same paper in two files: one title, or ingest merges
                seen.add(key)
                titles.append(" ".join(title.split()))

    for path in real_inputs(shared):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                add(rec.get("title") or "", " ".join((rec.get("abstract") or "").split()))
    for path in sorted(shared.glob(SCIREX_GLOB)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                add(detokenize(rec.get("title") or ""), detokenize(rec.get("abstract") or ""))
    return titles, sentences, counts


def write_synthetic(n: int, path: Path, shared: Path, seed: int = 0) -> None:
    """``n`` papers, each a real title (numbered when reused, so that no two papers are
    the same paper to ingest) and an abstract of k real sentences, k drawn from real
    abstracts: same vocabulary and sentence shapes as real text, deterministic per seed."""
    titles, sentences, counts = sentence_pool(shared)
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            lap, t = divmod(i, len(titles))
            title = titles[t] if lap == 0 else f"{titles[t]} ({lap + 1})"
            k = rng.choice(counts)
            abstract = " ".join(rng.choice(sentences) for _ in range(k))
            rec = {"id": f"syn-{i:06d}", "title": title, "abstract": abstract}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_arxiv_slice(n: int, path: Path, shared: Path) -> int:
    """``n`` real abstracts of the 2025-26 arXiv cs listing, evenly spaced through it (so
    every month and category is in), as JSON Lines; ``n`` = 0 is the whole listing.
    Returns how many were written."""
    import gzip

    listing = shared / "corpus" / "arxiv-cs-2025.jsonl.gz"
    if not listing.exists():
        sys.exit(f"benchmark: missing {listing} (--shared)")
    with gzip.open(listing, "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    n = n or len(lines)
    step = max(1, len(lines) // n)
    chosen = lines[::step][:n]
    path.write_text("".join(chosen), encoding="utf-8")
    return len(chosen)


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def parse_size(s: str) -> int:
    """``1k`` → 1000; ``all`` → 0 (the whole listing, for ``--arxiv``)."""
    s = s.strip().lower()
    if s == "all":
        return 0
    return int(float(s[:-1]) * 1000) if s.endswith("k") else int(s)


# ---------------------------------------------------------------------------- children

def _rss_of_self() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _StageTrace(threading.Thread):
    """The driver's RSS every 20 ms, kept as a peak per stage, so that the figures say
    which stage holds the memory; the current stage and RSS also go to ``status`` every
    half second, so that a build stopped at a cap still says where it was."""

    def __init__(self, status: Path) -> None:
        super().__init__(daemon=True)
        self.status = status
        self.stage = "start"
        self.t0 = time.perf_counter()
        self.started: dict[str, float] = {}  # stage -> seconds after start, when it began
        self.peaks: dict[str, int] = {}
        #: stage -> CPU seconds of the reaped child processes when it began
        self.children_cpu: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.wait(0.02):
            rss, stage = _rss_of_self(), self.stage
            self.peaks[stage] = max(self.peaks.get(stage, 0), rss)
            n += 1
            if n % 25 == 0:
                self.status.write_text(json.dumps({
                    "stage": stage, "rss": rss, "started_s": self.started, "peaks": self.peaks}))

    def enter(self, stage: str) -> None:
        self.started[stage] = round(time.perf_counter() - self.t0, 2)
        t = os.times()
        self.children_cpu.setdefault(stage, t.children_user + t.children_system)
        self.stage = stage
        self.peaks[stage] = max(self.peaks.get(stage, 0), _rss_of_self())  # short stages too

    def wrap(self, module: Any, name: str, stage: str) -> None:
        """Mark ``stage`` when ``module.name`` is called (measurement only: same call);
        ``name`` may be ``Class.method``."""
        owner, _, name = name.rpartition(".")
        if owner:
            module = getattr(module, owner)
        fn = getattr(module, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            self.enter(stage)
            return fn(*args, **kwargs)

        setattr(module, name, marked)


def child_build(args: argparse.Namespace) -> dict[str, Any]:
    """One ``kg build`` (build_exports), timed, with the driver's RSS peak per stage."""
    t_import = time.perf_counter()
    from kg.build import build_exports
    from kg.options import BuildOptions

    # The modules themselves (``kg.build`` etc. as attributes of ``kg`` are public functions).
    mod = {name: importlib.import_module(f"kg.{name}") for name in (
        "build", "ingest", "export", "export.graphml", "export.rdf_files", "export.html",
        "store.extractions")}
    import_s = time.perf_counter() - t_import
    trace = _StageTrace(Path(str(args.result) + ".status"))
    for module, name, stage in (
            ("ingest", "read_papers", "ingest"), ("build", "iter_extractions", "extract"),
            ("build", "resolve", "resolve"), ("build", "build_graph", "graph"),
            ("export", "write_extractions", "export_extractions"),
            ("store.extractions", "ExtractionStore.move_to", "export_extractions"),
            ("export.graphml", "write_graphml", "export_graphml"),
            ("export.rdf_files", "write_rdf", "export_rdf"),
            ("export.html", "write_html", "export_html")):
        trace.wrap(mod[module], name, stage)
    trace.start()
    options = BuildOptions(workers=args.workers, engine=args.engine,
                           cache_dir=Path(args.cache_dir) if args.cache_dir else None,
                           quiet=True)
    cpu0 = os.times()
    t0 = time.perf_counter()
    report = build_exports([Path(p) for p in args.inputs], args.out, options=options)
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    trace.stop.set()
    trace.join()
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    kids_ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "papers": report.papers, "nodes": report.nodes, "edges": report.edges,
        "wall_s": wall, "import_s": import_s, "timings_s": report.to_json()["timings_s"],
        "cpu_s": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        + (cpu1.children_user - cpu0.children_user)
        + (cpu1.children_system - cpu0.children_system),
        # The extraction workers' CPU (start-up included): the build's children reaped by
        # the time resolution starts (the pool is shut down before it; the export child,
        # reaped later, is not counted).
        "worker_cpu_s": trace.children_cpu.get(
            "resolve", cpu1.children_user + cpu1.children_system)
        - (cpu0.children_user + cpu0.children_system),
        "driver_peak_rss": self_ru.ru_maxrss * 1024,
        "worker_peak_rss": kids_ru.ru_maxrss * 1024,
        "stage_peak_rss": trace.peaks,
        "out_bytes": {p.name: p.stat().st_size for p in Path(args.out).iterdir()},
    }


def _timed_pipe(nlp: Any, texts: list[str], **kwargs: Any) -> tuple[float, float]:
    """Wall and CPU seconds of one pass (CPU: this process only)."""
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in nlp.pipe(texts, **kwargs):
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def child_refs(args: argparse.Namespace) -> dict[str, Any]:
    """Reference speeds on the build's own text: bare tokenizer, stock CNN NER on one and
    two processes, kg's extraction on one process. Warm-up batches are not timed."""
    import spacy

    from kg.extract import extract
    from kg.extract.pipeline import load_pipeline
    from kg.ingest import read_papers

    papers = list(read_papers([Path(p) for p in args.inputs]))
    texts = [t for p in papers for t in (p.title, p.abstract)]
    out: dict[str, Any] = {"papers": len(papers), "words": sum(len(t.split()) for t in texts)}

    blank = spacy.blank("en")
    for _ in blank.tokenizer.pipe(texts[:200]):
        pass
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in blank.tokenizer.pipe(texts):
        pass
    out["tokenizer_s"], out["tokenizer_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0

    stock = spacy.util.load_model_from_config(spacy.util.load_config(args.stock_config),
                                              auto_fill=True)
    ner = stock.get_pipe("ner")
    for label in ONTONOTES_LABELS:
        ner.add_label(label)
    stock.initialize()
    _timed_pipe(stock, texts[:128], batch_size=128)
    out["stock_1_s"], out["stock_1_cpu_s"] = _timed_pipe(stock, texts, batch_size=128)
    # Two processes as spaCy runs them (fork: the model is not reloaded), start-up included.
    out["stock_2_s"], _ = _timed_pipe(stock, texts, batch_size=64, n_process=2)
    # The same stock NER (same weights) decoded by kg's batched greedy decoder (kg_ner: the
    # same entities): how much of kg's lead is the decoding alone. Not a target.
    import kg.extract.doc.greedy_ner  # noqa: F401  (registers the kg_ner factory)

    config = spacy.util.load_config(args.stock_config)
    config["components"]["ner"]["factory"] = "kg_ner"
    batched = spacy.util.load_model_from_config(config, auto_fill=True)
    for label in ONTONOTES_LABELS:
        batched.get_pipe("ner").add_label(label)
    batched.initialize()
    for name in ("tok2vec", "ner"):
        batched.get_pipe(name).from_bytes(stock.get_pipe(name).to_bytes())
    _timed_pipe(batched, texts[:128], batch_size=128)
    out["stock_batched_1_s"], out["stock_batched_1_cpu_s"] = _timed_pipe(batched, texts,
                                                                          batch_size=128)
    del batched
    # The same stock NER multiplying with numpy's BLAS, as kg's pipeline does (spaCy's
    # default is blis): how much of kg's lead is the matrix product alone. Not a target.
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    numpy_ops = NumpyOps(use_blis=False)
    for node in (n for _, pipe in stock.pipeline for n in pipe.model.walk()):
        node.ops = numpy_ops
    with threadpool_limits(limits=1, user_api="blas"):
        _timed_pipe(stock, texts[:128], batch_size=128)
        out["stock_numpy_1_s"], out["stock_numpy_1_cpu_s"] = _timed_pipe(stock, texts,
                                                                          batch_size=128)

    nlp = load_pipeline()
    for _ in extract(papers[:64], nlp=nlp):
        pass
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in extract(papers, nlp=nlp):
        pass
    out["kg_1_s"], out["kg_1_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    return out


# ---------------------------------------------------------------------------- parent

def _tree(proc: psutil.Process) -> list[psutil.Process]:
    return [proc, *proc.children(recursive=True)]


def _tree_rss(proc: psutil.Process) -> int:
    """RSS summed over the tree: cheap (``/proc/PID/statm``), read every 0.1 s."""
    rss = 0
    for p in _tree(proc):
        with contextlib.suppress(psutil.Error):
            rss += p.memory_info().rss
    return rss


def _tree_pss(proc: psutil.Process) -> int:
    """PSS summed over the tree. RSS counts a page shared by several processes (a forked
    child's copy-on-write view of the driver) once per process; PSS splits it among them,
    so the PSS sum is the memory the tree really holds. Reading it walks every process's
    page tables (~40 ms for a 108k build's tree): done every 0.1 s it took 15-20% of a
    core from the build it measured, so :func:`run_child` reads it only every
    :data:`PSS_EVERY_S` and whenever the RSS reaches a new high."""
    pss = 0
    for p in _tree(proc):
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info()
            pss += getattr(info, "pss", info.rss)
    return pss


#: Seconds between PSS readings of a measured process tree (RSS is read every 0.1 s).
PSS_EVERY_S = 2.0


def run_child(kind: str, argv: list[str], rss_cap: int, time_cap: float) -> dict[str, Any]:
    """Run one measurement in a fresh process (its own session, so that it and its workers
    can be stopped together), sampling the whole tree's RSS; stop it past the caps."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        result_path = Path(fh.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind,
           "--result", str(result_path), *argv]
    busy = _busy_cores(psutil.cpu_times())
    ours0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    err_path = Path(str(result_path) + ".stderr")
    with err_path.open("w") as err:  # a file, not a pipe: a chatty child cannot block on it
        child = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                                 stderr=err)
    ps = psutil.Process(child.pid)
    peak = peak_pss = 0
    pss_at = -PSS_EVERY_S
    stopped = ""
    while child.poll() is None:
        try:
            rss = _tree_rss(ps)
        except psutil.Error:
            rss = 0
        elapsed = time.perf_counter() - t0
        if rss > peak * 1.02 or elapsed - pss_at >= PSS_EVERY_S:
            with contextlib.suppress(psutil.Error):
                peak_pss = max(peak_pss, _tree_pss(ps))
            pss_at = elapsed
        peak = max(peak, rss)
        if rss > rss_cap or elapsed > time_cap:
            stopped = (f"stopped at {rss / MB:,.0f} MB RSS" if rss > rss_cap
                       else f"stopped after {elapsed:,.0f} s")
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(0.1)
    stderr = err_path.read_text(errors="replace")
    err_path.unlink(missing_ok=True)
    proc_s = time.perf_counter() - t0
    status_path = Path(str(result_path) + ".status")
    try:
        result = json.loads(result_path.read_text()) if not stopped else {}
    except (OSError, ValueError):
        result = {}
    if stopped:
        with contextlib.suppress(OSError, ValueError, KeyError):
            status = json.loads(status_path.read_text())
            stopped += " during " + status["stage"]
            # How far it got: when each stage began (s after the build started).
            result["started_s"] = status.get("started_s", {})
            result["stage_peak_rss"] = status.get("peaks", {})
    result_path.unlink(missing_ok=True)
    status_path.unlink(missing_ok=True)
    if not result and not stopped:
        stopped = "failed: " + (stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  (a {kind} run failed: exit {child.returncode}; its stderr ends with:\n"
              + "\n".join("    " + line for line in stderr.strip().splitlines()[-15:]) + ")",
              flush=True)
    ours1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = (ours1.ru_utime - ours0.ru_utime + ours1.ru_stime - ours0.ru_stime) / proc_s
    result.update(tree_peak_rss=peak, tree_peak_pss=peak_pss, proc_s=proc_s, stopped=stopped,
                  other_cores=max(0.0, busy() - ours))
    return result


def _busy_cores(before: Any) -> Any:
    """A function returning how many cores the whole machine kept busy since ``before``."""
    t0 = time.perf_counter()

    def busy() -> float:
        after = psutil.cpu_times()
        idle = (after.idle - before.idle) + (getattr(after, "iowait", 0)
                                             - getattr(before, "iowait", 0))
        total = sum(after) - sum(before)
        return (total - idle) / max(time.perf_counter() - t0, 1e-9)

    return busy


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time (its stages, RSS are reported as measured)."""
    ok = [r for r in runs if not r["stopped"]]
    if not ok:
        return runs[-1]
    ok.sort(key=lambda r: r["wall_s"])
    best = dict(ok[(len(ok) - 1) // 2])
    best["runs"] = len(ok)
    best["walls"] = [round(r["wall_s"], 2) for r in ok]
    best["tree_peak_rss"] = max(r["tree_peak_rss"] for r in ok)
    best["tree_peak_pss"] = max(r.get("tree_peak_pss", 0) for r in ok)
    return best


def words_of(paths: list[Path]) -> tuple[int, int]:
    """Records and words (titles + abstracts, whitespace-split) of JSON Lines inputs,
    gzip-compressed ones too."""
    import gzip

    n = words = 0
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    n += 1
                    words += (len((rec.get("title") or "").split())
                              + len((rec.get("abstract") or "").split()))
    return n, words


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def fmt_mb(b: float) -> str:
    return f"{b / MB:,.0f}"


class Bench:
    """Runs the measurements in order and prints the tables as they complete."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.rss_cap = int(args.rss_cap_gb * 1024 * MB)
        self.builds: dict[str, dict[str, Any]] = {}
        self.refs: dict[str, dict[str, Any]] = {}
        self.dask: dict[str, Any] = {}
        self.words: dict[str, tuple[int, int]] = {}
        self.stock_cfg = tmp / "stock-ner-efficiency.cfg"
        subprocess.run([sys.executable, "-m", "spacy", "init", "config", "-l", "en", "-p",
                        "ner", "-o", "efficiency", "--force", str(self.stock_cfg)],
                       check=True, capture_output=True)

    def build(self, name: str, inputs: list[Path], repeats: int, engine: str = "local",
              time_cap: float = 1800.0) -> dict[str, Any]:
        runs = []
        for i in range(repeats):
            out = self.tmp / f"out-{name}-{engine}-{i}"
            argv = ["--workers", str(WORKERS), "--engine", engine, "--out", str(out),
                    "--inputs", *map(str, inputs)]
            runs.append(run_child("build", argv, self.rss_cap, time_cap))
            if runs[-1]["stopped"]:
                break
            subprocess.run(["rm", "-rf", str(out)], check=False)
        return median_run(runs)

    def measure(self, name: str, inputs: list[Path], repeats: int, refs: bool) -> None:
        self.words[name] = words_of(inputs)
        time_cap = self.args.max_build_min * 60
        self.builds[name] = b = self.build(name, inputs, repeats, time_cap=time_cap)
        self.print_build(name, b)
        if refs:
            self.refs[name] = r = run_child("refs", [
                "--stock-config", str(self.stock_cfg), "--inputs", *map(str, inputs)],
                self.rss_cap, 900)
            self.print_refs(name, r)

    # -- printing

    def print_build(self, name: str, b: dict[str, Any]) -> None:
        n, words = self.words[name]
        if b["stopped"]:
            print(f"  {name:>5}: build {b['stopped']} (tree peak {fmt_mb(b['tree_peak_rss'])} MB)",
                  flush=True)
            if b.get("started_s"):
                print("         stages began at (s): " + ", ".join(
                    f"{k} {v:,.0f}" for k, v in b["started_s"].items()), flush=True)
            return
        t = b["timings_s"]
        stages = " ".join(f"{t.get(s, 0):7.2f}" for s in STAGES)
        # Exports may overlap (GraphML + HTML in a forked child while RDF is written):
        # then "exports" is their wall time, and the rest is what no stage accounts for.
        xwall = t.get("exports", sum(t.get(s, 0) for s in STAGES if s.startswith("export_")))
        rest = b["wall_s"] - sum(t.get(s, 0) for s in STAGES[:4]) - xwall
        rate = b["papers"] / b["wall_s"]
        print(f"  {name:>5} {b['papers']:>7,} {b['wall_s']:>8.1f} {rate:>7.1f} "
              f"{words / b['wall_s']:>8,.0f} {b['cpu_s'] / b['wall_s']:>5.2f} "
              f"{fmt_mb(b['tree_peak_rss']):>7} {fmt_mb(b.get('tree_peak_pss', 0)):>7} "
              f"{fmt_mb(b['driver_peak_rss']):>7} "
              f"{fmt_mb(b['worker_peak_rss']):>6} {stages} {xwall:7.2f} {rest:6.2f} "
              f"{b['other_cores']:6.2f}  {b.get('walls', '')}", flush=True)

    @staticmethod
    def build_header() -> None:
        stages = " ".join(f"{s.replace('export_', 'x_')[:7]:>7}" for s in STAGES)
        print(f"  {'input':>5} {'papers':>7} {'wall s':>8} {'abs/s':>7} {'words/s':>8} "
              f"{'cores':>5} {'treeMB':>7} {'treePSS':>7} {'drvMB':>7} {'wrkMB':>6} {stages} "
              f"{'x_wall':>7} {'other':>6} "
              f"{'others':>6}  runs (wall s)")

    def print_refs(self, name: str, r: dict[str, Any]) -> None:
        if r["stopped"]:
            print(f"  {name}: reference run {r['stopped']}", flush=True)
            return
        n, w = r["papers"], r["words"]
        for label, key in (("spaCy blank('en') tokenizer, 1 process", "tokenizer_s"),
                           ("stock CNN NER (efficiency, 18 labels), 1 process", "stock_1_s"),
                           ("stock CNN NER, 2 processes (nlp.pipe n_process=2)", "stock_2_s"),
                           ("stock CNN NER with numpy's BLAS (kg's), 1 process",
                            "stock_numpy_1_s"),
                           ("stock CNN NER decoded by kg_ner (batched), 1 process",
                            "stock_batched_1_s"),
                           ("kg extraction (kg.extract), 1 process", "kg_1_s")):
            if key not in r:
                continue
            s = r[key]
            print(f"    {name:>5} {label:<52} {n / s:>8.1f} abs/s {w / s:>10,.0f} words/s",
                  flush=True)
        print(f"    {name:>5} (other processes used {r['other_cores']:.2f} cores meanwhile)")

    def report(self) -> dict[str, Any]:
        """Memory per stage, ratios, and the targets with PASS/FAIL."""
        print("\nDriver RSS peak per stage, MB (where memory grows with the input)")
        print("  " + f"{'input':>5} " + " ".join(f"{s.replace('export_', 'x_')[:7]:>7}"
                                                 for s in STAGES))
        for name, b in [*self.builds.items(), *(
                [(self.dask["input"] + " dask", self.dask["dask"])] if self.dask else [])]:
            peaks = b.get("stage_peak_rss") or {}
            if peaks:
                print("  " + f"{name:>5} " + " ".join(
                    f"{fmt_mb(peaks[s]) if s in peaks else '-':>7}" for s in STAGES))
        print("\nRatios: kg ÷ stock CNN NER (on the same text; larger synthetic inputs are "
              "compared per word with the 1k reference, made by the same generator)")
        rows: list[dict[str, Any]] = []
        synthetic_refs = [k for k in self.refs if k != "real" and not k.startswith("arxiv-")]
        arxiv_refs = sorted((k for k in self.refs if k.startswith("arxiv-")),
                            key=lambda k: self.words[k][1])
        for name, b in self.builds.items():
            if name in self.refs:
                ref_name = name
            elif name.startswith("arxiv-"):  # the largest: per word, on a smaller real slice
                ref_name = arxiv_refs[-1] if arxiv_refs else "real"
            else:
                ref_name = synthetic_refs[0] if synthetic_refs and name != "real" else "real"
            r = self.refs.get(ref_name)
            if b["stopped"] or not r or r["stopped"]:
                continue
            if ref_name == name:  # same text: abstracts/s against abstracts/s
                kg_rate, ref_n = b["papers"] / b["wall_s"], r["papers"]
                kg_extract = b["papers"] / b["timings_s"]["extract"]
            else:
                kg_rate, ref_n = self.words[name][1] / b["wall_s"], r["words"]
                kg_extract = self.words[name][1] / b["timings_s"]["extract"]
            row = {
                "input": name, "reference_text": ref_name,
                "build_vs_stock_1": kg_rate / (ref_n / r["stock_1_s"]),
                "build_vs_stock_2": kg_rate / (ref_n / r["stock_2_s"]),
                "extract_vs_stock_2": kg_extract / (ref_n / r["stock_2_s"]),
                "per_core": r["stock_1_s"] / r["kg_1_s"],
            }
            if ref_name == name:  # extract stage on 2 workers vs kg on 1 process
                row["scaling_2_workers"] = r["kg_1_s"] / b["timings_s"]["extract"]
            if "kg_1_cpu_s" in r:  # CPU time: what contention cannot distort
                row["per_core_cpu"] = r["stock_1_cpu_s"] / r["kg_1_cpu_s"]
                if ref_name == name and b.get("worker_cpu_s"):
                    row["worker_cpu_vs_1_process"] = (
                        (b["worker_cpu_s"] / b["papers"]) / (r["kg_1_cpu_s"] / r["papers"]))
            rows.append(row)
            print(f"  {name:>5} (ref {ref_name}): whole build on 2 workers ÷ stock on 1 process "
                  f"{row['build_vs_stock_1']:.2f}×, ÷ stock on 2 processes "
                  f"{row['build_vs_stock_2']:.2f}×; extract stage on 2 workers ÷ stock on 2 "
                  f"processes {row['extract_vs_stock_2']:.2f}×; per core (kg extraction ÷ "
                  f"stock, 1 process each) {row['per_core']:.2f}×" + (
                      f"; extraction on 2 workers (start-up included) ÷ on 1 process "
                      f"{row['scaling_2_workers']:.2f}×" if "scaling_2_workers" in row else ""))
            if "stock_numpy_1_cpu_s" in r:
                row["per_core_cpu_vs_stock_numpy"] = r["stock_numpy_1_cpu_s"] / r["kg_1_cpu_s"]
                print(f"  {'':>5} in CPU s: per core kg ÷ the stock NER with numpy's BLAS "
                      f"{row['per_core_cpu_vs_stock_numpy']:.2f}× (not a target)")
            if "stock_batched_1_cpu_s" in r:
                row["per_core_cpu_vs_stock_batched"] = (r["stock_batched_1_cpu_s"]
                                                        / r["kg_1_cpu_s"])
                print(f"  {'':>5} in CPU s: per core kg ÷ the stock NER decoded by kg_ner "
                      f"{row['per_core_cpu_vs_stock_batched']:.2f}× (not a target)")
            if "per_core_cpu" in row:
                print(f"  {'':>5} in CPU s: per core kg ÷ stock {row['per_core_cpu']:.2f}×" + (
                    "; CPU per paper in the 2 workers (start-up, IPC included) ÷ in 1 process "
                    f"{row['worker_cpu_vs_1_process']:.2f}×"
                    if "worker_cpu_vs_1_process" in row else ""))
        print("\nEstimate if the 2 cores were the build's alone: driver stages as measured, "
              "extraction = the workers' CPU seconds ÷ 2 (not a measurement)")
        for name, b in self.builds.items():
            if b["stopped"] or not b.get("worker_cpu_s"):
                continue
            est = b["wall_s"] - b["timings_s"]["extract"] + b["worker_cpu_s"] / WORKERS
            b["idle_estimate_s"] = est
            r = self.refs.get(name) or self.refs.get("real")
            vs = (f", {(b['papers'] / est) / (r['papers'] / r['stock_1_cpu_s']):.2f}× the stock "
                  "NER on 1 core (CPU-based)" if r and "stock_1_cpu_s" in r and name in self.refs
                  else "")
            print(f"  {name:>5}: {est:7.1f} s, {b['papers'] / est:6.1f} abstracts/s{vs}")
        print("\nTargets")
        targets: list[tuple[str, bool | None, str]] = []
        for name, b in self.builds.items():
            if b["stopped"]:
                targets.append((f"{name}: build ≥ {TARGET_ABS_PER_S:.0f} abstracts/s on 2 cores",
                                False, b["stopped"]))
                continue
            rate = b["papers"] / b["wall_s"]
            targets.append((f"{name}: build ≥ {TARGET_ABS_PER_S:.0f} abstracts/s on 2 cores",
                            rate >= TARGET_ABS_PER_S, f"{rate:.1f}/s"))
        for row in rows:
            targets.append((f"{row['input']}: build on 2 cores ≥ {TARGET_VS_STOCK_1CORE}× stock "
                            "NER on 1", row["build_vs_stock_1"] >= TARGET_VS_STOCK_1CORE,
                            f"{row['build_vs_stock_1']:.2f}×"))
        for name, r in self.refs.items():
            if not r["stopped"]:
                ratio = r["stock_1_s"] / r["kg_1_s"]
                targets.append((f"{name}: extraction per core ≥ stock NER per core",
                                ratio >= TARGET_PER_CORE, f"{ratio:.2f}×"))
        for big_name in [n for n in self.builds if n == "100k" or (
                n.startswith("arxiv-") and self.builds[n]["papers"] >= 100_000)]:
            big = self.builds[big_name]
            ok_t = not big["stopped"] and big["wall_s"] < TARGET_100K_S
            ok_m = not big["stopped"] and big["tree_peak_rss"] < TARGET_100K_RSS
            targets.append((f"{big_name}: end to end < 20 min", ok_t,
                            big["stopped"] or f"{big['wall_s'] / 60:.1f} min"))
            targets.append((f"{big_name}: peak RSS (driver + workers) < 4 GB", ok_m,
                            big["stopped"] or f"{fmt_mb(big['tree_peak_rss'])} MB (PSS "
                            f"{fmt_mb(big.get('tree_peak_pss', 0))} MB)"))
        if self.dask:
            name = self.dask["input"]
            d, loc = self.dask["dask"], self.dask["local"]
            if d["stopped"] or loc["stopped"]:
                targets.append((f"{name}: Dask (2 local workers) within "
                                f"{TARGET_DASK_SLOWDOWN}× of local", False,
                                d["stopped"] or loc["stopped"]))
            else:
                slow = d["wall_s"] / loc["wall_s"]
                note = "" if name == "10k" else " (the target is at 10k)"
                cpu = d["cpu_s"] / loc["cpu_s"]
                targets.append((f"{name}: Dask (2 local workers) within "
                                f"{TARGET_DASK_SLOWDOWN}× of local{note}",
                                slow <= TARGET_DASK_SLOWDOWN,
                                f"{slow:.2f}× ({d['wall_s']:.1f} s vs {loc['wall_s']:.1f} s; "
                                f"CPU s {cpu:.2f}×)"))
        for label, ok, value in targets:
            print(f"  {verdict(bool(ok))}  {label:<58} {value}")
        return {"ratios": rows, "targets": [
            {"target": label, "pass": bool(ok), "value": value} for label, ok, value in targets]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1k,10k,100k",
                    help="synthetic input sizes, comma-separated (1k,10k,100k)")
    ap.add_argument("--quick", action="store_true", help="real text and 1k only (~3 min)")
    ap.add_argument("--arxiv", default="",
                    help="also real arXiv abstracts (../shared/corpus/arxiv-cs-2025.jsonl.gz), "
                    "evenly spaced, at these sizes (e.g. 1k,10k,all), each against the stock NER "
                    "on the same text (above 20k: per word, on the largest smaller slice)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="builds per input up to 1k (the median is shown); larger: once")
    ap.add_argument("--no-dask", action="store_true",
                    help="skip the Dask engine run (at 10k, or the largest size below; "
                    "never in --quick)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                    help="the shared folder with corpus/ and benchmarks/scirex/")
    ap.add_argument("--seed", type=int, default=0, help="seed of the synthetic abstracts")
    ap.add_argument("--rss-cap-gb", type=float, default=8.0,
                    help="stop a build whose processes hold more than this (the machine "
                    "may be shared)")
    ap.add_argument("--max-build-min", type=float, default=22.0,
                    help="stop a build after this many minutes (100k's target is 20)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--keep", action="store_true", help="keep the temporary inputs")
    # Internal: one measurement in a fresh process.
    ap.add_argument("--child", choices=["build", "refs"], help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--inputs", nargs="*", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=WORKERS, help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    ap.add_argument("--stock-config", help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", help=argparse.SUPPRESS)  # default: no cache
    args = ap.parse_args(argv)

    if args.child:
        result = child_build(args) if args.child == "build" else child_refs(args)
        args.result.write_text(json.dumps(result))
        return

    sizes = [1000] if args.quick else [parse_size(s) for s in args.sizes.split(",") if s]
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    t_start = time.perf_counter()
    import spacy

    from kg.engines.local import default_workers

    print(f"kg benchmark — {os.cpu_count()} CPUs ({default_workers()} usable), "
          f"load average {os.getloadavg()[0]:.1f} at start, Python "
          f"{sys.version.split()[0]}, spaCy {spacy.__version__}; builds: --workers {WORKERS}, "
          f"no cache; temp {tmp}")
    busy = _busy_cores(psutil.cpu_times())
    time.sleep(1.0)
    others = busy()
    print(f"  other processes were using {others:.1f} of {os.cpu_count()} cores just before "
          "the run" + ("; figures will be low" if others > 0.3 else ""))
    bench = Bench(args, tmp)
    print(f"\nBuilds: kg build --workers {WORKERS} --no-cache, each in a fresh process "
          f"(median of {args.repeats} up to 1k). Times in s. cores = CPU s ÷ wall s of the "
          "build; RSS in MB: tree = driver + workers + export child (sampled; shared "
          "pages once per process), treePSS = the same in PSS (shared pages split), drv = "
          "driver peak, wrk = largest child peak; x_wall = wall time of the exports "
          "(they overlap); others = cores other processes used meanwhile. Reference "
          "speeds follow each text.")
    bench.build_header()
    bench.measure("real", real_inputs(args.shared), args.repeats, refs=True)
    for n in [parse_size(x) for x in args.arxiv.split(",") if x]:
        path = tmp / "arxiv.jsonl"
        n = write_arxiv_slice(n, path, args.shared)
        name = "arxiv-" + size_label(n)
        path = path.rename(tmp / f"{name}.jsonl")
        # Four reference passes over 100k abstracts would take over an hour: the largest
        # input is compared per word with the largest real slice measured before it.
        bench.measure(name, [path], args.repeats if n <= 1000 else 1,
                      refs=n <= ARXIV_REFS_MAX or not bench.refs)
    for i, n in enumerate(sizes):
        name = size_label(n)
        path = tmp / f"synthetic-{name}.jsonl"
        write_synthetic(n, path, args.shared, seed=args.seed)
        repeats = args.repeats if n <= 1000 else 1
        bench.measure(name, [path], repeats, refs=(i == 0 and not args.quick))
    print()
    if not (args.no_dask or args.quick):
        dask_n = max([n for n in sizes if n <= 10_000], default=0)
        if dask_n:
            name = size_label(dask_n)
            path = tmp / f"synthetic-{name}.jsonl"
            d = bench.build(name, [path], 1, engine="dask")
            loc = bench.builds[name]
            bench.dask = {"input": name, "dask": d, "local": loc}
            print("Dask engine (LocalCluster, 2 worker processes, 1 thread each):")
            bench.build_header()
            bench.print_build(name, d)
    summary = bench.report()
    print(f"\nbenchmark took {(time.perf_counter() - t_start) / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps({
            "builds": bench.builds, "refs": bench.refs, "dask": bench.dask,
            "words": bench.words, **summary}, indent=2))
    if not args.keep:
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()
