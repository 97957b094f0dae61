"""Build the shipped gazetteer (``kg/data/gazetteer/*.tsv``) from public name lists.

Inputs: the hand-written lists in ``kg/data/gazetteer/hand/`` (general knowledge of the
field, source ``hand``) and the raw dumps in ``shared/gazetteers/`` (Papers with Code
tasks/datasets/metrics, CC BY-SA 4.0, source ``pwc``; sota-extractor task synonyms and
NLP-progress leaderboards, Apache-2.0 / MIT, sources ``sota-extractor`` and
``nlp-progress``). The raw dumps are noisy, so a name is kept only when it is distinctive:
a name that would also match ordinary prose ("Reasoning", "Text", "Open", "High School
Chemistry") or a leaderboard split ("COCO test-dev") is dropped. Hand-written entries win
every conflict.

Word frequencies come from ``wordfreq`` (``pip install wordfreq``; build time only).

    python training/build_gazetteer.py [--shared ../shared/gazetteers] [--out kg/data/gazetteer]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wordfreq import zipf_frequency

from kg.util.normalize import word_set

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "kg" / "data" / "gazetteer"
DEFAULT_SHARED = ROOT.parent / "shared" / "gazetteers"

TYPES = {"models": "Model", "methods": "Method", "datasets": "Dataset", "tasks": "Task",
         "metrics": "Metric"}
#: Zipf frequency (log10 per billion words) from which a word counts as ordinary English.
COMMON = 3.0
#: Multi-word names made only of words at least this common read as prose.
COMMON_PHRASE = 3.5

#: Acronyms every ML abstract uses generically; never a dataset/metric name on their own.
GENERIC_ACRONYMS = word_set("""
    AI ML NLP NLU NLG LLM LLMS LM LMS VLM MLLM QA VQA RL API GPU CPU TPU SOTA CNN RNN GAN MLP
    OCR IR KG CV US UK EU USA DNA RNA MRI CT ECG EEG PDF HTML SQL URL IOT RGB HD GB MB TB
    FPS ID OOD IID N/A NA ALL TEST DEV VAL AVG ACC
""")
#: Generic words and phrases that are never entity names however they are spelled.
GENERIC_NAMES = word_set("""
    overall open all average score exact validity parameters params mean total time speed
    reasoning text data dataset benchmark model method task test dev train validation
    general other others misc miscellaneous none unknown default baseline human humans
