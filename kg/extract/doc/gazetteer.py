"""Known names of methods, models, datasets, tasks and metrics as ``doc.spans["gazetteer"]``.

The lists (``kg/data/gazetteer/*.tsv``, built by ``training/build_gazetteer.py``) give a
curated, typed prior that the statistical NER lacks for rare names. Matches go to a span
group, not ``doc.ents``, so the entity merger decides between gazetteer and NER.

Case decides precision. A surface form is matched case-sensitively (ORTH) when it is a
proper name — every Model and Dataset form, and any form with a capital inside a word
("SFT", "BERTScore", "mAP") — so the dataset "MATH" never matches "math" and "Falcon" never
matches "falcon". Other Method, Task and Metric forms ("question answering", "Transformer",
"accuracy") are matched on LOWER. Each form also gets its hyphen/space variant
("chain of thought" ↔ "chain-of-thought"), because the tokenizer keeps hyphenated words whole.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans
from spacy.vocab import Vocab

ENTITY_FILES = ("methods", "models", "datasets", "tasks", "metrics")
PROPER_NAME_TYPES = frozenset({"Model", "Dataset"})
_FIELDS = ("name", "type", "aliases", "source")
_SAVED = "entries.tsv"
#: Each form's token values for the matchers, written by ``to_disk`` (see ``_build``).
_PATTERNS = "patterns.json"


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity: canonical ``name``, its ``type``, other surface forms, provenance."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    source: str = ""

    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def default_data_dir() -> Path:
    return Path(str(resources.files("kg.data").joinpath("gazetteer")))


def read_entries(paths: Iterable[Path], types: Iterable[str] | None = None) -> list[GazetteerEntry]:
    """Entries of the given TSV files (header ``name type aliases source``)."""
    wanted = set(types) if types is not None else None
    out = []
    for path in paths:
        with Path(path).open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if wanted is not None and row["type"] not in wanted:
                    continue
                aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
                out.append(GazetteerEntry(row["name"], row["type"], aliases, row.get("source", "")))
    return out


def load_entries(data_dir: str | Path | None = None,
                 types: Iterable[str] | None = None) -> list[GazetteerEntry]:
    """The shipped lists (or those in ``data_dir``), optionally only some entity types."""
    base = Path(data_dir) if data_dir else default_data_dir()
    return read_entries((base / f"{stem}.tsv" for stem in ENTITY_FILES), types)


def is_case_sensitive(form: str, type_: str) -> bool:
    """Proper names and acronym-like forms match exactly; plain phrases match any case."""
    if type_ in PROPER_NAME_TYPES:
        return True
    return any(any(c.isupper() for c in part[1:]) for part in re.split(r"[\s\-/]+", form))


def variants(form: str, type_: str = "") -> set[str]:
    """``form`` plus its hyphen/space swaps ("chain-of-thought" ↔ "chain of thought").

    Metric phrases get no hyphenated variant: "inference-time" is an adjective, not a metric.
    """
    out = {form}
    if "-" in form and " " not in form:
        out.add(form.replace("-", " "))
    # "SST-2" ↔ "SST2", "CIFAR-10" ↔ "CIFAR10", "GPT-4" ↔ "GPT4": a hyphen before a number.
    joined = re.sub(r"(?<=[A-Za-z])-(?=\d)", "", form)
    if joined != form:
        out.add(joined)
    elif type_ in PROPER_NAME_TYPES and re.search(r"[A-Z]{2}\d", form):
        out.add(re.sub(r"(?<=[A-Z])(?=\d)", "-", form, count=1))
    if " " in form and "-" not in form and len(form.split()) <= 4 and type_ != "Metric":
        out.add(form.replace(" ", "-"))
    return out


@Language.factory(
    "kg_gazetteer",
    default_config={"data_dir": None, "types": None, "spans_key": "gazetteer",
                    "longest_only": True},
)
def make_gazetteer(nlp: Language, name: str, data_dir: str | None, types: list[str] | None,
                   spans_key: str, longest_only: bool) -> Gazetteer:
    return Gazetteer(nlp, data_dir=data_dir, types=types, spans_key=spans_key,
                     longest_only=longest_only)


class Gazetteer:
    """PhraseMatcher over the gazetteer: spans labelled with the type, ``kb_id_`` = canonical
    name. The entries are loaded on first use and saved with the pipeline by ``to_disk``,
    so a saved pipeline keeps the lists it was built with.

    ``to_disk`` also writes ``patterns.json``: each surface form's token values (ORTH, or
    LOWER for the case-insensitive forms) under the pipeline's tokenizer, with a hash of
    that tokenizer. Loading then adds those values to the matchers as they are, which is
    how ``PhraseMatcher`` unpickles itself, instead of tokenizing ~14k forms in every
    worker; a form the table lacks, or a table saved with other tokenizer rules, is
    tokenized as before."""

    def __init__(self, nlp: Language, data_dir: str | None = None,
                 types: list[str] | None = None, spans_key: str = "gazetteer",
                 longest_only: bool = True) -> None:
        self.nlp = nlp
        self.data_dir = data_dir
        self.types = types
        self.spans_key = spans_key
        self.longest_only = longest_only
        self._entries: list[GazetteerEntry] | None = None
        self._matchers: tuple[_FormMatcher, _FormMatcher] | None = None
        self._saved_patterns: dict | None = None

    @property
    def entries(self) -> list[GazetteerEntry]:
        if self._entries is None:
            self._entries = load_entries(self.data_dir, self.types)
        return self._entries

    def set_entries(self, entries: list[GazetteerEntry]) -> None:
        self._entries = list(entries)
        self._matchers = None

    def _groups(self) -> dict[tuple[bool, tuple[str, str]], dict[str, None]]:
        """``(case_sensitive, (type, name))`` → the surface forms to match, in order."""
        groups: dict[tuple[bool, tuple[str, str]], dict[str, None]] = {}
        for e in self.entries:
            key = (e.type, e.name)
            for form in e.forms():
                cs = is_case_sensitive(form, e.type)
                for v in variants(form, e.type):
                    groups.setdefault((cs, key), {})[v if cs else v.lower()] = None
        return groups

    def _build(self) -> tuple[_FormMatcher, _FormMatcher]:
        """The matchers: case-sensitive forms on ORTH, the others on LOWER. A form's
        pattern is its tokens' values: taken from the table saved with the pipeline when
        it was made with this tokenizer (what ``PhraseMatcher`` itself keeps and pickles),
        else from tokenizing the form."""
        saved = self._saved_patterns if self._saved_patterns is not None else {}
        if saved.get("tokenizer") != _tokenizer_fingerprint(self.nlp):
            saved = {}
        tables = (saved.get("ORTH", {}), saved.get("LOWER", {}))
        names: tuple[dict[tuple[int, ...], list[tuple[str, str]]], ...] = ({}, {})
        make_doc = self.nlp.make_doc
        for (cs, key), forms in self._groups().items():
            i = 0 if cs else 1
            for f in forms:
                values = tables[i].get(f)
                if values is None:
                    values = make_doc(f).to_array(ORTH if cs else LOWER).tolist()
                if values:
                    keys = names[i].setdefault(tuple(values), [])
                    if key not in keys:
                        keys.append(key)
        return (_FormMatcher(self.nlp.vocab, ORTH, names[0]),
                _FormMatcher(self.nlp.vocab, LOWER, names[1]))

    def _pattern_table(self) -> dict[str, object]:
        """Every form's ORTH or LOWER values under this pipeline's tokenizer (for to_disk)."""
        tables: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
        for (cs, _), forms in self._groups().items():
            table = tables[0] if cs else tables[1]
            for f in forms:
                if f not in table:
                    table[f] = [int(v) for v in self.nlp.make_doc(f).to_array(
                        ORTH if cs else LOWER)]
        return {"tokenizer": _tokenizer_fingerprint(self.nlp),
                "ORTH": dict(sorted(tables[0].items())),
                "LOWER": dict(sorted(tables[1].items()))}

    def __call__(self, doc: Doc) -> Doc:
        if self._matchers is None:
            self._matchers = self._build()
        spans = [Span(doc, start, end, label=type_, kb_id=name)
                 for matcher in self._matchers for type_, name, start, end in matcher(doc)]
        if self.longest_only:
            spans = filter_spans(spans)
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key,
                                              spans=sorted(spans, key=lambda s: s.start))
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / _SAVED).open("w", encoding="utf-8", newline="") as f:
            f.write("\t".join(_FIELDS) + "\n")
            for e in self.entries:
                f.write(f"{e.name}\t{e.type}\t{'|'.join(e.aliases)}\t{e.source}\n")
        table = self._pattern_table()
        if table["tokenizer"] is not None:
            _write_patterns(path / _PATTERNS, table)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Gazetteer:
        saved = Path(path) / _SAVED
        if saved.exists():
            self.set_entries(read_entries([saved]))
        patterns = Path(path) / _PATTERNS
        if patterns.exists():
            self._saved_patterns = json.loads(patterns.read_text(encoding="utf-8"))
            self._matchers = None
        return self


class _FormMatcher:
    """A ``PhraseMatcher`` over the token values (ORTH or LOWER) of the gazetteer's forms,
    and what each matched sequence names: the ``(type, name)`` of every entry with that
    form, in entry order.

    The matcher has a single match id; names come from the matched values. One id per
    entry (~9k) would make ``PhraseMatcher.add`` create a vocabulary lexeme for each, with
    its shape and flags: most of the ~0.3 s every worker spent building the matchers.
    """

    def __init__(self, vocab: Vocab, attr: int,
                 names: dict[tuple[int, ...], list[tuple[str, str]]]) -> None:
        self.attr = attr
        self.names = names
        self.matcher = PhraseMatcher(vocab, attr=attr)
        self.matcher.add("kg_gazetteer", list(names))

    def __call__(self, doc: Doc) -> Iterator[tuple[str, str, int, int]]:
        """``(type, name, start, end)`` of every match in ``doc``."""
        matches = self.matcher(doc)
        if not matches:
            return
        values = doc.to_array(self.attr).tolist()
        for _, start, end in matches:
            for type_, name in self.names[tuple(values[start:end])]:
                yield type_, name, start, end


def _tokenizer_fingerprint(nlp: Language) -> str | None:
    """What the saved patterns depend on: the language (its LOWER) and the tokenizer's
    rules; None for a tokenizer that cannot be serialised (then forms are tokenized)."""
    try:
        rules = nlp.tokenizer.to_bytes(exclude=["vocab"])
    except (AttributeError, NotImplementedError, TypeError, ValueError):
        return None
    return hashlib.sha256(nlp.lang.encode() + b"\0" + rules).hexdigest()


def _write_patterns(path: Path, table: dict[str, object]) -> None:
    """One form per line, so a change to the lists shows as a readable diff."""
    lines = ["{", f'"tokenizer": {json.dumps(table["tokenizer"])},']
    for i, attr in enumerate(("ORTH", "LOWER")):
        forms = table[attr]
        lines.append(f'"{attr}": {{')
        lines += [f"{json.dumps(f, ensure_ascii=False)}: {json.dumps(v)}"
                  + ("," if j < len(forms) - 1 else "") for j, (f, v) in enumerate(forms.items())]
        lines.append("}," if i == 0 else "}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
