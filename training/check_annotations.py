"""Check annotation files against GUIDELINE.md v2's format before they are trusted.

Each line must be one paper: a known id, entities with one allowed type and role each,
relations and results whose names are entity names of that paper, code links as strings.
With ``--texts`` the ids must be exactly those of the batch, in its order, and every
entity name or alias should occur in the title or abstract (a name that is not in the text
is reported: a typo, or a name the annotator made up).

usage: python training/check_annotations.py ANNOTATIONS.jsonl [--texts BATCH.jsonl]
Exit status 1 when an error was found; warnings alone exit 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TYPES = {"Method", "Model", "Dataset", "Task", "Metric"}
ROLES = {"proposes", "evaluates_on", "addresses", "uses", "mentions"}
RELS = {"outperforms", "based_on", "evaluated_on", "used_for"}


def check_record(rec: dict, text: str | None) -> tuple[list[str], list[str]]:
    """Errors (the record is malformed) and warnings (worth a second look) of one paper."""
    errors: list[str] = []
    warnings: list[str] = []
    for key in ("id", "entities", "relations", "results", "code"):
        if key not in rec:
            errors.append(f"missing key {key!r}")
    names = set()
    for ent in rec.get("entities", []):
        name = ent.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append(f"entity without a name: {ent}")
            continue
        if name in names:
            errors.append(f"entity {name!r} listed twice")
        names.add(name)
        if ent.get("type") not in TYPES:
            errors.append(f"{name!r}: type {ent.get('type')!r} not one of {sorted(TYPES)}")
        if ent.get("role") not in ROLES:
            errors.append(f"{name!r}: role {ent.get('role')!r} not one of {sorted(ROLES)}")
        aliases = ent.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            errors.append(f"{name!r}: aliases must be a list of strings")
            aliases = []
        if text is not None:
            for form in [name, *aliases]:
                if form.lower() not in text:
                    warnings.append(f"{form!r} does not occur in the title or abstract")
    for rel in rec.get("relations", []):
        if rel.get("rel") not in RELS:
            errors.append(f"relation {rel}: rel not one of {sorted(RELS)}")
        for end in ("head", "tail"):
            if rel.get(end) not in names:
                errors.append(f"relation {rel}: {end} is not an entity name of this paper")
    for res in rec.get("results", []):
        if res.get("entity") not in names:
            errors.append(f"result {res}: entity is not an entity name of this paper")
        for key in ("dataset", "metric"):
            if res.get(key) is not None and res.get(key) not in names:
                errors.append(f"result {res}: {key} is neither null nor an entity name")
        if not isinstance(res.get("value"), str) or not res.get("value"):
            errors.append(f"result {res}: value must be the number as written (a string)")
    if not all(isinstance(u, str) for u in rec.get("code", [])):
        errors.append("code must be a list of URL strings")
    return errors, warnings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("annotations", type=Path)
    ap.add_argument("--texts", type=Path, help="the batch's {id, title, abstract} lines")
    args = ap.parse_args()
    texts: dict[str, str] = {}
    order: list[str] = []
    if args.texts:
        for line in args.texts.open(encoding="utf-8"):
            p = json.loads(line)
            texts[p["id"]] = (p["title"] + "\n" + p["abstract"]).lower()
            order.append(p["id"])
    n_err = n_warn = 0
    seen: list[str] = []
    for lineno, line in enumerate(args.annotations.open(encoding="utf-8"), 1):
        where = f"{args.annotations}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"{where}: ERROR not JSON: {exc}")
            n_err += 1
            continue
        seen.append(rec.get("id"))
        if args.texts and rec.get("id") not in texts:
            print(f"{where}: ERROR id {rec.get('id')!r} is not in the batch")
            n_err += 1
        errors, warnings = check_record(rec, texts.get(rec.get("id")))
        for msg in errors:
            print(f"{where} ({rec.get('id')}): ERROR {msg}")
        for msg in warnings:
            print(f"{where} ({rec.get('id')}): warning {msg}")
        n_err += len(errors)
        n_warn += len(warnings)
    if args.texts and seen != order:
        missing = [i for i in order if i not in seen]
        print(f"{args.annotations}: ERROR ids differ from the batch's (missing: {missing})")
        n_err += 1
    print(f"{len(seen)} papers, {n_err} errors, {n_warn} warnings")
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main())
