"""Shared pytest setup: tests/helpers.py importable; one build of the sample corpus."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Path:
    """The sample corpus built once per test session with the shipped pipeline."""
    from kg.build import build_exports
    from kg.options import BuildOptions

    out = tmp_path_factory.mktemp("sample-build")
    build_exports(None, out, options=BuildOptions(workers=1, quiet=True))
    return out
