"""Cross-paper entity resolution: what merges, what stays apart."""

from __future__ import annotations

from helpers import ent, extraction

from kg.resolve import resolve
from kg.util.normalize import family_of


def _node_of(res, pid, name):
    return res.assignment[(pid, name)]


def test_acronym_and_expansion_from_different_papers_merge():
    res = resolve([
        extraction("a", [ent("Reinforced Fine-Tuning", aliases=["ReFT"])]),
        extraction("b", [ent("ReFT")]),
    ])
    assert _node_of(res, "a", "Reinforced Fine-Tuning") == _node_of(res, "b", "ReFT")
    node = res.entities[_node_of(res, "b", "ReFT")]
    assert node.name == "Reinforced Fine-Tuning"
    assert node.papers == {"a", "b"}
    assert node.aliases["ReFT"] >= 2


def test_case_hyphen_space_and_plural_variants_merge():
    res = resolve([
        extraction("a", [ent("Chain-of-Thought", aliases=["CoT"])]),
        extraction("b", [ent("chain of thought")]),
        extraction("c", [ent("GPT4", "Model")]),
        extraction("d", [ent("GPT-4", "Model")]),
        extraction("e", [ent("knowledge graphs")]),
        extraction("f", [ent("Knowledge Graph")]),
    ])
    assert _node_of(res, "a", "Chain-of-Thought") == _node_of(res, "b", "chain of thought")
    assert _node_of(res, "c", "GPT4") == _node_of(res, "d", "GPT-4")
    assert _node_of(res, "e", "knowledge graphs") == _node_of(res, "f", "Knowledge Graph")


def test_unicode_variants_merge():
    res = resolve([
        extraction("a", [ent("BERT\u2010base", "Model")]),  # Unicode hyphen
        extraction("b", [ent("BERT-base", "Model")]),
        extraction("c", [ent("ＢＥＲＴ-base", "Model")]),  # full-width letters
    ])
    assert len({_node_of(res, p, n) for p, n in res.assignment}) == 1


def test_curated_synonym_merges():
    res = resolve([
        extraction("a", [ent("Chain-of-Thought")]),
        extraction("b", [ent("CoT prompting")]),
    ])
    assert _node_of(res, "a", "Chain-of-Thought") == _node_of(res, "b", "CoT prompting")


def test_same_acronym_with_different_expansions_stays_apart():
    res = resolve([
        extraction("a", [ent("Segment Anything Model", "Model", aliases=["SAM"])]),
        extraction("b", [ent("Sharpness-Aware Minimization", aliases=["SAM"])]),
        extraction("c", [ent("SAM")]),
    ])
    a = _node_of(res, "a", "Segment Anything Model")
    b = _node_of(res, "b", "Sharpness-Aware Minimization")
    c = _node_of(res, "c", "SAM")
    assert len({a, b, c}) == 3
    assert res.entities[a].label == "SAM (Segment Anything Model)"
    assert res.entities[b].label == "SAM (Sharpness-Aware Minimization)"


def test_a_bare_acronym_joins_the_expansion_nearly_every_paper_uses():
    usual = "Group Relative Policy Optimization"
    res = resolve([
        *(extraction(f"u{i}", [ent(usual, aliases=["GRPO"])]) for i in range(4)),
        extraction("r", [ent("Generalized Reward Policy Optimization", aliases=["GRPO"])]),
        extraction("bare", [ent("GRPO")]),
    ])
    assert _node_of(res, "bare", "GRPO") == _node_of(res, "u0", usual)
    rare = res.entities[_node_of(res, "r", "Generalized Reward Policy Optimization")]
    assert rare.papers == {"r"}
    assert rare.label == "GRPO (Generalized Reward Policy Optimization)"
    assert res.entities[_node_of(res, "u0", usual)].label == f"GRPO ({usual})"


def test_a_bare_acronym_with_two_common_expansions_stays_apart():
    res = resolve([
        *(extraction(f"a{i}", [ent("information retrieval", "Task", aliases=["IR"])])
          for i in range(3)),
        *(extraction(f"b{i}", [ent("image restoration", "Task", aliases=["IR"])])
          for i in range(3)),
        extraction("bare", [ent("IR", "Task")]),
    ])
    bare = _node_of(res, "bare", "IR")
    assert bare not in {_node_of(res, "a0", "information retrieval"),
                        _node_of(res, "b0", "image restoration")}


def test_a_form_cut_inside_a_parenthesis_is_trimmed_not_shown():
    res = resolve([
        extraction("a", [ent("supervised fine-tuning", aliases=["(SFT", "SFT", "P(d"])]),
        extraction("b", [ent("Self-Forcing Training", aliases=["SFT"])]),
    ])
    node = res.entities[_node_of(res, "a", "supervised fine-tuning")]
    assert node.label == "SFT (supervised fine-tuning)"
    assert not any("(" in a or ")" in a for a in node.aliases)


def test_sized_variants_stay_separate_and_link_to_family():
    res = resolve([
        extraction("a", [ent("Llama2-7B", "Model"), ent("Llama2-13B", "Model")]),
        extraction("b", [ent("Llama 2", "Model")]),
    ])
    v7 = _node_of(res, "a", "Llama2-7B")
    v13 = _node_of(res, "a", "Llama2-13B")
    fam = _node_of(res, "b", "Llama 2")
    assert len({v7, v13, fam}) == 3
    assert (v7, fam) in res.variants and (v13, fam) in res.variants


