"""Group one paper's mentions into candidate entities: one per real thing in the paper.

spaCy components work one doc at a time; a paper is two (title, abstract). Mentions of
both fall into one group when they share a normalised name or are linked as abbreviation
and long form (in the text, or the title's "X: long name"); each group is named with its
most complete surface form and gets the NER's type vote and the rules' role, which the
paper-level models may then revise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract.doc.abbreviations import _FILLERS
from kg.extract.doc.abbreviations import initials_matched as _initials_matched
from kg.extract.doc.filters import is_generic
from kg.extract.doc.merge import provenance
from kg.extract.doc.views import doc_text
from kg.extract.paper.roles import EntityGroup, MentionContext, assign_role, proposed_spans
from kg.records import Entity, Mention
from kg.util.normalize import display_name, is_acronym, name_key, split_size

_SOURCE_CONFIDENCE = {"gazetteer": 0.9, "model": 0.8, "rule": 0.7}
_TITLE_PREFIX = re.compile(r"^\s*([^:]{1,40}?)\s*:\s+\S")


def _abbreviation_pairs(doc: Doc) -> list[tuple[str, str]]:
    pairs = doc._.abbreviations if Doc.has_extension("abbreviations") else None
    return [(ab.short, ab.long) for ab in pairs or []]


def _acronym_fits(short: str, long: str) -> bool:
    """Whether the capitals/initials of ``long`` spell ``short`` (title "X: long name")."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = re.findall(r"[A-Za-z0-9]+", long)
    initials = [w[0].lower() for w in words]
    caps = [c.lower() for c in long if c.isupper() or c.isdigit()]
    it = iter(initials)
    if all(ch in it for ch in letters) and letters and letters[0] == initials[0]:
        return True
    return caps == letters


