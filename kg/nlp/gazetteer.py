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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import filter_spans

ENTITY_FILES = ("methods", "models", "datasets", "tasks", "metrics")
PROPER_NAME_TYPES = frozenset({"Model", "Dataset"})
_FIELDS = ("name", "type", "aliases", "source")
_SAVED = "entries.tsv"


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
    so a saved pipeline keeps the lists it was built with."""

    def __init__(self, nlp: Language, data_dir: str | None = None,
                 types: list[str] | None = None, spans_key: str = "gazetteer",
                 longest_only: bool = True) -> None:
        self.nlp = nlp
        self.data_dir = data_dir
        self.types = types
        self.spans_key = spans_key
        self.longest_only = longest_only
        self._entries: list[GazetteerEntry] | None = None
        self._matchers: tuple[PhraseMatcher, PhraseMatcher] | None = None

    @property
    def entries(self) -> list[GazetteerEntry]:
        if self._entries is None:
            self._entries = load_entries(self.data_dir, self.types)
        return self._entries

    def set_entries(self, entries: list[GazetteerEntry]) -> None:
        self._entries = list(entries)
        self._matchers = None

    def _build(self) -> tuple[PhraseMatcher, PhraseMatcher]:
        exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        groups: dict[tuple[bool, str], dict[str, None]] = {}
        for e in self.entries:
            key = f"{e.type}\t{e.name}"
            for form in e.forms():
                cs = is_case_sensitive(form, e.type)
                for v in variants(form, e.type):
                    groups.setdefault((cs, key), {})[v if cs else v.lower()] = None
        make_doc = self.nlp.make_doc
        for (cs, key), forms in groups.items():
            (exact if cs else lower).add(key, [make_doc(f) for f in forms])
        return exact, lower

    def __call__(self, doc: Doc) -> Doc:
        if self._matchers is None:
            self._matchers = self._build()
        strings = doc.vocab.strings
        spans = []
        for matcher in self._matchers:
            for match_id, start, end in matcher(doc):
                type_, name = strings[match_id].split("\t", 1)
                spans.append(Span(doc, start, end, label=type_, kb_id=name))
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

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Gazetteer:
        saved = Path(path) / _SAVED
        if saved.exists():
            self.set_entries(read_entries([saved]))
        return self
