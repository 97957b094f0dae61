"""Schwartz–Hearst abbreviation pairs, including the cases scispaCy's detector gets wrong."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.doc.abbreviations import Abbreviation, find_abbreviations
from kg.extract.doc.tokenizer import make_nlp


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.short, a.long) for a in find_abbreviations(text)]


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("We propose Supervised Fine-Tuning (SFT) here.", "SFT", "Supervised Fine-Tuning"),
        ("Large Language Models (LLMs) are used.", "LLMs", "Large Language Models"),
        ("Chain-of-Thought (CoT) prompting helps.", "CoT", "Chain-of-Thought"),
        ("Generative Teaching Networks (GTNs) make data.", "GTNs",
         "Generative Teaching Networks"),
        ("We use Low-Rank Adaptation (LoRA) to adapt.", "LoRA", "Low-Rank Adaptation"),
        ("a sparse Mixture of Experts (MoE) layer", "MoE", "Mixture of Experts"),
        ("the Vision Transformer (ViT) backbone", "ViT", "Vision Transformer"),
        ('the "Tree of Thoughts" (ToT) method', "ToT", "Tree of Thoughts"),
        ("Reinforcement Learning from Human Feedback (RLHF) aligns models.", "RLHF",
         "Reinforcement Learning from Human Feedback"),
        ("Open-domain Open-ended Searcher (O$^2$-Searcher) is an agent.", "O$^2$-Searcher",
         "Open-domain Open-ended Searcher"),
        ("Proximal Policy Optimization (PPO; Schulman et al., 2017) is used.", "PPO",
         "Proximal Policy Optimization"),
    ],
)
def test_long_form_then_short_form(text, short, long):
    assert pairs(text) == [(short, long)]


def test_offsets_point_into_the_text():
    text = "We propose Reinforced Fine-Tuning (ReFT) for reasoning."
    (ab,) = find_abbreviations(text)
    assert ab == Abbreviation("ReFT", 35, 39, "Reinforced Fine-Tuning", 11, 33)
    assert text[ab.short_start:ab.short_end] == ab.short
    assert text[ab.long_start:ab.long_end] == ab.long


def test_short_form_then_long_form_is_found_scispacy_192():
    text = "ReFT (Reinforced Fine-Tuning) improves reasoning."
    (ab,) = find_abbreviations(text)
    assert (ab.short, ab.long) == ("ReFT", "Reinforced Fine-Tuning")
    assert (ab.short_start, ab.long_start) == (0, 6)


def test_reverse_order_with_multiword_dataset_name():
    assert pairs("Results on GSM8K (Grade School Math 8K) improve.") == [
        ("GSM8K", "Grade School Math 8K")
    ]


def test_word_between_two_pairs_joins_neither_scispacy_441():
    text = "We compare Supervised Fine-Tuning (SFT) and Direct Preference Optimization (DPO)."
    assert pairs(text) == [
        ("SFT", "Supervised Fine-Tuning"), ("DPO", "Direct Preference Optimization")
    ]


def test_long_form_does_not_reach_back_over_previous_pair_scispacy_441():
    # Reaching back over "(GM) and", "Generative Models (GM) and Reward Models" would spell
    # G-R-M with word initials; the previous pair is a barrier, so GRM stays undefined.
    text = "Generative Models (GM) and Reward Models (GRM) are compared."
    assert pairs(text) == [("GM", "Generative Models")]


def test_long_form_does_not_start_with_a_function_word():
    text = "Integrating Large Language Models (LLMs) into Development Environments (IDEs) helps."
    assert pairs(text) == [("LLMs", "Large Language Models")]


def test_aside_in_parenthesis_is_not_a_short_form():
    assert pairs("It works in a few-shot fashion across modalities (i.e. ASR).") == []


def test_long_form_cut_short_is_extended_scispacy_410():
    assert pairs("Mindful memoization (MM) saves time.") == [("MM", "Mindful memoization")]


def test_long_form_never_crosses_a_sentence_break():
    text = "We study retrieval. Augmented Generation (RAG) is popular."
    assert all("retrieval" not in long for _, long in pairs(text))


def test_long_form_never_crosses_sentence_break_without_space_rules():
    text = "Results improve on reasoning! Aligned Generation (RAG) is popular."
    assert pairs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "BERT (Devlin et al., 2019) is strong.",
        "GPT-4 (OpenAI, 2023) is strong.",
        "Models (e.g., LLaMA) are strong.",
        "Our method (ours) wins (see Table 2).",
        "Accuracy improves (from 60% to 70%).",
        "We train it (twice) on data.",
    ],
)
def test_citations_and_asides_are_not_abbreviations(text):
    assert pairs(text) == []


def test_text_without_parenthesis_costs_nothing():
    assert find_abbreviations("No brackets at all in this text.") == []


@pytest.fixture(scope="module")
def nlp():
    nlp = make_nlp()
    nlp.add_pipe("kg_sentences")
    nlp.add_pipe("kg_abbreviations")
    return nlp


def test_component_stores_pairs_and_map(nlp):
    doc = nlp("We propose Reinforced Fine-Tuning (ReFT). ReFT beats SFT.")
    assert doc._.abbreviations == find_abbreviations(doc.text)
    assert doc._.abbreviation_map == {"ReFT": "Reinforced Fine-Tuning"}


def test_component_links_every_later_occurrence(nlp):
    doc = nlp("We propose Reinforced Fine-Tuning (ReFT). ReFT beats SFT; ReFT-based variants "
              "and two ReFTs win.")
    linked = [(s.text, s.kb_id_) for s in doc.spans["abbreviations"]]
    assert linked == [("ReFT", "Reinforced Fine-Tuning")] * 3 + [
        ("ReFTs", "Reinforced Fine-Tuning")
    ]
    later = doc.spans["abbreviations"][1]
    assert later._.long_form == "Reinforced Fine-Tuning"


def test_component_leaves_docs_without_pairs_empty(nlp):
    doc = nlp("Nothing is defined here.")
    assert doc._.abbreviations == []
    assert doc._.abbreviation_map == {}
    assert len(doc.spans["abbreviations"]) == 0


def test_component_round_trips_through_disk(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.pipe_names == ["kg_sentences", "kg_abbreviations"]
    doc = loaded("Direct Preference Optimization (DPO) is simple. DPO works.")
    assert doc._.abbreviation_map == {"DPO": "Direct Preference Optimization"}
