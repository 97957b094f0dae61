"""Separate **Model** (a specific trained model or family: GPT-4, Llama2-13B, CLIP) from
**Method** (a technique, algorithm, architecture family or training procedure: PPO, LoRA,
Transformer, supervised fine-tuning).

The statistical NER is trained with one label for both (its training data, SciREX, does not
separate them), so this step decides, in order of reliability: what the gazetteer knows;
sizes in the name ("-7B"); what the text says about the name ("X, a 7B model", "the X
algorithm"); and a classifier of the name's make-up (:class:`NameClassifier`, trained
on the project's annotations, stored with the component by ``to_disk``), or, without one,
the name's shape (version numbers, technique head words).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.views import lowers
from kg.extract.learn import BinaryLogistic
from kg.util.normalize import word_set

# -- The name classifier: Model or Method from the name's make-up. Annotators tell
# "DeepFM", "FlowNet", "MoE-LLaVA" (models) from "contrastive learning" and "LoRA"
# (methods) mostly by character n-grams, capitalisation and head word; hand rules over
# shapes reached 0.79 accuracy on the development names, this logistic regression
# (trained by ``training/train_typing.py``) about 0.90.
#: Character n-gram sizes over the lower-cased name padded with spaces.
NGRAMS = (2, 3, 4)

_DIGITS = re.compile(r"\d+")
_LOWER = re.compile(r"[a-z]+")
_UPPER = re.compile(r"[A-Z]+")


def name_features(name: str, shape_hint: str | None = None) -> list[str]:
    """Sorted, unique features of a name (``shape_hint``: what the shape rules say)."""
    n = " ".join(name.split())
    padded = f" {n.lower()} "
    feats = {f"c{k}:{padded[i:i + k]}" for k in NGRAMS for i in range(len(padded) - k + 1)}
    words = n.split()
    feats.add(f"words:{min(len(words), 4)}")
    if words:
        feats.add("last:" + words[-1].lower())
    shape = _UPPER.sub("A", _LOWER.sub("a", _DIGITS.sub("0", n)))
    feats.add("shape:" + shape[:12])
    feats.add(f"initial_cap:{n[:1].isupper()}")
    feats.add(f"all_lower:{n.islower()}")
    feats.add(f"rule:{shape_hint}")
    return sorted(feats)


@dataclass
class NameClassifier(BinaryLogistic):
    """:class:`BinaryLogistic` over :func:`name_features`; positive class = ``positive``."""

    positive: str = "Model"
    negative: str = "Method"

    def predict(self, features: Iterable[str]) -> str:
        return self.positive if self.logit(features) > 0 else self.negative

    def to_dict(self) -> dict:
        return {**super().to_dict(), "positive": self.positive, "negative": self.negative,
                "features": list(NGRAMS)}

    @classmethod
    def from_dict(cls, data: dict) -> NameClassifier:
        base = BinaryLogistic.from_dict(data)
        return cls(weights=base.weights, bias=base.bias,
                   positive=data.get("positive", "Model"),
                   negative=data.get("negative", "Method"))

    @classmethod
    def fit(cls, examples: Sequence[tuple[list[str], bool]], l2: float = 1.0,
            positive: str = "Model", negative: str = "Method") -> NameClassifier:
        base = BinaryLogistic.fit(examples, l2=l2)
        return cls(weights=base.weights, bias=base.bias, positive=positive, negative=negative)


#: Head words of technique names: "… learning", "… tuning", "… attention".
METHOD_HEADS = word_set(
    """
    learning tuning finetuning fine-tuning training pretraining pre-training
    optimization optimisation attention sampling search decoding prompting prompt
    distillation regularization regularisation augmentation alignment algorithm
    algorithms method methods framework approach strategy loss policy descent
    propagation backpropagation normalization normalisation pooling encoding embedding
    embeddings quantization pruning retrieval generation reasoning voting ranking
    re-ranking reranking estimation inference adaptation modeling modelling mechanism
    architecture network networks layer layers gradient gradients programming clustering
    regression classification detection segmentation translation dropout scaling merging
    editing unlearning matching transfer sharing routing caching compression
    tokenization parsing planning reflection verification filtering weighting masking
    distillation mixing tree trees process processes transform transformer transformers
    convolution convolutions
    """
)

#: Words in the context right after a name that say what it is ("X, a 7B model").
MODEL_CONTEXT = word_set(
    """
    model models llm llms checkpoint checkpoints assistant chatbot mllm vlm lvlm family
    suite encoder decoder backbone
    """
)
METHOD_CONTEXT = word_set(
    """
    method approach framework algorithm technique strategy paradigm pipeline procedure
    mechanism objective loss recipe scheme module
    """
)

_APPOSITIVE_END = frozenset({",", ")", ";", ".", "that", "which", "for", "to", "with", "on",
                             "and", "where", "while"})

SIZE = re.compile(r"(?<![A-Za-z])\d+(?:\.\d+)?\s?[BbMmKkTt](?![a-z])")
_VERSIONED = re.compile(
    r"^[A-Z][A-Za-z]*[-\s]?(?:v?\d+(?:\.\d+)*[a-z]?)(?:[-\s][A-Za-z0-9.]+)*$"
)
_VERSION_END = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:-|\s)?v?\d+(?:\.\d+)*[a-z]?$"
                          r"|^[A-Z][A-Za-z]*-?v?\d+(?:\.\d+)*[a-z]?$")


def shape_type(text: str) -> str | None:
    """"Model" / "Method" from the name alone, or None when the shape does not say."""
    t = text.strip()
    words = t.lower().replace("-", " ").split()
    if SIZE.search(t):
        return "Model"
    if words and words[-1] in METHOD_HEADS:
        return "Method"
    if words and words[-1] in MODEL_CONTEXT:
        return "Model"
    if " " not in t and _VERSIONED.match(t) and t[-1].isdigit() or _VERSION_END.match(t):
        # GPT-4, Qwen2.5, Llama-3, T5, GPT-4o — but "A3C" (a digit inside an acronym)
        # stays undecided.
        return "Model"
    return None


def context_type(span: Span, window: int = 7) -> str | None:
    """What the words around the name call it: "X, a … model" / "the X algorithm"."""
    doc = span.doc
    words = lowers(doc)
    after = words[span.end:span.end + window]
    # "X model", "X algorithm" directly after the name.
    if after:
        if after[0] in MODEL_CONTEXT:
            return "Model"
        if after[0] in METHOD_CONTEXT:
            return "Method"
    # Appositive: "X, a … model/framework".
    if after and after[0] in {",", "(", "—", "-", ":"}:
        for w in after[1:]:
            if w in MODEL_CONTEXT:
                return "Model"
            if w in METHOD_CONTEXT:
                return "Method"
            if w in _APPOSITIVE_END:
                break
    # "a … framework called X" / "model named X"
    before = words[max(0, span.start - window):span.start]
    if before and before[-1] in {"called", "named", "dubbed", "termed", "coined"}:
        for w in reversed(before[:-1]):
            if w in MODEL_CONTEXT:
                return "Model"
            if w in METHOD_CONTEXT:
                return "Method"
    return None


def decide_type(span: Span, gazetteer_type: str | None = None,
                classifier: NameClassifier | None = None) -> str:
    """Final Model/Method decision for a Method or Model span.

    The gazetteer knows best, then a size in the name, then what the context calls it,
    then the name classifier (or, without one, the shape rules); the statistical NER's own
    label breaks the tie.
    """
    if gazetteer_type in ("Model", "Method"):
        return gazetteer_type
    if SIZE.search(span.text):
        return "Model"
    said = context_type(span)
    if said:
        return said
    shape = shape_type(span.text)
    if classifier:
        return classifier.predict(name_features(span.text, shape))
    return shape or span.label_


@Language.factory("kg_entity_typing", default_config={})
def make_entity_typing(nlp: Language, name: str) -> EntityTyping:
    return EntityTyping()


class EntityTyping:
    """Relabels ``Method`` entities as ``Model`` (and back) where the evidence says so."""

    FILE = "name_classifier.json"

    def __init__(self, classifier: NameClassifier | None = None) -> None:
        self.classifier = classifier or NameClassifier()

    def __call__(self, doc: Doc) -> Doc:
        ents = []
        for ent in doc.ents:
            if ent.label_ in ("Method", "Model"):
                gaz = ent.kb_id_.split("|", 1)[0] if ent.kb_id_ else None
                label = decide_type(ent, gaz if gaz in ("Model", "Method") else None,
                                    self.classifier)
                if label != ent.label_:
                    ent = Span(doc, ent.start, ent.end, label=label, kb_id=ent.kb_id)
            ents.append(ent)
        doc.set_ents(ents, default="outside")
        return doc

    def to_disk(self, path, exclude=()) -> None:
        if not self.classifier:
            return
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.FILE).write_text(
            json.dumps(self.classifier.to_dict(), ensure_ascii=False, indent=0,
                       sort_keys=True) + "\n", encoding="utf-8")

    def from_disk(self, path, exclude=()) -> EntityTyping:
        file = Path(path) / self.FILE
        if file.exists():
            self.classifier = NameClassifier.from_dict(
                json.loads(file.read_text(encoding="utf-8")))
        return self
