"""The batched greedy NER decodes exactly the entities spaCy's own decoding finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.pipeline import EntityRecognizer

from kg.extract.doc.greedy_ner import BatchedGreedyNER
from kg.extract.pipeline import assemble, default_pipeline_path, load_pipeline

SAMPLE = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample"


def _texts() -> list[str]:
    """Titles and abstracts of the sample corpus, plus shapes at the edges of BILUO's
    rules: a one-token doc, a name at the very end, whitespace, sentence starts."""
    papers = [json.loads(line)
              for line in (SAMPLE / "papers.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()][:40]
    return [t for p in papers for t in (p["title"], p["abstract"])] + [
        "BERT", "We fine-tune BERT", "", "GPT-4 \n\n outperforms  Llama 2 on GSM8K.\nMMLU",
        "We evaluate on ImageNet. COCO is used too. Accuracy and F1 are reported."]


def _annotated(nlp, texts: list[str], decode: str) -> list[list[tuple[int, int, str]]]:
    """Entities after the NER, decoded by the component itself (``batched``) or by
    spaCy's ``EntityRecognizer`` methods on the same component (``spacy``)."""
    ner = nlp.get_pipe("ner")
    docs = [nlp.get_pipe("kg_sentences")(nlp.make_doc(t)) for t in texts]
    docs = list(nlp.get_pipe("tok2vec").pipe(docs, batch_size=16))
    for i in range(0, len(docs), 16):
        batch = docs[i: i + 16]
        if decode == "batched":
            ner.set_annotations(batch, ner.predict(batch))
        else:
            EntityRecognizer.set_annotations(ner, batch, EntityRecognizer.predict(ner, batch))
    return [[(e.start, e.end, e.label_) for e in d.ents] for d in docs]


def test_the_shipped_ner_is_the_batched_decoder():
    nlp = load_pipeline()
    assert isinstance(nlp.get_pipe("ner"), BatchedGreedyNER)
    assert nlp.get_pipe_meta("ner").factory == "kg_ner"


def test_batched_decoding_finds_the_entities_spacys_decoding_finds():
    nlp = load_pipeline()
    texts = _texts()
    spacys = _annotated(nlp, texts, "spacy")
    assert sum(map(len, spacys)) > 200  # the comparison is about real entities
    assert _annotated(nlp, texts, "batched") == spacys


def test_every_token_gets_an_iob_tag_as_with_spacys_decoding():
    nlp = load_pipeline()
    doc = nlp("We fine-tune BERT on SQuAD and report exact match.")
    assert all(t.ent_iob_ in ("B", "I", "O") for t in doc)
    assert [t.ent_iob_ for t in doc if t.text == "We"] == ["O"]


def test_preset_entities_are_left_to_spacys_decoding():
    nlp = load_pipeline()
    ner = nlp.get_pipe("ner")
    text = "We fine-tune Foo Bar Baz on SQuAD."
    doc = nlp.get_pipe("tok2vec")(nlp.make_doc(text))
    start = text.index("Foo")
    doc.set_ents([doc.char_span(start, start + 11, label="Dataset")], default="unmodified")
    ner.set_annotations([doc], ner.predict([doc]))
    assert ("Foo Bar Baz", "Dataset") in [(e.text, e.label_) for e in doc.ents]


@pytest.mark.slow
def test_assembling_a_ner_trained_as_spacys_gives_the_batched_one(tmp_path):
    trained = tmp_path / "model-best"
    shutil.copytree(default_pipeline_path(), trained)
    config = (trained / "config.cfg").read_text(encoding="utf-8")
    assert config.count('factory = "kg_ner"') == 1
    (trained / "config.cfg").write_text(config.replace('factory = "kg_ner"', 'factory = "ner"'),
                                        encoding="utf-8")
    assert type(spacy.load(trained).get_pipe("ner")) is EntityRecognizer
    nlp = assemble(trained)
    assert isinstance(nlp.get_pipe("ner"), BatchedGreedyNER)
    text = "We fine-tune BERT on SQuAD and compare with GPT-4 on GSM8K."
    assert [e.text for e in nlp(text).ents] == [e.text for e in load_pipeline()(text).ents]
