"""A small learned classifier of entity *names*: is this name a Model or a Method?

Annotators tell "DeepFM", "FlowNet", "MoE-LLaVA" (models) from "contrastive learning",
"R-CNN"-style techniques and "LoRA" (methods) mostly by the name's make-up: its character
n-grams ("net", "llava", "gpt", "-7b"), its capitalisation and its head word. Hand rules
over shapes reached 0.79 accuracy on the project's development names; a logistic
regression over those features (:mod:`kg.nlp.linear`), trained on the project's own
annotations (``training/train_typing.py``), reaches about 0.90; :class:`kg.nlp.typing.
EntityTyping` stores it with ``to_disk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.nlp.linear import BinaryLogistic

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
