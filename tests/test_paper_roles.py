"""The learned paper-role model (``kg_paper_roles``) on top of the rule roles."""

from __future__ import annotations

import spacy
from helpers import blank_doc
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Span

from kg.extract.learn import BinaryLogistic, OneVsRest
from kg.extract.paper.extraction import paper_extraction
from kg.extract.paper.roles import ROLES, PaperRoles, role_features
from kg.records import Paper


def test_features_say_where_and_how_the_entity_is_mentioned():
    abstract = blank_doc("Prior work used BERT widely. We propose Foo. Foo beats BERT.")
    bert = [("abstract", Span(abstract, 3, 4, label="Model")),
            ("abstract", Span(abstract, 12, 13, label="Model"))]
    feats = role_features("uses", "Model", "model", bert, abstract)
    assert feats == sorted(set(feats))
    assert {"rule:uses", "type:Model", "type_rule:Model|uses", "source:model", "mentions:2",
            "in_title:False", "first_sentence:0", "only_in_first_sentence:False",
            "left:used", "right:widely", "left:beats"} <= set(feats)


def test_entity_named_only_in_the_title_is_marked_so():
    title = blank_doc("Foo: a method")
    abstract = blank_doc("Nothing here.")
    feats = role_features("proposes", "Method", "rule",
                          [("title", Span(title, 0, 1, label="Method"))], abstract)
    assert "not_in_abstract" in feats and "in_title:True" in feats


def test_one_vs_rest_learns_a_role_from_context_words():
    examples = [(["left:unlike", "rule:uses"], "mentions")] * 5
    examples += [(["left:with", "rule:uses"], "uses")] * 5
    model = OneVsRest.fit(examples, ROLES, l2=0.1)
    assert model.predict(["left:unlike", "rule:uses"]) == "mentions"
    assert model.predict(["left:with", "rule:uses"]) == "uses"
    assert OneVsRest.from_dict(model.to_dict()) == model


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]),
                       st.dictionaries(st.sampled_from(ROLES), st.integers(-3, 3)), max_size=4),
       st.lists(st.sampled_from(["a", "b", "c", "d", "unseen"]), max_size=5))
def test_one_vs_rest_predicts_the_class_of_highest_logit_first_listed_on_ties(table, feats):
    models = {r: BinaryLogistic({f: float(w[r]) for f, w in table.items() if r in w},
                                bias=0.5 if r == "uses" else 0.0) for r in ROLES}
    logits = {r: models[r].logit(feats) for r in ROLES}
    expected = next(r for r in ROLES if logits[r] == max(logits.values()))
    assert OneVsRest(models).predict(feats) == expected


def test_without_a_model_the_rules_role_stands():
    abstract = blank_doc("Unlike BERT, we do things.")
    span = [("abstract", Span(abstract, 1, 2, label="Model"))]
    assert PaperRoles().decide("uses", "Model", "model", span, abstract) == "uses"


def test_model_overrides_the_rule_role_in_paper_extraction():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "Model", "pattern": "BERT"}])
    nlp.add_pipe("sentencizer")
    paper = Paper(id="p", title="A study", abstract="We compare with BERT on things.")
    title, abstract = nlp(paper.title), nlp(paper.abstract)
    assert [e.role for e in paper_extraction(paper, title, abstract).entities] == ["uses"]
    always_mentions = OneVsRest({r: BinaryLogistic(bias=1.0 if r == "mentions" else -1.0)
                                 for r in ROLES})
    ext = paper_extraction(paper, title, abstract, PaperRoles(always_mentions))
    assert [e.role for e in ext.entities] == ["mentions"]


def test_role_model_is_stored_with_to_disk(tmp_path):
    model = OneVsRest({r: BinaryLogistic({"rule:" + r: 2.0}, -1.0) for r in ROLES})
    PaperRoles(model).to_disk(tmp_path / "roles")
    assert PaperRoles().from_disk(tmp_path / "roles").model == model
    PaperRoles().to_disk(tmp_path / "empty")
    assert not PaperRoles().from_disk(tmp_path / "empty").model


def test_shipped_pipeline_carries_a_trained_role_model():
    from kg.extract.pipeline import load_pipeline

    roles = load_pipeline().get_pipe("kg_paper_roles")
    counts = roles.model.nonzero_weights()
    assert set(counts) == set(ROLES)
    assert all(n > 50 for n in counts.values())
