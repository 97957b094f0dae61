"""Paper-level relations and roles on hand-written abstracts (rules of kg/extract/paper/,
relations.py and roles.py), with an ``entity_ruler`` standing in for the trained NER."""

from __future__ import annotations

import pytest
import spacy

from kg.extract.paper.extraction import paper_extraction
from kg.records import Paper


@pytest.fixture(scope="module")
def nlp():
    import kg.extract.pipeline  # noqa: F401  registers the factories

    tokenizer = {"@tokenizers": "kg.scientific_tokenizer.v1"}
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": tokenizer}})
    nlp.add_pipe("kg_sentences")
    ruler = nlp.add_pipe("entity_ruler")
    words = {
        "Method": ["FooNet", "BarFormer", "gated fusion", "skip connections", "PPO", "DQN",
                   "A3C", "Evolution Strategies", "LoRA", "beam search", "Binary Rewards",
                   "random sampling", "hard negative sampling", "Partial LoRA", "FooNet-PPO",
                   "ADQN", "DeepDQN"],
        "Model": ["Llama-2-7B", "GPT-4", "Mistral-7B"],
        "Dataset": ["GSM8K", "TinyQA", "Wikipedia", "SQuAD"],
        "Task": ["question answering", "image segmentation", "reading comprehension"],
        "Metric": ["accuracy"],
    }
    ruler.add_patterns([{"label": lab, "pattern": w} for lab, ws in words.items() for w in ws])
    for name in ("kg_abbreviations", "kg_entity_merger", "kg_entity_filter",
                 "kg_entity_typing", "kg_relations", "kg_results"):
        nlp.add_pipe(name)
    return nlp


def run(nlp, title: str, abstract: str):
    paper = Paper(id="p", title=title, abstract=abstract)
    return paper_extraction(paper, nlp(title), nlp(abstract))


def rels(ext):
    return {(r.head, r.rel, r.tail) for r in ext.relations}


def roles(ext):
    return {e.name: e.role for e in ext.entities}


def test_main_contribution_is_based_on_the_papers_other_contributions(nlp):
    ext = run(nlp, "FooNet for image segmentation",
              "We propose FooNet for image segmentation. We also introduce gated fusion, "
              "a module that merges features.")
    assert roles(ext)["gated fusion"] == "proposes"
    assert ("FooNet", "based_on", "gated fusion") in rels(ext)


def test_proposed_dataset_serves_the_tasks_and_models_are_evaluated_on_it(nlp):
    ext = run(nlp, "TinyQA: a benchmark for question answering",
              "We introduce TinyQA, a new benchmark for question answering. "
              "We test Llama-2-7B and GPT-4 on it.")
    assert roles(ext)["TinyQA"] == "proposes"
    assert ("TinyQA", "used_for", "question answering") in rels(ext)
    assert ("GPT-4", "evaluated_on", "TinyQA") in rels(ext)
    assert ("Llama-2-7B", "evaluated_on", "TinyQA") in rels(ext)


def test_catchphrase_title_prefix_is_not_the_contribution(nlp):
    ext = run(nlp, "Beyond Binary Rewards: Training FooNet to Reason",
              "We propose FooNet, trained with PPO, and evaluate it on GSM8K.")
    assert roles(ext).get("Binary Rewards") != "proposes"
    assert ("FooNet", "evaluated_on", "GSM8K") in rels(ext)
    assert not any(r.head == "Binary Rewards" for r in ext.relations)


def test_our_method_outperforms_names_the_papers_contribution_as_head(nlp):
    ext = run(nlp, "FooNet: fast image segmentation",
              "We propose FooNet for image segmentation. "
              "On GSM8K, our method outperforms DQN and A3C by a large margin.")
    assert ("FooNet", "outperforms", "DQN") in rels(ext)
    assert ("FooNet", "outperforms", "A3C") in rels(ext)


def test_not_only_is_no_negation_of_outperforms(nlp):
    ext = run(nlp, "A title",
              "Results show that FooNet not only outperforms DQN but also surpasses A3C.")
    assert ("FooNet", "outperforms", "DQN") in rels(ext)
    assert ("FooNet", "outperforms", "A3C") in rels(ext)


def test_higher_than_is_a_comparison(nlp):
    ext = run(nlp, "A title", "FooNet reaches 3x higher throughput than BarFormer on GSM8K.")
    assert ("FooNet", "outperforms", "BarFormer") in rels(ext)


def test_title_name_the_abstract_writes_as_a_common_noun_is_not_proposed(nlp):
    ext = run(nlp, "Taming Gated Fusion for Image Segmentation",
              "Gated fusion is widely used in vision. We show that gated fusion collapses "
              "and propose FooNet to avoid it.")
    assert roles(ext)["gated fusion"] != "proposes"
    assert roles(ext)["FooNet"] == "proposes"


def test_fine_tuned_base_model_is_used_not_proposed(nlp):
    ext = run(nlp, "A title", "We fine-tune Mistral-7B on 20K prompts to obtain FooNet.")
    assert roles(ext)["Mistral-7B"] == "uses"


