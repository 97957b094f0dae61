"""The extractor's error classes a user saw in real abstracts, each on the sentence it came
from, through the shipped pipeline (issue #19)."""

from __future__ import annotations

import pytest

from kg.extract import extract
from kg.extract.doc.abbreviations import find_abbreviations
from kg.extract.doc.filters import is_generic
from kg.extract.pipeline import load_pipeline
from kg.records import Paper
from kg.util.normalize import display_name


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def entities(nlp, title: str, abstract: str) -> dict[str, tuple[str, str, list[str]]]:
    (ext,) = extract([Paper(id="p", title=title, abstract=abstract)], nlp=nlp)
    return {e.name: (e.type, e.role, e.aliases) for e in ext.entities}


# --- a list in parentheses is not a definition ------------------------------------------

PTLMS = ("Our data subset selection can be applied to efficiently train multiple PTLMs "
         "(BERT, BioBERT, GPT-2) while retaining most of their performance.")


def test_a_list_of_names_in_parentheses_defines_no_abbreviation():
    assert find_abbreviations(PTLMS) == []


def test_a_definition_with_an_aside_after_a_comma_is_still_a_definition():
    (ab,) = find_abbreviations("We propose Reinforced Fine-Tuning (ReFT, see below) here.")
    assert (ab.short, ab.long) == ("ReFT", "Reinforced Fine-Tuning")


def test_listed_models_keep_their_own_names(nlp):
    found = entities(nlp, "INGENIOUS: Using Informative Data Subsets", PTLMS)
    assert "BERT" in found
    assert not any(name.startswith("be applied") for name in found)


# --- the paper's own contribution, named in the title, used by its short form -------------

VIM_TITLE = ("Vision Mamba: Efficient Visual Representation Learning with Bidirectional "
             "State Space Model")
VIM = ("In this paper, we show that the reliance on self-attention for visual representation "
       "learning is not necessary and propose a new generic vision backbone with bidirectional "
       "Mamba blocks (Vim), which marks the image sequences with position embeddings. On "
       "ImageNet classification, Vim achieves higher performance compared to well-established "
       "vision transformers like DeiT. For example, Vim is 2.8 times faster than DeiT.")


def test_title_name_used_by_its_short_form_is_the_proposed_entity(nlp):
    found = entities(nlp, VIM_TITLE, VIM)
    assert "Vision Mamba" in found
    etype, role, aliases = found["Vision Mamba"]
    assert role == "proposes" and "Vim" in aliases


def test_a_catchphrase_title_without_a_short_form_in_the_abstract_is_no_entity(nlp):
    found = entities(nlp, "Beyond Binary Rewards: Training LMs to Reason About Uncertainty",
                     "We study calibration of language models trained with PPO on GSM8K. "
                     "PPO improves accuracy while calibration gets worse.")
    assert "Beyond Binary Rewards" not in found


# --- one thing named twice in one paper -------------------------------------------------

MIXTRAL = ("We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. "
           "Mixtral has the same architecture as Mistral 7B, with the difference that each "
           "layer is composed of 8 feedforward blocks. Mixtral outperforms Llama 2 70B and "
           "GPT-3.5 across all evaluated benchmarks. We also provide a model fine-tuned to "
           "follow instructions, Mixtral 8x7B - Instruct.")
DEEPSEEKMATH = ("In this paper, we introduce DeepSeekMath 7B, which continues pre-training "
                "DeepSeek-Coder-Base-v1.5 7B with 120B math-related tokens sourced from Common "
                "Crawl. DeepSeekMath 7B has achieved an impressive score of 51.7% on the "
                "competition-level MATH benchmark. The mathematical reasoning capability of "
                "DeepSeekMath is attributed to two key factors.")


def test_a_name_and_its_only_sized_variant_are_one_entity(nlp):
    found = entities(nlp, "Mixtral of Experts", MIXTRAL)
    assert "Mixtral 8x7B" in found and "Mixtral" not in found
    assert "Mixtral" in found["Mixtral 8x7B"][2]
    found = entities(nlp, "DeepSeekMath: Pushing the Limits of Mathematical Reasoning",
                     DEEPSEEKMATH)
    assert "DeepSeekMath 7B" in found and "DeepSeekMath" not in found
    assert found["DeepSeekMath 7B"][1] == "proposes"


def test_a_family_named_with_several_sizes_stays_apart_from_them(nlp):
    found = entities(nlp, "Scaling study",
                     "We fine-tune Llama 2 7B and Llama 2 13B. Llama 2 is a family of "
                     "open models; Llama 2 13B gains most.")
    assert {"Llama 2 7B", "Llama 2 13B"} <= set(found)
    assert not any("Llama 2 7B" in aliases for _, _, aliases in found.values()
                   if "Llama 2 13B" in aliases)


def test_a_parenthesis_glued_to_a_name_is_the_same_name(nlp):
    found = entities(
        nlp, "GPT-4V(ision) is a Human-Aligned Evaluator for Text-to-3D Generation",
        "This paper presents an automatic, versatile, and human-aligned evaluation metric for "
        "text-to-3D generative models. To this end, we first develop a prompt generator using "
        "GPT-4V to generate evaluating prompts, which serve as input to compare text-to-3D "
        "models. We further design a method instructing GPT-4V to compare two 3D assets "
        "according to user-defined criteria.")
    names = [n for n in found if n.startswith("GPT-4V")]
    assert names == ["GPT-4V"]
    assert "GPT-4V(ision)" in found["GPT-4V"][2]


