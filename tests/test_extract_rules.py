"""Rule components of the extractor on hand-written sentences.

A spaCy ``entity_ruler`` with fixed patterns stands in for the statistical NER, so each
test checks one rule (filters, Model/Method typing, roles, relations, results, code
links) independently of what the trained model happens to find.
"""

from __future__ import annotations

import pytest
import spacy

from kg.extract.doc.code_links import find_code_links, normalize_url
from kg.extract.doc.filters import is_generic
from kg.extract.doc.mention_types import shape_type
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
        "Method": ["Reinforced Fine-Tuning", "ReFT", "SFT", "Supervised Fine-Tuning", "PPO",
                   "LLMs", "large language models", "our method", "JMLR", "DOTS",
                   "Chain-of-Thought", "CoT", "GPT-4", "Llama2-13B", "Meditron-70B",
                   "Marten", "LoRA", "contrastive learning", "BERT", "reinforcement learning",
                   "JMLR-13B"],
        "Dataset": ["GSM8K", "MathQA", "SVAMP", "MedQA"],
        "Task": ["math problem-solving", "question answering", "reasoning"],
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


def by_name(ext):
    return {e.name: e for e in ext.entities}


# --- filters -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["LLMs", "large language models", "our method",
                                  "a novel framework", "vision-language models", "42", "3.5%",
                                  "the model", "experiments"])
def test_generic_phrases_are_not_entities(text):
    assert is_generic(text)


@pytest.mark.parametrize("text", ["GSM8K", "contrastive learning", "PPO", "question answering",
                                  "reasoning", "Chain-of-Thought", "BERTScore"])
def test_named_things_are_entities(text):
    assert not is_generic(text)


def test_filter_drops_generic_entities_from_the_doc(nlp):
    ext = run(nlp, "A title", "We study LLMs and large language models with PPO.")
    assert set(by_name(ext)) == {"PPO"}


@pytest.mark.parametrize(("text", "kept"), [
    ("Optimizing Dense Retrieval", "Dense Retrieval"),
    ("Towards Open-Domain Question Answering", "Open-Domain Question Answering"),
    ("document-level MLLMs remains underexplored", "document-level MLLMs"),
    ("GSM8K is hard", "GSM8K"),
    ("Improving", "Improving"),  # a lone word is left to the other filters
])
def test_trim_cuts_headline_verbs_and_inner_verbs_off_spans(text, kept):
    from spacy.tokens import Span

    from kg.extract.doc.filters import trim_span

    doc = spacy.blank("en")(text)
    assert trim_span(Span(doc, 0, len(doc), label="Method")).text == kept


@pytest.mark.parametrize(("text", "name_end", "kept"), [
    ("results on PASCAL VOC 2007 and", 4, "PASCAL VOC 2007"),
    ("trained on WMT 15 data", 3, "WMT 15"),
    ("ImageNet 10 times faster", 1, "ImageNet"),
    ("COCO 2500 images", 1, "COCO"),
])
def test_dataset_names_keep_their_year_or_edition(text, name_end, kept):
    from spacy.tokens import Span

    from kg.extract.doc.filters import EntityFilter

    doc = spacy.blank("en")(text)
    start = next(i for i, t in enumerate(doc) if t.text[0].isupper())
    doc.set_ents([Span(doc, start, name_end, label="Dataset")])
    assert [e.text for e in EntityFilter()(doc).ents] == [kept]


# --- Model vs Method -----------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("Llama2-13B", "Model"), ("Meditron-70B", "Model"), ("GPT-4", "Model"),
    ("Qwen2.5-7B", "Model"), ("contrastive learning", "Method"),
    ("supervised fine-tuning", "Method"), ("policy optimization", "Method"),
])
def test_name_shape_decides_model_or_method(name, expected):
    assert shape_type(name) == expected


def test_context_makes_a_plain_name_a_model(nlp):
    ext = run(nlp, "A title", "We release Marten, a 7B multimodal model for documents.")
    assert by_name(ext)["Marten"].type == "Model"


def test_context_makes_a_plain_name_a_method(nlp):
    ext = run(nlp, "A title", "We propose DOTS, an approach that searches reasoning paths.")
    assert by_name(ext)["DOTS"].type == "Method"


# --- names, aliases and roles -----------------------------------------------------------


ReFT_ABSTRACT = (
    "One way to enhance reasoning is Supervised Fine-Tuning (SFT) with Chain-of-Thought (CoT) "
    "annotations. We propose Reinforced Fine-Tuning (ReFT) to enhance reasoning. ReFT first "
    "warms up the model with SFT, and then employs PPO. Experiments on GSM8K, MathQA, and "
    "SVAMP show that ReFT significantly outperforms SFT."
)


