"""Cross-paper entity resolution: one node per real-world entity.

Papers name the same thing differently ("GPT4" / "GPT-4", "Chain-of-Thought (CoT)" /
"chain of thought", "ReFT" / "Reinforced Fine-Tuning"). The resolver groups surface forms
into clusters with a union-find over normalised keys:

1. every non-acronym form of one paper's entity is one cluster (the extractor already
   linked them: name, aliases, mention texts);
2. forms that share ``normalize.name_key`` (case, hyphens, spaces, Unicode, plural) or a
   curated synonym join;
3. an acronym joins the cluster of its expansion when every paper that expands it
   expands it the same way; two different "SAM"s stay apart, each labelled with its
   expansion, and a bare "SAM" with no expansion in its paper joins the usual one (at
   least 80% of the expanding papers, three or more) or else stays a node of its own;
4. sized model variants ("Llama2-13B") stay separate and point at their family node
   ("Llama2") with ``variant_of``; the family node is created when no paper names it.

Every surface form is kept with its count; the canonical name is the most frequent
expanded form. Type is the majority vote over the papers that use the entity.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kg.records import ENTITY_TYPES, Extraction
from kg.util.normalize import display_name, family_of, is_acronym, name_key, norm_name


@dataclass
class ResolvedEntity:
    """One entity node: all the papers' names for it, merged."""

    id: str
    name: str
    type: str
    aliases: Counter[str] = field(default_factory=Counter)
    papers: set[str] = field(default_factory=set)
    type_votes: Counter[str] = field(default_factory=Counter)
    #: Expansion shown beside an ambiguous acronym ("SAM (Segment Anything Model)").
    label: str = ""
    #: Family node created for sized variants that no paper names on its own.
    derived: bool = False


