"""The paper's results: the sentence rules' result candidates mapped onto its entity names.

A candidate whose system is no kept entity is dropped; one that "we" state goes to the
paper's main contribution; dataset and metric stay only when
they name kept entities. Each (entity, dataset, metric, value) is reported once, with the
first sentence that states it.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.records import Result
from kg.records import Span as EvSpan
from kg.util.normalize import name_key


def paper_results(docs: dict[str, Doc], name_of: dict[str, str], main: str | None = None
                  ) -> list[Result]:
    """``main``: the name of the paper's main contribution, which "we achieve …" credits."""
    out: list[Result] = []
    seen = set()
    for f, d in docs.items():
        for c in getattr(d._, "results", None) or []:
            ent = main if c.entity is None else name_of.get(name_key(c.entity.text))
            if not ent:
                continue
            ds = name_of.get(name_key(c.dataset.text)) if c.dataset is not None else None
            mt = name_of.get(name_key(c.metric.text)) if c.metric is not None else None
            key = (ent, ds, mt, c.value)
            if key in seen:
                continue
            seen.add(key)
            out.append(Result(entity=ent, value=c.value, dataset=ds, metric=mt, kind=c.kind,
                              evidence=EvSpan(field=f, start=c.sent_start, end=c.sent_end)))
    return out
