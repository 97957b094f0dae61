"""Reported results read as a reader does (issue #20), each on the sentence it came from,
through the shipped pipeline: who scores, on what, and which numbers are no scores."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.pipeline import load_pipeline
from kg.records import Paper


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def results(nlp, abstract: str, title: str = "A paper") -> set[tuple]:
    (ext,) = extract([Paper(id="p", title=title, abstract=abstract)], nlp=nlp)
    return {(r.entity, r.dataset, r.value) for r in ext.results}


def test_respectively_pairs_each_value_with_its_dataset(nlp):
    found = results(nlp, "This paper shows that the LLaMA-2 7B model with common pre-training "
                         "already exhibits strong mathematical abilities, as evidenced by its "
                         "impressive accuracy of 97.7% and 72.0% on the GSM8K and MATH "
                         "benchmarks, respectively, when selecting the best response.")
    assert ("LLaMA-2 7B", "GSM8K", "97.7%") in found
    assert ("LLaMA-2 7B", "MATH", "72.0%") in found
    assert not any(d == "GSM8K" and v == "72.0%" for _, d, v in found)


def test_the_clause_subject_scores_not_the_nearest_name(nlp):
    found = results(nlp, "In this work, we present Orca-Math, a 7-billion-parameter SLM based "
                         "on the Mistral-7B, which achieves 86.81% on GSM8k without the need "
                         "for multiple model calls.", title="Orca-Math: Unlocking the "
                         "potential of SLMs in Grade School Math")
    assert {e for e, _, v in found if v == "86.81%"} == {"Orca-Math"}


def test_a_clause_after_while_credits_its_own_subject(nlp):
    found = results(nlp, "We propose MathFlow, a reasoning method. On GSM8K, Llama-2 70B "
                         "reaches 56.8% accuracy, while MathFlow reaches 81.2%.",
                    title="MathFlow: reasoning")
    assert ("Llama-2 70B", "GSM8K", "56.8%") in found
    assert {e for e, _, v in found if v == "81.2%"} == {"MathFlow"}


def test_a_model_trained_on_a_dataset_is_credited_not_the_dataset(nlp):
    found = results(nlp, "Our best model, OpenMath-CodeLlama-70B, trained on a subset of "
                         "OpenMathInstruct-1, achieves a score of 84.6% on GSM8K and 50.7% on "
                         "MATH, which is competitive with the best gpt-distilled models.")
    assert ("OpenMath-CodeLlama-70B", "GSM8K", "84.6%") in found
    assert not any(e == "OpenMathInstruct-1" for e, _, _ in found)


def test_from_x_to_y_reports_y(nlp):
    found = results(nlp, "Additionally, we improve the state-of-the-art results of perplexity "
                         "from 20.5 to 18.3 on WikiText-103 and from 55.3 to 54.5 on Penn "
                         "Treebank.", title="Transformer-XL: Attentive Language Models "
                         "Beyond a Fixed-Length Context")
    values = {v for _, _, v in found}
    assert {"18.3", "54.5"} <= values
    assert not values & {"20.5", "55.3"}


@pytest.mark.parametrize("sentence", [
    "Vim outperforms DeiT by 5.6 points in accuracy on ImageNet.",
    "SAT training improves a LLaVA-13B model by an average 11% on spatial benchmarks.",
    "HiSS outperforms Mamba by at least 23% on MSE.",
    "IRPO surpasses the AdaIR baseline by 0.83 dB on in-domain tasks and 3.43 dB on OOD "
    "settings.",
    "DocOwl 1.5 improves the SOTA performance by more than 10 points in 5/10 benchmarks.",
    "Vim is 2.8 times faster than DeiT and saves 86.8% GPU memory.",
])
def test_gains_margins_and_savings_are_not_scores(nlp, sentence):
    assert results(nlp, sentence) == set()


def test_digits_of_a_name_are_not_a_score(nlp):
    found = results(nlp, "We fine-tune lightweight LLaMA 3.2-3B models and achieve strong "
                         "results on tweets.")
    assert not any(v.startswith("3.2") for _, _, v in found)


def test_a_hyperparameter_setting_is_not_a_score(nlp):
    found = results(nlp, "On Mini-DDSM, ROI augmentation (best: p_roi = 0.10, alpha = 0.10) "
                         "yields modest average ROC-AUC gains.")
    assert found == set()


def test_an_arrow_between_two_scores_reports_the_later_one_on_the_dataset_before_it(nlp):
    # The sample corpus's RR paper: TeX's \rightarrow survives as "rightarrow".
    import json
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "kg" / "data" / "sample" / "papers.jsonl"
    paper = next(r for r in map(json.loads, sample.open(encoding="utf-8"))
                 if "rightarrow 61.7" in r["abstract"])
    found = results(nlp, paper["abstract"], title=paper["title"])
    values = {(d, v) for _, d, v in found}
    assert {("StrategyQA", "61.7"), ("CommonsenseQA", "72.7"), ("ARC-DA", "52.1")} <= values
    assert not {v for _, _, v in found} & {"58.9", "63.6", "31.6"}
