"""The role each entity plays for the paper: proposes, evaluates_on, addresses, uses, mentions.

Roles are a paper-level judgement over the title and the abstract together, so this module
works on the extractor's per-paper entity groups rather than inside one spaCy doc. The
strongest role that applies wins (``records.ROLES`` order).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.views import (
    doc_text,
    lowers,
    sent_bounds,
    sent_of,
    sent_starts,
    sent_text,
    span_text,
    texts,
)
from kg.extract.learn import StoredOneVsRest
from kg.records import Entity

_PROPOSE_VERB = re.compile(
    r"^(?:propos|introduc|present|develop|design|releas|construct|creat|build|built|curat|"
    r"collect|contribut|devis|formulat|establish|open-sourc|unveil|launch|put\s+forward|"
    r"offer|describ|name|call|dub|term|coin)",
    re.IGNORECASE,
)
_NAMING = frozenset({"called", "named", "dubbed", "termed", "coined", "namely"})
_WE = re.compile(
    r"\b(?:we|our|this\s+(?:paper|work|study|report|article)|in\s+this\s+(?:paper|work)|here)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = frozenset({"which", "that", "where", "while", "whereas", ";", "using", "via",
                           "through", "by", "based", "leveraging", "with", "without", "than",
                           # "a technique for adding context to FCNs", "relying on X"
                           "for", "to", "into", "relying", "following", "from", "over",
                           "against", "compared", "upon"})
_BACKGROUND = re.compile(
    r"\b(?:unlike|previous(?:ly)?|prior|existing|traditional(?:ly)?|conventional(?:ly)?|"
    r"recent(?:ly)?|typically|commonly|widely|has\s+been|have\s+been|had\s+been|"
    r"popular|standard|classic(?:al)?|mainstream|in\s+contrast|however)\b",
    re.IGNORECASE,
)
_NEW_TASK = re.compile(r"\b(?:new|novel)\s+(?:\w+\s+)?(?:task|problem|setting)\b", re.IGNORECASE)
_SOURCE_CUE = re.compile(
    r"\b(?:collected|sourced|crawled|scraped|derived|built|constructed|curated|drawn|"
    r"extracted|sampled|gathered)\s+from\b",
    re.IGNORECASE,
)


@dataclass
class MentionContext:
    """One mention of an entity: where it is and what its sentence says."""

    field: str
    span: Span
    title_prefix: bool = False


@dataclass
class EntityGroup:
    """All mentions of one entity within a paper (built by the extractor)."""

    type: str
    mentions: list[MentionContext] = field(default_factory=list)
    #: The gazetteer knows the name: an established entity, so not this paper's invention.
    known: bool = False


def proposed_spans(doc: Doc) -> set[tuple[int, int]]:
    """Token ranges of entities a sentence presents as the paper's contribution."""
    out: set[tuple[int, int]] = set()
    ents_by_sent: dict[int, list[Span]] = {}
    for ent in doc.ents:
        ents_by_sent.setdefault(sent_of(ent).start, []).append(ent)
    words, low = texts(doc), lowers(doc)
    for sent in doc.sents:
        ents = ents_by_sent.get(sent.start)
        if not ents:
            continue
        stext = span_text(sent)
        we = bool(_WE.search(stext))
        for i in range(sent.start, sent.end):
            is_naming = low[i] in _NAMING
            if not is_naming and not (we and _PROPOSE_VERB.match(words[i])):
                continue
            limit = i + (4 if is_naming else 16)
            first = None
            for ent in ents:
                if ent.start <= i or ent.start > limit:
                    continue
                between = set(low[i + 1: ent.start])
                if between & _CLAUSE_BREAK:
                    break
                if first is None:
                    first = ent
                    out.add((ent.start, ent.end))
                    continue
                # "X and Y", "X (Y)", "X, Y" right after the first one.
                gap = doc[first.end: ent.start].text.strip()
                if gap in {"(", ",", "and", ", and", "&"}:
                    out.add((ent.start, ent.end))
                    first = ent
                else:
                    break
        # "X is proposed / X is introduced"
        m = re.search(r"\b(?:is|are)\s+(?:newly\s+)?(?:proposed|introduced|presented)\b", stext)
        if m:
            cut = sent.start_char + m.start()
            before = [e for e in ents if e.end_char <= cut]
            if before:
                out.add((before[-1].start, before[-1].end))
    return out


def assign_role(group: EntityGroup, proposed: set[tuple[str, int, int]]) -> str:
    """The strongest role ``group`` plays; ``proposed`` holds (field, start, end) token ranges."""
    for m in group.mentions:
        if m.title_prefix or (m.field == "title" and _is_whole_title(m.span)):
            return "proposes"
        if (m.field, m.span.start, m.span.end) in proposed and (
            group.type != "Task" or _NEW_TASK.search(sent_text(m.span))
        ):
            return "proposes"
    # A name in the title that no list knows is, as a rule, the paper's own contribution
    # ("… with Prefix-Aware KV Cache and Two-Phase Partition").
    # Not when the abstract writes it as a common noun ("score distillation", "diffusion
    # models"): that is an established technique the title names, not a coined one.
    if (group.type in ("Method", "Model", "Dataset") and not group.known
            and any(m.field == "title" for m in group.mentions)
            and not _all_background(group) and not _common_noun(group)):
        return "proposes"
    if group.type == "Dataset":
        if all(_SOURCE_CUE.search(sent_text(m.span)) for m in group.mentions
               if m.field == "abstract") and any(m.field == "abstract" for m in group.mentions):
            return "uses"
        return "evaluates_on"
    if group.type == "Task":
        return "addresses"
    abstract_mentions = [m for m in group.mentions if m.field == "abstract"]
    if abstract_mentions and all(_in_background(m.span) for m in abstract_mentions) and not any(
        m.field == "title" for m in group.mentions
    ):
        return "mentions"
    return "uses"


