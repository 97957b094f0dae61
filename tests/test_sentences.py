"""Rule sentence boundaries survive the periods of scientific prose."""

from __future__ import annotations

import pytest

from kg.extract.doc.sentences import sentence_of, sentence_spans
from kg.extract.doc.tokenizer import make_nlp


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Models, e.g. GPT-4 and Llama, are strong.",
        "Models, e.g., GPT-4 and Llama, are strong.",
        "One task, i.e. QA, is studied.",
        "One task (i.e., QA) is studied.",
        "As Brown et al. (2020) show, scale helps.",
        "As shown by Smith et al. in prior work, scale helps.",
        "Accuracy rises by 3.5 points on GSM8K.",
        "We release v1.5 of the model today.",
        "We compare with GPT-3.5 and GPT-4 on MATH.",
        "See Fig. 3 and Eq. (2) for details.",
    ],
)
def test_no_break_inside_sentence(text):
    assert sentences(text) == [text]


def test_break_after_version_number_at_sentence_end():
    text = "We use GPT-3.5. It works. Then v1.5 follows."
    assert sentences(text) == ["We use GPT-3.5.", "It works.", "Then v1.5 follows."]


def test_break_after_decimal_at_sentence_end():
    assert sentences("Scores rise to 3.5. New models follow.") == [
        "Scores rise to 3.5.", "New models follow."
    ]


def test_etc_and_et_al_end_a_sentence_before_a_capital():
    text = "We test GPT, Llama, etc. We find gains. It follows Smith et al. We agree."
    assert sentences(text) == [
        "We test GPT, Llama, etc.", "We find gains.", "It follows Smith et al.", "We agree."
    ]


def test_question_and_exclamation_marks_end_sentences():
    assert sentences("Does it scale? Yes! It does.") == ["Does it scale?", "Yes!", "It does."]


def test_sentence_of_returns_enclosing_sentence():
    text = "First one. Second has GSM8K in it. Third."
    start = text.index("GSM8K")
    s, e = sentence_of(text, start, start + 5)
    assert text[s:e] == "Second has GSM8K in it."


def test_component_marks_token_sentence_starts():
    nlp = make_nlp()
    nlp.add_pipe("kg_sentences")
    doc = nlp("We use GPT-3.5. It is strong, e.g. on GSM8K. Done.")
    assert [s.text for s in doc.sents] == ["We use GPT-3.5.", "It is strong, e.g. on GSM8K.",
                                            "Done."]
