"""Gazetteer matches: typed, canonical, case-aware, and silent on ordinary words."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import spacy

from kg.extract.doc.gazetteer import (
    ENTITY_FILES,
    GazetteerEntry,
    default_data_dir,
    is_case_sensitive,
    load_entries,
)
from kg.extract.doc.tokenizer import make_nlp


@pytest.fixture(scope="module")
def nlp():
    nlp = make_nlp()
    nlp.add_pipe("kg_gazetteer")
    return nlp


def hits(nlp, text: str) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    return [(s.text, s.label_, s.kb_id_) for s in doc.spans["gazetteer"]]


def test_known_names_get_type_and_canonical_name(nlp):
    found = hits(nlp, "We fine-tune Llama-2 with LoRA and evaluate on GSM8K with accuracy.")
    assert found == [
        ("Llama-2", "Model", "Llama 2"),
        ("LoRA", "Method", "low-rank adaptation"),
        ("GSM8K", "Dataset", "GSM8K"),
        ("accuracy", "Metric", "accuracy"),
    ]


def test_dataset_math_is_case_sensitive(nlp):
    assert hits(nlp, "Results on MATH improve.") == [("MATH", "Dataset", "MATH")]
    assert hits(nlp, "We study math and Math education.") == []


def test_model_names_that_are_words_match_only_capitalised(nlp):
    assert ("Falcon", "Model", "Falcon") in hits(nlp, "We compare Falcon and Mistral.")
    assert hits(nlp, "A falcon flew over a mistral wind.") == []


def test_acronyms_do_not_match_lowercase_words(nlp):
    assert hits(nlp, "The sft and rag files.") == []
    assert hits(nlp, "SFT and RAG") == [
        ("SFT", "Method", "supervised fine-tuning"),
        ("RAG", "Method", "retrieval-augmented generation"),
    ]


def test_task_and_metric_phrases_match_in_any_case(nlp):
    assert hits(nlp, "Question Answering and question answering") == [
        ("Question Answering", "Task", "question answering"),
        ("question answering", "Task", "question answering"),
    ]
    assert hits(nlp, "lower Word Error Rate") == [
        ("Word Error Rate", "Metric", "word error rate")
    ]


def test_hyphen_and_space_variants_both_match(nlp):
    found = hits(nlp, "chain of thought and chain-of-thought and Chain-of-Thought")
    assert [f[2] for f in found] == ["chain-of-thought"] * 3


def test_longest_match_wins(nlp):
    assert hits(nlp, "open-domain question answering") == [
        ("open-domain question answering", "Task", "open-domain question answering")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Reasoning and Text matter.",
        "Overall, Open and All results.",
        "the text, the reasoning, overall",
        "High School Chemistry questions",
        "Large language models (LLMs) and NLP",
    ],
)
def test_generic_words_never_match(nlp, text):
    assert hits(nlp, text) == []


def test_leaderboard_split_matches_only_the_dataset(nlp):
    assert hits(nlp, "on COCO test-dev") == [("COCO", "Dataset", "COCO")]


def test_doc_ents_are_left_alone(nlp):
    doc = nlp("GPT-4 on GSM8K")
    assert doc.ents == ()
    assert len(doc.spans["gazetteer"]) == 2


def test_case_rule():
    assert is_case_sensitive("BERTScore", "Metric")
    assert is_case_sensitive("Spider", "Dataset")
    assert is_case_sensitive("SFT", "Method")
    assert not is_case_sensitive("Question Answering", "Task")
    assert not is_case_sensitive("Transformer", "Method")


def test_types_option_restricts_lists():
    nlp = make_nlp()
    nlp.add_pipe("kg_gazetteer", config={"types": ["Dataset"]})
    doc = nlp("GPT-4 on GSM8K")
    assert [(s.text, s.label_) for s in doc.spans["gazetteer"]] == [("GSM8K", "Dataset")]


def _write_tsv(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    path.write_text("name\ttype\taliases\tsource\n"
                    + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def test_custom_data_dir_and_round_trip_keep_entries(tmp_path):
    data = tmp_path / "gaz"
    data.mkdir()
    for stem in ENTITY_FILES:
        _write_tsv(data / f"{stem}.tsv", [])
    _write_tsv(data / "models.tsv", [("FooNet", "Model", "FooNet-7B", "hand")])
    nlp = make_nlp()
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_gazetteer", config={"data_dir": str(data)})
    nlp.add_pipe("kg_abbreviations")
    nlp.to_disk(tmp_path / "p")
    # The saved pipeline carries its entries: deleting the source lists changes nothing.
    for f in data.iterdir():
        f.unlink()
    loaded = spacy.load(tmp_path / "p")
    assert loaded.pipe_names == ["kg_sentences", "kg_gazetteer", "kg_abbreviations"]
    doc = loaded("FooNet-7B (FN) beats GPT-4. FN wins.")
    assert [(s.text, s.label_, s.kb_id_) for s in doc.spans["gazetteer"]] == [
        ("FooNet-7B", "Model", "FooNet")
    ]
    assert doc._.abbreviation_map == {"FN": "FooNet-7B"}


def test_a_form_of_two_entries_matches_both_and_the_first_entry_wins(tmp_path):
    data = tmp_path / "gaz"
    data.mkdir()
    for stem in ENTITY_FILES:
        _write_tsv(data / f"{stem}.tsv", [])
    _write_tsv(data / "datasets.tsv", [("ACE 2005", "Dataset", "ACE05", "a"),
                                       ("ACE2005", "Dataset", "ACE05", "b")])
    both = make_nlp()
    both.add_pipe("kg_gazetteer", config={"data_dir": str(data), "longest_only": False})
    assert hits(both, "Results on ACE05.") == [("ACE05", "Dataset", "ACE 2005"),
                                               ("ACE05", "Dataset", "ACE2005")]
    assert hits(both, "Results on ace05.") == []  # a proper name: case-sensitive
    first = make_nlp()
    first.add_pipe("kg_gazetteer", config={"data_dir": str(data)})
    assert hits(first, "Results on ACE05.") == [("ACE05", "Dataset", "ACE 2005")]


def test_round_trip_of_shipped_gazetteer(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    text = "DPO and PPO on MMLU with BLEU for machine translation."
    assert hits(loaded, text) == hits(nlp, text)


# --- the shipped data -----------------------------------------------------------------

def _rows(stem: str) -> list[dict[str, str]]:
    with (default_data_dir() / f"{stem}.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize(
    ("stem", "type_"),
    [("methods", "Method"), ("models", "Model"), ("datasets", "Dataset"), ("tasks", "Task"),
     ("metrics", "Metric")],
)
def test_shipped_lists_are_typed_and_sourced(stem, type_):
    rows = _rows(stem)
    assert rows and list(rows[0]) == ["name", "type", "aliases", "source"]
    assert {r["type"] for r in rows} == {type_}
    assert all(r["source"] for r in rows)
    assert all(len(r["name"]) >= 2 for r in rows)


def test_models_and_methods_are_mostly_hand_written():
    for stem in ("models", "methods"):
        rows = _rows(stem)
        assert sum(r["source"] == "hand" for r in rows) >= 200


def test_no_surface_form_matches_two_entries():
    """Case-sensitive forms may differ only in case ("FiD" model, "FID" metric); a
    case-insensitive form must not collide with any other entry's form."""
    exact: dict[str, GazetteerEntry] = {}
    lower: dict[str, GazetteerEntry] = {}
    for e in load_entries():
        for form in e.forms():
            if is_case_sensitive(form, e.type):
                assert exact.setdefault(form, e) is e, form
            else:
                assert lower.setdefault(form.lower(), e) is e, form
    for form, e in exact.items():
        assert lower.get(form.lower(), e) is e, form


