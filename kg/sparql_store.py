"""The on-disk SPARQL store of an export: ``oxigraph load``, kept stores and a build's store.

``kg serve`` answers queries from an oxigraph (RocksDB) store on disk. Loading the export
into one is most of a big graph's start-up (minutes for the 108k-paper listing), so a
store can be kept and opened again while the export it holds is unchanged:

* ``kg serve --store DIR`` keeps it in DIR (:func:`kept_store`);
* ``kg build --sparql-store`` leaves it in the build directory, ``BUILD/sparql-store``
  (:data:`BUILD_STORE`; :func:`stage_build_store`, :func:`install_build_store`), where
  ``kg serve BUILD`` finds it (:func:`build_store`), so that even the first start opens
  a store instead of loading one.

A kept store directory holds ``oxigraph/`` (the store) and ``source.json`` (which export
it holds: name or path, size, modification time), the stamp written last: a directory
without a stamp, or with the stamp of another export, is never opened as it is.

This module sits below both :mod:`kg.build` and :mod:`kg.serve`, so that the build
leaves its store without importing the endpoint.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kg.util.atomic import atomic_write
from kg.util.rdf_files import rdf_file

_LOAD_ORDER = ("graph.nt", "graph.ttl", "graph.jsonld")  # N-Triples loads fastest
#: In a kept store directory: the oxigraph store, and which export it was loaded from.
_STORE_SUBDIR = "oxigraph"
_SOURCE_FILE = "source.json"
#: The store ``kg build --sparql-store`` leaves in the build directory.
BUILD_STORE = "sparql-store"
#: A build's store while it is loaded: a hidden folder of the build directory that the
#: next build removes if this one was killed (:func:`kg.util.atomic.staged_directory`
#: sweeps ``.kg-staging-*``).
_BUILD_STORE_PREFIX = ".kg-staging-store-"


class StoreError(RuntimeError):
    """An export could not be loaded into a store, or a directory given for a store holds
    something else."""


def oxigraph_executable() -> str:
    """The ``oxigraph`` binary of the ``oxigraph`` wheel (next to this Python first)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("the `oxigraph` server is not installed (pip install oxigraph)")
    return found


def export_file(graph: str | Path) -> Path:
    """The RDF file to serve for ``graph`` (a build directory or a .nt/.ttl/.jsonld file)."""
    return rdf_file(graph, _LOAD_ORDER)


def load_store_dir(graph: str | Path, location: str | Path, lenient: bool = False) -> Path:
    """``oxigraph load`` the export of ``graph`` into the (new) store at ``location``.

    ``lenient``: skip oxigraph's validation of the terms (faster; only for an export this
    package wrote, whose terms are pyoxigraph's own text)."""
    src = export_file(graph)
    fmt = {".jsonld": "jsonld"}.get(src.suffix.lower())
    cmd = [oxigraph_executable(), "load", "--location", str(location), "--file", str(src)]
    if fmt:
        cmd += ["--format", fmt]
    if lenient:
        cmd.append("--lenient")
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise StoreError(f"oxigraph load {src} failed: {run.stderr.strip() or run.stdout}")
    return Path(location)


def _source_stamp(src: Path, location: Path) -> dict[str, object]:
    """What identifies an export for a kept store: its size and modification time (the
    quick check make and rsync use; hashing a 6 GB export would cost more than half the
    load it saves), and its path, or only its name when the store sits in the export's
    own directory (a build's store: the build directory may be moved or renamed, with
    ``mv`` or ``cp -a``, and its store stays valid)."""
    st = src.stat()
    beside = src.parent.resolve() == location.parent.resolve()  # graph.nt may be a link
    return {"source": src.name if beside else str(src.resolve()), "size": st.st_size,
            "mtime_ns": st.st_mtime_ns}


def _stamp_matches(location: Path, stamp: dict[str, object]) -> bool:
    source = location / _SOURCE_FILE
    if not (source.is_file() and (location / _STORE_SUBDIR).is_dir()):
        return False
    try:
        return json.loads(source.read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        return False  # an unreadable stamp: not this export's store


def _load_and_swap(src: Path, loc: Path, stamp: dict[str, object],
                   lenient: bool = False) -> Path:
    """Load ``src`` into a fresh store beside ``loc/oxigraph``, put it in that one's place
    once the load succeeded, then write ``stamp``: an interrupted or failed load leaves the
    old store and its stamp as they were, and between the swap and the new stamp there is
    no stamp at all."""
    source, store = loc / _SOURCE_FILE, loc / _STORE_SUBDIR
    for old in loc.glob(".loading-*") if loc.is_dir() else []:  # an interrupted load
        shutil.rmtree(old, ignore_errors=True)
    loc.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".loading-", dir=loc))
    try:
        load_store_dir(src, fresh / _STORE_SUBDIR, lenient=lenient)
        source.unlink(missing_ok=True)  # from here until the new stamp: no valid store
        if store.exists():
            shutil.rmtree(store)
        (fresh / _STORE_SUBDIR).rename(store)
        with atomic_write(source) as fh:
            fh.write(json.dumps(stamp, indent=1) + "\n")
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return store