""")
_SPLIT_WORD = (
    r"(?:test|dev|val|valid|validation|train|training|test-dev|test-std|testdev|minival|"
    r"hard|easy|medium|full|small|large|mini|lite|clean|other|subset|split|zero-shot|"
    r"few-shot|\d+-shot|seen|unseen|ood|iid|public|private|online|offline|english|en|"
    r"\d+%?|[a-z])"
)
_SPLIT_SUFFIX = re.compile(rf"^(?P<base>.+?)(?:\s+|-){_SPLIT_WORD}(?:\s+{_SPLIT_WORD})*$", re.I)
_BAD_CHARS = re.compile(r"[()\[\]{}#?_:;,\"<>=@*|\\~`$^!]")
_TRANSLATION_PAIR = re.compile(r"^Translation [a-z]{3}-[a-z]{3}$")
_YEAR = re.compile(r"\s*\((?:19|20)\d\d\)\s*$")
_TASK_HEAD = re.compile(
    r"(tion|sion|ing|sis|ment|ance|ence|al|ery|ure)$|^(transfer|search|design|control|"
    r"qa|ner|sql|inference|tracking|completion|editing|answering|captioning)$",
    re.I,
)


@dataclass
class Entry:
    name: str
    type: str
    source: str
    aliases: list[str] = field(default_factory=list)

    def forms(self) -> list[str]:
        return [self.name, *self.aliases]


def zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def has_inner_capital(word: str) -> bool:
    """A capital inside a word or hyphen part ("GSM8K", "BERTScore"), not "Inverse-Text"."""
    return any(any(c.isupper() for c in part[1:]) for part in re.split(r"[\-/.]", word))


def is_distinctive_word(word: str) -> bool:
    """A single token that reads as a name, not as an English word."""
    if has_inner_capital(word) or any(c.isdigit() for c in word):
        return word.upper() not in GENERIC_ACRONYMS
    return zipf(word) < COMMON


def is_distinctive_name(name: str) -> bool:
    """Whether ``name`` would match only where it means itself."""
    low = name.lower()
    if low in GENERIC_NAMES or name.upper() in GENERIC_ACRONYMS:
        return False
    words = name.split()
    if len(words) == 1:
        return is_distinctive_word(name)
    if any(has_inner_capital(w) or any(c.isdigit() for c in w) for w in words):
        return True
    return not all(zipf(w) >= COMMON_PHRASE for w in re.split(r"[\s\-/]+", name) if w)


def clean_name(name: str) -> str | None:
    """Whitespace folded; None for rows that are not usable names at all."""
    name = " ".join(name.split())
    if len(name) < 2 or len(name) > 60 or not name.isascii() or _BAD_CHARS.search(name):
        return None
    if not any(c.isalpha() for c in name) or sum(c.isalnum() for c in name) < 2:
        return None
    return name


def task_canonical(name: str) -> str:
    """PwC title case to the guideline's lower case, keeping acronyms: "Text-to-SQL"."""
    parts = re.split(r"(\s+|-)", name)
    return "".join(p if has_inner_capital(p) or p.isupper() and len(p) > 1 else p.lower()
                   for p in parts)


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)


def hand_entries(hand_dir: Path) -> list[Entry]:
    out = []
    for stem, type_ in TYPES.items():
        path = hand_dir / f"{stem}.tsv"
        for row in read_tsv(path):
            aliases = [a for a in (row.get("aliases") or "").split("|") if a]
            out.append(Entry(row["name"], type_, "hand", aliases))
    return out


def task_synonyms(shared: Path) -> dict[str, list[str]]:
    """sota-extractor's task synonyms, both directions, keyed by lower-cased task name."""
    out: dict[str, list[str]] = {}
    for row in read_tsv(shared / "task_synonyms.tsv"):
        a, b = task_canonical(row["task"].strip('"')), task_canonical(row["synonym"].strip('"'))
        out.setdefault(a.lower(), []).append(b)
        out.setdefault(b.lower(), []).append(a)
    return out


def add_synonyms(entries: list[Entry], synonyms: dict[str, list[str]]) -> None:
    """Attach synonyms to tasks when no other entry claims the synonym already."""
    claimed = {f.lower() for e in entries for f in e.forms()}
    for e in entries:
        if e.type != "Task":
            continue
        new = [s for s in synonyms.get(e.name.lower(), [])
               if s.lower() not in claimed and is_distinctive_name(s)]
        if new:
            e.aliases.extend(new)
            e.source += "+sota-extractor"
            claimed.update(s.lower() for s in new)


def pwc_tasks(shared: Path) -> list[Entry]:
    out = []
    for row in read_tsv(shared / "tasks.tsv"):
        name = clean_name(row["name"])
        # One-word tasks ("Denoising", "Hallucination") fire on every use of the word;
        # the hand list holds the few that are safe.
        if name is None or _TRANSLATION_PAIR.match(name) or not 2 <= len(name.split()) <= 5:
            continue
        if not _TASK_HEAD.search(name.split()[-1]) or not is_distinctive_name(name):
            continue
        out.append(Entry(task_canonical(name), "Task", "pwc"))
    return out


