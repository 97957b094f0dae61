"""The package's shape: imports point down (no circle, not even inside functions), and the
shipped pipeline loads with plain ``spacy.load`` through the package's entry points."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Module → module it imports, for every ``import``/``from … import`` anywhere in a
    module of ``kg`` (module level, functions, ``TYPE_CHECKING`` blocks alike)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    g = nx.DiGraph()
    g.add_nodes_from(files)
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # "from kg.x import y" imports the module kg.x.y when there is one
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            for target in targets:
                if target in files and target != name:
                    g.add_edge(name, target)
    return g


def test_the_import_graph_is_read_from_every_module():
    g = import_graph()
    assert g.has_edge("kg.build", "kg.options")  # module level
    assert g.has_edge("kg.build", "kg.engines")  # inside a function
    assert g.has_edge("kg.extract.pipeline", "kg.extract.doc.tokenizer")  # "from pkg import mod"


def test_no_import_circle_inside_kg():
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == []


def test_shared_option_types_sit_below_the_stages_that_use_them():
    g = import_graph()
    for stage in ("kg.engines", "kg.export"):
        assert g.has_edge(stage, "kg.options")
        assert not nx.has_path(g, stage, "kg.build")


def test_doc_level_components_never_import_paper_level_decisions():
    g = import_graph()
    doc_level = [n for n in g if n.startswith("kg.extract.doc")]
    paper_level = {n for n in g if n.startswith("kg.extract.paper")}
    for module in doc_level:
        assert not (nx.descendants(g, module) & paper_level), module


def test_every_registered_component_has_an_entry_point():
    registered = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "factory":
                registered.add(node.args[0].value)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = project["project"]["entry-points"]["spacy_factories"]
    assert registered == set(entry_points)
    assert len(registered) == 13


def test_shipped_pipeline_loads_with_plain_spacy_load_without_importing_kg():
    script = (
        "import sys, spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp('We fine-tune LLaMA-2 with LoRA on GSM8K.')\n"
        "print(' '.join(nlp.pipe_names))\n"
        "print('|'.join(e.text for e in doc.ents))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(PACKAGE / "data" / "pipeline")],
        capture_output=True, text=True, cwd="/", check=True,
    ).stdout.splitlines()
    assert "kg_relation_keep" in out[0].split() and "kg_paper_types" in out[0].split()
    assert "GSM8K" in out[1].split("|")
