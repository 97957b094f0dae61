"""The RDF exports of a build: ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` (+ NT shards).

Canonical and byte-identical across runs and processes: pyoxigraph writes canonical
N-Triples (its escaping, not ours: each term's text is ``str(term)``, the text its
serializer writes), and since the graph has no blank nodes, the sorted, de-duplicated
lines *are* a canonical form of the graph. Turtle and JSON-LD are written from the
triples in that same order (parsed back from the sorted lines). rdflib is not used: its
N-Triples output order differs between processes (RDFLib/rdflib#3545), and at 1M triples
it writes Turtle two orders of magnitude slower (benchmarks/rdf_bench.py).

JSON-LD: pyoxigraph 0.5 writes only expanded JSON-LD (no ``@context``, prefixes ignored),
so :func:`jsonld_bytes` compacts IRIs with the export prefixes itself — a ``@context`` of
prefixes, values kept as ``{"@value", "@type"}`` objects so that every lexical form
survives exactly — and ``json`` does the escaping. ``@graph`` is sorted like the
N-Triples; keys are sorted; one node per line.

Memory: :func:`write_rdf` streams (sorted runs of lines spilled to a temporary folder
inside the output folder and merged; the three files written together from the merged
lines), so it holds a few chunks of lines, not the graph's ~360 triples per paper. The in-memory
helpers (:func:`canonical`, :func:`turtle_bytes`, :func:`jsonld_bytes`,
:func:`shard_lines`) make the same bytes and remain for small graphs and tests.

Every file goes through :mod:`kg.util.atomic`: a build killed mid-way leaves the old file.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import operator
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, islice
from json.encoder import encode_basestring as _json_str
from pathlib import Path

import networkx as nx
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from kg.graph.rdf import RDF, XSD, canonical_ntriples, gc_paused, iter_ntriples, prefixes
from kg.util.atomic import atomic_write

#: Files :func:`write_rdf` writes (shards come on top).
RDF_FILES = ("graph.ttl", "graph.nt", "graph.jsonld")


def canonical(triples: list[Triple]) -> tuple[bytes, list[Triple]]:
    """Canonical N-Triples of ``triples`` — sorted, unique lines (a canonical form, since
    kg mints no blank nodes) — and the unique triples in that same order.

    pyoxigraph writes one line per triple in input order, so sorting line *indices* orders
    the triples too, without parsing the lines back. The mapping emits nearly sorted lines,
    which Timsort orders fast (a hash set's order would cost several times more).
    """
    with gc_paused():
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines()
        if len(lines) != len(triples):  # pragma: no cover - one line per triple, always
            nt = canonical_ntriples(triples)
            return nt, sorted_triples(nt)
        order = sorted(range(len(lines)), key=lines.__getitem__)
        keep = [i for i, j in zip(order, order[1:], strict=False) if lines[i] != lines[j]]
        if order:
            keep.append(order[-1])
        nt = b"\n".join([lines[i] for i in keep]) + b"\n" if keep else b""
        return nt, [triples[i] for i in keep]


def sorted_triples(nt: bytes) -> list[Triple]:
    """The triples of (canonical) N-Triples, in file order."""
    with gc_paused():
        return [q.triple for q in parse(nt, format=RdfFormat.N_TRIPLES)]


def turtle_bytes(triples: Iterable[Triple], base: str | None = None) -> bytes:
    """Turtle with the export prefixes; subjects grouped as they come (sorted input)."""
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes(base))


class _Compactor:
    """IRI → compact IRI (``kgo:Paper``, ``entity:gsm8k``) that expands back to the IRI."""

    def __init__(self, prefix_map: dict[str, str], base: str) -> None:
        # Longest namespace first, so the resource base never shadows a longer namespace.
        self.items = sorted(prefix_map.items(), key=lambda kv: -len(kv[1]))
        self.base = base
        self.kinds = {p for p, ns in prefix_map.items() if ns == f"{base}{p}/"}
        # Fast path for resource IRIs, unless a vocabulary lives under the base.
        self.fast = not any(ns.startswith(base) and ns != base and p not in self.kinds
                            for p, ns in prefix_map.items())
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        if self.fast and iri.startswith(self.base):
            kind, sep, tail = iri[len(self.base):].partition("/")
            if sep and kind in self.kinds and not tail.startswith("//"):
                return f"{kind}:{tail}"
        out = self.cache.get(iri)
        if out is None:
            out = iri
            for prefix, ns in self.items:
                rest = iri[len(ns):]
                if iri.startswith(ns) and not rest.startswith("//"):
                    out = f"{prefix}:{rest}"
                    break
            if len(self.cache) < 10_000:
                self.cache[iri] = out
        return out


def jsonld_bytes(triples: Iterable[Triple], base: str | None = None) -> bytes:
    """Compact-IRI JSON-LD 1.1 with an ``@context`` of the export prefixes."""
    triples = list(triples)
    with gc_paused():
        lines = serialize(triples, format=RdfFormat.N_TRIPLES).splitlines(keepends=True)
        jsonld = _JsonLdChunks(base)
        return jsonld.head + jsonld(lines, triples) + jsonld.tail


def shard_lines(nt: bytes, shards: int) -> list[bytes]:
    """``nt`` cut into ``shards`` N-Triples documents of near-equal line counts, each a
    valid file on its own (no blank nodes, so no label spans two shards)."""
    lines = nt.splitlines(keepends=True)
    k = max(1, int(shards))
    size, extra = divmod(len(lines), k)
    out, i = [], 0
    for n in range(k):
        j = i + size + (1 if n < extra else 0)
        out.append(b"".join(lines[i:j]))
        i = j
    return out


def _write(path: Path, data: bytes) -> None:
    with atomic_write(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)


# -- the streaming writer ---------------------------------------------------------------------

#: N-Triples lines per sorted run (:func:`write_rdf`'s ``chunk``): the export holds about
#: two runs of lines (~0.25 kB a line) at a time (~0.2 GB), whatever the size of the graph.
CHUNK = 400_000
#: Lines per output chunk (at most ``chunk``): parsed back into pyoxigraph terms (~0.5 kB
#: a triple) for the Turtle and JSON-LD writers.
OUT_CHUNK = 50_000


def _sorted_run(lines: list[bytes]) -> list[bytes]:
    """``lines`` sorted (in place: the mapping emits them nearly sorted, which Timsort
    orders fast), without duplicates."""
    lines.sort()
    unique = list(compress(lines, map(operator.ne, lines, islice(lines, 1, None))))
    if lines:
        unique.append(lines[-1])
    return unique


#: Most runs merged at once (open files, well under the usual limit of 1024); more runs
#: are first merged level by level. 64 made a 100k-paper build (66 runs of CHUNK lines)
#: rewrite 64 of its runs into one just before the final merge read them all again: the
#: driver spent ~25 s of its serial part on it, the final merge of 66 runs costs ~10 s more.
FAN_IN = 256


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    last = None
    for line in lines:
        if line != last:
            yield line
            last = line


@contextlib.contextmanager
def sorted_lines(lines: Iterable[str], workdir: Path, chunk: int = CHUNK
                 ) -> Iterator[Iterator[bytes]]:
    """The N-Triples ``lines`` (:func:`kg.graph.rdf.iter_ntriples`) sorted, unique, as UTF-8
    (each ending in a newline), with at most ~two chunks of ``chunk`` lines in memory:
    :func:`sorted_runs`, merged (``heapq.merge``). Lines sort the same with or without
    their newline: no line is a proper prefix of another, since every line ends with its
    object term and `` .``.
    """
    with contextlib.ExitStack() as stack:
        runs, pending = sorted_runs(lines, workdir, chunk, stack)
        yield _merged(runs, pending, stack)


def sorted_runs(lines: Iterable[str], workdir: Path, chunk: int, stack: contextlib.ExitStack,
                spill_last: bool = False) -> tuple[list[Path], list[bytes]]:
    """The N-Triples ``lines`` as sorted runs: files of sorted unique UTF-8 lines in a
    temporary folder of ``workdir`` (removed when ``stack`` closes), and the last run's
    lines kept in memory (spilled too with ``spill_last``).

    Each chunk of ``chunk`` lines is encoded, sorted and de-duplicated into a run (UTF-8
    bytes sort in code point order); every :data:`FAN_IN` runs of one level are merged
    into one run of the next, so that a merge never opens more than that many files.
    """
    it = iter(lines)
    spill: Path | None = None
    levels: list[list[Path]] = []
    count = 0
    pending: list[bytes] = []

    def new_run(level: int) -> Path:
        nonlocal spill, count
        if spill is None:
            spill = Path(stack.enter_context(tempfile.TemporaryDirectory(
                prefix=".kg-rdf-runs-", dir=workdir)))
        count += 1
        return spill / f"run-{level}-{count:06d}.nt"

    def add(path: Path, level: int) -> None:
        while len(levels) <= level:
            levels.append([])
        levels[level].append(path)
        if len(levels[level]) >= FAN_IN:
            runs, levels[level] = levels[level], []
            merged = new_run(level + 1)
            with contextlib.ExitStack() as files, open(merged, "wb") as fh:
                sources = [files.enter_context(open(r, "rb", buffering=1 << 16))
                           for r in runs]
                fh.writelines(_unique(heapq.merge(*sources)))
            for r in runs:
                r.unlink()
            add(merged, level + 1)

    def spill_pending() -> None:
        path = new_run(0)
        with open(path, "wb") as fh:
            fh.writelines(pending)
        add(path, 0)

    size = max(1, int(chunk))
    while True:
        batch = [line.encode("utf-8") for line in islice(it, size)]
        if not batch:
            break
        run = _sorted_run(batch)
        del batch
        if pending:
            spill_pending()
        pending = run
    if spill_last and pending:
        spill_pending()
        pending = []
    return [r for level in levels for r in level], pending


def _merged(runs: list[Path], pending: list[bytes], stack: contextlib.ExitStack
            ) -> Iterator[bytes]:
    """The sorted unique lines of the spilled ``runs`` and the ``pending`` one."""
    if not runs:
        return iter(pending)  # a run has no duplicates
    files = [stack.enter_context(r.open("rb", buffering=1 << 16)) for r in runs]
    return _unique(heapq.merge(*files, iter(pending)))


def _subject_chunks(lines: Iterator[bytes], chunk: int) -> Iterator[list[bytes]]:
    """Sorted ``lines`` in lists of about ``chunk`` lines, cut only where the subject
    changes (a subject's lines are consecutive in sorted N-Triples)."""
    size = max(1, int(chunk))
    carry: list[bytes] = []
    while True:
        buf = carry + list(islice(lines, size))
        if not buf:
            return
        carry = []
        last = buf[-1]
        subject = last[:last.index(b" ") + 1]  # no blank nodes: IRIs have no spaces
        for line in lines:
            if not line.startswith(subject):
                carry = [line]
                break
            buf.append(line)
        yield buf


class _TurtleChunks:
    """Turtle of sorted triples given chunk by chunk (cut at subject boundaries), bytes
    identical to :func:`turtle_bytes` of them all: pyoxigraph starts every document with
    the same ``@prefix`` lines, which are kept from the first chunk only."""

    def __init__(self, base: str | None) -> None:
        self.prefixes = prefixes(base)
        self.first = True

    def __call__(self, triples: list[Triple]) -> bytes:
        data = serialize(triples, format=RdfFormat.TURTLE, prefixes=self.prefixes)
        if self.first:
            self.first = False
            return data
        head = 0
        while data.startswith(b"@prefix ", head):
            head = data.index(b"\n", head) + 1
        return data[head:]


#: Most entries of each cache of :class:`_JsonLdChunks` (then it starts over): bounds its
#: memory.
_CACHE = 1 << 16


class _JsonLdChunks:
    """JSON-LD of sorted triples given chunk by chunk (cut at subject boundaries): a
    ``@context`` of the export prefixes, then ``@graph``, one node object per line, each
    exactly as ``json.dumps(node, ensure_ascii=False, sort_keys=True,
    separators=(",", ":"))`` would write the node dict (``@id``, ``@type``, one key per
    compacted predicate, values in triple order, literals as ``{"@value", "@type"}``
    objects so that every lexical form survives), without building the dicts.

    Reading the terms back out of pyoxigraph was most of the time, so the N-Triples line
    of each triple finds where a subject starts, and its text after the subject (predicate
    and object) keys a cache of the pair's JSON key and value: terms are only read for a
    new subject or pair (most pairs recur: types, fields, components, scores, node IRIs).
    The member order of every set of keys is cached too.
    """

    def __init__(self, base: str | None) -> None:
        pmap = prefixes(base)
        self.compact = _Compactor(pmap, pmap["kg"])
        context = json.dumps({"@context": pmap}, ensure_ascii=False, sort_keys=True, indent=1)
        self.head = (context[:-2] + ',\n "@graph": [\n').encode("utf-8")
        self.tail = b"\n ]\n}\n"
        self.sep = ""
        self.pairs: dict[bytes, tuple[str, str]] = {}  # b"<p> <o> .\n" → JSON key, value
        self.layouts: dict[tuple[str, ...], tuple[list[tuple[str, str]], int]] = {}

    def __call__(self, lines: Sequence[bytes], triples: Sequence[Triple | Quad]) -> bytes:
        """The node objects of ``triples`` (and separators); ``lines`` are their N-Triples
        lines, one per triple in the same order, sorted and unique."""
        parts = []
        for node in self._nodes(lines, triples):
            parts.append(self.sep)
            parts.append(node)
            self.sep = ",\n"
        return "".join(parts).encode("utf-8")

    def _nodes(self, lines: Sequence[bytes], triples: Sequence[Triple | Quad]
               ) -> Iterator[str]:
        """The JSON text of each node (subject) of sorted ``triples``."""
        pairs = self.pairs
        subject, first = None, 0
        props: dict[str, list[str]] = {}
        for i, line in enumerate(lines):
            s, _, rest = line.partition(b" ")  # no blank nodes: IRIs have no spaces
            if s != subject:
                if subject is not None:
                    yield self._node(triples[first].subject.value, props)
                subject, first, props = s, i, {}
            pair = pairs.get(rest)
            if pair is None:
                if len(pairs) >= _CACHE:
                    pairs.clear()
                pair = pairs[rest] = self._pair(triples[i])
            key, value = pair
            values = props.get(key)
            if values is None:
                props[key] = [value]
            else:
                values.append(value)
        if subject is not None:
            yield self._node(triples[first].subject.value, props)

    def _pair(self, triple: Triple | Quad) -> tuple[str, str]:
        """The JSON key and value of a triple's predicate and object."""
        compact, p, o = self.compact, triple.predicate.value, triple.object
        if isinstance(o, NamedNode):
            if p == RDF + "type":
                key, value = "@type", _json_str(compact(o.value))
            else:
                key, value = compact(p), '{"@id":' + _json_str(compact(o.value)) + "}"
        elif isinstance(o, Literal):
            key = compact(p)
            if o.language:
                value = ('{"@language":' + _json_str(o.language) + ',"@value":'
                         + _json_str(o.value) + "}")
            elif (dt := o.datatype.value) != XSD + "string":
                value = ('{"@type":' + _json_str(compact(dt)) + ',"@value":'
                         + _json_str(o.value) + "}")
            else:
                value = '{"@value":' + _json_str(o.value) + "}"
        else:  # pragma: no cover - kg.graph.rdf mints no blank nodes or triple terms
            raise ValueError(f"cannot write {o!r} as JSON-LD")
        return key, value

    def _node(self, subject: str, props: dict[str, list[str]]) -> str:
        layout = self.layouts.get(keys := tuple(props))
        if layout is None:
            if len(self.layouts) >= _CACHE:
                self.layouts.clear()
            layout = self.layouts[keys] = _layout(keys)
        heads, at = layout
        members = [head + ",".join(props[key]) + "]" for key, head in heads]
        members.insert(at, '"@id":' + _json_str(self.compact(subject)))
        return "{" + ",".join(members) + "}"


def _layout(keys: tuple[str, ...]) -> tuple[list[tuple[str, str]], int]:
    """The members of a JSON-LD node with these keys (and ``@id``) in sorted key order:
    each key with the JSON text that opens its array, and where ``@id`` goes."""
    order = sorted(("@id", *keys))
    at = order.index("@id")
    return [(key, _json_str(key) + ":[") for key in order if key != "@id"], at


def _write_shards(nt: Path, out: Path, shards: int, total: int) -> list[Path]:
    """``nt`` cut like :func:`shard_lines` into ``shards`` files, streaming."""
    k = max(1, int(shards))
    size, extra = divmod(total, k)
    written = []
    with open(nt, "rb", buffering=1 << 20) as src:
        for n, name in enumerate(_shard_names(k)):
            path = out / name
            with atomic_write(path, "wb", encoding=None, newline=None) as fh:
                fh.writelines(islice(src, size + (1 if n < extra else 0)))
            written.append(path)
    return written


def write_rdf(g: nx.MultiDiGraph, out: str | Path, base: str | None = None,
              shards: int = 0, chunk: int = CHUNK,
              meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt`` and ``graph.jsonld`` of ``g`` into ``out``.

    ``shards=K`` (K ≥ 1) also writes ``graph-000.nt`` … ``graph-<K-1>.nt``; shards of an
    earlier build that this one does not write are removed, so the directory never mixes
    two graphs. Returns the paths written.

    Memory stays bounded by ``chunk`` (N-Triples lines per sorted run), not by the graph:
    lines come one at a time from the mapping (:func:`kg.graph.rdf.iter_ntriples`), sorted runs
    are spilled to a temporary folder inside ``out`` and merged, and the three files are
    written from the merged stream together, :data:`OUT_CHUNK` lines at a time. The bytes
    are those of the in-memory :func:`canonical` / :func:`turtle_bytes` /
    :func:`jsonld_bytes` / :func:`shard_lines`.

    ``meanwhile``: work for this process while another one writes the files. Once the
    graph is mapped and every sorted run spilled (the half of the work that needs the
    graph), a helper process (``python -m kg.export.rdf_files``, a fresh interpreter that
    shares no memory with this one) merges the runs and writes the files, and this process
    calls ``meanwhile`` (a large build's GraphML and HTML), then waits for the helper.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with gc_paused(), contextlib.ExitStack() as stack:
        if meanwhile is None:
            runs, pending = sorted_runs(iter_ntriples(g, base), out, chunk, stack)
            return _write_from_runs(runs, pending, out, base, shards, chunk)
        runs, _ = sorted_runs(iter_ntriples(g, base), out, chunk, stack, spill_last=True)
        helper = subprocess.Popen([sys.executable, "-m", "kg.export.rdf_files"],
                                  stdin=subprocess.PIPE, text=True, encoding="utf-8")
        assert helper.stdin is not None
        with contextlib.suppress(BrokenPipeError), helper.stdin:  # a few kB: never blocks
            json.dump({"runs": [str(r) for r in runs], "out": str(out), "base": base,
                       "shards": shards, "chunk": chunk}, helper.stdin)
        try:
            meanwhile()
        except BaseException:
            helper.kill()
            helper.wait()
            raise
        if helper.wait() != 0:
            raise RuntimeError("the RDF export's helper process failed (exit code "
                               f"{helper.returncode}; its error is above, on stderr)")
    return _written(out, shards)


def _write_from_runs(runs: list[Path], pending: list[bytes], out: Path, base: str | None,
                     shards: int, chunk: int) -> list[Path]:
    """The three files (and shards) from sorted runs; the shards of an earlier build that
    this one does not write are removed."""
    turtle, jsonld = _TurtleChunks(base), _JsonLdChunks(base)
    total = 0
    with contextlib.ExitStack() as stack:
        nt_fh, ttl_fh, json_fh = (
            stack.enter_context(atomic_write(out / name, "wb", encoding=None, newline=None))
            for name in ("graph.nt", "graph.ttl", "graph.jsonld"))
        json_fh.write(jsonld.head)
        for part in _subject_chunks(_merged(runs, pending, stack), min(chunk, OUT_CHUNK)):
            total += len(part)
            data = b"".join(part)
            nt_fh.write(data)
            # The terms back for Turtle and JSON-LD (quads: same use). Lenient: these lines
            # are pyoxigraph's own text of valid terms, and re-validating every IRI took
            # half of the parsing time.
            triples = list(parse(data, format=RdfFormat.N_TRIPLES, lenient=True))
            del data
            ttl_fh.write(turtle(triples))
            json_fh.write(jsonld(part, triples))
            del part, triples
        json_fh.write(jsonld.tail)
    if shards and shards > 0:
        _write_shards(out / "graph.nt", out, shards, total)
    written = _written(out, shards)
    keep = {p.name for p in written}
    for stale in out.glob("graph-*.nt"):  # shards of an earlier build would be out of date
        if stale.name not in keep and stale.name[6:-3].isdigit():
            stale.unlink()
    return written


def _written(out: Path, shards: int) -> list[Path]:
    k = max(1, int(shards)) if shards and shards > 0 else 0
    return [out / "graph.nt", out / "graph.ttl", out / "graph.jsonld",
            *(out / name for name in _shard_names(k))]


def _shard_names(k: int) -> list[str]:
    width = max(3, len(str(k - 1)))
    return [f"graph-{n:0{width}d}.nt" for n in range(k)]


def _helper_main() -> None:
    """``python -m kg.export.rdf_files``: the helper of :func:`write_rdf` (a JSON spec of
    the sorted runs and the output on stdin)."""
    spec = json.loads(sys.stdin.read())
    with gc_paused():
        _write_from_runs([Path(r) for r in spec["runs"]], [], Path(spec["out"]),
                         spec["base"], spec["shards"], spec["chunk"])


if __name__ == "__main__":
    _helper_main()
