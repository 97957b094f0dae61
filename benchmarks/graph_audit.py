"""Audit a built graph for what a careful reader would not sign (issue #20).

Prints, for a build directory (default: a build of the 830 real papers it makes in a
temporary folder from ``../shared/corpus``):

* entity names that are not names: TeX or other markup, doubled hyphens, a function word
  at either end, unbalanced brackets;
* spelling variants that must be one node (MS COCO / COCO / MSCOCO, text-to-3D /
  text-to-3D generation) and distinct things that must stay apart (GPT-4 / GPT-4V,
  Llama 2 / Llama 3, BERT / RoBERTa, GSM8K / MATH), where the graph names them.

Exit status 1 when a check fails, so the audit can gate a change.

usage: python benchmarks/graph_audit.py [BUILD_DIR]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import kg
from kg.util.normalize import name_key

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FUNCTION_WORDS = frozenset({
    "and", "or", "of", "the", "a", "an", "to", "in", "on", "for", "with", "by", "be", "is",
    "are", "can", "which", "that", "from", "as", "at", "via"})
SAME = [("MS COCO", "COCO", "MSCOCO"), ("text-to-3D", "text-to-3D generation")]
APART = [("GPT-4", "GPT-4V"), ("Llama 2", "Llama 3"), ("BERT", "RoBERTa"), ("GSM8K", "MATH")]


def not_a_name(name: str) -> list[str]:
    """Why ``name`` is not a name a reader would write (empty: it is one)."""
    words = name.split()
    reasons = []
    if re.search(r"[$\\{}]", name):
        reasons.append("markup")
    if re.search(r"\w--\w", name):
        reasons.append("doubled hyphen")
    # An acronym is no function word: "IS" (Inception Score), "AT" (adversarial training).
    if words and words[0].lower() in FUNCTION_WORDS and not words[0].isupper():
        reasons.append("starts with a function word")
    if words and words[-1].lower() in FUNCTION_WORDS and not words[-1].isupper():
        reasons.append("ends with a function word")
    if name.count("(") != name.count(")") or name.count("[") != name.count("]"):
        reasons.append("unbalanced brackets")
    return reasons


def main() -> int:
    if len(sys.argv) > 1:
        build = Path(sys.argv[1])
    else:
        tmp = Path(tempfile.mkdtemp(prefix="kg-audit-"))
        corpus = tmp / "real.jsonl"
        corpus.write_bytes((SHARED / "corpus" / "hf-daily-papers-2024.jsonl").read_bytes()
                           + (SHARED / "corpus" / "papers.jsonl").read_bytes())
        build = tmp / "build"
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(build),
                        "-q", "--no-cache"], check=True)
    g = kg.load(build)
    node_of: dict[str, str] = {}
    failed = False
    entities = [(n, d) for n, d in g.nodes(data=True) if d.get("kind") == "entity"]
    for n, d in entities:
        for form in [d["name"], *d.get("aliases", [])]:
            node_of.setdefault(name_key(form), n)
        reasons = not_a_name(d["name"])
        if reasons:
            failed = True
            print(f"not a name: {d['name']!r} ({d['type']}, {d['paper_count']} papers): "
                  + ", ".join(reasons))
    for forms in SAME:
        nodes = {node_of[name_key(f)] for f in forms if name_key(f) in node_of}
        status = "ok" if len(nodes) <= 1 else "SPLIT"
        failed |= status != "ok"
        print(f"one node   {' / '.join(forms)}: {status} {sorted(nodes)}")
    for a, b in APART:
        na, nb = node_of.get(name_key(a)), node_of.get(name_key(b))
        status = "ok" if na is None or nb is None or na != nb else "MERGED"
        failed |= status != "ok"
        print(f"apart      {a} / {b}: {status} ({na}, {nb})")
    print(f"{len(entities)} entities audited in {build}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