def test_acronym_and_long_form_become_one_entity_named_by_the_long_form(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    ents = by_name(ext)
    assert "Reinforced Fine-Tuning" in ents
    assert ents["Reinforced Fine-Tuning"].aliases == ["ReFT"]
    assert "ReFT" not in ents
    assert ents["Supervised Fine-Tuning"].aliases == ["SFT"]


def test_roles_follow_the_guideline(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    roles = {e.name: e.role for e in ext.entities}
    assert roles["Reinforced Fine-Tuning"] == "proposes"
    assert roles["GSM8K"] == roles["MathQA"] == roles["SVAMP"] == "evaluates_on"
    assert roles["PPO"] == "uses"
    assert roles["reasoning"] == "addresses"


def test_background_only_method_is_mentioned(nlp):
    ext = run(nlp, "A title", "Unlike previous work based on BERT, we propose DOTS for reasoning.")
    assert by_name(ext)["BERT"].role == "mentions"


def test_mentions_carry_offsets_into_their_field(nlp):
    title = "ReFT: Reasoning with Reinforced Fine-Tuning"
    ext = run(nlp, title, ReFT_ABSTRACT)
    for e in ext.entities:
        for m in e.mentions:
            text = title if m.field == "title" else ReFT_ABSTRACT
            assert text[m.start:m.end] == m.text


# --- relations ---------------------------------------------------------------------------


def rels(ext):
    return {(r.head, r.rel, r.tail) for r in ext.relations}


def test_outperforms_points_from_winner_to_loser(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    assert ("Reinforced Fine-Tuning", "outperforms", "Supervised Fine-Tuning") in rels(ext)
    assert ("Supervised Fine-Tuning", "outperforms", "Reinforced Fine-Tuning") not in rels(ext)


def test_based_on_from_employs(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    assert ("Reinforced Fine-Tuning", "based_on", "PPO") in rels(ext)


def test_proposed_method_is_evaluated_on_the_papers_datasets(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    for ds in ("GSM8K", "MathQA", "SVAMP"):
        assert ("Reinforced Fine-Tuning", "evaluated_on", ds) in rels(ext)
    assert ("Reinforced Fine-Tuning", "used_for", "reasoning") in rels(ext)


def test_negated_comparison_is_not_outperforms(nlp):
    ext = run(nlp, "A title", "We find that PPO does not outperform LoRA on GSM8K.")
    assert not any(r.rel == "outperforms" for r in ext.relations)


def test_relation_evidence_is_the_sentence(nlp):
    ext = run(nlp, "ReFT: Reasoning with Reinforced Fine-Tuning", ReFT_ABSTRACT)
    (out,) = [r for r in ext.relations if r.rel == "outperforms"]
    sent = ReFT_ABSTRACT[out.evidence.start:out.evidence.end]
    assert sent.startswith("Experiments on GSM8K") and sent.endswith("outperforms SFT.")


# --- results -----------------------------------------------------------------------------


def test_explicit_scores_become_results(nlp):
    text = "On MedQA, JMLR-13B (70.5%) outperforms Meditron-70B (68.9%) in accuracy."
    ext = run(nlp, "A title", text)
    got = {(r.entity, r.value, r.dataset, r.metric) for r in ext.results}
    assert ("JMLR-13B", "70.5%", "MedQA", "accuracy") in got
    assert ("Meditron-70B", "68.9%", "MedQA", "accuracy") in got


def test_relative_gains_are_not_results(nlp):
    text = "PPO improves accuracy by 3.2% and is 2.5x faster than LoRA on GSM8K."
    ext = run(nlp, "A title", text)
    assert ext.results == []


# --- code links ----------------------------------------------------------------------------


def test_code_links_lose_trailing_punctuation():
    text = "Code is at https://github.com/PriNing/Marten. Data: (github.com/a/b)."
    assert [u for *_, u in find_code_links(text)] == ["https://github.com/PriNing/Marten",
                                                       "github.com/a/b"]


def test_project_pages_without_a_scheme_are_found_but_not_email_hosts():
    text = "Project page: pivot-prompt.github.io. Mail me@lab.github.io or see x-y.github.io/demo)."
    assert [u for *_, u in find_code_links(text)] == ["pivot-prompt.github.io",
                                                       "x-y.github.io/demo"]


def test_code_link_normalisation_for_graph_nodes():
    assert normalize_url("GitHub.com/Foo/Bar.git/") == "https://github.com/Foo/Bar"


def test_code_links_reach_the_extraction(nlp):
    ext = run(nlp, "A title", "We propose DOTS. Code: https://github.com/x/dots.")
    assert ext.code == ["https://github.com/x/dots"]
