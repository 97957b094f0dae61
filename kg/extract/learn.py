"""A binary logistic regression over string features, stored as plain data.

The extractor's small learned decisions (Model vs Method from a name, a paper's role for
an entity) are linear models over sparse, readable features. A binary one is stored as a
feature → weight table (JSON, with a component's ``to_disk``) and scores with a few
dictionary lookups; a one-vs-rest one as its matrix (the feature names in JSON, the
weights as a ``.npy``), which loads in milliseconds however many features it has.
Training (:meth:`BinaryLogistic.fit`) uses scipy's L-BFGS.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


@dataclass(eq=False)
class OneVsRest:
    """A multi-class decision from one :class:`BinaryLogistic` per class: the highest
    logit wins (ties: the class listed first). ``models`` is read once, at the first
    prediction: make a new instance rather than change it afterwards."""

    models: dict[str, BinaryLogistic] = field(default_factory=dict)
    #: The models as one matrix (a row per feature, a column per class), made on first use:
    #: a paper's entities are scored with one row gather instead of a lookup per class.
    _matrix: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.models) or self._matrix is not None

    def __eq__(self, other: object) -> bool:
        """The same decisions: the same classes, features, weights and biases (a model
        loaded from its matrix equals the one it was saved from)."""
        if not isinstance(other, OneVsRest):
            return NotImplemented
        import numpy as np

        (c1, i1, w1, b1), (c2, i2, w2, b2) = self.matrix(), other.matrix()
        return (c1, i1) == (c2, i2) and np.array_equal(w1, w2) and np.array_equal(b1, b2)

    __hash__ = None  # mutable, compared by value

    def nonzero_weights(self) -> dict[str, int]:
        """Features with a weight, per class."""
        classes, _, weights, _ = self.matrix()
        return {c: int((weights[:, j] != 0).sum()) for j, c in enumerate(classes)}

    def predict(self, features: Sequence[str]) -> str:
        classes, index, weights, bias = self.matrix()
        rows = [i for i in map(index.get, features) if i is not None]
        scores = weights[rows].sum(axis=0) + bias if rows else bias
        return classes[int(scores.argmax())]  # the first class listed wins a tie

    def matrix(self) -> tuple[list[str], dict[str, int], Any, Any]:
        """(classes, feature → row, weights: features × classes, biases), the features in
        sorted order; made from ``models`` at the first call."""
        if self._matrix is None:
            self._matrix = self._as_matrix()
        return self._matrix

    def _as_matrix(self) -> tuple:
        import numpy as np

        classes = list(self.models)
        names = sorted({f for m in self.models.values() for f in m.weights})
        index = {f: i for i, f in enumerate(names)}
        weights = np.zeros((len(names), len(classes)))
        for j, c in enumerate(classes):
            table = self.models[c].weights
            rows = np.fromiter(map(index.__getitem__, table), dtype=np.intp, count=len(table))
            weights[rows, j] = np.fromiter(table.values(), dtype=float, count=len(table))
        bias = np.array([self.models[c].bias for c in classes])
        return classes, index, weights, bias

    @classmethod
    def from_arrays(cls, classes: list[str], features: list[str], weights: Any, bias: Any
                    ) -> OneVsRest:
        """A model that only predicts, straight from its matrix (``features`` sorted, one
        row of ``weights`` each): no per-class tables to rebuild."""
        model = cls()
        model._matrix = (list(classes), {f: i for i, f in enumerate(features)}, weights, bias)
        return model

    def to_dict(self) -> dict:
        return {"classes": {c: m.to_dict() for c, m in self.tables().items()}}

    def tables(self) -> dict[str, BinaryLogistic]:
        """The per-class models: ``models``, or rebuilt from the matrix of a model loaded
        from one (its zero weights left out)."""
        if self.models or self._matrix is None:
            return self.models
        classes, index, weights, bias = self._matrix
        names = list(index)
        return {c: BinaryLogistic({names[i]: float(weights[i, j])
                                   for i in weights[:, j].nonzero()[0]}, float(bias[j]))
                for j, c in enumerate(classes)}

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
    """A one-vs-rest model stored by ``to_disk``: the common part of the paper-level
    decision components (``kg_paper_roles``, ``kg_paper_types``). Docs pass through
    unchanged; an empty model leaves the rules' decision standing.

    Stored as its matrix: ``FILE`` (JSON: the classes, their biases and the sorted
    feature names) and beside it a ``.npy`` of the weights, one row per feature. Every
    extraction process loads the pipeline, and the type model's ~120k features × 5 classes
    as JSON tables took ~0.4 s to parse and ~0.4 s more to turn into the matrix that scores
    them; from the array it is a few milliseconds. Files of the earlier form (per-class
    feature → weight tables) are still read."""

    FILE = "model.json"

    def __init__(self, model: OneVsRest | None = None) -> None:
        self.model = model or OneVsRest()

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def to_disk(self, path, exclude=()) -> None:
        import numpy as np

        if not self.model:
            return
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        classes, index, weights, bias = self.model.matrix()
        head = {"classes": classes, "bias": [float(b) for b in bias], "features": list(index)}
        (path / self.FILE).write_text(json.dumps(head, ensure_ascii=False, indent=0) + "\n",
                                      encoding="utf-8")
        with open(path / self._weights_file(), "wb") as fh:
            np.save(fh, np.ascontiguousarray(weights, dtype=np.float64), allow_pickle=False)

    def from_disk(self, path, exclude=()):
        import numpy as np

        file = Path(path) / self.FILE
        if file.exists():
            data = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(data.get("classes"), dict):  # the earlier form: per-class tables
                self.model = OneVsRest.from_dict(data)
            else:
                weights = np.load(Path(path) / self._weights_file(), allow_pickle=False)
                self.model = OneVsRest.from_arrays(data["classes"], data["features"],
                                                   weights, np.array(data["bias"]))
        return self

    def _weights_file(self) -> str:
        return Path(self.FILE).stem + ".npy"
