"""TDMSci sentences as NER training docs (``training/prepare_data.tdmsci_examples``)."""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))

from prepare_data import tdmsci_examples, to_doc  # noqa: E402

CONLL = (
    "We\t124\tO\nimprove\t127\tO\nBLEU\t135\tB-METRIC\non\t140\tO\nthe\t143\tO\n"
    "WMT\t147\tB-DATASET\n14\t151\tI-DATASET\nEnglish-German\t154\tI-DATASET\n"
    "translation\t169\tB-TASK\ntask\t181\tO\n.\t185\tO\n\n"
    "Parsing\t187\tB-TASK\nworks\t195\tO\n.\t200\tO\n"
)


def test_sentences_keep_their_spacing_and_bio_spans_become_typed_spans(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text(CONLL, encoding="utf-8")
    (text, spans), (text2, spans2) = tdmsci_examples(path)
    assert text == "We improve BLEU on the WMT 14 English-German translation task."
    assert [(text[s:e], label) for s, e, label in spans] == [
        ("BLEU", "Metric"), ("WMT 14 English-German", "Dataset"), ("translation", "Task")]
    assert (text2, [(text2[s:e], lab) for s, e, lab in spans2]) == (
        "Parsing works.", [("Parsing", "Task")])


def test_tokens_outside_the_tags_are_missing_not_outside(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text(CONLL, encoding="utf-8")
    text, spans = next(tdmsci_examples(path))
    doc, dropped = to_doc(spacy.blank("en"), text, spans, default="missing")
    assert dropped == 0
    assert [t.ent_iob_ for t in doc][:3] == ["", "", "B"]  # "We improve" unknown, not O
    assert [(e.text, e.label_) for e in doc.ents][0] == ("BLEU", "Metric")
