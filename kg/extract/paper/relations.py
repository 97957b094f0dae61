"""A learned keep/drop decision over each paper's relation candidates.

The relation rules (:mod:`kg.extract.doc.relations` in a sentence, the paper-level ones
below) favour recall: "employs", "leverages" or "adopts" before a name, or a
method the paper merely uses, becomes a ``based_on``; every task the paper addresses
becomes ``used_for`` its main contribution. Annotators state far fewer. Whether a
candidate holds shows in what the rules saw — which rules found it and through which cue,
the types and roles of both ends, whether the head is the paper's main contribution,
whether both ends share a sentence, what the sentences naming the tail speak of
(comparison, building, evaluation, earlier work), how many candidates of the kind the
paper has — so a binary logistic regression (:mod:`kg.extract.learn`) over those clues,
trained on the project's annotations (``training/train_relation_keep.py``), scores each
candidate; :func:`kg.extract.paper.extraction.paper_extraction` records the probability as
the relation's confidence and drops those under the threshold stored with the model
(chosen on the project's dev split; 0 keeps every candidate and only ranks them).

Paper-level candidates of a kind the stored model was not trained on (a rule added after
it) are left to a refit: the model judges a candidate only by the rules it knows.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.doc.views import doc_text, sent_of, sent_starts, span_text
from kg.extract.learn import ThresholdedKeep
from kg.records import Entity, Relation, Result
from kg.records import Span as EvSpan
from kg.util.normalize import is_acronym, name_key


@dataclass
class RelationClues:
    """What the rules saw of one ``(head, rel, tail)`` of a paper."""

    rel: str
    #: "sentence" (a cue between two names), "own" (a cue after "our method" / "we"),
    #: "paper" (the paper-level rules), "name" (one name built from the other), "result"
    #: (a score of the head on the tail).
    origins: set[str] = field(default_factory=set)
    cues: set[str] = field(default_factory=set)
    #: Fewest tokens between head and tail in a sentence that states the relation.
    distance: int | None = None
    #: Head and tail are named in one sentence somewhere in the paper.
    same_sentence: bool = False
    #: Index of the abstract sentence that first names the tail (-1: title only).
    tail_sentence: int = -1
    #: A sentence naming the tail speaks of "we" / "our".
    tail_with_we: bool = False
    #: A sentence naming the tail compares systems ("compared to", "than", "baselines"):
    #: what is compared against is rarely a base.
    tail_compared: bool = False
    #: A mention of the tail follows "for" ("X for video generation"): what X serves.
    tail_after_for: bool = False
    #: What the sentences naming the tail speak of (:data:`_CONTEXTS`): building on it,
    #: evaluating, or earlier work.
    tail_contexts: set[str] = field(default_factory=set)


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    """The first edge ``n`` does not exceed, as text ("<=3"), or ">last"."""
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def _shape(name: str) -> str:
    """How a name is written: an acronym, all lower case (often a common noun phrase
    rather than a name) or with capitals."""
    if is_acronym(name):
        return "acronym"
    return "lower" if name == name.lower() else "capitals"


def relation_features(clues: RelationClues, head: Entity, tail: Entity, main: Entity | None,
                      n_same_rel: int) -> list[str]:
    """Sorted features of one relation candidate; ``n_same_rel`` is how many candidates of
    the same relation type the paper has."""
    r = clues.rel
    in_title = any(m.field == "title" for m in tail.mentions)
    f = {f"rel:{r}", f"origins:{r}|{'+'.join(sorted(clues.origins))}",
         f"head:{r}|{head.type}|{head.role}", f"tail:{r}|{tail.type}|{tail.role}",
         f"ends:{r}|{head.type}|{tail.type}", f"head_main:{r}|{head is main}",
         f"head_source:{r}|{head.source}", f"tail_source:{r}|{tail.source}",
         f"head_mentions:{r}|{min(len(head.mentions), 3)}",
         f"tail_mentions:{r}|{min(len(tail.mentions), 3)}", f"tail_title:{r}|{in_title}",
         f"tail_acronym:{r}|{is_acronym(tail.name)}",
         f"tail_words:{r}|{min(len(tail.name.split()), 4)}",
         f"same_sentence:{r}|{clues.same_sentence}",
         f"tail_sentence:{r}|{min(clues.tail_sentence, 4)}",
         f"tail_with_we:{r}|{clues.tail_with_we}",
         f"tail_compared:{r}|{clues.tail_compared}",
         f"tail_after_for:{r}|{clues.tail_after_for}",
         f"titles:{r}|{any(m.field == 'title' for m in head.mentions)}|{in_title}",
         f"head_shape:{r}|{head.type}|{_shape(head.name)}",
         f"tail_shape:{r}|{tail.type}|{_shape(tail.name)}",
         f"count:{r}|{_bucket(n_same_rel, (1, 2, 4, 7))}"}
    f.update(f"origin:{r}|{o}" for o in clues.origins)
    f.update(f"tail_context:{r}|{c}" for c in clues.tail_contexts)
    for cue in clues.cues:
        f.add(f"cue:{r}|{cue}")
        f.add(f"cue_word:{r}|{cue.split()[0]}")
    if clues.distance is not None:
        f.add(f"distance:{r}|{_bucket(clues.distance, (2, 5, 10, 20))}")
    return sorted(f)


@Language.factory("kg_relation_keep", default_config={})
def make_relation_keep(nlp: Language, name: str) -> RelationKeep:
    return RelationKeep()


class RelationKeep(ThresholdedKeep):
    """Holds the relation keep model and its threshold (empty: every candidate is kept)."""

    FILE = "relation_keep.json"

    def origins(self) -> set[str] | None:
        """The candidate origins the model was trained on (None: it weighs none, so any).
        A model stored before a rule added a kind of candidate cannot judge it:
        :func:`paper_relations` scores a candidate as if the unknown rules had not fired,
        and drops it when none it knows did, so an older model keeps deciding as trained."""
        cached = getattr(self, "_origins", None)
        if cached is None or cached[0] is not self.model:  # once per model, not per paper
            known = {o for f in self.model.weights if f.startswith(("origin:", "origins:"))
                     for o in f.split("|", 1)[1].split("+")}
            self._origins = (self.model, known or None)
        return self._origins[1]


# -- The paper's relations: sentence candidates mapped onto entity names, the paper-level
# rules, then the keep model above.

def paper_relations(
    docs: dict[str, Doc], name_of: dict[str, str], entities: list[Entity],
    relation_keep: RelationKeep | None = None,
    results: Sequence[Result] = (),
) -> list[Relation]:
    """The paper's relations from the sentence rules' candidates, the paper-level rules
    and the paper's ``results`` (a system's score on a dataset: it was evaluated on it),
    each (head, rel, tail) once with the first evidence found; ``relation_keep`` drops the
    unlikely ones and gives the rest its probability as their confidence."""
    found: dict[tuple[str, str, str], Relation] = {}
    clues: dict[tuple[str, str, str], RelationClues] = {}
    main = main_contribution(entities)

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
    data = [e for e in entities if e.role == "proposes" and e.type == "Dataset"]
    if main is not None:
        for e in entities:
            rel = _PAPER_LEVEL.get((e.type, e.role))
            if rel is None or e is main:
                continue
            # A method used far from the contribution ("paper_far"): its own kind, which the
            # keep model weighs apart (mostly background, sometimes the base named in the
            # title).
            origin = "paper" if rel != "based_on" or e.role != "uses" or _near(
                main, e, docs) else "paper_far"
            add(main.name, rel, e.name, _sentence_of(e, docs), 0.5, origin)
        # The paper's other proposed systems are evaluated on its datasets and serve its
        # tasks as well (the title's name is not always the one annotators relate).
        for other in entities:
            if other is main or other.role != "proposes" or other.type not in (
                    "Method", "Model"):
                continue
            for e in entities:
                rel = _PAPER_LEVEL.get((e.type, e.role))
                if rel in ("evaluated_on", "used_for"):
                    add(other.name, rel, e.name, _sentence_of(e, docs), 0.5, "paper_other")
    # A contributed dataset serves the tasks, and the models the paper runs are evaluated
    # on it; with a proposed method as well, a kind of its own ("paper_data").
    for i, d in enumerate(data):
        origin = "paper" if main is None and i == 0 else "paper_data"
        for e in entities:
            if e.type == "Task" and e.role in ("addresses", "proposes"):
                add(d.name, "used_for", e.name, _sentence_of(e, docs), 0.5, origin)
            elif e.type == "Model" and e.role == "uses":
                add(e.name, "evaluated_on", d.name, _sentence_of(e, docs), 0.5, origin)
    if main is None and not data:
        # A study with no contribution of its own: the methods and models it uses serve the
        # tasks it addresses ("paper_study").
        for e in entities:
            if e.type in ("Method", "Model") and e.role == "uses":
                for task in entities:
                    if task.type == "Task" and task.role in ("addresses", "proposes"):
                        add(e.name, "used_for", task.name, _sentence_of(task, docs), 0.5,
                            "paper_study")
    # "X reaches 85.1% on D": X was evaluated on D (annotators state the relation for 799
    # of the 872 annotated results that name both).
    types = {e.name: e.type for e in entities}
    for res in results:
        if (res.dataset and res.evidence is not None and types.get(res.dataset) == "Dataset"
                and types.get(res.entity) in ("Method", "Model")):
            add(res.entity, "evaluated_on", res.dataset, res.evidence, 0.6, "result")
    # A name built from another's ("Partial LoRA", "MoE-LLaVA", "RuleRAG-ICL") extends it.
    for e, part in _named_parts(entities):
        add(e.name, "based_on", part.name, _sentence_of(e, docs), 0.5, "name")
    # A baseline the paper's system beats is no base of it unless a sentence says so: the
    # paper-level rule's "uses → based_on" guess yields to the stated comparison.
    for head, rel, tail in list(found):
        if (rel == "based_on" and clues[(head, rel, tail)].origins <= {"paper", "paper_far"}
                and (head, "outperforms", tail) in found):
            del found[(head, rel, tail)]
    # Nor is what the paper's system leads to downstream: "Our better depth model also
    # results in a better depth-conditioned ControlNet" (arXiv 2401.10891).
    by_name = {e.name: e for e in entities}
    for head, rel, tail in list(found):
        if (rel == "based_on" and clues[(head, rel, tail)].origins <= {"paper", "paper_far"}
                and tail in by_name and _downstream(by_name[tail], docs)):
            del found[(head, rel, tail)]
    if relation_keep and found:  # an empty model keeps all, confidences unchanged
        found = _kept_relations(found, clues, by_name, main, docs, relation_keep)
    return [found[k] for k in sorted(found)]


#: The end of the words before a name that the paper's system leads to ("also results in a
#: better depth-conditioned ControlNet"): up to three words between the comparative and it.
_LEADS_TO = re.compile(r"\b(?:results?\s+in|leads?\s+to|translates?\s+into)\s+(?:an?\s+)?"
                       r"(?:better|stronger|improved)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)


def _downstream(e: Entity, docs: dict[str, Doc]) -> bool:
    """Whether every mention of ``e`` is in the abstract, after "results in / leads to a
    better …" in its sentence: something the paper's system improves downstream."""
    if not e.mentions or any(m.field != "abstract" for m in e.mentions):
        return False
    doc = docs["abstract"]
    text = doc_text(doc)
    for m in e.mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        start = sent_of(span).start_char if span is not None else 0
        if not _LEADS_TO.search(text, start, m.start):
            return False
    return True


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
                    clues: dict[tuple[str, str, str], RelationClues],
                    by_name: dict[str, Entity], main: Entity | None, docs: dict[str, Doc],
                    keep: RelationKeep) -> dict[tuple[str, str, str], Relation]:
    """The relations ``keep`` scores at or over its threshold, with that probability as
    their confidence; ``by_name``: the paper's entities by name."""
    sentences = _SentenceIndex(docs)
    # The training stand-in knows every origin.
    known = keep.origins() if isinstance(keep, RelationKeep) else None
    if known is not None:
        for c in clues.values():
            c.origins &= known
        found = {k: r for k, r in found.items() if clues[k].origins}
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
        c.tail_compared = any(sentences.compares(s) for s in tail_sents)
        c.tail_contexts = {k for k, pattern in _CONTEXTS.items()
                           if any(sentences.search(pattern, s) for s in tail_sents)}
        c.tail_after_for = any(_FOR.search(doc_text(docs[m.field]), max(0, m.start - 9),
                                           m.start) for m in tail.mentions)
        p = keep.probability(relation_features(c, head, tail, main, per_rel[key[1]]))
        if p >= keep.threshold:
            kept[key] = dataclasses.replace(relation, confidence=round(min(p, 0.99), 3))
    return kept


