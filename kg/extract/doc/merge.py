"""Merge the entity evidence of one doc into ``doc.ents``.

Three sources propose spans: the statistical NER (``doc.ents``), the gazetteer
(``doc.spans["gazetteer"]``) and the abbreviation detector (``doc._.abbreviations``). The
merger resolves overlaps (the longer span wins; on a tie the gazetteer's type, which is
curated, wins), gives both halves of a "long form (SHORT)" pair the same label, and tags
later repetitions of an entity's exact text that the NER missed, so a name is labelled
consistently through the abstract.

Each span's ``kb_id_`` records provenance as ``"<gazetteer type or ->|<source>"`` with
source ``model``, ``gazetteer`` or ``rule``; :mod:`kg.extract.doc.mention_types` and the
extractor read it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.filters import is_generic
from kg.extract.doc.views import texts

#: spaCy labels the pipeline produces (the NER is trained on the first four).
LABELS = ("Method", "Dataset", "Task", "Metric", "Model")


def provenance(span: Span) -> tuple[str | None, str]:
    """(gazetteer type or None, source) from a merged span's ``kb_id_``."""
    if not span.kb_id_ or "|" not in span.kb_id_:
        return None, "model"
    gaz, source = span.kb_id_.split("|", 1)
    return (gaz if gaz != "-" else None), source


def _tag(span: Span, label: str, gaz_type: str | None, source: str) -> Span:
    return Span(span.doc, span.start, span.end, label=label, kb_id=f"{gaz_type or '-'}|{source}")


@Language.factory("kg_entity_merger", default_config={"propagate": True})
def make_entity_merger(nlp: Language, name: str, propagate: bool) -> EntityMerger:
    return EntityMerger(propagate=propagate)


class EntityMerger:
    """Combines NER, gazetteer and abbreviation spans into non-overlapping ``doc.ents``."""

    def __init__(self, propagate: bool = True) -> None:
        self.propagate = propagate

    def __call__(self, doc: Doc) -> Doc:
        candidates: list[tuple[int, int, Span]] = []  # (priority, order, span)
        for ent in doc.ents:
            candidates.append((1, len(candidates), _tag(ent, ent.label_, None, "model")))
        gaz_by_range: dict[tuple[int, int], str] = {}
        for sp in doc.spans.get("gazetteer", []):
            gaz_by_range[(sp.start, sp.end)] = sp.label_
            label = sp.label_
            candidates.append((2, len(candidates), _tag(sp, label, label, "gazetteer")))
        chosen = self._select(candidates)
        # Same span found by model and gazetteer: keep the gazetteer's type, note both.
        merged = []
        for sp in chosen:
            gaz = gaz_by_range.get((sp.start, sp.end))
            _, source = provenance(sp)
            if gaz and source == "model":
                sp = _tag(sp, gaz, gaz, "gazetteer")
            merged.append(sp)
        merged = self._abbreviations(doc, merged)
        if self.propagate:
            merged = self._propagate(doc, merged)
        doc.set_ents(sorted(merged, key=lambda s: s.start), default="outside")
        return doc

    @staticmethod
    def _select(candidates: list[tuple[int, int, Span]]) -> list[Span]:
        """Greedy: longer spans first, then gazetteer over model, then text order."""
        taken = [False] * (max((c[2].end for c in candidates), default=0) + 1)
        out = []
        for _, _, sp in sorted(candidates, key=lambda c: (-(c[2].end - c[2].start), -c[0], c[1])):
            if any(taken[i] for i in range(sp.start, sp.end)):
                continue
            for i in range(sp.start, sp.end):
                taken[i] = True
            out.append(sp)
        return out

    @staticmethod
    def _abbreviations(doc: Doc, spans: list[Span]) -> list[Span]:
        """Give both halves of each abbreviation pair an entity, with one label."""
        pairs = doc._.abbreviations if Doc.has_extension("abbreviations") else None
        if not pairs:
            return spans
        by_start = {sp.start: sp for sp in spans}
        covered = {i for sp in spans for i in range(sp.start, sp.end)}
        out = list(spans)
        for ab in pairs:
            short = doc.char_span(ab.short_start, ab.short_end, alignment_mode="expand")
            long = doc.char_span(ab.long_start, ab.long_end, alignment_mode="expand")
            if short is None or long is None:
                continue
            known = by_start.get(short.start) or by_start.get(long.start)
            if known is None:
                continue
            label = known.label_
            gaz, _ = provenance(known)
            for part in (short, long):
                if any(i in covered for i in range(part.start, part.end)):
                    continue
                if is_generic(part.text):
                    continue
                sp = _tag(part, label, gaz, "rule")
                out.append(sp)
                covered.update(range(sp.start, sp.end))
        return out

    @staticmethod
    def _propagate(doc: Doc, spans: list[Span]) -> list[Span]:
        """Tag later exact repetitions of a labelled name that nothing else covers."""
        if not spans:
            return spans
        covered = [False] * len(doc)
        for sp in spans:
            for i in range(sp.start, sp.end):
                covered[i] = True
        by_text: dict[tuple[str, ...], Span] = {}
        words = texts(doc)
        for sp in spans:
            by_text.setdefault(tuple(words[sp.start:sp.end]), sp)
        first_tokens: dict[str, list[tuple[str, ...]]] = {}
        for key in by_text:
            first_tokens.setdefault(key[0], []).append(key)
        out = list(spans)
        for i, word in enumerate(words):
            if covered[i] or word not in first_tokens:
                continue
            for key in sorted(first_tokens[word], key=len, reverse=True):
                end = i + len(key)
                if end > len(doc) or any(covered[j] for j in range(i, end)):
                    continue
                if tuple(words[i:end]) != key:
                    continue
                src = by_text[key]
                gaz, _ = provenance(src)
                out.append(_tag(doc[i:end], src.label_, gaz, "rule"))
                for j in range(i, end):
                    covered[j] = True
                break
        return out

    def to_disk(self, path, exclude=()) -> None:
        return None

    def from_disk(self, path, exclude=()) -> EntityMerger:
        return self
