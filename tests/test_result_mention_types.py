"""Which mentions score in a sentence: the NER labels each occurrence alone, so the
results reader also hears the type the paper-level step decided for the name (#20)."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from kg.extract.doc.results import sentence_results
from kg.extract.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def labelled(nlp, text: str, labels: dict[str, str]):
    """``text`` as one sentence whose mentions are the tokens named in ``labels``."""
    doc = nlp.make_doc(text)
    for tok in doc:
        tok.is_sent_start = tok.i == 0
    doc.ents = [Span(doc, t.i, t.i + 1, label=labels[t.text]) for t in doc
                if t.text in labels]
    return doc


def found(doc, paper_type=None) -> set[tuple]:
    return {(c.entity.text if c.entity is not None else None,
             c.dataset.text if c.dataset is not None else None, c.value)
            for c in sentence_results(doc, paper_type)}


def test_a_system_the_ner_labelled_a_dataset_scores_once_the_paper_types_it(nlp):
    doc = labelled(nlp, "MathFlow reaches 81.2% accuracy on GSM8K.",
                   {"MathFlow": "Dataset", "GSM8K": "Dataset", "accuracy": "Metric"})
    assert not any(e == "MathFlow" for e, _, _ in found(doc))
    paper = {"MathFlow": "Method", "GSM8K": "Dataset", "accuracy": "Metric"}
    assert ("MathFlow", "GSM8K", "81.2%") in found(doc, lambda e: paper[e.text])


def test_a_system_label_on_the_mention_stands_when_the_paper_types_the_name_otherwise(nlp):
    doc = labelled(nlp, "MathFlow reaches 81.2% accuracy on GSM8K.",
                   {"MathFlow": "Method", "GSM8K": "Dataset", "accuracy": "Metric"})
    paper = {"MathFlow": "Dataset", "GSM8K": "Dataset", "accuracy": "Metric"}
    assert ("MathFlow", "GSM8K", "81.2%") in found(doc, lambda e: paper[e.text])


def test_the_paper_type_decides_between_dataset_and_metric(nlp):
    doc = labelled(nlp, "MathFlow reaches 81.2% accuracy on GSM8K.",
                   {"MathFlow": "Method", "GSM8K": "Metric", "accuracy": "Metric"})
    assert ("MathFlow", None, "81.2%") in found(doc)
    paper = {"MathFlow": "Method", "GSM8K": "Dataset", "accuracy": "Metric"}
    assert ("MathFlow", "GSM8K", "81.2%") in found(doc, lambda e: paper[e.text])


def test_a_method_applied_to_another_system_leaves_the_score_unowned(nlp):
    # "while domain-specific fine-tuning of Qwen2.5-VL-7B achieved 49.6%": the method
    # alone does not score, nor the model without it.
    labels = {"Distillation": "Method", "Qwen2.5-VL-7B": "Model", "accuracy": "Metric"}
    doc = labelled(nlp, "Distillation of Qwen2.5-VL-7B achieved 49.6% accuracy.", labels)
    assert not any(e is not None and v == "49.6%" for e, _, v in found(doc))
    doc = labelled(nlp, "Distillation achieved 49.6% accuracy.", labels)
    assert ("Distillation", None, "49.6%") in found(doc)