def pwc_datasets(shared: Path) -> list[Entry]:
    rows = [(clean_name(r["name"]), int(r["tasks_listed"] or 0))
            for r in read_tsv(shared / "datasets.tsv")]
    names = {n for n, _ in rows if n}
    lower_names = {n.lower() for n in names}
    out = []
    for name, listed in rows:
        if name is None or len(name.split()) > 5 or name[0].isdigit() or " - " in name:
            continue
        m = _SPLIT_SUFFIX.match(name)
        if m and m.group("base").lower() in lower_names:
            continue  # "COCO test-dev": a leaderboard split of "COCO"
        alnum = sum(c.isalnum() for c in name)
        if (alnum <= 3 or name.isupper() and zipf(name) >= COMMON) and listed < 3:
            continue  # "ACID", "BSD": acronyms that collide unless well attested
        if not any(c.isupper() for c in name) or not is_distinctive_name(name):
            continue
        out.append(Entry(name, "Dataset", "pwc"))
    return out


def pwc_metrics(shared: Path) -> list[Entry]:
    out = []
    for row in read_tsv(shared / "metrics.tsv"):
        listed = int(row["tasks_listed"] or 0)
        if listed < 2 or listed < 4 and sum(c.isalnum() for c in row["name"]) <= 3:
            continue
        raw = re.sub(r"\s*\([^)]*\)\s*$", "", row["name"])  # "Accuracy (%)" → "Accuracy"
        name = clean_name(raw)
        if name is None or not name[0].isalpha() or len(name.split()) > 4:
            continue
        if not is_distinctive_name(name) and name.lower() not in {"accuracy", "precision",
                                                                  "recall"}:
            continue
        out.append(Entry(task_canonical(name), "Metric", "pwc"))
    return out


def nlp_progress(shared: Path) -> list[Entry]:
    """Model names with leaderboard results (NLP-progress), when they read as names."""
    out = []
    for row in read_tsv(shared / "nlp_progress_results.tsv"):
        name = clean_name(_YEAR.sub("", row["model"]))
        # One token with a capital inside ("BiDAF", "AWD-LSTM"); phrases there are descriptions.
        if name is None or " " in name or "+" in name or len(name) < 4 or not name[0].isalpha():
            continue
        if not has_inner_capital(name) or not is_distinctive_name(name):
            continue
        if name.isupper() and zipf(name) >= COMMON:
            continue
        out.append(Entry(name, "Model", "nlp-progress"))
    return out


def merge(groups: Iterable[list[Entry]]) -> list[Entry]:
    """First claim on a surface form (case-insensitive) wins; later duplicates are dropped."""
    seen: dict[str, Entry] = {}
    out = []
    for group in groups:
        for e in group:
            keys = [f.lower() for f in e.forms()]
            if e.source != "hand" and any(k in seen for k in keys):
                owner = seen.get(keys[0])
                if owner is not None and owner.type == e.type and e.source not in owner.source:
                    continue
                continue
            e.aliases = [a for a in dict.fromkeys(e.aliases) if a.lower() not in seen
                         and a.lower() != e.name.lower()]
            for k in [e.name.lower(), *(a.lower() for a in e.aliases)]:
                seen.setdefault(k, e)
            out.append(e)
    return out


def write(entries: list[Entry], out_dir: Path) -> dict[str, int]:
    counts = {}
    for stem, type_ in TYPES.items():
        rows = sorted((e for e in entries if e.type == type_), key=lambda e: e.name.lower())
        with (out_dir / f"{stem}.tsv").open("w", encoding="utf-8", newline="") as f:
            f.write("name\ttype\taliases\tsource\n")
            for e in rows:
                f.write(f"{e.name}\t{e.type}\t{'|'.join(e.aliases)}\t{e.source}\n")
        counts[type_] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    entries = merge([
        hand_entries(args.out / "hand"),
        pwc_metrics(args.shared),
        pwc_datasets(args.shared),
        pwc_tasks(args.shared),
        nlp_progress(args.shared),
    ])
    add_synonyms(entries, task_synonyms(args.shared))
    counts = write(entries, args.out)
    print(" ".join(f"{t}={n}" for t, n in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
