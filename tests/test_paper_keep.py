"""The learned keep/drop decision (``kg_entity_keep``) over a paper's candidate entities,
and the storage both keep components share."""

from __future__ import annotations

import pytest
import spacy
from helpers import blank_doc
from spacy.tokens import Span

from kg.extract.learn import BinaryLogistic
from kg.extract.paper.extraction import paper_extraction
from kg.extract.paper.keep import EntityKeep, keep_features
from kg.extract.paper.relations import RelationKeep
from kg.records import Entity, Paper


def _toy_nlp():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "Metric", "pattern": [{"LOWER": "memory"}, {"LOWER": w}]}
                        for w in ("footprint", "use", "cost")])
    ruler.add_patterns([{"label": "Dataset", "pattern": name}
                        for name in ("GSM8K", "MATH", "SVAMP", "HotpotQA")])
    nlp.add_pipe("sentencizer")
    return nlp


def _candidates(nlp, paper: Paper) -> list[tuple[list[str], str]]:
    """(features, name) of each candidate of ``paper``, every candidate kept."""
    seen: list[tuple[list[str], str]] = []

    class Capture:
        def keep(self, entity, mentions, defined) -> bool:
            seen.append((keep_features(entity, mentions, defined), entity.name))
            return True

    paper_extraction(paper, nlp(paper.title), nlp(paper.abstract), keep=Capture())
    return seen


def test_features_describe_the_name_and_its_mentions():
    abstract = blank_doc("We cut the memory footprint of training. The memory footprint falls.")
    spans = [("abstract", Span(abstract, 3, 5, label="Metric")),
             ("abstract", Span(abstract, 9, 11, label="Metric"))]
    entity = Entity(name="memory footprint", type="Metric", role="uses", source="model")
    feats = keep_features(entity, spans, defined=False)
    assert feats == sorted(set(feats))
    assert {"source:model", "type:Metric", "role:uses", "mentions:2", "in_title:False",
            "defined:False", "known:False", "words:2", "lower:True", "acronym:False",
            "head:footprint", "first:memory", "type_head:Metric|footprint", "hc3: fo",
            "left:cut", "left:the", "right:of", "right:falls"} <= set(feats)


def test_a_toy_model_drops_a_generic_phrase_and_keeps_names():
    nlp = _toy_nlp()
    train = [Paper(id="a", title="Math at scale",
                   abstract="We train on GSM8K and MATH with a small memory footprint."),
             Paper(id="b", title="Fast reasoning",
                   abstract="Results on SVAMP improve while memory use drops."),
             Paper(id="c", title="Lean models",
                   abstract="HotpotQA accuracy rises; memory cost stays low.")]
    examples = [(f, not name.lower().startswith("memory"))
                for p in train for f, name in _candidates(nlp, p)]
    assert sum(y for _, y in examples) == 4 and len(examples) == 7
    keep = EntityKeep(BinaryLogistic.fit(examples, l2=0.1), threshold=0.5)
    paper = Paper(id="p", title="Small footprints",
                  abstract="On GSM8K, our method has a lower memory footprint.")
    everything = paper_extraction(paper, nlp(paper.title), nlp(paper.abstract))
    assert [e.name for e in everything.entities] == ["GSM8K", "memory footprint"]
    kept = paper_extraction(paper, nlp(paper.title), nlp(paper.abstract), keep=keep)
    assert [e.name for e in kept.entities] == ["GSM8K"]


def test_an_empty_model_keeps_every_candidate():
    nlp = _toy_nlp()
    paper = Paper(id="p", title="A study",
                  abstract="On GSM8K, our method has a lower memory footprint.")
    title, abstract = nlp(paper.title), nlp(paper.abstract)
    ext = paper_extraction(paper, title, abstract, keep=EntityKeep())
    assert ext == paper_extraction(paper, title, abstract)
    assert [e.name for e in ext.entities] == ["GSM8K", "memory footprint"]


@pytest.mark.parametrize("name, cls, file, weights, threshold", [
    ("kg_entity_keep", EntityKeep, "keep_model.json",
     {"head:footprint": -3.0, "acronym:True": 1.5}, 0.35),
    ("kg_relation_keep", RelationKeep, "relation_keep.json",
     {"rel:based_on": -1.0, "origin:used_for|paper": 0.5}, 0.4),
])
def test_keep_models_round_trip_through_the_pipeline(tmp_path, name, cls, file, weights,
                                                     threshold):
    from kg.extract.pipeline import blank

    nlp = blank()
    nlp.add_pipe(name)
    model = BinaryLogistic(weights, 0.25)
    pipe = nlp.get_pipe(name)
    pipe.model, pipe.threshold = model, threshold
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / name / file).exists()
    loaded = spacy.load(tmp_path / "nlp").get_pipe(name)
    assert loaded.model == model and loaded.threshold == threshold
    cls().to_disk(tmp_path / "empty")
    assert not cls().from_disk(tmp_path / "empty").model


def test_shipped_pipeline_carries_a_trained_keep_model():
    from kg.extract.pipeline import load_pipeline

    keep = load_pipeline().get_pipe("kg_entity_keep")
    assert len(keep.model.weights) > 100
    assert 0.0 < keep.threshold < 1.0