def test_entity_after_a_preposition_of_the_proposal_is_not_proposed(nlp):
    ext = run(nlp, "A title",
              "We present a technique for adding global context to BarFormer for "
              "image segmentation.")
    assert roles(ext)["BarFormer"] == "uses"


def test_names_extending_the_proposed_name_are_proposed_too(nlp):
    nlp.get_pipe("entity_ruler").add_patterns(
        [{"label": "Method", "pattern": "FooNet-Mixer"}])
    ext = run(nlp, "A title",
              "We propose FooNet. It works through FooNet-Mixer, which blends features.")
    assert roles(ext)["FooNet"] == "proposes"
    assert roles(ext)["FooNet-Mixer"] == "proposes"


def test_title_prefix_name_completes_a_shorter_ner_span(nlp):
    ext = run(nlp, "FooNet 3: Faster image segmentation",
              "We present FooNet 3 for image segmentation and evaluate it on GSM8K.")
    names = {e.name for e in ext.entities}
    assert "FooNet 3" in names and "FooNet" not in names
    assert ("FooNet 3", "evaluated_on", "GSM8K") in rels(ext)


def test_a_title_that_is_just_the_name_proposes_it(nlp):
    ext = run(nlp, "BarFormer", "BarFormer builds on PPO and is evaluated on GSM8K.")
    assert roles(ext)["BarFormer"] == "proposes"
    assert ("BarFormer", "evaluated_on", "GSM8K") in rels(ext)


def test_a_name_built_from_another_name_is_based_on_it(nlp):
    ext = run(nlp, "Partial LoRA for question answering",
              "We propose Partial LoRA and FooNet-PPO. Partial LoRA freezes half of LoRA. "
              "FooNet-PPO trains FooNet with PPO. DeepDQN stacks DQN layers.")
    found = rels(ext)
    assert ("DeepDQN", "based_on", "DQN") in found
    assert ("Partial LoRA", "based_on", "LoRA") in found
    assert ("FooNet-PPO", "based_on", "FooNet") in found
    assert ("FooNet-PPO", "based_on", "PPO") in found
    assert not {("LoRA", "based_on", "Partial LoRA"), ("FooNet", "based_on", "FooNet-PPO")} & found


def test_a_name_inside_a_longer_word_is_no_part_of_it(nlp):
    ext = run(nlp, "A study", "We compare DQN with A3C. ADQN is another method.")
    assert {"DQN", "ADQN"} <= set(roles(ext))
    assert not any(r.rel == "based_on" for r in ext.relations)


def test_improves_over_and_superiority_over_are_comparisons(nlp):
    ext = run(nlp, "A study",
              "FooNet improves the accuracy on GSM8K by 5 points over DQN. "
              "BarFormer shows clear superiority over A3C.")
    assert {("FooNet", "outperforms", "DQN"), ("BarFormer", "outperforms", "A3C")} <= rels(ext)


def test_models_run_on_a_contributed_benchmark_are_evaluated_on_it_beside_a_method(nlp):
    # arXiv 2512.20983: a paper proposing a method and a benchmark, "a final evaluation of 12
    # frontier LLMs: Claude Opus 4.5, ..."; a kind of its own for the keep model.
    ext = run(nlp, "FooNet: probing models",
              "We propose FooNet and release TinyQA, a benchmark for question answering. "
              "We ran a final evaluation of GPT-4 and Mistral-7B.")
    assert {("GPT-4", "evaluated_on", "TinyQA"), ("Mistral-7B", "evaluated_on", "TinyQA"),
            ("TinyQA", "used_for", "question answering")} <= rels(ext)


def test_a_method_used_far_from_the_contribution_is_a_candidate_base(nlp):
    # arXiv 2508.07372, "DIP-GS: Deep Image Prior For Gaussian Splatting ...": the base is
    # named where the abstract neither names the contribution nor speaks of "we".
    ext = run(nlp, "FooNet: fast image segmentation",
              "We propose FooNet for image segmentation. PPO updates a policy in small steps.")
    assert ("FooNet", "based_on", "PPO") in rels(ext)


def test_the_papers_other_proposed_system_is_a_candidate_for_its_datasets_and_tasks(nlp):
    # arXiv 2603.17684: the title names one contribution, the abstract relates another
    # ("AFSS achieves ... on MS COCO 2017"); a kind of its own for the keep model.
    ext = run(nlp, "FooNet: fast question answering",
              "We propose FooNet for question answering. We also introduce BarFormer, "
              "evaluated on GSM8K.")
    assert roles(ext)["BarFormer"] == "proposes"
    assert {("BarFormer", "evaluated_on", "GSM8K"),
            ("BarFormer", "used_for", "question answering")} <= rels(ext)


def test_a_study_without_a_contribution_relates_the_methods_it_uses_to_its_tasks(nlp):
    # arXiv 2506.03345, "Semiconductor SEM Image Defect Classification Using Supervised and
    # Semi-Supervised Learning with Vision Transformers": no proposed system or dataset.
    ext = run(nlp, "A study of image segmentation",
              "We study how DQN and LoRA behave on image segmentation.")
    assert not any(e.role == "proposes" for e in ext.entities)
    assert {("DQN", "used_for", "image segmentation"),
            ("LoRA", "used_for", "image segmentation")} <= rels(ext)
