"""A binary logistic regression over string features, stored as plain data.

The extractor's small learned decisions (Model vs Method from a name, a paper's role for
an entity) are linear models over sparse, readable features. Stored as a feature → weight
table, they serialise with a component's ``to_disk`` as JSON and score with a few
dictionary lookups, so they add nothing to the pipeline's load time or dependencies.
Training (:meth:`BinaryLogistic.fit`) uses scipy's L-BFGS.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class BinaryLogistic:
    """P(positive | features) = sigmoid(bias + sum of the features' weights)."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0

    def __bool__(self) -> bool:
        return bool(self.weights)

    def logit(self, features: Iterable[str]) -> float:
        # The same additions in the same order as a generator expression, without one.
        return self.bias + sum(map(self.weights.get, features, repeat(0.0)))

    def probability(self, features: Iterable[str]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict:
        return {"bias": self.bias, "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_dict(cls, data: dict) -> BinaryLogistic:
        return cls(weights=dict(data.get("weights", {})), bias=float(data.get("bias", 0.0)))

    @classmethod
    def fit(cls, examples: Sequence[tuple[list[str], bool]], l2: float = 1.0) -> BinaryLogistic:
        """Train on (features, is_positive) pairs: L2-regularised logistic regression
        solved by L-BFGS. Deterministic for the same examples in the same order; weights
        are rounded so the stored table is stable across platforms."""
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
        return cls(weights=weights, bias=round(float(w[-1]), 4))


@dataclass
class OneVsRest:
    """A multi-class decision from one :class:`BinaryLogistic` per class: the highest
    logit wins (ties: the class listed first). ``models`` is read once, at the first
    prediction: make a new instance rather than change it afterwards."""

    models: dict[str, BinaryLogistic] = field(default_factory=dict)
    #: The models as one matrix (a row per feature, a column per class), made on first use:
    #: a paper's entities are scored with one row gather instead of a lookup per class.
    _matrix: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.models)

    def predict(self, features: Sequence[str]) -> str:
        if self._matrix is None:
            self._matrix = self._as_matrix()
        classes, index, weights, bias = self._matrix
        rows = [i for i in map(index.get, features) if i is not None]
        scores = weights[rows].sum(axis=0) + bias if rows else bias
        return classes[int(scores.argmax())]  # the first class listed wins a tie

    def _as_matrix(self) -> tuple:
        import numpy as np

        classes = list(self.models)
        names = sorted({f for m in self.models.values() for f in m.weights})
        index = {f: i for i, f in enumerate(names)}
        weights = np.zeros((len(names), len(classes)))
        for j, c in enumerate(classes):
            for f, w in self.models[c].weights.items():
                weights[index[f], j] = w
        bias = np.array([self.models[c].bias for c in classes])
        return classes, index, weights, bias

    def to_dict(self) -> dict:
        return {"classes": {c: m.to_dict() for c, m in self.models.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> OneVsRest:
        return cls({c: BinaryLogistic.from_dict(m) for c, m in data.get("classes", {}).items()})

    @classmethod
    def fit(cls, examples: Sequence[tuple[list[str], str]], classes: Sequence[str],
            l2: float = 1.0) -> OneVsRest:
        return cls({c: BinaryLogistic.fit([(f, y == c) for f, y in examples], l2=l2)
                    for c in classes})


# -- Stored with a spaCy component: the paper-level decisions' models live in components
# that leave docs alone, so that ``nlp.to_disk`` / ``spacy.load`` carry them.

class ThresholdedKeep:
    """A keep/drop model and its threshold, stored as JSON by ``to_disk``: the common part
    of the ``kg_entity_keep`` and ``kg_relation_keep`` components. An empty model keeps
    everything; docs pass through unchanged (the decisions are taken per paper)."""

    FILE = "keep_model.json"

    def __init__(self, model: BinaryLogistic | None = None, threshold: float = 0.5) -> None:
        self.model = model or BinaryLogistic()
        self.threshold = threshold

    def __bool__(self) -> bool:
        return bool(self.model)

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def probability(self, features: list[str]) -> float:
        """P(keep); 1.0 without a model."""
        return self.model.probability(features) if self.model else 1.0

    def to_disk(self, path, exclude=()) -> None:
        if not self.model:
            return
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = {**self.model.to_dict(), "threshold": self.threshold}
        (path / self.FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0,
                                                 sort_keys=True) + "\n", encoding="utf-8")

    def from_disk(self, path, exclude=()):
        file = Path(path) / self.FILE
        if file.exists():
            data = json.loads(file.read_text(encoding="utf-8"))
            self.model = BinaryLogistic.from_dict(data)
            self.threshold = float(data.get("threshold", 0.5))
        return self


class StoredOneVsRest:
    """A one-vs-rest model stored as JSON by ``to_disk``: the common part of the paper-level
    decision components (``kg_paper_roles``, ``kg_paper_types``). Docs pass through
    unchanged; an empty model leaves the rules' decision standing."""

    FILE = "model.json"

    def __init__(self, model: OneVsRest | None = None) -> None:
        self.model = model or OneVsRest()

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def to_disk(self, path, exclude=()) -> None:
        if not self.model:
            return
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / self.FILE).write_text(json.dumps(self.model.to_dict(), ensure_ascii=False,
                                                 indent=0, sort_keys=True) + "\n",
                                      encoding="utf-8")

    def from_disk(self, path, exclude=()):
        file = Path(path) / self.FILE
        if file.exists():
            self.model = OneVsRest.from_dict(json.loads(file.read_text(encoding="utf-8")))
        return self
