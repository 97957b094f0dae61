"""A learned paper-level decision of each entity's type (Method, Model, Dataset, Task,
Metric).

The statistical NER labels each mention from a few words of context, and the paper takes
the majority label. Its mistakes are mostly between neighbouring types on names whose
make-up and surroundings say more than one window does: "MetaMathQA" and "EvalPlus" named
as benchmarks ("on X", "X benchmark"), "reinforcement learning" as the task a method
serves, "Mamba" or "U-Net" as models. A one-vs-rest logistic regression
(:mod:`kg.extract.learn`) over the name (words, head word, character 4-grams, shape, a size
such as "7B"), what the gazetteer says, the role cues, and the words around every mention
in the paper (neighbours, bigrams, type-revealing words of the sentence) decides instead.

It deliberately does not see the NER's labels: the NER was trained on the same papers as
this model, so its labels are right far more often there (95%) than on unseen papers
(85%), and a model that learned to trust them would inherit that optimism. Trained by
``training/train_types.py``; stored with the pipeline by ``to_disk`` in the
``kg_paper_types`` component, which leaves docs alone — the decision is taken in
:func:`kg.extract.paper.extraction.paper_extraction`, after the keep filter and before roles.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Span

from kg.extract.doc.mention_types import SIZE, context_type
from kg.extract.doc.merge import provenance
from kg.extract.doc.views import lowers, sent_bounds
from kg.extract.learn import StoredOneVsRest
from kg.extract.paper.keep import name_make_up
from kg.records import Entity
from kg.util.normalize import word_set

TYPES = ("Method", "Model", "Dataset", "Task", "Metric")
#: Words each side of a mention that become features.
WINDOW = 3
#: Words of a mention's sentence that tell its type ("… on the X benchmark", "X achieves").
SENTENCE_CUES = word_set(
    """
    dataset datasets benchmark benchmarks corpus metric metrics accuracy score task tasks
    model models method methods framework trained train fine-tuned evaluate evaluated
    evaluation achieve achieves outperforms
    """
)


def type_features(entity: Entity, mentions: list[tuple[str, Span]]) -> list[str]:
    """Sorted features of one entity of a paper: ``mentions`` are its (field, span)s.
    The entity's current type (the NER's vote) is not among them, on purpose."""
    name = " ".join(entity.name.split())
    words = name.lower().replace("-", " ").split() or [""]
    f = {f"role:{entity.role}", f"source:{entity.source}", f"words:{min(len(words), 5)}",
         f"size:{SIZE.search(name) is not None}"}
    f |= name_make_up(name, words)
    f.update("w:" + w for w in words)
    padded = f" {name.lower()} "
    f.update("c4:" + padded[i:i + 4] for i in range(len(padded) - 3))
    for _, span in mentions:
        gaz, _source = provenance(span)
        if gaz:
            f.add("gaz:" + gaz)
        said = context_type(span)
        if said:
            f.add("said:" + said)
        doc, start, end = span.doc, span.start, span.end
        lo, hi = sent_bounds(doc, start)
        tokens = lowers(doc)
        left, right = tokens[max(lo, start - WINDOW):start], tokens[end:min(hi, end + WINDOW)]
        f.update("left:" + w for w in left)
        f.update("right:" + w for w in right)
        if left:
            f.add("l1:" + left[-1])
            if len(left) >= 2:
                f.add(f"l2:{left[-2]} {left[-1]}")
        if right:
            f.add("r1:" + right[0])
            if len(right) >= 2:
                f.add(f"r2:{right[0]} {right[1]}")
        f.update("sent:" + w for w in SENTENCE_CUES.intersection(tokens[lo:hi]))
    return sorted(f)


@Language.factory("kg_paper_types", default_config={})
def make_paper_types(nlp: Language, name: str) -> PaperTypes:
    return PaperTypes()


class PaperTypes(StoredOneVsRest):
    """Holds the type model (empty: the NER's vote stands)."""

    FILE = "type_model.json"

    def decide(self, entity: Entity, mentions: list[tuple[str, Span]]) -> str:
        if not self.model:
            return entity.type
        return self.model.predict(type_features(entity, mentions))
