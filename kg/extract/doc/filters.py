"""Drop what is not a named entity: generic classes, vague phrases, numbers.

The guideline's test: would a knowledge-graph user want a node for it that other papers
could also link to? "LLMs", "large language models", "our method", "a novel framework"
fail it; "contrastive learning" and "GSM8K" pass. Rules here are about the *shape* of a
phrase (determiners, generic head nouns, digits), not lists of particular papers' names.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.util.normalize import word_set

#: Leading words trimmed off an entity span ("the PPO algorithm" → "PPO algorithm").
LEADING_TRIM = word_set(
    """
    a an the our their its this these those that such both each every various several
    many multiple other new novel proposed existing standard popular typical recent
    modern conventional traditional current prior previous powerful strong simple same
    different widely commonly well-known
    """
)

#: Verbs that open titles and headline phrases ("Optimizing Dense Retrieval …", "Towards
#: …"): trimmed off the front of a span, since no name starts with them.
LEADING_VERBS = word_set(
    """
    optimizing optimising improving enhancing boosting accelerating towards toward
    understand understanding rethinking revisiting exploring unlocking leveraging
    mitigating evaluating benchmarking bridging unleashing empowering advancing
    teaching making enabling harnessing
    """
)

#: Verbs that end a name when they turn up inside a span: "MLLMs remains underexplored".
INNER_VERBS = word_set(
    """
    is are was were be been remains remain has have had does do did can could will would
    should may might must achieves achieve outperforms outperform shows show yields yield
    """
)

#: Trailing nouns that only say what kind of thing a name is.
TRAILING_ALWAYS = word_set("method methods technique techniques approach approaches strategy "
                           "strategies paradigm scheme procedure")
TRAILING_IF_PROPER = word_set("algorithm algorithms model models dataset datasets benchmark "
                              "benchmarks corpus framework frameworks architecture suite")

#: Words that make up generic class names; a span made only of these is not an entity.
GENERIC_WORDS = word_set(
    """
    large small big language languages model models llm llms mllm mllms vlm vlms lm lms
    lvlm lvlms slm slms vision visual multimodal multi-modal modal vision-language text
    textual neural deep network networks dnn dnns system systems method methods approach
    approaches framework frameworks technique techniques algorithm algorithms strategy
    strategies pipeline pipelines architecture architectures module modules baseline
    baselines data dataset datasets benchmark benchmarks corpus corpora task tasks agent
    agents tool tools solution solutions work works paper papers study studies result
    results performance experiment experiments evaluation evaluations metric metrics
    score scores foundation generative pretrained pre-trained open-source open source
    state-of-the-art sota art base instruction-tuned chat proprietary closed-source
    commercial powerful ai artificial intelligence machine learning-based based
    transformer-based end-to-end general-purpose specialized domain-specific downstream
    upstream input output inputs outputs feature features representation representations
    embedding embeddings parameter parameters layer layers image images video videos
    speech audio code question questions answer answers training inference test testing
    evaluation fine-tuned finetuned human humans user users expert experts problem
    problems setting settings
    """
)

#: Phrases that are never entities even though some words are specific.
STOP_PHRASES = frozenset({
    "our method", "our approach", "our model", "our framework", "this paper", "this work",
    "the model", "proposed method", "proposed approach", "proposed framework",
    "novel framework", "novel approach", "novel method", "new method", "new approach",
    "new dataset", "new benchmark", "previous work", "prior work", "related work",
    "experiments", "extensive experiments", "ablation", "ablation study", "ablation studies",
    "state of the art", "sota", "code", "github", "appendix", "figure", "table", "et al", "i.e",
    "e.g",
})

_NUMBERISH = re.compile(r"^[\W\d_]*$")
#: LaTeX left in abstracts: "$\rightarrow$72.9" must not become an entity "rightarrow72.9".
_LATEX_JUNK = re.compile(
    r"^\\?(?:rightarrow|leftarrow|uparrow|downarrow|to|times|cdot|approx|sim|pm|geq|leq|"
    r"cite|citep|citet|ref|url|footnote)(?![a-z])|\\cite|\\ref\{"
    # An author's own macro left unexpanded ("\sys", "\method"): every paper's system
    # would merge into one node of that name.
    r"|^\\[A-Za-z]+$",
    re.IGNORECASE,
)
#: TeX's boxes and spacing, left in an abstract by a pasted macro: "{\raise.17ex\hbox{$\scriptstyle
#: \sim$}}4 hours" must not become an entity "raise.17ex\scriptstyle\sim}4".
_TEX_BOX = re.compile(
    r"\\?(?:raise|lower)\s*-?[.\d]+\s*(?:ex|em|pt)\b"
    r"|\\(?:hbox|vbox|mbox|kern|hskip|vskip|hspace|vspace|scriptstyle|scriptscriptstyle|"
    r"displaystyle|textstyle)(?![A-Za-z])")
#: A Latin aside before a name, with TeX's control space glued on ("e.g.\ DQN"): not part
#: of the name.
_ASIDE = re.compile(r"^(?:e\.g|i\.e)\.?\\?$|^\\$", re.IGNORECASE)
_HAS_UPPER_OR_DIGIT = re.compile(r"[A-Z0-9]")
#: A complexity bound ("O(n^2)", "O(\\log T)", "Θ(d)"), not a name.
_COMPLEXITY_BOUND = re.compile(r"^[OΘΩ]\(")
#: A year or edition after a dataset name: "PASCAL VOC 2007", "COCO 2015", "WMT 15".
_YEAR = re.compile(r"^(?:19[89]\d|20[0-4]\d)$")
_EDITION = re.compile(r"^\d\d$")


def extend_dataset_edition(span: Span, taken: set[int]) -> Span:
    """"PASCAL VOC" + "2007" → "PASCAL VOC 2007": a dataset's year or edition is part of
    its name (the 2007 and 2012 VOC sets differ). Two-digit editions only after a short
    acronym ("WMT 15"), so "ImageNet 10 times" stays as it is."""
    doc = span.doc
    if span.label_ != "Dataset" or span.end >= len(doc) or span.end in taken:
        return span
    nxt = doc[span.end].text
    acronym = len(span) == 1 and span.text.isupper() and len(span.text) <= 5
    if _YEAR.match(nxt) or acronym and _EDITION.match(nxt):
        return Span(doc, span.start, span.end + 1, label=span.label, kb_id=span.kb_id)
    return span


#: Closing brackets a name opened inside one of its tokens: "SE(2" + ")" is "SE(2)".
_CLOSING = {"(": ")", "[": "]"}


def close_bracket(span: Span, taken: set[int]) -> Span:
    """"SE(2" + ")" → "SE(2)", "mAP@[0.5:0.95" + "]" → "mAP@[0.5:0.95]": the tokenizer
    splits a closing bracket off a word that opened it ("TD(λ)"), so a name whose last
    token opens a bracket takes the closing one glued to it (a bracket opened by a token
    of its own, "Kesten-Stigum (KS", is an acronym's, not the name's)."""
    doc = span.doc
    if (span.end >= len(doc) or span.end in taken or doc[span.end - 1].whitespace_
            or span.text[0] in _CLOSING):
        return span
    last, nxt = doc[span.end - 1].text, doc[span.end].text
    if any(nxt == close and last.count(open_) > last.count(close)
           for open_, close in _CLOSING.items()):
        return Span(doc, span.start, span.end + 1, label=span.label, kb_id=span.kb_id)
    return span


def trim_span(span: Span) -> Span | None:
    """Strip leading determiners/adjectives and trailing punctuation; None if nothing left."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in LEADING_TRIM or doc[start].is_punct
                           and doc[start].text not in "(" or end - start > 1
                           and doc[start].lower_ in LEADING_VERBS
                           or _ASIDE.match(doc[start].text)):
        start += 1
    for i in range(start + 1, end):
        if doc[i].lower_ in INNER_VERBS:
            end = i
            break
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in ")]"
                           or doc[end - 1].is_space):
        end -= 1
    # Unbalanced brackets at the edges.
    while end > start and doc[end - 1].text in ")]" and "(" not in doc[start:end].text:
        end -= 1
    while start < end and doc[start].text in "([" and ")" not in doc[start:end].text:
        start += 1
    # Trailing class nouns: "PPO algorithm" → "PPO", "curriculum learning method" →
    # "curriculum learning", "TriviaQA datasets" → "TriviaQA"; but "genetic algorithm" and
    # "diffusion model" are names as they stand.
    while end - start > 1:
        last = doc[end - 1].lower_
        rest = doc[start:end - 1]
        if rest[-1].is_punct or is_generic(rest.text):
            break
        proper = any(c.isupper() or c.isdigit() for c in rest.text)
        if last in TRAILING_ALWAYS or (last in TRAILING_IF_PROPER and proper):
            end -= 1
        else:
            break
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label, kb_id=span.kb_id)


