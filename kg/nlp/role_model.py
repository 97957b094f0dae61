"""A learned second opinion on each entity's paper role, over the rules' first one.

:func:`kg.nlp.roles.assign_role` decides a role from cue phrases ("we propose", the title's
"X:", background clauses). Where the cues are silent or misleading — a baseline named in
the first sentence, a task that is only motivation — annotators still agree on patterns
the rules do not spell out. A one-vs-rest logistic regression (:mod:`kg.nlp.linear`) over
the rule's role, the entity's type and provenance, where it is mentioned (title, which
sentence, how often) and the words just around each mention, trained on the project's
annotations (``training/train_roles.py``), makes the final call. It lives in the
``kg_paper_roles`` component so that ``nlp.to_disk`` stores it with the pipeline; the
component leaves docs alone — roles are a paper-level decision made in
:func:`kg.nlp.paper.paper_extraction`, which asks the pipeline for this model.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.docs import lowers, sent_bounds, sent_starts
from kg.nlp.linear import OneVsRest

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


class StoredOneVsRest:
    """A one-vs-rest model stored as JSON by ``to_disk``: the common part of the paper-level
    decision components (``kg_paper_roles``, ``kg_paper_types``). Docs pass through
    unchanged; an empty model leaves the rules' decision standing."""

    FILE = "model.json"

    def __init__(self, model: OneVsRest | None = None) -> None:
        self.model = model or OneVsRest()

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def to_disk(self, path, exclude=()) -> None:
        if not self.model:
            return
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.FILE).write_text(json.dumps(self.model.to_dict(), ensure_ascii=False,
                                                 indent=0, sort_keys=True) + "\n",
                                      encoding="utf-8")

    def from_disk(self, path, exclude=()):
        file = Path(path) / self.FILE
        if file.exists():
            self.model = OneVsRest.from_dict(json.loads(file.read_text(encoding="utf-8")))
        return self


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
