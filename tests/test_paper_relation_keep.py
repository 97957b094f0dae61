"""The learned keep/drop decision (``kg_relation_keep``) over a paper's relation candidates."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.learn import BinaryLogistic
from kg.extract.paper.extraction import paper_extraction
from kg.extract.paper.relations import RelationClues, RelationKeep, relation_features
from kg.records import Entity, Mention, Paper

TITLE = "FooNet: fast question answering"
ABSTRACT = ("We propose FooNet for question answering. FooNet employs PPO. "
            "Experiments on GSM8K show that FooNet outperforms DQN.")


@pytest.fixture(scope="module")
def nlp():
    import kg.extract.pipeline  # noqa: F401  registers the factories

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {
        "@tokenizers": "kg.scientific_tokenizer.v1"}}})
    nlp.add_pipe("kg_sentences")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": lab, "pattern": w} for lab, w in (
        ("Method", "FooNet"), ("Method", "PPO"), ("Method", "DQN"), ("Dataset", "GSM8K"),
        ("Task", "question answering"))])
    for name in ("kg_entity_typing", "kg_relations"):
        nlp.add_pipe(name)
    return nlp


def _extract(nlp, keep=None):
    paper = Paper(id="p", title=TITLE, abstract=ABSTRACT)
    return paper_extraction(paper, nlp(TITLE), nlp(ABSTRACT), relation_keep=keep)


class _Capture:
    threshold = 0.0

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def probability(self, features):
        self.features.append(features)
        return 1.0


def test_features_say_which_rules_found_a_relation_and_how():
    head = Entity(name="FooNet", type="Method", role="proposes", source="model",
                  mentions=[Mention("title", 0, 6, "FooNet")])
    tail = Entity(name="DQN", type="Method", role="uses", source="gazetteer",
                  mentions=[Mention("abstract", 90, 93, "DQN")])
    clues = RelationClues("outperforms", {"sentence", "paper"}, {"significantly outperforms"},
                          distance=3, same_sentence=True, tail_sentence=2)
    feats = relation_features(clues, head, tail, head, n_same_rel=1)
    assert feats == sorted(set(feats))
    assert {"rel:outperforms", "origins:outperforms|paper+sentence",
            "origin:outperforms|sentence", "cue:outperforms|significantly outperforms",
            "cue_word:outperforms|significantly", "head:outperforms|Method|proposes",
            "tail:outperforms|Method|uses", "head_main:outperforms|True",
            "tail_source:outperforms|gazetteer", "same_sentence:outperforms|True",
            "tail_sentence:outperforms|2", "distance:outperforms|<=5",
            "count:outperforms|<=1"} <= set(feats)


def test_each_candidate_is_scored_once_in_output_order(nlp):
    capture = _Capture()
    ext = _extract(nlp, capture)
    assert len(capture.features) == len(ext.relations) >= 3
    for feats, r in zip(capture.features, ext.relations, strict=True):
        assert f"rel:{r.rel}" in feats
    assert ext.relations == sorted(ext.relations, key=lambda r: (r.head, r.rel, r.tail))


def test_a_model_drops_unlikely_relations_and_sets_the_confidence(nlp):
    everything = _extract(nlp)
    assert ("FooNet", "based_on", "PPO") in {(r.head, r.rel, r.tail) for r in everything.relations}
    keep = RelationKeep(BinaryLogistic({"rel:based_on": -4.0}, bias=1.0), threshold=0.5)
    kept = _extract(nlp, keep)
    assert {r.rel for r in kept.relations} == {r.rel for r in everything.relations} - {"based_on"}
    assert all(r.confidence == round(1 / (1 + 2.718281828459045 ** -1.0), 3)
               for r in kept.relations)


def test_an_empty_model_keeps_every_relation(nlp):
    assert _extract(nlp, RelationKeep()).relations == _extract(nlp).relations


def test_shipped_pipeline_carries_a_trained_relation_keep_model():
    from kg.extract.pipeline import load_pipeline

    keep = load_pipeline().get_pipe("kg_relation_keep")
    assert len(keep.model.weights) > 50
    assert 0.0 <= keep.threshold < 1.0  # 0: it only scores (training/README.md)


def test_a_model_ignores_the_candidate_kinds_it_was_not_trained_on(nlp):
    # The shipped model predates "paper_far" (a method used far from the contribution):
    # such a candidate is dropped, not kept unjudged.
    title, abstract = "FooNet: fast question answering", (
        "We propose FooNet for question answering. PPO updates a policy in small steps.")
    keep = RelationKeep(BinaryLogistic({"origin:based_on|paper": 0.5,
                                        "origin:used_for|paper": 0.5}), threshold=0.0)
    assert keep.origins() == {"paper"}
    ext = paper_extraction(Paper(id="p", title=title, abstract=abstract), nlp(title),
                           nlp(abstract), relation_keep=keep)
    found = {(r.head, r.rel, r.tail) for r in ext.relations}
    assert ("FooNet", "used_for", "question answering") in found
    assert ("FooNet", "based_on", "PPO") not in found
    assert ("FooNet", "based_on", "PPO") in {(r.head, r.rel, r.tail) for r in paper_extraction(
        Paper(id="p", title=title, abstract=abstract), nlp(title), nlp(abstract)).relations}


def test_features_tell_a_compared_tail_and_a_tail_the_head_is_for():
    head = Entity(name="FooNet", type="Method", role="proposes", source="model",
                  mentions=[Mention("title", 0, 6, "FooNet")])
    tail = Entity(name="question answering", type="Task", role="addresses", source="model",
                  mentions=[Mention("title", 11, 29, "question answering")])
    clues = RelationClues("used_for", {"paper"}, tail_compared=True, tail_after_for=True)
    feats = set(relation_features(clues, head, tail, head, n_same_rel=1))
    assert {"tail_compared:used_for|True", "tail_after_for:used_for|True",
            "titles:used_for|True|True", "tail_shape:used_for|Task|lower",
            "head_shape:used_for|Method|capitals"} <= feats
