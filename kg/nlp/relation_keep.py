"""A learned keep/drop decision over each paper's relation candidates.

The relation rules (:mod:`kg.nlp.relations` in a sentence, the paper-level ones in
:mod:`kg.nlp.paper`) favour recall: "employs", "leverages" or "adopts" before a name, or a
method the paper merely uses, becomes a ``based_on``; every task the paper addresses
becomes ``used_for`` its main contribution. Annotators state far fewer. Whether a
candidate holds shows in what the rules saw — which rules found it and through which cue,
the types and roles of both ends, whether the head is the paper's main contribution,
whether both ends share a sentence, how many candidates of the kind the paper has — so a
binary logistic regression (:mod:`kg.nlp.linear`) over those clues, trained on the
project's annotations (``training/train_relation_keep.py``), scores each candidate;
:func:`kg.nlp.paper.paper_extraction` records the probability as the relation's
confidence and drops those under the threshold stored with the model. The shipped model's
threshold is 0: on the project's dev split no threshold gained enough relation F1 to
trust (precision rises from 0.34 to 0.46 at 0.4, recall falls from 0.39 to 0.33), so it
keeps every candidate and only ranks them — ``confidence`` is what to filter on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language

from kg.nlp.keep_model import ThresholdedKeep
from kg.normalize import is_acronym
from kg.records import Entity


@dataclass
class RelationClues:
    """What the rules saw of one ``(head, rel, tail)`` of a paper."""

    rel: str
    #: "sentence" (a cue between two names), "own" (a cue after "our method" / "we"),
    #: "paper" (the paper-level rules).
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


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    """The first edge ``n`` does not exceed, as text ("<=3"), or ">last"."""
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


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
         f"count:{r}|{_bucket(n_same_rel, (1, 2, 4, 7))}"}
    f.update(f"origin:{r}|{o}" for o in clues.origins)
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
