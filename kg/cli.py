"""The ``kg`` command: build, extract, query, serve, view, eval.

Each command is a thin shell around one public function of the package, so everything the
CLI does can also be done from Python.
"""

from __future__ import annotations

import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build a knowledge graph of the methods, models, datasets, tasks and metrics that a
    set of papers talks about, then query it with SPARQL, open it in a browser or analyse
    it in Python. Runs offline.

    Start with `kg build` (no arguments: the bundled sample corpus into ./exports/).
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