def _is_whole_title(span: Span) -> bool:
    """The title is just this name ("Fast R-CNN"): the paper is about it."""
    return doc_text(span.doc).strip(" .:!?") == span.text and span.label_ in ("Method", "Model")


def _common_noun(group: EntityGroup) -> bool:
    """Every abstract mention is written in lower case (and there is one)."""
    written = [m.span.text for m in group.mentions if m.field == "abstract"]
    return bool(written) and all(t == t.lower() for t in written)


def _all_background(group: EntityGroup) -> bool:
    spans = [m.span for m in group.mentions if m.field == "abstract"]
    return bool(spans) and all(_in_background(s) for s in spans)


def _clause(span: Span) -> str:
    """The clause of the span's sentence that holds it (between , ; : and dashes)."""
    sent = sent_of(span)
    text = span_text(sent)
    start = span.start_char - sent.start_char
    end = span.end_char - sent.start_char
    left = max(text.rfind(p, 0, start) for p in (", ", "; ", ": ", " - "))
    rights = [i for i in (text.find(p, end) for p in (", ", "; ", ": ", " - ")) if i != -1]
    return text[left + 1 if left >= 0 else 0: min(rights) if rights else len(text)]


def _in_background(span: Span) -> bool:
    """Named as related work or motivation, not as part of this paper's work."""
    sentence = sent_text(span)
    if _BACKGROUND.search(sentence) and not _WE.search(sentence):
        return True
    clause = _clause(span)
    return bool(_BACKGROUND.search(clause)) and not _WE.search(clause)


def mark_variants_of_proposed(entities: list[Entity]) -> None:
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


# -- The learned second opinion (kg_paper_roles).
# A learned second opinion on each entity's paper role, over the rules' first one.
#
# :func:`assign_role` decides a role from cue phrases ("we propose", the title's "X:",
# background clauses). Where the cues are silent or misleading — a baseline named in
# the first sentence, a task that is only motivation — annotators still agree on patterns
# the rules do not spell out. A one-vs-rest logistic regression (:mod:`kg.extract.learn`) over
# the rule's role, the entity's type and provenance, where it is mentioned (title, which
# sentence, how often) and the words just around each mention, trained on the project's
# annotations (``training/train_roles.py``), makes the final call. It lives in the
# ``kg_paper_roles`` component so that ``nlp.to_disk`` stores it with the pipeline; the
# component leaves docs alone — roles are a paper-level decision made in
# :func:`kg.extract.paper.extraction.paper_extraction`, which asks the pipeline for this model.

ROLES = ("proposes", "evaluates_on", "addresses", "uses", "mentions")
#: Words each side of a mention that become features.
WINDOW = 3


def role_features(rule_role: str, etype: str, source: str, mentions: list[tuple[str, Span]],
                  abstract: Doc) -> list[str]:
    """Sorted features of one entity of a paper: ``mentions`` are its (field, span)s."""
    f = {f"rule:{rule_role}", f"type:{etype}", f"type_rule:{etype}|{rule_role}",
         f"source:{source}", f"mentions:{min(len(mentions), 4)}",
         f"in_title:{any(field == 'title' for field, _ in mentions)}"}
    starts = sent_starts(abstract)
    index = [bisect_right(starts, span.start) - 1 for field, span in mentions
             if field == "abstract"]
    if index:
        f.add(f"first_sentence:{min(min(index), 4)}")
        f.add(f"first_in_last_sentence:{min(index) == len(starts) - 1}")
        f.add(f"only_in_first_sentence:{max(index) == 0}")
    else:
        f.add("not_in_abstract")
    for _, span in mentions:
        lo, hi = sent_bounds(span.doc, span.start)
        words = lowers(span.doc)
        f.update("left:" + w for w in words[max(lo, span.start - WINDOW):span.start])
        f.update("right:" + w for w in words[span.end:min(hi, span.end + WINDOW)])
    return sorted(f)


@Language.factory("kg_paper_roles", default_config={})
def make_paper_roles(nlp: Language, name: str) -> PaperRoles:
    return PaperRoles()


class PaperRoles(StoredOneVsRest):
    """Holds the role model (empty: the rules' roles stand)."""

    FILE = "role_model.json"

    def decide(self, rule_role: str, etype: str, source: str,
               mentions: list[tuple[str, Span]], abstract: Doc) -> str:
        if not self.model:
            return rule_role
        return self.model.predict(role_features(rule_role, etype, source, mentions, abstract))
