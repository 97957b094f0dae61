"""Which RDF export a command reads when given a build directory or a file: shared by
``kg query`` (Turtle first: pyoxigraph parses it from the smallest file) and ``kg serve``
(N-Triples first: the ``oxigraph`` server loads it fastest)."""

from __future__ import annotations

from pathlib import Path


def _listed(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1]


def rdf_file(path: str | Path, order: tuple[str, ...]) -> Path:
    """The RDF file behind ``path``: the first of ``order`` (file names such as
    ``graph.nt``) present in a build directory, or the file itself when its suffix is one
    of theirs. A missing file or an unknown suffix raises with the path in the message."""
    p = Path(path)
    if p.is_dir():
        for name in order:
            if (p / name).is_file():
                return p / name
        raise FileNotFoundError(f"{p}: no {_listed(list(order))} in this directory")
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file or directory")
    suffixes = [Path(name).suffix for name in order]
    if p.suffix.lower() not in suffixes:
        raise ValueError(f"{p}: unknown RDF format (expected {', '.join(suffixes)} or a "
                         "build directory)")
    return p