def test_shipped_gazetteer_is_small():
    size = sum(p.stat().st_size for p in default_data_dir().rglob("*") if p.is_file())
    assert size < 5_000_000


def test_licence_credits_are_shipped():
    readme = (default_data_dir() / "README.md").read_text(encoding="utf-8")
    for credit in ("Papers with Code (CC BY-SA 4.0)", "sota-extractor", "Apache-2.0",
                   "NLP-progress", "MIT"):
        assert credit in readme


# --- the saved pattern table (patterns.json) ------------------------------------------

def _shipped():
    from kg.extract.pipeline import load_pipeline

    return load_pipeline()


def test_shipped_pattern_table_is_what_the_tokenizer_gives():
    """patterns.json holds, for every form, exactly the ORTH/LOWER values of its tokens
    under the shipped tokenizer: re-save the pipeline (nlp.to_disk) when it is stale."""
    from kg.extract.doc.gazetteer import _tokenizer_fingerprint

    nlp = _shipped()
    gaz = nlp.get_pipe("kg_gazetteer")
    saved = gaz._saved_patterns
    assert saved is not None and saved["tokenizer"] == _tokenizer_fingerprint(nlp)
    assert saved == gaz._pattern_table()


def test_matches_from_the_table_equal_matches_from_tokenizing():
    from kg.build import sample_corpus_path
    from kg.ingest import read_papers

    nlp = _shipped()
    gaz = nlp.get_pipe("kg_gazetteer")
    from_table = gaz._build()
    saved, gaz._saved_patterns = gaz._saved_patterns, None
    try:
        tokenized = gaz._build()
    finally:
        gaz._saved_patterns = saved
    texts = [t for p in read_papers([sample_corpus_path()]) for t in (p.title, p.abstract)]
    n = 0
    for doc in nlp.tokenizer.pipe(texts):
        for a, b in zip(from_table, tokenized, strict=True):
            got, want = list(a(doc)), list(b(doc))
            assert got == want
            n += len(got)
    assert n > 500


def test_a_changed_tokenizer_ignores_the_saved_table(tmp_path):
    from spacy.symbols import ORTH

    nlp = make_nlp()
    nlp.add_pipe("kg_gazetteer")
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.get_pipe("kg_gazetteer")._saved_patterns is not None
    assert hits(loaded, "We train GPT-4 on MMLU.") == hits(nlp, "We train GPT-4 on MMLU.")
    # A special case splits "GPT-4": the saved values would no longer line up with tokens.
    loaded = spacy.load(tmp_path / "p")
    loaded.tokenizer.add_special_case("GPT-4", [{ORTH: "GPT"}, {ORTH: "-4"}])
    fresh = make_nlp()
    fresh.tokenizer.add_special_case("GPT-4", [{ORTH: "GPT"}, {ORTH: "-4"}])
    fresh.add_pipe("kg_gazetteer")
    text = "We train GPT-4 on MMLU."
    assert hits(loaded, text) == hits(fresh, text)
    assert ("GPT-4", "Model", "GPT-4") in hits(loaded, text)