class _Groups:
    """Union of surface-form keys into per-paper entity groups."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, k: str) -> str:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


#: "GPT-4V(ision)": a parenthesis glued to a name that only spells its last word out.
_GLUED_PARENTHESIS = re.compile(r"(?<=[A-Za-z0-9])\([a-z]{2,}\)$")
_SHORT_WORD = re.compile(r"(?<![\w-])([A-Z][A-Za-z0-9]{1,9})(?![\w-])")


def _short_form_in(title: Doc, abstract: str) -> str | None:
    """The short form of the title's several-word "X:" name that the abstract uses instead
    of it: a capitalised word of the abstract, named at least twice, not a word of X, whose
    letters X spells from its first letter on with at least two initials (Schwartz–Hearst,
    as for "long form (SHORT)"): "Vim" for "Vision Mamba"."""
    m = _TITLE_PREFIX.match(doc_text(title))
    if not m or len(m.group(1).split()) < 2 or name_key(m.group(1)) in name_key(abstract):
        return None
    prefix = m.group(1)
    counts = Counter(w for w in _SHORT_WORD.findall(abstract))
    own_words = {w.lower() for w in re.findall(r"[A-Za-z0-9]+", prefix)}
    for word, n in sorted(counts.items(), key=lambda wn: (-wn[1], wn[0])):
        if n < 2 or word.lower() in own_words or word.lower()[0] != prefix.lower()[0]:
            continue
        matched = _initials_matched(word.lower(), prefix)
        if matched is not None and matched >= 2:
            return word
    return None


def _title_prefix_span(doc: Doc, abstract: str = "", short: str | None = None
                       ) -> Span | None:
    """"ReFT: Reasoning with …" → the span "ReFT", when it looks like a name.

    A prefix of several words ("Beyond Binary Rewards: …", "Synthetic Vision: …") is as a
    rule a catchphrase, not a name: it counts only when the abstract uses it too, or uses
    ``short``, the short form it has there ("Vision Mamba: …" and "Vim" in the abstract;
    see :func:`_short_form_in`).
    """
    m = _TITLE_PREFIX.match(doc_text(doc))
    if not m:
        return None
    span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
    if span is None or len(span) > 3 or is_generic(span.text):
        return None
    text = span.text
    if len(text.split()) > 1 and name_key(text) not in name_key(abstract) and short is None:
        return None
    # A name, not a phrase: one token with a capital past the first letter or a digit,
    # or a short capitalised name.
    distinctive = any(c.isupper() for c in text[1:]) or any(c.isdigit() for c in text)
    if len(span) == 1 and (distinctive or text[:1].isupper()):
        return span
    if len(span) <= 3 and distinctive and all(t.text[:1].isupper() or not t.is_alpha for t in span):
        return span
    return None


def _title_entities(title: Doc, abstract: Doc, prefix: Span | None) -> list[Span]:
    """Title entities that the abstract or the gazetteer confirms.

    Titles are in title case, so the NER reads capitalised runs as names ("Self-Play
    Fine-Tuning Converts", "Objaverse for"). A title span is kept when the abstract names
    the same thing, the gazetteer knows it, it is a task, or it is the "X:" prefix; when it only
    contains an abstract entity, it is cut down to that entity; otherwise it is dropped.
    """
    abstract_keys = {name_key(e.text): e for e in abstract.ents}
    out = []
    for ent in title.ents:
        _, source = provenance(ent)
        if (source == "gazetteer" or ent.label_ == "Task" or name_key(ent.text) in abstract_keys
                or (prefix is not None and ent.start == prefix.start)):
            out.append(ent)
            continue
        inner = _longest_inner(ent, abstract_keys)
        if inner is not None:
            out.append(inner)
    return out


def _complete_to(ent: Span, name: str) -> Span:
    """``ent`` grown to ``name`` when the NER cut it short ("NaturalSpeech" of
    "NaturalSpeech 3", the title's "X:" name) and the text goes on to spell it out."""
    text = doc_text(ent.doc)
    if len(name) <= len(ent.text) or text[ent.start_char:ent.start_char + len(name)] != name:
        return ent
    longer = ent.doc.char_span(ent.start_char, ent.start_char + len(name))
    if longer is None:
        return ent
    return Span(ent.doc, longer.start, longer.end, label=ent.label_, kb_id=ent.kb_id_)


def _longest_inner(ent: Span, keys: dict[str, Span]) -> Span | None:
    """The longest sub-span of ``ent`` that names an abstract entity, labelled like it."""
    for size in range(len(ent) - 1, 0, -1):
        for start in range(ent.start, ent.end - size + 1):
            sub = ent.doc[start:start + size]
            match = keys.get(name_key(sub.text))
            if match is not None:
                return Span(ent.doc, sub.start, sub.end, label=match.label_, kb_id=match.kb_id_)
    return None


def _pick_name(forms: Counter[str], long_forms: set[str]) -> str:
    """Most complete surface form: an expansion over an acronym, then frequency, then length."""
    def rank(form: str) -> tuple:
        return (name_key(form) in long_forms, not is_acronym(form), forms[form], len(form))
    return max(sorted(forms), key=rank)


_LONG_WORDS = re.compile(r"[^\s\-/]+")


def _acronym_letters(form: str) -> str | None:
    """The letters an acronym-shaped form stands for ("CNNs" → "cnn", "MoE" → "moe"), or
    None for forms that are not one word of letters and digits with two capitals."""
    if not is_acronym(form):
        return None
    core = form[:-1] if form.endswith("s") and sum(c.isupper() for c in form[:-1]) >= 2 else form
    return core.lower() if core.isalnum() and len(core) >= 2 else None


def _spells(letters: str, long: str) -> bool:
    """Whether the word initials of ``long`` (two words or more, split at spaces and
    hyphens) are exactly ``letters``, with or without its filler words: "cnn" and
    "Convolutional Neural Networks", "moe" and "Mixture-of-Experts"."""
    words = [w for w in (m.group().lstrip("\"'([{") for m in _LONG_WORDS.finditer(long)) if w]
    if len(words) < 2 or is_acronym(long):
        return False
    every = "".join(w[0].lower() for w in words)
    content = "".join(w[0].lower() for w in words if w.lower() not in _FILLERS)
    return letters in (every, content)


def _join_spelled_acronyms(mentions: list[tuple[str, Span]], groups: _Groups,
                           long_forms: set[str], defined: set[str]) -> None:
    """An acronym the paper uses without defining it ("… Finite Element Analysis …
    traditional FEA simulations", "Mixture-of-Experts … absent in MoE") is the one name of
    the paper whose word initials spell it exactly: the two forms are one entity, named by
    the long form. When two different names spell it, which one is meant is not known and
    nothing is joined."""
    forms = {name_key(e.text): e.text for _, e in mentions}
    for key, form in sorted(forms.items()):
        letters = _acronym_letters(form)
        if letters is None:
            continue
        spelled = {k for k, text in forms.items() if _spells(letters, text)}
        if any(groups.find(k) == groups.find(key) for k in spelled):
            continue  # already one entity with a form that spells it
        roots = {groups.find(k) for k in spelled}
        if len(roots) == 1:
            groups.union(key, next(iter(roots)))
            long_forms.update(spelled)
            defined.update(spelled | {key})


@dataclass
class Candidates:
    """A paper's candidate entities, each with its (field, span) mentions, and the name
    keys that a "long form (SHORT)" pair or the title's "X: long name" defines."""

    entities: list[Entity]
    spans_of: list[list[tuple[str, Span]]]
    defined: set[str]


def candidate_entities(title: Doc, abstract: Doc) -> Candidates:
    """One candidate entity per group of the paper's mentions, in order of first mention
    (title first), with its name, aliases, NER type vote, rule role and confidence."""
    docs = {"title": title, "abstract": abstract}
    prefix_short = _short_form_in(title, doc_text(abstract))
    prefix = _title_prefix_span(title, doc_text(abstract), prefix_short)
    if prefix is None:
        prefix_short = None
    mentions: list[tuple[str, Span]] = [("abstract", ent) for ent in abstract.ents]
    mentions += [("title", ent) for ent in _title_entities(title, abstract, prefix)]
    prefix_key = None
    if prefix is not None:
        prefix_key = name_key(prefix.text)
        mentions = [(f, _complete_to(e, prefix.text)) for f, e in mentions]
        if not any(f == "title" and e.start == prefix.start for f, e in mentions):
            labels = [e.label_ for _, e in mentions if name_key(e.text) == prefix_key]
            label = labels[0] if labels else "Method"
            mentions.append(("title", Span(title, prefix.start, prefix.end, label=label,
                                           kb_id="-|rule")))
        if prefix_short is not None:
            # "Vision Mamba: …" named "Vim" throughout the abstract: those are its mentions.
            label = next(e.label_ for f, e in mentions if f == "title"
                         and e.start == prefix.start)
            taken = {i for _, e in mentions if e.doc is abstract for i in range(e.start, e.end)}
            for m in re.finditer(rf"(?<![\w-]){re.escape(prefix_short)}(?![\w-])",
                                 doc_text(abstract)):
                span = abstract.char_span(m.start(), m.end())
                if span is not None and taken.isdisjoint(range(span.start, span.end)):
                    mentions.append(("abstract", Span(abstract, span.start, span.end,
                                                      label=label, kb_id="-|rule")))

    groups = _Groups()
    for _, ent in mentions:
        groups.find(name_key(ent.text))
    long_forms: set[str] = set()
    defined: set[str] = set()  # keys of both halves of a "long form (SHORT)" pair
    for d in docs.values():
        for short, long in _abbreviation_pairs(d):
            ks, kl = name_key(short), name_key(long)
            if ks in groups.parent and kl in groups.parent:
                groups.union(ks, kl)
                long_forms.add(kl)
                defined.update((ks, kl))
    # "Mixtral" and "Mixtral 8x7B", "DeepSeekMath" and "DeepSeekMath 7B": a name and its
    # only sized variant in the paper are one thing, named by the sized form; "GPT-4V" and
    # "GPT-4V(ision)" too. A family with several sizes named stays apart from them.
    sizes: dict[str, set[str]] = {}  # family key → sizes named
    plain: dict[str, set[str]] = {}  # family key → keys of "family size" (no suffix)
    for _, ent in mentions:
        parts = split_size(ent.text)
        if parts is not None and name_key(parts[0]) in groups.parent:
            sizes.setdefault(name_key(parts[0]), set()).add(parts[1].replace(" ", "").upper())
            if not parts[2].strip():
                plain.setdefault(name_key(parts[0]), set()).add(name_key(ent.text))
        unglued = _GLUED_PARENTHESIS.sub("", ent.text)
        if unglued != ent.text and name_key(unglued) in groups.parent:
            groups.union(name_key(unglued), name_key(ent.text))
            long_forms.add(name_key(unglued))
    for fam_key, variants in sorted(plain.items()):
        if len(sizes[fam_key]) == 1 and len(variants) == 1:
            variant = next(iter(variants))
            groups.union(fam_key, variant)
            long_forms.add(variant)
    if prefix_short is not None:
        groups.union(prefix_key, name_key(prefix_short))
        long_forms.add(prefix_key)
        defined.update((prefix_key, name_key(prefix_short)))
    if prefix is not None:
        # "MALT: … Multi-Agent LLM Training": the title spells the acronym out.
        title_text = doc_text(title)
        rest = title_text[title_text.index(":") + 1:]
        for _, ent in mentions:
            spelled = ent.doc is title and ent.start_char > prefix.end_char and ent.text in rest
            if spelled and _acronym_fits(prefix.text, ent.text):
                groups.union(prefix_key, name_key(ent.text))
                long_forms.add(name_key(ent.text))
                defined.update((prefix_key, name_key(ent.text)))

    _join_spelled_acronyms(mentions, groups, long_forms, defined)

    members: dict[str, list[tuple[str, Span]]] = {}
    for f, ent in mentions:
        members.setdefault(groups.find(name_key(ent.text)), []).append((f, ent))

    proposed = {("title", s, e) for s, e in proposed_spans(title)}
    proposed |= {("abstract", s, e) for s, e in proposed_spans(abstract)}

    entities: list[Entity] = []
    spans_of: list[list[tuple[str, Span]]] = []  # each entity's (field, span)s
    def first_seen(root: str) -> tuple[bool, int]:
        return min((f != "title", e.start_char) for f, e in members[root])

    for root in sorted(members, key=first_seen):
        items = sorted(members[root], key=lambda fe: (fe[0] != "title", fe[1].start_char))
        forms = Counter(e.text for _, e in items)
        name = display_name(_pick_name(forms, long_forms))
        votes: Counter[str] = Counter()
        sources: set[str] = set()
        for _, e in items:
            gaz, source = provenance(e)
            sources.add(source)
            votes[e.label_] += 3 if source == "gazetteer" else 1
        etype = max(sorted(votes), key=lambda t: votes[t])
        group = EntityGroup(type=etype, known="gazetteer" in sources, mentions=[
            MentionContext(f, e, title_prefix=(prefix is not None and f == "title"
                                               and e.start == prefix.start))
            for f, e in items
        ])
        role = assign_role(group, proposed)
        seen_lower = {name.lower()}
        aliases = []
        for form in forms:
            if form.lower() not in seen_lower:
                seen_lower.add(form.lower())
                aliases.append(form)
        source = next(s for s in ("gazetteer", "model", "rule") if s in sources)
        conf = _SOURCE_CONFIDENCE[source] + (0.05 if len(sources) > 1 else 0.0)
        entities.append(Entity(
            name=name, type=etype, role=role, aliases=aliases,
            mentions=[Mention(field=f, start=e.start_char, end=e.end_char, text=e.text)
                      for f, e in items],
            confidence=min(conf, 0.99), source=source,
        ))
        spans_of.append(items)

    return Candidates(entities, spans_of, defined)
