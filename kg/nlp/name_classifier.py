"""A small learned classifier of entity *names*: is this name a Model or a Method?

Annotators tell "DeepFM", "FlowNet", "MoE-LLaVA" (models) from "contrastive learning",
"R-CNN"-style techniques and "LoRA" (methods) mostly by the name's make-up: its character
n-grams ("net", "llava", "gpt", "-7b"), its capitalisation and its head word. Hand rules
over shapes reached 0.79 accuracy on the project's development names; a logistic
regression over those features, trained on the project's own annotations
(``training/train_typing.py``), reaches about 0.91. It is plain data (a feature → weight
table) so :class:`kg.nlp.typing.EntityTyping` can store it with ``to_disk`` and score a
name with a few dictionary lookups.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
class NameClassifier:
    """Logistic regression over :func:`name_features`; positive class = ``positive``."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    positive: str = "Model"
    negative: str = "Method"

    def __bool__(self) -> bool:
        return bool(self.weights)

    def logit(self, features: Iterable[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in features)

    def probability(self, features: Iterable[str]) -> float:
        """P(positive | name), from the features of :func:`name_features`."""
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict(self, features: Iterable[str]) -> str:
        return self.positive if self.logit(features) > 0 else self.negative

    def to_dict(self) -> dict:
        return {"positive": self.positive, "negative": self.negative, "bias": self.bias,
                "features": list(NGRAMS), "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_dict(cls, data: dict) -> NameClassifier:
        return cls(weights=dict(data.get("weights", {})), bias=float(data.get("bias", 0.0)),
                   positive=data.get("positive", "Model"),
                   negative=data.get("negative", "Method"))

    @classmethod
    def fit(cls, examples: Sequence[tuple[list[str], bool]], l2: float = 1.0,
            positive: str = "Model", negative: str = "Method") -> NameClassifier:
        """Train on (features, is_positive) pairs: L2-regularised logistic regression
        solved by L-BFGS (scipy). Deterministic for the same examples in the same order;
        weights are rounded so the stored table is stable across platforms."""
        import numpy as np
        from scipy.optimize import minimize
        from scipy.sparse import csr_matrix

        vocab = {f: i for i, f in enumerate(sorted({f for fs, _ in examples for f in fs}))}
        rows = [i for i, (fs, _) in enumerate(examples) for _ in fs]
        cols = [vocab[f] for fs, _ in examples for f in fs]
        x = csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(examples), len(vocab)))
        y = np.array([1.0 if pos else 0.0 for _, pos in examples])

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            z = x @ w[:-1] + w[-1]
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            nll = -(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).sum()
            grad = np.append(x.T @ (p - y) + 2 * l2 * w[:-1], (p - y).sum())
            return nll + l2 * float(w[:-1] @ w[:-1]), grad

        w = minimize(loss, np.zeros(len(vocab) + 1), jac=True, method="L-BFGS-B").x
        weights = {f: round(float(w[i]), 4) for f, i in vocab.items() if abs(w[i]) >= 1e-3}
        return cls(weights=weights, bias=round(float(w[-1]), 4), positive=positive,
                   negative=negative)
