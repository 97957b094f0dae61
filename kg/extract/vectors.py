"""floret vectors that remember the words they have already built.

In floret mode a word's vector is the mean of its character n-grams' hashed rows, and
spaCy's :meth:`~spacy.vectors.Vectors.get_batch` builds it again, in Python, for every
distinct word of every batch: 9% of extraction's CPU time once the matrix products were
made cheap. Words repeat across batches (the, model, LLM …), so this table keeps the
vectors it has built, up to ``max_cached`` words per process, and builds only the new
ones. A cached vector is the one spaCy builds, bit for bit: the extractions are the same.

The pipeline's ``config.cfg`` names it (``[nlp.vectors] @vectors =
"kg.cached_vectors.v1"``), so ``spacy.load`` builds it and reads the shipped table into it
with ``from_disk``; the package's ``spacy_vectors`` entry point registers it for a plain
``spacy.load``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy
import spacy
from spacy.vectors import Mode, Vectors

if TYPE_CHECKING:
    from spacy.vocab import Vocab

#: Words remembered per process: 100,000 × 80 floats is 32 MB, and covers all but the
#: rarest words of a year of arXiv abstracts.
DEFAULT_MAX_CACHED = 100_000


def _unpickle(max_cached: int, data: bytes) -> CachedVectors:
    return CachedVectors(max_cached=max_cached).from_bytes(data)


class CachedVectors(Vectors):
    """:class:`spacy.vectors.Vectors` whose floret ``get_batch`` reuses the vectors it has
    built. The table must not change in place once it is in use (spaCy refuses ``add`` in
    floret mode); loading another table (``from_disk``, ``from_bytes``) empties the cache.
    """

    def __init__(self, *, max_cached: int = DEFAULT_MAX_CACHED, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_cached = max_cached
        self._forget()

    def _forget(self) -> None:
        self._row_of: dict[int, int] = {}
        self._built = numpy.empty((0, 0), dtype="float32")
        self._built_from = self.data

    def get_batch(self, keys):
        if (self.mode != Mode.floret or not isinstance(keys, numpy.ndarray)
                or keys.dtype.kind not in "iu"):
            return super().get_batch(keys)
        if self._built_from is not self.data:
            self._forget()
        unique, inverse = numpy.unique(keys, return_inverse=True)
        unique_keys = unique.tolist()
        row_of = self._row_of
        rows = [row_of.get(k, -1) for k in unique_keys]
        missing = [i for i, r in enumerate(rows) if r < 0]
        out = numpy.empty((len(unique_keys), self.data.shape[1]), dtype="float32")
        if len(missing) < len(rows):
            hits = [i for i, r in enumerate(rows) if r >= 0]
            out[hits] = self._built[[rows[i] for i in hits]]
        if missing:
            out[missing] = super().get_batch([unique_keys[i] for i in missing])
            self._remember([unique_keys[i] for i in missing], out[missing])
        return out[inverse.reshape(-1)]

    def _remember(self, keys: list[int], vectors: numpy.ndarray) -> None:
        n = len(self._row_of)
        room = self.max_cached - n
        if room <= 0:
            return
        keys, vectors = keys[:room], vectors[:room]
        if n + len(keys) > len(self._built):
            size = min(self.max_cached, max(4096, 2 * (n + len(keys))))
            grown = numpy.empty((size, vectors.shape[1]), dtype="float32")
            if n:
                grown[:n] = self._built[:n]
            self._built = grown
        self._built[n:n + len(keys)] = vectors
        self._row_of.update(zip(keys, range(n, n + len(keys)), strict=True))

    def from_disk(self, path, *, exclude=tuple()):
        super().from_disk(path, exclude=exclude)
        self._forget()
        return self

    def from_bytes(self, data, *, exclude=tuple()):
        super().from_bytes(data, exclude=exclude)
        self._forget()
        return self

    def __reduce__(self):
        return (_unpickle, (self.max_cached, self.to_bytes()))


@spacy.registry.vectors("kg.cached_vectors.v1")
def create_cached_vectors(max_cached: int = DEFAULT_MAX_CACHED
                          ) -> Callable[[Vocab], CachedVectors]:
    """The ``[nlp.vectors]`` factory of the shipped pipeline."""

    def make(vocab: Vocab) -> CachedVectors:
        return CachedVectors(strings=vocab.strings, max_cached=max_cached)

    return make