#: Kinds of sentence a relation's tail is named in.
_CONTEXTS = {
    "build": re.compile(r"\b(?:based\s+on|buil[dt]s?|extend\w*|employ\w*|leverag\w*|adopt\w*|"
                        r"integrat\w*|incorporat\w*|combin\w*|using|uses?|via|fine-?tun\w*)\b",
                        re.IGNORECASE),
    "evaluate": re.compile(r"\b(?:evaluat\w*|experiments?|benchmarks?|tested|results?|"
                           r"achiev\w*|state-of-the-art)\b", re.IGNORECASE),
    "background": re.compile(r"\b(?:however|existing|prior|previous|traditional|conventional|"
                             r"typically|often|widely|recent(?:ly)?|popular)\b", re.IGNORECASE),
}
_FOR = re.compile(r"\bfor\s+(?:the\s+)?$", re.IGNORECASE)


class _SentenceIndex:
    """Which sentences (field, index) name an entity, and which speak of "we" / "our"."""

    _WE = re.compile(r"\b(?:we|our)\b", re.IGNORECASE)
    _COMPARES = re.compile(r"\b(?:compar\w*|than|vs\.?|versus|baselines?|on\s+par|rival\w*|"
                           r"competitive|outperform\w*|surpass\w*|gap)\b", re.IGNORECASE)

    def __init__(self, docs: dict[str, Doc]) -> None:
        self.docs = docs
        self.starts = {f: [d[i].idx for i in sent_starts(d)] if len(d) else [0]
                       for f, d in docs.items()}

    def of(self, e: Entity) -> set[tuple[str, int]]:
        return {(m.field, bisect_right(self.starts[m.field], m.start) - 1) for m in e.mentions}

    def with_we(self, sentence: tuple[str, int]) -> bool:
        return self.search(self._WE, sentence)

    def compares(self, sentence: tuple[str, int]) -> bool:
        return self.search(self._COMPARES, sentence)

    def search(self, pattern: re.Pattern, sentence: tuple[str, int]) -> bool:
        """Whether ``pattern`` occurs in the sentence."""
        f, i = sentence
        starts, text = self.starts[f], doc_text(self.docs[f])
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        return pattern.search(text, starts[i], end) is not None


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


def main_contribution(entities: list[Entity]) -> Entity | None:
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
