"""The public API of the package: `kg.build`, `kg.query` … are the functions."""

from __future__ import annotations

import importlib
import subprocess
import sys


def test_public_names_are_functions_even_after_their_submodules_are_imported():
    for name in ("build", "query", "load", "extract", "resolve"):
        importlib.import_module(f"kg.{name}")
    import kg

    for name in ("build", "query", "load", "extract", "resolve", "read_papers", "write_html"):
        assert callable(getattr(kg, name)), name
    assert kg.build.__module__ == "kg.build"
    assert sys.modules["kg.options"].BuildOptions is kg.BuildOptions


def test_importing_kg_does_not_load_spacy():
    code = "import sys, kg; print('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
