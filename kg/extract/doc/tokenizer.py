"""Tokenizer for scientific abstracts: spaCy's English rules, adjusted for model names.

spaCy's English tokenizer splits "GSM8K" into "GSM8" "K" (a unit suffix), "Llama2-13B" and
"state-of-the-art" at every hyphen, and leaves the period on "7B." or "GSM8K." attached.
Entity spans must line up with tokens, so names of models, datasets and methods have to
stay whole while punctuation around them splits off. The changes, all in the affix rules
(no Python callbacks, so it keeps the speed of spaCy's own tokenizer):

* plain hyphens never split ("GPT-4o", "Qwen2.5-7B", "state-of-the-art" are one token)
  except before a closed list of productive modifiers ("GPT-4-based" → "GPT-4" "-"
  "based") so a name used as a modifier can still be an entity; em dashes still split;
* no unit suffixes except "%" ("GSM8K", "128K", "80GB" stay whole; "70.5%" → "70.5" "%");
* a final period splits after any letter, digit, "$" or closing bracket ("7B." → "7B" ".");
* "$" is a currency prefix only before a number, and an inline formula without spaces
  ("$\\pi$", "O$^2$-Searcher") is one token;
* an acronym defined without a space splits off its long form: "learning(RL)" →
  "learning" "(" "RL" ")".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import spacy
from spacy.lang.char_classes import (
    ALPHA,
    ALPHA_LOWER,
    ALPHA_UPPER,
    CONCAT_QUOTES,
    LIST_ELLIPSES,
    LIST_ICONS,
)
from spacy.lang.en import English
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
from spacy.vocab import Vocab

#: Words after a hyphen that make the part before it a modifier: "LLM-based", "BERT-like".
HYPHEN_SUFFIXES: tuple[str, ...] = (
    "based", "like", "style", "driven", "powered", "guided", "generated", "inspired",
    "centric", "oriented", "specific", "agnostic", "aware", "free", "only", "enhanced",
    "assisted", "augmented", "conditioned", "initialized", "pretrained", "trained",
    "tuned", "finetuned", "scale", "level", "sized", "size", "class", "series", "family",
    "compatible", "equivalent", "generated", "produced", "written", "annotated", "labeled",
    "labelled", "friendly", "ready",
)

#: Dashes that still split between letters: em dashes and their ASCII stand-ins.
_SPLIT_DASHES = r"—|——|---|--"
_UNIT_SUFFIX = re.compile(r"^\(\?<=\[0-9\]\)\(\?:km\|")
_LATEX_INLINE = r"^\$[^\s$]{1,60}\$$"


def _prefixes() -> list[str]:
    out = []
    for p in English.Defaults.prefixes or ():
        if p == r"\$":
            p = r"\$(?=[0-9.,])"  # "$5", but not "$\pi$"
        out.append(p)
    return out


def _suffixes() -> list[str]:
    out = [s for s in English.Defaults.suffixes or () if not _UNIT_SUFFIX.match(s)]
    out.append(r"(?<=[0-9])(?:%|‰)")
    out.append(r"(?<=[A-Z0-9$)\]}])\.")  # "7B." "GSM8K." "$x$." (two capitals were covered)
    return out


def _infixes(hyphen_suffixes: Iterable[str]) -> list[str]:
    # Longest first (the regex takes the first alternative that fits), then alphabetical:
    # a set's order changes with the hash seed, and the pattern is saved with the pipeline.
    words = "|".join(sorted({re.escape(w) for w in hyphen_suffixes}, key=lambda w: (-len(w), w)))
    out = [
        *LIST_ELLIPSES,
        *LIST_ICONS,
        r"(?<=[0-9])[+*^](?=[0-9-])",
        rf"(?<=[{ALPHA_LOWER}{CONCAT_QUOTES}])\.(?=[{ALPHA_UPPER}{CONCAT_QUOTES}])",
        rf"(?<=[{ALPHA}]),(?=[{ALPHA}])",
        rf"(?<=[{ALPHA}0-9])(?:{_SPLIT_DASHES})(?=[{ALPHA}])",
        rf"(?<=[{ALPHA}0-9])[:<>=/](?=[{ALPHA}])",
        r"(?<=[^\s~])~(?=\S)",  # LaTeX non-breaking space: "OpenFlamingo~\cite{...}"
        r"(?<=~)[(\[](?=\S)",  # … and the bracket after it: "model~(DiT)"
        rf"(?<=[{ALPHA}0-9])[)\]](?=-)",  # "(RL)-based" → "RL" ")" "-" "based"
        # An acronym defined without a space: "learning(RL)" → "learning" "(" "RL" ")"
        # (the ")" is a suffix already); "SE(2)", "TD(λ)", "Adam(W)" stay whole.
        rf"(?<=[{ALPHA_LOWER}])\((?=[{ALPHA_UPPER}][{ALPHA}0-9-]*[{ALPHA_UPPER}]"
        rf"[{ALPHA}0-9-]*(?:\)|$))",
        # … and a score glued to its system: "DeepSeek-R1(14.49%)" (not "SE(2)", "TD(0)").
        rf"(?<=[{ALPHA}0-9])\((?=[0-9]+(?:\.[0-9]+%?|%)(?:\)|$))",
    ]
    if words:
        out.append(rf"(?<=[{ALPHA}0-9$)])-(?=(?i:{words})$)")
    return out


def build_tokenizer(vocab: Vocab, hyphen_suffixes: Iterable[str] = HYPHEN_SUFFIXES) -> Tokenizer:
    """A :class:`Tokenizer` with English exceptions and the scientific affix rules."""
    return Tokenizer(
        vocab,
        rules=English.Defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(_prefixes()).search,
        suffix_search=compile_suffix_regex(_suffixes()).search,
        infix_finditer=compile_infix_regex(_infixes(hyphen_suffixes)).finditer,
        token_match=re.compile(_LATEX_INLINE).match,
        url_match=English.Defaults.url_match,
    )


@spacy.registry.tokenizers("kg.scientific_tokenizer.v1")
def create_scientific_tokenizer(
    hyphen_suffixes: list[str] = list(HYPHEN_SUFFIXES),  # noqa: B006 (config default)
) -> Callable[[Language], Tokenizer]:
    """Config entry point: ``[nlp.tokenizer] @tokenizers = "kg.scientific_tokenizer.v1"``."""

    def make(nlp: Language) -> Tokenizer:
        return build_tokenizer(nlp.vocab, hyphen_suffixes)

    return make


def make_nlp() -> Language:
    """``spacy.blank("en")`` whose config names this tokenizer (so ``to_disk`` keeps it)."""
    return spacy.blank(
        "en", config={"nlp": {"tokenizer": {"@tokenizers": "kg.scientific_tokenizer.v1"}}}
    )
