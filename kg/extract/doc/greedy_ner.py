"""spaCy's NER with its greedy decoding batched in numpy: the same entities, ~10x faster.

The trained ``ner`` (a transition-based parser over BILUO moves) decodes one token per
step. spaCy 3.8's compiled step loop re-takes the GIL inside every per-state call of each
step (``perf``: mutex lock/unlock, ``take_gil`` and ``PyGILState_Ensure`` under
``predict_states`` and the moves' ``is_valid``), so on this machine the decoding, not the
network, was a third of all extraction time.

:class:`BatchedGreedyNER` is spaCy's ``EntityRecognizer`` (training, serialisation, config
and scoring are inherited unchanged) whose :meth:`predict` runs the same greedy decoding
with every document of a batch advanced together, one numpy operation over the batch per
step: the NER state features are the token, the open entity's first token and the token
before (spaCy's ``set_context_tokens`` for three features), the hidden layer is the same
precomputed affine + maxout, the scores the same upper layer (multiplied by blis, as the
compiled loop does), and the moves valid in a state are BILUO's rules for documents with
no preset entities (no B or I on the last token or across a sentence start, no entity
starting on whitespace, I and L only inside an entity of their label). Documents that do
carry preset entity annotations go through spaCy's own decoding.
"""

from __future__ import annotations

import numpy as np
from blis.py import gemm
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.pipeline.ner import DEFAULT_NER_MODEL
from spacy.tokens import Doc, Span

#: BILUO move names as spaCy's class names spell them ("B-Method", "U-", "O").
_BEGIN, _IN, _LAST, _UNIT, _OUT = "B", "I", "L", "U", "O"


class _Decoded(list):
    """Per document, its entities as (start, end, label id): what :meth:`predict`
    returns when it decoded the batch itself (spaCy's own decoding returns states)."""


