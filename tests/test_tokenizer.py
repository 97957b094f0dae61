"""The scientific tokenizer keeps names whole and splits the punctuation around them."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.doc.tokenizer import make_nlp


@pytest.fixture(scope="module")
def nlp():
    return make_nlp()


def words(nlp, text: str) -> list[str]:
    return [t.text for t in nlp(text)]


@pytest.mark.parametrize(
    "name",
    [
        "GSM8K", "Llama2-13B", "O$^2$-Searcher", "GPT-4o", "BERTScore", "top-20",
        "Qwen2.5-7B", "GPT-3.5", "state-of-the-art", "PanGu-$\\pi$", "Fine-Tuning",
        "text-to-SQL", "128K", "$\\alpha$",
    ],
)
def test_model_and_dataset_names_stay_one_token(nlp, name):
    assert words(nlp, f"We use {name} here") == ["We", "use", name, "here"]


def test_parentheses_around_acronym_split(nlp):
    assert words(nlp, "Reinforced Fine-Tuning (ReFT)") == [
        "Reinforced", "Fine-Tuning", "(", "ReFT", ")"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SFT.", ["SFT", "."]),
        ("GSM8K,", ["GSM8K", ","]),
        ("Llama2-13B.", ["Llama2-13B", "."]),
        ("PanGu-$\\pi$-7B.", ["PanGu-$\\pi$-7B", "."]),
        ("GPT-3.5.", ["GPT-3.5", "."]),
        ("v1.5;", ["v1.5", ";"]),
        ("(GSM8K).", ["(", "GSM8K", ")", "."]),
    ],
)
def test_trailing_punctuation_splits_off(nlp, text, expected):
    assert words(nlp, text) == expected


def test_percentage_splits_number_from_sign(nlp):
    assert words(nlp, "reaches 70.5% accuracy") == ["reaches", "70.5", "%", "accuracy"]


def test_name_used_as_modifier_splits_before_based(nlp):
    assert words(nlp, "GPT-4-based judges") == ["GPT-4", "-", "based", "judges"]
    assert words(nlp, "BERT-like models") == ["BERT", "-", "like", "models"]


def test_em_dash_still_splits(nlp):
    assert words(nlp, "models—such as") == ["models", "—", "such", "as"]


def test_common_abbreviations_and_urls_kept(nlp):
    assert words(nlp, "e.g. https://github.com/a/b.") == ["e.g.", "https://github.com/a/b", "."]


def test_dollar_prefix_only_before_numbers(nlp):
    assert words(nlp, "costs $5 and ($x$)") == ["costs", "$", "5", "and", "(", "$x$", ")"]


def test_offsets_cover_text(nlp):
    text = "ReFT (Reinforced Fine-Tuning) beats SFT on GSM8K, by 9.2%."
    doc = nlp(text)
    assert "".join(t.text_with_ws for t in doc) == text


def test_config_references_registered_tokenizer(nlp):
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "kg.scientific_tokenizer.v1"


def test_pipeline_round_trip_keeps_tokenizer(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    text = "Llama2-13B beats GPT-3.5 on GSM8K."
    assert words(loaded, text) == words(nlp, text)
    assert loaded.config["nlp"]["tokenizer"]["@tokenizers"] == "kg.scientific_tokenizer.v1"


def test_hyphen_suffixes_are_configurable():
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {
        "@tokenizers": "kg.scientific_tokenizer.v1", "hyphen_suffixes": []}}})
    assert words(nlp, "GPT-4-based") == ["GPT-4-based"]


def test_shipped_pipeline_saves_the_codes_tokenizer(nlp):
    """Plain ``spacy.load`` restores the saved patterns over the code's: a pipeline saved
    before a tokenizer change would give other spaCy users the old behaviour."""
    from kg.extract.pipeline import default_pipeline_path

    saved = spacy.load(default_pipeline_path()).tokenizer
    assert saved.to_bytes(exclude=["vocab"]) == nlp.tokenizer.to_bytes(exclude=["vocab"])


def test_load_pipeline_tokenizes_with_the_code_not_the_saved_copy(nlp, tmp_path):
    from spacy.attrs import ORTH

    from kg.extract.pipeline import load_pipeline

    changed = make_nlp()
    changed.tokenizer.add_special_case("GPT-4o", [{ORTH: "GPT"}, {ORTH: "-4o"}])
    changed.to_disk(tmp_path / "p")
    assert words(spacy.load(tmp_path / "p"), "GPT-4o wins") == ["GPT", "-4o", "wins"]
    assert words(load_pipeline(str(tmp_path / "p")), "GPT-4o wins") == ["GPT-4o", "wins"]


def test_saved_patterns_do_not_depend_on_the_hash_seed():
    import subprocess
    import sys

    code = ("from kg.extract.doc.tokenizer import make_nlp; import hashlib, sys; "
            "sys.stdout.write(hashlib.sha256(make_nlp().tokenizer.to_bytes()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2", "3")}
    assert len(digests) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reinforcement learning(RL).", ["reinforcement", "learning", "(", "RL", ")", "."]),
        ("Chain-of-Thought(CoT)", ["Chain-of-Thought", "(", "CoT", ")"]),
        ("Mixture-of-Experts(MoE)-based", ["Mixture-of-Experts", "(", "MoE", ")", "-",
                                           "based"]),
        ("LLMs(GPT-4o)", ["LLMs", "(", "GPT-4o", ")"]),
        ("model~(DiT)", ["model", "~", "(", "DiT", ")"]),
        ("DeepSeek-R1(14.49%)", ["DeepSeek-R1", "(", "14.49", "%", ")"]),
    ],
)
def test_an_acronym_or_score_glued_to_a_name_splits_off(nlp, text, expected):
    assert words(nlp, text) == expected


@pytest.mark.parametrize("name", ["SE(2", "TD(λ", "Adam(W", "f(x", "GPT-4V(ision", "TD(0"])
def test_brackets_that_belong_to_a_name_stay_in_its_token(nlp, name):
    assert words(nlp, f"{name})") == [name, ")"]