def is_generic(text: str) -> bool:
    """Whether ``text`` names a generic class or vague phrase rather than an entity."""
    t = text.strip()
    low = t.lower()
    if (len(t) < 2 or _NUMBERISH.match(t) or _LATEX_JUNK.search(t) or _TEX_BOX.search(t)
            or _COMPLEXITY_BOUND.match(t)):
        return True
    if low in STOP_PHRASES or low.rstrip("s") in STOP_PHRASES:
        return True
    words = re.split(r"[\s/]+", low)
    while words and words[0] in LEADING_TRIM:
        words = words[1:]
    if not words:
        return True
    if all(w in GENERIC_WORDS or w.rstrip("s") in GENERIC_WORDS for w in words):
        # "LLMs", "vision-language models" … but keep odd casing like "BERT" if listed.
        return True
    # A fragment cut at a conjunction: "and Conquer" of "Divide and Conquer".
    if words[0] in {"and", "or", "nor", "but"} or words[-1] in {
            "and", "or", "of", "the", "to", "for", "with", "in", "on", "by", "from", "a", "an"}:
        return True
    # Pronoun-led or possessive phrases: "our method", "their approach".
    if words[0] in {"our", "their", "its", "his", "her", "we", "they", "it"}:
        return True
    # Lower-case phrases of many words are descriptions, not names.
    return len(words) > 6 and not _HAS_UPPER_OR_DIGIT.search(t)


@Language.factory("kg_entity_filter", default_config={"max_words": 8})
def make_entity_filter(nlp: Language, name: str, max_words: int) -> EntityFilter:
    return EntityFilter(max_words=max_words)


class EntityFilter:
    """Trims entity spans and drops generic ones from ``doc.ents``."""

    def __init__(self, max_words: int = 8) -> None:
        self.max_words = max_words

    def __call__(self, doc: Doc) -> Doc:
        kept = []
        taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
        for ent in doc.ents:
            span = trim_span(ent)
            if span is None or len(span) > self.max_words or is_generic(span.text):
                continue
            kept.append(extend_dataset_edition(close_bracket(span, taken), taken))
        doc.set_ents(kept, default="outside")
        return doc

    def to_disk(self, path, exclude=()) -> None:
        return None

    def from_disk(self, path, exclude=()) -> EntityFilter:
        return self