class BatchedGreedyNER(EntityRecognizer):
    """``EntityRecognizer`` with batched greedy decoding at prediction time."""

    def predict(self, docs):  # noqa: D102 - same contract as spaCy's
        if isinstance(docs, Doc):
            docs = [docs]
        if (self.cfg["beam_width"] != 1 or not self.model.attrs["has_upper"]
                or self.model.get_ref("lower").get_dim("nF") != 3
                or self.model.attrs["unseen_classes"]
                or not any(len(d) for d in docs)
                or any(d.to_array(ENT_IOB).any() for d in docs if len(d))):
            return super().predict(docs)
        # (No labels to add from the docs: none carries an entity.)
        nonempty = [d for d in docs if len(d)]
        decoded = iter(self._decode(nonempty))
        return _Decoded(next(decoded) if len(d) else [] for d in docs)

    def set_annotations(self, docs, states_or_beams):  # noqa: D102
        if not isinstance(states_or_beams, _Decoded):
            return super().set_annotations(docs, states_or_beams)
        strings = self.vocab.strings
        for doc, ents in zip(docs, states_or_beams, strict=True):
            doc.set_ents([Span(doc, s, e, label=strings[label]) for s, e, label in ents],
                         default="outside")
        return None

    def _move_table(self) -> tuple:
        """Per class: its move letter, label id (0 for "U-" and "O"), index among the
        labels (-1: none), and masks of B, I, L, U (with a label) and O. Made once per set
        of moves (labels can be added), not per batch."""
        moves = self.moves
        cached = getattr(self, "_table", None)
        if cached is not None and cached[0] == moves.n_moves:
            return cached[1]
        kinds, labels = [], []
        for i in range(moves.n_moves):
            kind, _, label = moves.get_class_name(i).partition("-")
            kinds.append(kind)
            labels.append(self.vocab.strings.add(label) if label else 0)
        kinds, labels = np.array(kinds), np.array(labels, dtype=np.uint64)
        label_ids = np.unique(labels[labels != 0])
        label_index = np.where(labels != 0, np.searchsorted(label_ids, labels), -1)
        masks = [(kinds == k) & (labels != 0) for k in (_BEGIN, _IN, _LAST, _UNIT)]
        table = (kinds, labels, label_ids, label_index, *masks, kinds == _OUT)
        self._table = (moves.n_moves, table)
        return table

    def _decode(self, docs: list[Doc]) -> list[list[tuple[int, int, int]]]:
        model = self.model
        tok2vec, lower, upper = (model.get_ref(n) for n in ("tok2vec", "lower", "upper"))
        # (tokens + 1, features, hidden, pieces): row 0 is the padding of absent features.
        cached = lower.predict(tok2vec.predict(docs))
        bias = lower.get_param("b")
        W, b = upper.get_param("W"), upper.get_param("b")

        def scores(f0: np.ndarray, f1: np.ndarray, f2: np.ndarray) -> np.ndarray:
            """The classes' scores of states whose three features are these tokens (+1;
            0 is absent), summed in the order spaCy's compiled loop sums them."""
            unmaxed = cached[f0, 0] + cached[f1, 1] + cached[f2, 2] + bias
            hidden = unmaxed[..., 0]
            for piece in range(1, unmaxed.shape[-1]):
                hidden = np.maximum(hidden, unmaxed[..., piece])
            return gemm(np.ascontiguousarray(hidden), W, trans2=True) + b

        (kinds, labels, label_ids, label_index,
         is_begin, is_in, is_last, is_unit, is_out) = self._move_table()

        lengths = np.array([len(d) for d in docs])
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        n = int(lengths.sum())
        space = np.concatenate([d.to_array(IS_SPACE) for d in docs]).astype(bool)
        sent_start = np.concatenate([d.to_array(SENT_START) for d in docs]) == 1
        at_end = np.zeros(n, dtype=bool)
        at_end[offsets + lengths - 1] = True  # a doc's last token (docs here are not empty)
        # No B or I on a doc's last token, nor before a sentence start.
        no_continue = at_end | np.concatenate([sent_start[1:], [False]])

        # Outside an entity a state's features are its token and two absent ones, so the
        # move taken at each token when no entity is open is known before decoding.
        token = np.arange(1, n + 1)
        closed_valid = ((is_begin & ~(no_continue | space)[:, None])
                        | (is_unit & ~space[:, None]) | is_out)
        absent = np.zeros_like(token)
        closed_best = np.where(closed_valid, scores(token, absent, absent),
                               -np.inf).argmax(axis=1)

        open_label = np.full(len(docs), -1)  # index into label_ids, -1: no entity open
        ent_start = np.full(len(docs), -1)  # global token index of the open entity's start
        ents: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        order = np.argsort(-lengths, kind="stable")  # longest first: the active = a prefix
        sorted_lengths = -lengths[order]
        for t in range(int(lengths.max())):
            active = order[: int(np.searchsorted(sorted_lengths, -t, side="left"))]
            b0 = offsets[active] + t
            best = closed_best[b0]
            rows = np.flatnonzero(open_label[active] >= 0)
            if len(rows):
                docs_open, tok = active[rows], b0[rows]
                same = open_label[docs_open][:, None] == label_index[None, :]
                valid = same & (is_last | (is_in & ~no_continue[tok][:, None]))
                best[rows] = np.where(valid,
                                      scores(tok + 1, ent_start[docs_open] + 1, tok),
                                      -np.inf).argmax(axis=1)
            kind = kinds[best]
            for i in np.flatnonzero(kind != _OUT):
                d, k, tok = int(active[i]), kind[i], int(b0[i])
                if k == _BEGIN:
                    open_label[d], ent_start[d] = label_index[best[i]], tok
                elif k == _LAST:
                    start = int(ent_start[d])
                    ents[d].append((start - int(offsets[d]), t + 1,
                                    int(label_ids[open_label[d]])))
                    open_label[d] = ent_start[d] = -1
                elif k == _UNIT:
                    ents[d].append((t, t + 1, int(labels[best[i]])))
        return ents


@Language.factory(
    "kg_ner",
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0,
                           "ents_per_type": None},
)
def make_batched_ner(nlp: Language, name: str, model, moves, update_with_oracle_cut_size: int,
                     incorrect_spans_key: str | None, scorer) -> BatchedGreedyNER:
    """spaCy's ``ner`` factory, making a :class:`BatchedGreedyNER`."""
    return BatchedGreedyNER(nlp.vocab, model, name=name, moves=moves,
                            update_with_oracle_cut_size=update_with_oracle_cut_size,
                            incorrect_spans_key=incorrect_spans_key, scorer=scorer)
