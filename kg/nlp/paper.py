"""Turn the processed title and abstract docs of one paper into its ``Extraction``.

spaCy components work one doc at a time; a paper is two (title, abstract). This module
groups the mentions of both into one entity per real thing in the paper (same normalised
name, or linked as abbreviation and long form), names each group with its most complete
surface form, votes its type, assigns its role, and maps relation and result candidates
onto the group names.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter

from spacy.tokens import Doc, Span

from kg.nlp.code_links import find_code_links
from kg.nlp.docs import doc_text, sent_of, sent_starts, span_text
from kg.nlp.entities import provenance
from kg.nlp.filters import is_generic
from kg.nlp.keep_model import EntityKeep
from kg.nlp.relation_keep import RelationClues, RelationKeep, relation_features
from kg.nlp.role_model import PaperRoles
from kg.nlp.roles import EntityGroup, MentionContext, assign_role, proposed_spans
from kg.nlp.type_model import PaperTypes
from kg.normalize import is_acronym, name_key
from kg.records import Entity, Extraction, Mention, Paper, Relation, Result
from kg.records import Span as EvSpan

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


def _title_prefix_span(doc: Doc, abstract: str = "") -> Span | None:
    """"ReFT: Reasoning with …" → the span "ReFT", when it looks like a name.

    A prefix of several words ("Beyond Binary Rewards: …", "Synthetic Vision: …") is as a
    rule a catchphrase, not a name: it counts only when the abstract uses it too.
    """
    m = _TITLE_PREFIX.match(doc_text(doc))
    if not m:
        return None
    span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
    if span is None or len(span) > 3 or is_generic(span.text):
        return None
    text = span.text
    if len(text.split()) > 1 and name_key(text) not in name_key(abstract):
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


def paper_extraction(paper: Paper, title: Doc, abstract: Doc,
                     roles: PaperRoles | None = None,
                     keep: EntityKeep | None = None,
                     relation_keep: RelationKeep | None = None,
                     types: PaperTypes | None = None) -> Extraction:
    """The ``Extraction`` record of ``paper`` from its processed title and abstract.

    ``keep`` (the pipeline's ``kg_entity_keep`` component) drops candidates that are not
    names, before types, roles and relations are decided; ``types`` (``kg_paper_types``)
    has the final say on each entity's type and ``roles`` (``kg_paper_roles``) on its
    role; ``relation_keep`` (``kg_relation_keep``) scores the relation candidates. Without
    them every candidate stays and the NER's type votes and the rules' roles stand.
    """
    docs = {"title": title, "abstract": abstract}
    prefix = _title_prefix_span(title, doc_text(abstract))
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
        name = _pick_name(forms, long_forms)
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

    _mark_variants_of_proposed(entities)
    if keep is not None:
        kept = [keep.keep(entity, items, any(name_key(e.text) in defined for _, e in items))
                for entity, items in zip(entities, spans_of, strict=True)]
        entities = [e for e, k in zip(entities, kept, strict=True) if k]
        spans_of = [s for s, k in zip(spans_of, kept, strict=True) if k]
    if types is not None:
        for entity, items in zip(entities, spans_of, strict=True):
            entity.type = types.decide(entity, items)
    # name_key of any member form → entity name (dropped candidates name nothing)
    name_of = {name_key(e.text): entity.name
               for entity, items in zip(entities, spans_of, strict=True) for _, e in items}
    if roles is not None:
        for entity, items in zip(entities, spans_of, strict=True):
            entity.role = roles.decide(entity.role, entity.type, entity.source, items,
                                       abstract)
    relations = _relations(docs, name_of, entities, relation_keep)
    results = _results(docs, name_of)
    code = [url for _, _, url in find_code_links(doc_text(abstract))]
    return Extraction(id=paper.id, title=paper.title, entities=entities, relations=relations,
                      results=results, code=code)


def _mark_variants_of_proposed(entities: list[Entity]) -> None:
    """Names that extend a proposed method or model's name are the paper's too:
    "MoAI-Compressor" and "MoAI-Mixer" of MoAI, "CoMat-SDXL" of CoMat, "DeepSeekMoE 2B"."""
    stems = [f for e in entities if e.role == "proposes" and e.type in ("Method", "Model")
             for f in [e.name, *e.aliases] if len(f) >= 3]
    for e in entities:
        if e.role == "proposes" or e.type not in ("Method", "Model"):
            continue
        for form in [e.name, *e.aliases]:
            if any(form.startswith(stem) and len(form) > len(stem)
                   and (form[len(stem)] in "-_ " or form[len(stem)].isdigit()) for stem in stems):
                e.role = "proposes"
                break


def _pick_name(forms: Counter[str], long_forms: set[str]) -> str:
    """Most complete surface form: an expansion over an acronym, then frequency, then length."""
    def rank(form: str) -> tuple:
        return (name_key(form) in long_forms, not is_acronym(form), forms[form], len(form))
    return max(sorted(forms), key=rank)


def _relations(
    docs: dict[str, Doc], name_of: dict[str, str], entities: list[Entity],
    relation_keep: RelationKeep | None = None,
) -> list[Relation]:
    """The paper's relations from the sentence rules' candidates and the paper-level rules,
    each (head, rel, tail) once with the first evidence found; ``relation_keep`` drops the
    unlikely ones and gives the rest its probability as their confidence."""
    found: dict[tuple[str, str, str], Relation] = {}
    clues: dict[tuple[str, str, str], RelationClues] = {}
    main = _main_contribution(entities)

    def add(head: str, rel: str, tail: str, evidence: EvSpan, confidence: float,
            origin: str, cue: str = "", distance: int | None = None) -> None:
        if head == tail:
            return
        key = (head, rel, tail)
        if key not in found:
            found[key] = Relation(head=head, rel=rel, tail=tail, evidence=evidence,
                                  confidence=confidence, source="rule")
            clues[key] = RelationClues(rel)
        c = clues[key]
        c.origins.add(origin)
        if cue:
            c.cues.add(cue)
        if distance is not None and (c.distance is None or distance < c.distance):
            c.distance = distance

    for f, d in docs.items():
        for cand in getattr(d._, "relations", None) or []:
            t = name_of.get(name_key(cand.tail.text))
            if cand.head is None:  # "our method outperforms X": the paper's contribution
                h, origin, distance = (main.name if main is not None else None), "own", None
            else:
                h, origin = name_of.get(name_key(cand.head.text)), "sentence"
                distance = abs(cand.tail.start - cand.head.end)
            if h and t:
                add(h, cand.rel, t, EvSpan(field=f, start=cand.sent_start, end=cand.sent_end),
                    cand.confidence, origin, cand.cue, distance)
    # Paper-level: the paper's main contribution is evaluated on its datasets, used for its
    # tasks and built on the methods and models it uses and on its other contributions.
    # Abstracts state these through their structure ("We propose X … experiments on D …")
    # more than in one sentence.
    if main is not None:
        for e in entities:
            rel = _PAPER_LEVEL.get((e.type, e.role))
            if rel is None or e is main:
                continue
            if rel == "based_on" and e.role == "uses" and not _near(main, e, docs):
                continue
            add(main.name, rel, e.name, _sentence_of(e, docs), 0.5, "paper")
    else:
        # A paper that contributes a dataset and no method: the dataset serves the tasks,
        # and the models the paper runs are evaluated on it.
        data = [e for e in entities if e.role == "proposes" and e.type == "Dataset"]
        if data:
            for e in entities:
                if e.type == "Task" and e.role in ("addresses", "proposes"):
                    add(data[0].name, "used_for", e.name, _sentence_of(e, docs), 0.5, "paper")
                elif e.type == "Model" and e.role == "uses":
                    add(e.name, "evaluated_on", data[0].name, _sentence_of(e, docs), 0.5,
                        "paper")
    # A name built from another's ("Partial LoRA", "MoE-LLaVA", "RuleRAG-ICL") extends it.
    for e, part in _named_parts(entities):
        add(e.name, "based_on", part.name, _sentence_of(e, docs), 0.5, "name")
    if relation_keep and found:  # an empty model keeps all, confidences unchanged
        found = _kept_relations(found, clues, entities, main, docs, relation_keep)
    return [found[k] for k in sorted(found)]


def _named_parts(entities: list[Entity]) -> list[tuple[Entity, Entity]]:
    """(whole, part) pairs of methods and models where a form of ``part`` is a word of a
    longer form of ``whole``: bounded by the name's ends, a space, hyphen, underscore or
    slash, or a lower-to-upper case change ("RuleRAG")."""
    systems = [(e, [f for f in [e.name, *e.aliases] if len(f) >= 2])
               for e in entities if e.type in ("Method", "Model")]
    out = []
    for part, parts in systems:
        for whole, wholes in systems:
            if whole is not part and whole.name != part.name and any(
                    _is_word_of(f, w) for w in wholes for f in parts):
                out.append((whole, part))
    return out


def _is_word_of(part: str, whole: str) -> bool:
    """Whether ``part`` occurs in the longer ``whole`` as a word (see :func:`_named_parts`)."""
    if len(whole) <= len(part):
        return False
    i = whole.find(part)
    while i >= 0:
        end = i + len(part)
        before = i == 0 or whole[i - 1] in _NAME_BREAKS or whole[i - 1].isspace() or (
            whole[i - 1].islower() and part[0].isupper())
        if before and (end == len(whole) or whole[end] in _NAME_BREAKS or whole[end].isspace()):
            return True
        i = whole.find(part, i + 1)
    return False


_NAME_BREAKS = "-_/"


def _kept_relations(found: dict[tuple[str, str, str], Relation],
                    clues: dict[tuple[str, str, str], RelationClues], entities: list[Entity],
                    main: Entity | None, docs: dict[str, Doc], keep: RelationKeep
                    ) -> dict[tuple[str, str, str], Relation]:
    """The relations ``keep`` scores at or over its threshold, with that probability as
    their confidence."""
    by_name = {e.name: e for e in entities}
    sentences = _SentenceIndex(docs)
    per_rel = Counter(rel for _, rel, _ in found)
    kept = {}
    for key in sorted(found):  # in output order, so a training stand-in sees them so
        relation = found[key]
        head, tail = by_name[key[0]], by_name[key[2]]
        c = clues[key]
        head_sents, tail_sents = sentences.of(head), sentences.of(tail)
        c.same_sentence = bool(head_sents & tail_sents)
        c.tail_sentence = min((i for f, i in tail_sents if f == "abstract"), default=-1)
        c.tail_with_we = any(sentences.with_we(s) for s in tail_sents)
        p = keep.probability(relation_features(c, head, tail, main, per_rel[key[1]]))
        if p >= keep.threshold:
            kept[key] = dataclasses.replace(relation, confidence=round(min(p, 0.99), 3))
    return kept


class _SentenceIndex:
    """Which sentences (field, index) name an entity, and which speak of "we" / "our"."""

    _WE = re.compile(r"\b(?:we|our)\b", re.IGNORECASE)

    def __init__(self, docs: dict[str, Doc]) -> None:
        self.docs = docs
        self.starts = {f: [d[i].idx for i in sent_starts(d)] if len(d) else [0]
                       for f, d in docs.items()}

    def of(self, e: Entity) -> set[tuple[str, int]]:
        return {(m.field, bisect_right(self.starts[m.field], m.start) - 1) for m in e.mentions}

    def with_we(self, sentence: tuple[str, int]) -> bool:
        f, i = sentence
        starts, text = self.starts[f], doc_text(self.docs[f])
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        return self._WE.search(text, starts[i], end) is not None


_PAPER_LEVEL = {
    ("Dataset", "evaluates_on"): "evaluated_on",
    ("Dataset", "proposes"): "evaluated_on",
    ("Task", "addresses"): "used_for",
    ("Task", "proposes"): "used_for",
    ("Method", "uses"): "based_on",
    ("Model", "uses"): "based_on",
    # The paper's other contributions are components of its main one.
    ("Method", "proposes"): "based_on",
}


def _main_contribution(entities: list[Entity]) -> Entity | None:
    """The proposed method or model the paper is about: named in the title if any."""
    proposed = [e for e in entities if e.role == "proposes" and e.type in ("Method", "Model")]
    if not proposed:
        return None
    return min(proposed, key=lambda e: (not any(m.field == "title" for m in e.mentions),
                                        min(m.start for m in e.mentions)))


def _sentence_of(e: Entity, docs: dict[str, Doc]) -> EvSpan:
    m = next((m for m in e.mentions if m.field == "abstract"), e.mentions[0])
    d = docs[m.field]
    span = d.char_span(m.start, m.end, alignment_mode="expand")
    sent = sent_of(span) if span is not None else d[:]
    return EvSpan(field=m.field, start=sent.start_char, end=sent.end_char)


def _near(a: Entity, b: Entity, docs: dict[str, Doc]) -> bool:
    """Whether ``b`` is named in a sentence that also names ``a`` or speaks of "our"/"we"."""
    doc = docs["abstract"]
    a_sents = {sent_of(doc.char_span(m.start, m.end, alignment_mode="expand")).start
               for m in a.mentions if m.field == "abstract"}
    for m in b.mentions:
        if m.field != "abstract":
            continue
        sent = sent_of(doc.char_span(m.start, m.end, alignment_mode="expand"))
        low = span_text(sent).lower()
        if sent.start in a_sents or " we " in f" {low}" or " our " in f" {low}":
            return True
    return False


def _results(docs: dict[str, Doc], name_of: dict[str, str]) -> list[Result]:
    out: list[Result] = []
    seen = set()
    for f, d in docs.items():
        for c in getattr(d._, "results", None) or []:
            ent = name_of.get(name_key(c.entity.text))
            if not ent:
                continue
            ds = name_of.get(name_key(c.dataset.text)) if c.dataset is not None else None
            mt = name_of.get(name_key(c.metric.text)) if c.metric is not None else None
            key = (ent, ds, mt, c.value)
            if key in seen:
                continue
            seen.add(key)
            out.append(Result(entity=ent, value=c.value, dataset=ds, metric=mt,
                              evidence=EvSpan(field=f, start=c.sent_start, end=c.sent_end)))
    return out