@dataclass
class Resolution:
    """The resolver's answer: the entities, and which one each paper's name refers to."""

    entities: dict[str, ResolvedEntity]
    #: (paper id, entity name in that paper's extraction) → entity id
    assignment: dict[tuple[str, str], str]
    #: (variant entity id, family entity id): a sized model and its model family
    variants: list[tuple[str, str]]
    #: (model id, method id): a sized model named after the method that made it
    #: ("JMLR-13B" trained with "JMLR"), linked with ``based_on``
    built_with: list[tuple[str, str]] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Deterministic: the smaller key becomes the root.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Curated synonym table (``kg/data/synonyms.tsv``): name key → canonical key."""
    table: dict[str, str] = {}
    text = resources.files("kg.data").joinpath("synonyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *others = [c.strip() for c in line.split("\t") if c.strip()]
        for other in others:
            table[name_key(other)] = name_key(canonical)
    return table


#: A bare acronym that several papers expand differently ("GRPO": Group Relative Policy
#: Optimization in 73 papers of 10k arXiv abstracts, two other expansions once each) joins
#: the expansion at least this share of the expanding papers use, if that many do.
DOMINANT_SHARE = 0.8
DOMINANT_MIN_PAPERS = 3

#: "text-to-3D generation" is the task "text-to-3D" (a modality pair names the task).
_MODALITY_TASK = re.compile(r"^(\S+-to-\S+)\s+(?:generation|synthesis)$", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _key(form: str) -> str:
    """Resolution key of a surface form (cached: each form recurs across papers)."""
    task = _MODALITY_TASK.match(form.strip())
    k = name_key(task.group(1) if task else form)
    return synonyms().get(k, k)


_is_acronym = lru_cache(maxsize=1 << 16)(is_acronym)


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for c in text:
        if c in _PAIRS:
            stack.append(_PAIRS[c])
        elif c in _PAIRS.values() and (not stack or stack.pop() != c):
            return False
    return not stack


@lru_cache(maxsize=1 << 16)
def _trim(form: str) -> str:
    """``form`` without an unmatched bracket at either end ("(SFT" → "SFT"), so a
    mention cut inside a parenthesis does not become a name or a label of its own."""
    t = form.strip()
    while t and not _balanced(t):
        if t[0] in _PAIRS:
            t = t[1:].strip()
        elif t[-1] in _PAIRS.values():
            t = t[:-1].strip()
        else:
            break
    return t


def _forms(entity) -> list[str]:
    """The entity's name (as the extractor gave it) and its other surface forms,
    trimmed; an alias or mention with a bracket unmatched inside it ("P(d") is a fragment
    and left out."""
    seen: dict[str, None] = {}
    if entity.name and entity.name.strip():
        seen[entity.name.strip()] = None
    for f in [*entity.aliases, *(m.text for m in entity.mentions)]:
        t = _trim(f) if f else ""
        if t and _balanced(t):
            seen.setdefault(t, None)
    return list(seen)


def slugify(text: str) -> str:
    """Readable ASCII-ish slug for node ids ("Chain-of-Thought" → "chain-of-thought")."""
    return "-".join(norm_name(text).replace(".", " ").split()) or "entity"


@dataclass
class _Cluster:
    """What the papers say about the names sharing one anchor key (summed per cluster)."""

    aliases: Counter[str] = field(default_factory=Counter)
    papers: set[str] = field(default_factory=set)
    votes: Counter[str] = field(default_factory=Counter)

    def add(self, other: _Cluster) -> None:
        self.aliases.update(other.aliases)
        self.papers |= other.papers
        self.votes.update(other.votes)


def resolve(extractions: Iterable[Extraction]) -> Resolution:
    """Group the entities of all papers into resolved entities.

    Reads ``extractions`` once, in any order (the answer does not depend on it), and keeps
    only a summary per name key, not the records: a build streams them from disk.
    """
    uf = _UnionFind()
    #: acronym key → long-form key → how many papers' entities expand it so
    expansions: dict[str, Counter[str]] = defaultdict(Counter)
    by_anchor: dict[str, _Cluster] = defaultdict(_Cluster)
    #: (paper id, entity name) → its anchor key, later its node id
    assignment: dict[tuple[str, str], str] = {}
    for ext in extractions:
        anchors: dict[str, str] = {}
        for ent in ext.entities:
            longs, shorts = [], []
            # A paper's "Mixtral 8x7B" named "Mixtral" too is not every paper's "Mixtral":
            # the family form stays out of the variant's cluster (it is linked by variant_of).
            fam = family_of(ent.name)
            family_key = _key(fam) if fam else None
            for f in _forms(ent):
                k = _key(f)
                if k == family_key:
                    continue
                if k:
                    (shorts if _is_acronym(f) else longs).append(k)
            longs = list(dict.fromkeys(longs))
            shorts = [s for s in dict.fromkeys(shorts) if s not in longs]
            for k in longs:
                uf.union(longs[0], k)
            for s in shorts:
                if longs:
                    expansions[s][longs[0]] += 1
            # An acronym-only entity anchors on its own acronym (joined to its expansion
            # below when that is unambiguous). Same name twice in a paper: the last wins.
            anchors[ent.name] = sys.intern(
                longs[0] if longs else shorts[0] if shorts else _key(ent.name) or "entity")
        for ent in ext.entities:
            anchor = anchors[ent.name]
            assignment[(ext.id, sys.intern(ent.name))] = anchor
            summary = by_anchor[anchor]
            summary.papers.add(ext.id)
            summary.votes[ent.type] += 1
            counted = Counter(m.text for m in ent.mentions if m.text)
            for f in _forms(ent):
                summary.aliases[sys.intern(f)] += max(1, counted.get(f, 0))
    # Acronyms: join their expansion when it is unambiguous corpus-wide, or when one
    # expansion is so much the usual one that a bare use almost surely means it.
    ambiguous: set[str] = set()
    for short in sorted(expansions):
        per_root: Counter[str] = Counter()
        for k, n in expansions[short].items():
            per_root[uf.find(k)] += n
        if len(per_root) == 1:
            uf.union(short, next(iter(per_root)))
            continue
        ambiguous.add(short)
        top, n_top = min(per_root.items(), key=lambda kv: (-kv[1], kv[0]))
        if n_top >= DOMINANT_MIN_PAPERS and n_top >= DOMINANT_SHARE * sum(per_root.values()):
            # Only the bare acronym's own anchor joins: the rarer expansions keep their
            # papers (each anchored on its long form) and their "GRPO (…)" labels.
            uf.union(short, top)

    clusters: dict[str, _Cluster] = defaultdict(_Cluster)
    root_of: dict[str, str] = {}
    for anchor in sorted(by_anchor):
        root_of[anchor] = root = uf.find(anchor)
        clusters[root].add(by_anchor[anchor])
    del by_anchor

    entities: dict[str, ResolvedEntity] = {}
    node_of: dict[str, str] = {}  # cluster root → node id
    used_ids: set[str] = set()
    for root in sorted(clusters):
        c = clusters[root]
        etype = max(ENTITY_TYPES, key=lambda t: (c.votes[t], -ENTITY_TYPES.index(t)))
        name = _canonical_name(c.aliases, etype)
        node_id = _unique_id(f"entity:{slugify(name)}", etype, used_ids)
        label = name
        acr = sorted((a for a in c.aliases if _is_acronym(a) and _key(a) in ambiguous),
                     key=lambda a: (-c.aliases[a], a))
        if acr and not _is_acronym(name):
            label = f"{acr[0]} ({name})"
        entities[node_id] = ResolvedEntity(
            id=node_id, name=name, type=etype, aliases=c.aliases, papers=c.papers,
            type_votes=c.votes, label=label,
        )
        node_of[root] = node_id
    for key, anchor in assignment.items():
        assignment[key] = node_of[root_of[anchor]]

    variants = _link_variants(entities, used_ids)
    built_with = [(v, f) for v, f in variants if entities[f].type != "Model"]
    variants = [(v, f) for v, f in variants if entities[f].type == "Model"]
    return Resolution(entities=entities, assignment=assignment, variants=variants,
                      built_with=built_with)


def _canonical_name(aliases: Counter[str], etype: str = "Method") -> str:
    """Most frequent expanded form; acronyms only when nothing else was written; for a
    dataset or model, a form with capitals over an all-lower-case one (the benchmark is
    "MATH", not "math"); shown without TeX markup (:func:`display_name`; the forms as
    written stay aliases)."""
    proper = etype in ("Dataset", "Model")
    lowered = Counter(form.lower() for form in aliases)

    def rank(form: str) -> tuple:
        # An acronym written in other cases too ("MATH", "Math") is the name itself.
        expanded = not _is_acronym(form) or (proper and lowered[form.lower()] > 1)
        return (expanded, proper and not form.islower(), aliases[form],
                " " in form or "-" in form, len(form), form)

    return display_name(max(aliases, key=rank))


def _unique_id(base: str, etype: str, used: set[str]) -> str:
    node_id = base
    if node_id in used:
        node_id = f"{base}--{etype.lower()}"
    n = 2
    while node_id in used:
        node_id = f"{base}--{etype.lower()}-{n}"
        n += 1
    used.add(node_id)
    return node_id


def _link_variants(entities: dict[str, ResolvedEntity], used: set[str]) -> list[tuple[str, str]]:
    by_key = {}
    for ent in entities.values():
        for form in ent.aliases:
            by_key.setdefault(_key(form), ent.id)
    links: list[tuple[str, str]] = []
    for ent_id in sorted(entities):
        ent = entities[ent_id]
        if ent.type != "Model":
            continue
        fam = family_of(ent.name)
        if fam is None:
            continue
        fam_id = by_key.get(_key(fam))
        if fam_id is None:
            fam_id = _unique_id(f"entity:{slugify(fam)}", "Model", used)
            entities[fam_id] = ResolvedEntity(
                id=fam_id, name=fam, type="Model", aliases=Counter(), label=fam, derived=True,
            )
            by_key[_key(fam)] = fam_id
        if fam_id != ent_id:
            links.append((ent_id, fam_id))
    return sorted(set(links))