def kept_store(graph: str | Path, location: str | Path) -> tuple[Path, bool]:
    """The store of ``graph`` kept in ``location``: (its directory, whether it was reused).

    ``location`` holds ``oxigraph/`` (the store) and ``source.json`` (which export it
    holds). When that export is unchanged the store is opened as it is, so a big graph
    answers in seconds instead of being loaded again; when it changed, or ``location`` is
    new or empty, the export is loaded into a fresh store beside the old one, which is
    replaced only once the load succeeded (an interrupted load leaves the old store and
    its stamp as they were). A non-empty directory that is not such a store is refused,
    so nothing of the user's is overwritten. A build's own store
    (``BUILD/sparql-store``) is such a directory too.
    """
    loc = Path(location)
    src = export_file(graph)
    stamp = _source_stamp(src, loc)
    source = loc / _SOURCE_FILE
    store = loc / _STORE_SUBDIR
    leftovers = sorted(loc.glob(".loading-*")) if loc.is_dir() else []
    # Only what this module writes may be there without a stamp (a swap cut short).
    if loc.exists() and not source.is_file() and any(
            p not in leftovers and p != store for p in loc.iterdir()):
        raise StoreError(f"{loc}: not empty and not a store kept by kg serve "
                         f"(no {_SOURCE_FILE}); give a new or empty directory")
    if _stamp_matches(loc, stamp):
        return store, True
    return _load_and_swap(src, loc, stamp), False


# -- the store a build leaves (kg build --sparql-store) -------------------------------------


def stage_build_store(export_dir: str | Path, build_dir: str | Path) -> Path:
    """Load the ``graph.nt`` in ``export_dir`` (a build's staging folder) into a new kept
    store layout in a hidden folder of ``build_dir``, stamped by the export's name, size
    and modification time (which its move into ``build_dir`` keeps); the folder, for
    :func:`install_build_store` once the exports are in place. Loaded leniently: the
    file is this package's own export. A failed or interrupted load leaves no folder
    (a killed one: a hidden folder the next build removes)."""
    src = Path(export_dir) / "graph.nt"
    if not src.is_file():
        raise FileNotFoundError(f"{src}: the build's N-Triples export is missing")
    folder = Path(tempfile.mkdtemp(prefix=_BUILD_STORE_PREFIX, dir=build_dir))
    try:
        stamp = _source_stamp(src, src.parent / BUILD_STORE)  # by name: it moves with it
        _load_and_swap(src, folder, stamp, lenient=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def install_build_store(folder: str | Path | None, build_dir: str | Path) -> Path | None:
    """Make ``folder`` (from :func:`stage_build_store`) the build's store,
    ``build_dir/sparql-store``, in place of an earlier build's, which no longer matches
    the exports (``None``: only remove that one). Renames, then the old one removed: the
    store there is always either the new one, complete, or one whose stamp names another
    export."""
    out = Path(build_dir)
    target = out / BUILD_STORE
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=_BUILD_STORE_PREFIX, dir=out))
        os.replace(target, old / BUILD_STORE)
    try:
        if folder is not None:
            os.replace(folder, target)
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target if folder is not None else None


def build_store(graph: str | Path) -> tuple[Path | None, str]:
    """The store a build left in ``graph`` (``kg build --sparql-store``), when it holds the
    export ``kg serve`` would load: (its ``oxigraph`` directory, ""). Otherwise ``None``,
    and why, for the user ("" when there is none: ``graph`` is a file, or a build
    directory without a store)."""
    p = Path(graph)
    loc = p / BUILD_STORE
    if not (p.is_dir() and loc.is_dir()):
        return None, ""
    src = export_file(p)
    if _stamp_matches(loc, _source_stamp(src, loc)):
        return loc / _STORE_SUBDIR, ""
    try:
        held = json.loads((loc / _SOURCE_FILE).read_text(encoding="utf-8"))["source"]
    except (OSError, ValueError, KeyError, TypeError):
        return None, (f"{loc} is not a complete store (no valid {_SOURCE_FILE}): "
                      "not used")
    why = ("changed after the store was written" if held == src.name
           else f"the store was loaded from {held}")
    return None, f"{loc} does not hold the {src.name} now in {p} ({why}): not used"
