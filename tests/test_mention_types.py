"""The learned Model-vs-Method name classifier and its place in ``kg_entity_typing``."""

from __future__ import annotations

import spacy
from spacy.tokens import Span

from kg.extract.doc.mention_types import (
    EntityTyping,
    NameClassifier,
    decide_type,
    name_features,
    shape_type,
)

MODELS = ["FlowNet", "DeepFM", "SVDNet", "ResNet", "MoE-LLaVA", "Video-LLaVA", "TinyLLaVA",
          "CodeGPT", "MiniGPT", "BioBERT", "SciBERT"]
METHODS = ["contrastive learning", "knowledge distillation", "beam search", "label smoothing",
           "gradient clipping", "data augmentation", "weight decay", "curriculum learning",
           "policy gradient", "self-attention", "dropout"]


def toy_classifier() -> NameClassifier:
    examples = [(name_features(n, shape_type(n)), True) for n in MODELS]
    examples += [(name_features(n, shape_type(n)), False) for n in METHODS]
    return NameClassifier.fit(examples, l2=0.1)


def test_features_are_sorted_unique_and_case_aware():
    feats = name_features("FlowNet")
    assert feats == sorted(set(feats))
    assert "initial_cap:True" in feats and "all_lower:False" in feats
    assert "c3:net" in feats and "last:flownet" in feats


def test_classifier_generalises_from_name_parts_to_unseen_names():
    clf = toy_classifier()
    # Unseen names sharing parts with the training names ("Net", "LLaVA", "learning").
    assert clf.predict(name_features("PoseNet", shape_type("PoseNet"))) == "Model"
    assert clf.predict(name_features("Med-LLaVA", shape_type("Med-LLaVA"))) == "Model"
    assert clf.predict(name_features("metric learning", shape_type("metric learning"))) \
        == "Method"


def test_fit_is_deterministic_and_round_trips_through_dict():
    a, b = toy_classifier(), toy_classifier()
    assert a.to_dict() == b.to_dict()
    c = NameClassifier.from_dict(a.to_dict())
    feats = name_features("PoseNet")
    assert c.logit(feats) == a.logit(feats)


def test_empty_classifier_leaves_shape_rules_in_charge():
    nlp = spacy.blank("en")
    doc = nlp("We use PoseNet here .")
    span = Span(doc, 2, 3, label="Method")
    assert decide_type(span, None, NameClassifier()) == "Method"  # no rule fires: NER label
    assert decide_type(span, None, toy_classifier()) == "Model"


def test_gazetteer_size_and_context_outrank_the_classifier():
    clf = toy_classifier()
    nlp = spacy.blank("en")
    doc = nlp("We train FlowNet , a new algorithm , and DeepFM-7B .")
    assert decide_type(Span(doc, 2, 3, label="Method"), "Method", clf) == "Method"
    assert decide_type(Span(doc, 2, 3, label="Method"), None, clf) == "Method"  # "a … algorithm"
    doc2 = nlp("We train beam search-7B .")
    assert decide_type(Span(doc2, 2, 5, label="Method"), None, clf) == "Model"  # size


def test_typing_component_stores_its_classifier_with_to_disk(tmp_path):
    typing = EntityTyping(toy_classifier())
    typing.to_disk(tmp_path / "kg_entity_typing")
    loaded = EntityTyping().from_disk(tmp_path / "kg_entity_typing")
    assert loaded.classifier.to_dict() == typing.classifier.to_dict()
    # An empty classifier writes nothing and loads as empty.
    EntityTyping().to_disk(tmp_path / "empty")
    assert not EntityTyping().from_disk(tmp_path / "empty").classifier


def test_shipped_pipeline_has_a_trained_name_classifier():
    from kg.extract.pipeline import load_pipeline

    nlp = load_pipeline()
    clf = nlp.get_pipe("kg_entity_typing").classifier
    assert len(clf.weights) > 1000
    doc = nlp("We compare against SegNet and apply label smoothing.")
    types = {e.text: e.label_ for e in doc.ents}
    assert types.get("SegNet") == "Model", types