def test_an_undefined_acronym_spelled_by_one_name_of_the_paper_is_that_entity(nlp):
    # arXiv listing: "Finite Element Analysis … traditional FEA simulations" never writes
    # "(FEA)", yet a reader lists one entity.
    found = entities(nlp, "Learned surrogates for structural simulation",
                     "We train a graph network to replace Finite Element Analysis in "
                     "structural design. Compared with traditional FEA simulations, the "
                     "surrogate is 100 times faster on the ABC benchmark.")
    fea = [n for n, (_, _, aliases) in found.items() if "FEA" in (n, *aliases)]
    assert len(fea) == 1
    assert fea[0] == "Finite Element Analysis"


def test_an_acronym_two_names_spell_joins_neither(nlp):
    # "SR" spells both "Super Resolution" and "Symbolic Regression": which one is meant is
    # not known, so the acronym stays its own entity.
    found = entities(nlp, "Two tasks",
                     "We study Super Resolution and Symbolic Regression with one model. "
                     "Our SR model improves PSNR on DIV2K.")
    for name, (_, _, aliases) in found.items():
        if name in ("Super Resolution", "Symbolic Regression"):
            assert "SR" not in aliases


# --- markup and fragments are not names ---------------------------------------------------

@pytest.mark.parametrize(("written", "shown"), [
    ("$A^*$", "A*"),
    ("mAP\\textsubscript{50", "mAP50"),
    ("Contrastive Language--Image Pre-training", "Contrastive Language-Image Pre-training"),
    ("PanGu-$\\pi$", "PanGu-π"),
    ("sched\\_ext", "sched_ext"),
    ("Flux~Dev", "Flux Dev"),
    ("Fr\\'echet Video Distance", "Fréchet Video Distance"),
    ("ChatGLM\\footnote\\urlhttps://chatglm.cn", "ChatGLM"),
    ("FFHQ-$1024", "FFHQ-1024"),
])
def test_names_are_shown_without_markup(written, shown):
    assert display_name(written) == shown


@pytest.mark.parametrize("plain", ["GPT-4", "C++", "snake_case_name", "Llama-2-7B", "k-NN"])
def test_plain_names_are_shown_as_written(plain):
    assert display_name(plain) == plain


def test_a_tex_name_is_shown_plain_and_kept_as_written_among_the_aliases(nlp):
    found = entities(nlp, "CLIP revisited",
                     "We train Contrastive Language--Image Pre-training (CLIP) models on "
                     "LAION-400M and compare CLIP with SigLIP on ImageNet.")
    name = next(n for n, (_, _, aliases) in found.items() if "CLIP" in aliases or n == "CLIP")
    assert "--" not in name


@pytest.mark.parametrize("fragment", ["and Conquer", "or Nothing", "Chain of",
                                      "Single Image to"])
def test_fragments_cut_at_a_conjunction_are_not_names(fragment):
    assert is_generic(fragment)


def test_tex_boxes_pasted_into_an_abstract_are_not_names():
    # arXiv 1712.06567: "it can train Atari in {\raise.17ex\hbox{$\scriptstyle\sim$}}4 hours"
    assert is_generic("raise.17ex\\scriptstyle\\sim}4")
    assert not is_generic("RAISE")


def test_a_latin_aside_with_tex_control_space_is_not_part_of_the_name(nlp):
    # arXiv 1712.06567: "reward-maximizing algorithms (e.g.\ DQN, A3C, ES, and the GA) fail"
    found = entities(nlp, "Deep Neuroevolution",
                     "The Deep GA can solve a problem on which reward-maximizing algorithms "
                     "(e.g.\\ DQN, A3C, ES, and the GA) fail. The Deep GA is faster than ES, "
                     "A3C, and DQN.")
    assert "DQN" in found
    assert not any("e.g." in name for name in found)


def test_an_acronym_defined_without_a_space_is_an_alias_of_its_long_form(nlp):
    # 2025-26 arXiv listing: "reinforcement learning(RL)", "Low-Rank Adaptation(LoRA)" made
    # names "reinforcement learning(RL" and "Low-Rank Adaptation(LoRA" (1 in 200 papers).
    found = entities(nlp, "Adapting policies",
                     "We fine-tune the policy with Low-Rank Adaptation(LoRA) and train it "
                     "with reinforcement learning(RL). LoRA keeps the memory low and RL "
                     "improves the success rate on ALFWorld.")
    assert not any("(" in name for name in found)
    assert "LoRA" in found["Low-Rank Adaptation"][2]
    assert "RL" in found["reinforcement learning"][2]


def test_a_name_with_its_own_brackets_keeps_the_closing_one(nlp):
    # arXiv listing: "planning on SE(2)", "TD(λ) learning" gave "SE(2" and "TD(λ".
    found = entities(nlp, "Planning with TD(λ)",
                     "We study TD(λ) for motion planning on SE(2) and compare it with "
                     "Monte Carlo methods.")
    assert "TD(λ)" in found
    assert not any(name.count("(") != name.count(")") for name in found)


@pytest.mark.parametrize("bound", ["O(n^2", "O(d", "O(\\log", "Θ(d"])
def test_a_complexity_bound_is_not_a_name(bound):
    assert is_generic(bound)
    assert not is_generic("OPT")


@pytest.mark.parametrize("macro", ["\\sys", "\\method", "\\bench"])
def test_an_unexpanded_tex_macro_is_not_a_name(macro):
    # arXiv listing: "we present \sys, a system for ..." (the author's \newcommand)
    assert is_generic(macro)
    assert not is_generic("PanGu-$\\pi$")
