"""Per-doc caches of what spaCy recomputes on every access.

``Doc.text`` joins the text of every token each time it is read, ``Span.text`` does the
same for the span's tokens, and ``Span.sent`` scans the doc for the sentence's ends. The
rule components and the paper-level decisions (:mod:`kg.extract.paper`) ask for these once
per entity, cue or mention, so on an abstract they added up to about a fifth of a worker's CPU.
The helpers here give
the same values (same strings, equal spans), computed once per doc:

* :func:`doc_text` is ``doc.text``;
* :func:`sent_of` is ``span.sent`` (a sorted list of sentence starts per doc, bisected);
* :func:`sent_text` is ``sent_of(span).text`` (a slice of :func:`doc_text`);
* :func:`lowers` is ``[t.lower_ for t in doc]`` and :func:`texts` ``[t.text for t in
  doc]`` (context-word features and name repetitions index them instead of making a
  ``Token`` per word; read from ``Doc.to_array``, at half the cost of iterating).

The cache lives in ``doc.user_data`` under keys that no extension attribute uses, with
the doc's length in tokens: a doc's text never changes (the retokenizer keeps it), and a
doc made by ``Span.as_doc(copy_user_data=True)`` gets a copy of the cache but has fewer
tokens, so it computes its own. The sentences are taken when first asked for, so they
must be asked for after the sentence boundaries are set (the pipeline sets them in its
first component, ``kg_sentences``, and nothing changes them later). Only strings and
ints are kept, so ``Doc.to_bytes`` (and spaCy's ``n_process``) still serialise the doc.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

_TEXT = "kg.doc_text"
_STARTS = "kg.sent_starts"
_LOWERS = "kg.lowers"
_TEXTS = "kg.texts"


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per doc."""
    cached = doc.user_data.get(_TEXT)
    if cached is None or cached[0] != len(doc):
        cached = doc.user_data[_TEXT] = (len(doc), doc.text)
    return cached[1]


def made_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` with :func:`doc_text` already known: the tokenizer keeps
    every character, so the doc's text is ``text`` (for ``nlp.pipe`` over docs)."""
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT] = (len(doc), text)
    return doc


def sent_starts(doc: Doc) -> list[int]:
    """The token index of each sentence start, ascending (``[s.start for s in doc.sents]``)."""
    cached = doc.user_data.get(_STARTS)
    if cached is None or cached[0] != len(doc):
        cached = doc.user_data[_STARTS] = (len(doc), [s.start for s in doc.sents])
    return cached[1]


def lowers(doc: Doc) -> list[str]:
    """Each token's ``lower_``, in order."""
    return _token_strings(doc, _LOWERS, LOWER)


def texts(doc: Doc) -> list[str]:
    """Each token's ``text``, in order."""
    return _token_strings(doc, _TEXTS, ORTH)


def _token_strings(doc: Doc, key: str, attr: int) -> list[str]:
    """The string of each token's ``attr`` (ORTH: ``text``, LOWER: ``lower_``), cached
    under ``key``."""
    cached = doc.user_data.get(key)
    if cached is None or cached[0] != len(doc):
        strings = doc.vocab.strings
        values = [strings[h] for h in doc.to_array(attr).tolist()] if len(doc) else []
        cached = doc.user_data[key] = (len(doc), values)
    return cached[1]


def sent_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """(start, end) token indices of the sentence holding token ``i``, from the cached
    starts: no ``Span`` made."""
    starts = sent_starts(doc)
    k = bisect_right(starts, i)
    return starts[k - 1], starts[k] if k < len(starts) else len(doc)


def sent_of(span: Span) -> Span:
    """``span.sent``: the sentence holding the span's first token."""
    doc = span.doc
    if doc.user_span_hooks or doc.user_hooks or not 0 <= span.start < len(doc):
        return span.sent  # hooks, or a case spaCy answers on its own terms
    return Span(doc, *sent_bounds(doc, span.start))


def sent_text(span: Span) -> str:
    """``span.sent.text``."""
    sent = sent_of(span)
    return doc_text(span.doc)[sent.start_char:sent.end_char]


def span_text(span: Span) -> str:
    """``span.text`` as a slice of :func:`doc_text` (for long spans such as sentences)."""
    return doc_text(span.doc)[span.start_char:span.end_char]
