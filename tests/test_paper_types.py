"""The learned paper-level type model (``kg_paper_types``) over the NER's type votes."""

from __future__ import annotations

import spacy
from helpers import blank_doc
from spacy.tokens import Span

from kg.extract.learn import BinaryLogistic, OneVsRest
from kg.extract.paper.extraction import paper_extraction
from kg.extract.paper.types import TYPES, PaperTypes, type_features
from kg.records import Entity, Paper


def test_features_describe_the_name_and_the_words_around_each_mention():
    doc = blank_doc("We evaluate on the MetaMathQA benchmark. MetaMathQA has 395K problems.")
    mentions = [("abstract", Span(doc, 4, 5, label="Method")),
                ("abstract", Span(doc, 7, 8, label="Method"))]
    feats = type_features(Entity(name="MetaMathQA", type="Method", role="uses"), mentions)
    assert feats == sorted(set(feats))
    assert {"role:uses", "head:metamathqa", "w:metamathqa", "c4:hqa ", "l1:the",
            "l2:on the", "r1:benchmark", "r2:benchmark .", "right:has", "sent:benchmark",
            "sent:evaluate", "size:False"} <= set(feats)


def test_features_do_not_see_the_ner_label():
    doc = blank_doc("Results of Mamba on long sequences.")
    as_method = [("abstract", Span(doc, 2, 3, label="Method"))]
    as_task = [("abstract", Span(doc, 2, 3, label="Task"))]
    assert (type_features(Entity(name="Mamba", type="Method"), as_method)
            == type_features(Entity(name="Mamba", type="Task"), as_task))


def test_sizes_gazetteer_type_and_stated_kind_become_features():
    doc = blank_doc("We train Foo-7B, a chat model.")
    span = Span(doc, 2, 3, label="Method", kb_id="Model|gazetteer")
    feats = set(type_features(Entity(name="Foo-7B", type="Method"), [("abstract", span)]))
    assert {"size:True", "gaz:Model", "said:Model"} <= feats


def test_without_a_model_the_ner_vote_stands():
    doc = blank_doc("We use BERT.")
    entity = Entity(name="BERT", type="Model")
    assert PaperTypes().decide(entity, [("abstract", Span(doc, 2, 3, label="Model"))]) == "Model"


def test_model_retypes_entities_in_paper_extraction():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Method", "pattern": "GSM8K"}])
    nlp.add_pipe("sentencizer")
    paper = Paper(id="p", title="A study", abstract="We report accuracy on GSM8K here.")
    title, abstract = nlp(paper.title), nlp(paper.abstract)
    assert [e.type for e in paper_extraction(paper, title, abstract).entities] == ["Method"]
    after_on = OneVsRest({t: BinaryLogistic({"l1:on": 2.0} if t == "Dataset" else {}, 0.0)
                          for t in TYPES})
    ext = paper_extraction(paper, title, abstract, types=PaperTypes(after_on))
    assert [e.type for e in ext.entities] == ["Dataset"]


def test_type_model_round_trips_through_the_pipeline(tmp_path):
    from kg.extract.pipeline import blank

    nlp = blank()
    nlp.add_pipe("kg_paper_types")
    model = OneVsRest({t: BinaryLogistic({"head:" + t.lower(): 1.5}, -0.5) for t in TYPES})
    nlp.get_pipe("kg_paper_types").model = model
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "kg_paper_types" / "type_model.json").exists()
    assert spacy.load(tmp_path / "nlp").get_pipe("kg_paper_types").model == model
    PaperTypes().to_disk(tmp_path / "empty")
    assert not PaperTypes().from_disk(tmp_path / "empty").model


def test_shipped_pipeline_carries_a_trained_type_model():
    from kg.extract.pipeline import load_pipeline

    types = load_pipeline().get_pipe("kg_paper_types")
    counts = types.model.nonzero_weights()
    assert set(counts) == set(TYPES)
    assert all(n > 100 for n in counts.values())


def test_type_model_is_stored_as_its_matrix_and_the_earlier_tables_still_load(tmp_path):
    import json

    model = OneVsRest({t: BinaryLogistic({"head:" + t.lower(): 1.5, "w:x": 0.25}, -0.5)
                       for t in TYPES})
    PaperTypes(model).to_disk(tmp_path / "new")
    head = json.loads((tmp_path / "new" / "type_model.json").read_text(encoding="utf-8"))
    assert head["features"] == sorted(head["features"])
    assert (tmp_path / "new" / "type_model.npy").exists()
    assert PaperTypes().from_disk(tmp_path / "new").model == model
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "type_model.json").write_text(json.dumps(model.to_dict()),
                                                      encoding="utf-8")
    old = PaperTypes().from_disk(tmp_path / "old").model
    assert old == model and old.predict(["head:task"]) == "Task"
    assert old != OneVsRest({t: BinaryLogistic({"head:" + t.lower(): 1.5}, -0.5)
                             for t in TYPES})
