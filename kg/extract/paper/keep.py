"""A learned keep/drop decision over each paper's candidate entities.

The NER and the rules propose spans a careful annotator leaves out: descriptive phrases
("similarity computation", "mode collapse problem", "correct predictions"), bare
attributes ("speed") and fragments ("multi-task learning of"). Whether a candidate is a
name shows at the paper level more than in one span — how often and where it is named,
whether an acronym defines it, its shape and head word, the words around its mentions, and
whether the gazetteer knows it — so a binary logistic regression (:mod:`kg.extract.learn`)
over those features, trained on the project's annotations (``training/train_keep.py``),
scores each candidate; :func:`kg.extract.paper.extraction.paper_extraction` drops those under the
threshold stored with the model (picked on the dev split). It lives in the
``kg_entity_keep`` component so that ``nlp.to_disk`` stores it with the pipeline; the
component leaves docs alone.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Span

from kg.extract.doc.merge import provenance
from kg.extract.doc.views import lowers, sent_bounds
from kg.extract.learn import ThresholdedKeep
from kg.records import Entity
from kg.util.normalize import is_acronym

#: Words each side of a mention that become features.
WINDOW = 2

_DIGITS = re.compile(r"\d+")
_LOWER = re.compile(r"[a-z]+")
_UPPER = re.compile(r"[A-Z]+")


def keep_features(entity: Entity, mentions: list[tuple[str, Span]], defined: bool
                  ) -> list[str]:
    """Sorted features of one candidate: ``mentions`` are its (field, span)s, ``defined``
    whether an acronym / long-form pair names it in this paper."""
    name = " ".join(entity.name.split())
    words = name.lower().split() or [""]
    head, etype = words[-1], entity.type
    in_title = any(field == "title" for field, _ in mentions)
    n = min(len(mentions), 4)
    f = {f"source:{entity.source}", f"type:{etype}", f"role:{entity.role}",
         f"type_role:{etype}|{entity.role}", f"mentions:{n}", f"type_mentions:{etype}|{n}",
         f"in_title:{in_title}", f"only_title:{all(fd == 'title' for fd, _ in mentions)}",
         f"defined:{defined}", f"forms:{min(len(entity.aliases) + 1, 3)}",
         f"words:{min(len(words), 5)}", f"type_words:{etype}|{min(len(words), 5)}",
         f"inner_cap:{_UPPER.search(name, 1) is not None}", f"type_head:{etype}|{head}"}
    f |= name_make_up(name, words)
    f.add(f"known:{any(provenance(span)[0] is not None for _, span in mentions)}")
    for _, span in mentions:
        doc, start, end = span.doc, span.start, span.end
        lo, hi = sent_bounds(doc, start)
        tokens = lowers(doc)
        f.update("left:" + w for w in tokens[max(lo, start - WINDOW):start])
        f.update("right:" + w for w in tokens[end:min(hi, end + WINDOW)])
    return sorted(f)


def name_make_up(name: str, words: list[str]) -> set[str]:
    """Features of how a name is written (``words``: its lower-cased words, head last):
    acronym, digits, case, shape, first and head word and the head's character trigrams."""
    head = words[-1]
    padded = f" {head} "
    return {f"acronym:{is_acronym(name)}", f"digit:{_DIGITS.search(name) is not None}",
            f"lower:{name.islower()}",
            "shape:" + _UPPER.sub("A", _LOWER.sub("a", _DIGITS.sub("0", name)))[:10],
            "head:" + head, "first:" + words[0],
            *("hc3:" + padded[i:i + 3] for i in range(len(padded) - 2))}


@Language.factory("kg_entity_keep", default_config={})
def make_entity_keep(nlp: Language, name: str) -> EntityKeep:
    return EntityKeep()


class EntityKeep(ThresholdedKeep):
    """Holds the entity keep model and its threshold (empty: every candidate is kept)."""

    FILE = "keep_model.json"

    def keep(self, entity: Entity, mentions: list[tuple[str, Span]], defined: bool) -> bool:
        if not self.model:
            return True
        return self.model.probability(keep_features(entity, mentions, defined)) >= self.threshold