def test_family_node_is_created_when_no_paper_names_it():
    res = resolve([extraction("a", [ent("Qwen2.5-7B", "Model")])])
    (variant, family), = res.variants
    assert res.entities[family].name == "Qwen2.5"
    assert res.entities[family].derived


def test_family_of_size_suffixes():
    assert family_of("Llama2-13B") == "Llama2"
    assert family_of("Llama 3.1 8B") == "Llama 3.1"
    assert family_of("Meditron-70B") == "Meditron"
    assert family_of("GPT-4") is None
    assert family_of("ResNet-50") is None


def test_type_is_majority_vote():
    res = resolve([
        extraction("a", [ent("CLIP", "Model")]),
        extraction("b", [ent("CLIP", "Model")]),
        extraction("c", [ent("CLIP", "Method")]),
    ])
    assert res.entities[_node_of(res, "a", "CLIP")].type == "Model"


def test_resolution_is_independent_of_input_order():
    exts = [
        extraction("a", [ent("Reinforced Fine-Tuning", aliases=["ReFT"]),
                         ent("GSM8K", "Dataset")]),
        extraction("b", [ent("ReFT"), ent("gsm8k", "Dataset")]),
        extraction("c", [ent("PPO")]),
    ]
    r1, r2 = resolve(exts), resolve(list(reversed(exts)))
    assert r1.assignment == r2.assignment
    def names(r):
        return {k: v.name for k, v in r.entities.items()}

    assert names(r1) == names(r2)


def test_sized_model_named_after_a_method_is_based_on_it():
    res = resolve([extraction("a", [ent("JMLR", "Method", "proposes"),
                                    ent("JMLR-13B", "Model", "proposes")])])
    model = _node_of(res, "a", "JMLR-13B")
    method = _node_of(res, "a", "JMLR")
    assert res.built_with == [(model, method)]
    assert res.variants == []


def test_family_of_handles_colon_sizes():
    assert family_of("Llama3.1:70B") == "Llama3.1"


def test_resolution_reads_the_records_once():
    exts = [extraction("a", [ent("Reinforced Fine-Tuning", aliases=["ReFT"])]),
            extraction("b", [ent("ReFT")])]
    once = resolve(iter(exts))
    assert once.assignment == resolve(exts).assignment
    assert _node_of(once, "a", "Reinforced Fine-Tuning") == _node_of(once, "b", "ReFT")


# --- one node per thing across papers (issue #20) -----------------------------------------

def test_ms_coco_coco_and_mscoco_are_one_dataset():
    # "…trained on MS COCO…", "…COCO object detection…", "…the MSCOCO captions…"
    res = resolve([
        extraction("a", [ent("MS COCO", "Dataset")]),
        extraction("b", [ent("COCO", "Dataset")]),
        extraction("c", [ent("MSCOCO", "Dataset")]),
    ])
    assert len({_node_of(res, p, n) for p, n in (("a", "MS COCO"), ("b", "COCO"),
                                                  ("c", "MSCOCO"))}) == 1


def test_a_modality_task_and_its_generation_phrasing_are_one_task():
    # "Text-to-3D generation has seen …" / "… for text-to-3D"
    res = resolve([
        extraction("a", [ent("text-to-3D generation", "Task")]),
        extraction("b", [ent("text-to-3D", "Task")]),
        extraction("c", [ent("text-to-3D asset synthesis", "Task")]),
    ])
    assert _node_of(res, "a", "text-to-3D generation") == _node_of(res, "b", "text-to-3D")
    assert _node_of(res, "c", "text-to-3D asset synthesis") != _node_of(res, "b", "text-to-3D")


def test_a_benchmark_is_named_with_its_capitals_even_when_mostly_written_lower_case():
    # "… on GSM8K and MATH …" in one paper, "… math word problems (math) …" in two
    res = resolve([
        extraction("a", [ent("MATH", "Dataset")]),
        extraction("b", [ent("math", "Dataset")]),
        extraction("c", [ent("math", "Dataset")]),
    ])
    assert res.entities[_node_of(res, "b", "math")].name == "MATH"


def test_a_sized_variant_named_by_its_family_too_does_not_absorb_the_family():
    # "We introduce Mixtral 8x7B … Mixtral outperforms Llama 2 70B" / "… Mixtral …"
    res = resolve([
        extraction("a", [ent("Mixtral 8x7B", "Model", aliases=["Mixtral"])]),
        extraction("b", [ent("Mixtral", "Model")]),
        extraction("c", [ent("Mixtral 8x7B", "Model")]),
    ])
    assert _node_of(res, "a", "Mixtral 8x7B") == _node_of(res, "c", "Mixtral 8x7B")
    assert _node_of(res, "b", "Mixtral") != _node_of(res, "a", "Mixtral 8x7B")


def test_distinct_things_with_close_names_stay_apart():
    pairs = [("GPT-4", "GPT-4V", "Model"), ("Llama 2", "Llama 3", "Model"),
             ("BERT", "RoBERTa", "Model"), ("GSM8K", "MATH", "Dataset")]
    for a, b, etype in pairs:
        res = resolve([extraction("p", [ent(a, etype)]), extraction("q", [ent(b, etype)])])
        assert _node_of(res, "p", a) != _node_of(res, "q", b), (a, b)
