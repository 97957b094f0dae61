"""The learned keep/drop decision (``kg_result_keep``) over a paper's results (#20)."""

from __future__ import annotations

import math

import pytest
import spacy

from kg.extract.learn import BinaryLogistic
from kg.extract.paper.extraction import paper_extraction
from kg.extract.paper.results import ResultKeep
from kg.records import Paper

TITLE = "FooNet: fast question answering"
ABSTRACT = ("We propose FooNet for question answering. On GSM8K, FooNet achieves 84.0% "
            "accuracy, outperforming DQN (70.5%). We also reach 61.2% on MATH.")


@pytest.fixture(scope="module")
def nlp():
    import kg.extract.pipeline  # noqa: F401  registers the factories

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {
        "@tokenizers": "kg.scientific_tokenizer.v1"}}})
    nlp.add_pipe("kg_sentences")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": lab, "pattern": w} for lab, w in (
        ("Method", "FooNet"), ("Method", "DQN"), ("Dataset", "GSM8K"),
        ("Metric", "accuracy"))])
    for name in ("kg_entity_typing", "kg_relations", "kg_results"):
        nlp.add_pipe(name)
    return nlp


def _extract(nlp, keep=None):
    paper = Paper(id="p", title=TITLE, abstract=ABSTRACT)
    return paper_extraction(paper, nlp(TITLE), nlp(ABSTRACT), result_keep=keep)


class _Capture:
    threshold = 0.0

    def __init__(self) -> None:
        self.features: list[list[str]] = []

    def probability(self, features):
        self.features.append(features)
        return 1.0


def _results(ext) -> set[tuple]:
    return {(r.entity, r.dataset, r.metric, r.value) for r in ext.results}


def test_features_say_which_reading_found_a_result_and_what_surrounds_it(nlp):
    capture = _Capture()
    ext = _extract(nlp, capture)
    assert [(r.entity, r.value) for r in ext.results] == [
        ("FooNet", "84.0%"), ("DQN", "70.5%"), ("FooNet", "61.2%")]
    foonet, dqn, ours = (set(f) for f in capture.features)
    assert all(f == sorted(set(f)) for f in capture.features)
    assert {"rule:subject/verb", "who:main", "system:Method|proposes", "dataset:kept",
            "metric:kept", "linked:kept|kept", "unit:percent", "size:percent|<=90.0",
            "decimals:1", "compares:True", "values:<=2", "field:abstract",
            "in_parens:False", "value_left1:achieves", "value_left2:foonet",
            "value_right1:accuracy", "system_left1:,", "system_left2:gsm8k",
            "system_right1:achieves", "system_title:True"} <= foonet
    assert {"rule:subject/beside", "who:named", "system:Method|uses", "in_parens:True",
            "system_left1:outperforming", "system_gap:<=3", "value_left1:("} <= dqn
    assert {"rule:subject/we", "who:we", "dataset:none", "metric:none", "we_sentence:True",
            "compares:False", "values:<=1", "value_left1:reach", "value_right1:on"} <= ours
    assert not any(f.startswith("system_left") for f in ours)  # "we" names no system


def test_the_same_paper_gives_the_same_features(nlp):
    first, second = _Capture(), _Capture()
    _extract(nlp, first)
    _extract(nlp, second)
    assert first.features == second.features


def test_a_model_drops_results_under_its_threshold_and_leaves_relations_alone(nlp):
    everything = _extract(nlp)
    keep = ResultKeep(BinaryLogistic({"who:named": -4.0}, bias=1.0), threshold=0.5)
    kept = _extract(nlp, keep)
    assert _results(kept) == _results(everything) - {("DQN", "GSM8K", "accuracy", "70.5%")}
    assert [r.value for r in kept.results] == ["84.0%", "61.2%"]  # order kept
    # What the rules read from the dropped result still relates DQN to GSM8K.
    assert kept.relations == everything.relations
    assert kept.entities == everything.entities
    p = 1 / (1 + math.exp(-1.0))
    assert keep.probability(["who:main"]) == pytest.approx(p)
    lenient = ResultKeep(BinaryLogistic({"who:named": -4.0}, bias=1.0), threshold=0.04)
    assert _results(_extract(nlp, lenient)) == _results(everything)


def test_an_empty_model_keeps_every_result(nlp):
    everything = _extract(nlp)
    assert len(everything.results) == 3
    assert _extract(nlp, ResultKeep()) == everything
    assert not ResultKeep()


def test_the_result_keep_model_round_trips_through_the_pipeline(tmp_path):
    from kg.extract.pipeline import blank

    nlp = blank()
    nlp.add_pipe("kg_result_keep")
    model = BinaryLogistic({"who:named": -1.5, "rule:subject/verb": 0.75}, 0.25)
    pipe = nlp.get_pipe("kg_result_keep")
    pipe.model, pipe.threshold = model, 0.35
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "kg_result_keep" / "result_keep.json").exists()
    loaded = spacy.load(tmp_path / "nlp").get_pipe("kg_result_keep")
    assert isinstance(loaded, ResultKeep)
    assert loaded.model == model and loaded.threshold == 0.35
    ResultKeep().to_disk(tmp_path / "empty")
    assert not ResultKeep().from_disk(tmp_path / "empty").model


def test_the_pipeline_runs_the_result_keep_after_the_relation_keep():
    from kg.extract.pipeline import RULE_PIPES

    assert RULE_PIPES[-2:] == ("kg_relation_keep", "kg_result_keep")
