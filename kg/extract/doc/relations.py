"""Entity–entity relations the text states: outperforms, based_on, evaluated_on, used_for.

Sentence rules find explicit statements ("ReFT significantly outperforms SFT", "X is built
on Y", "we evaluate X on D"). The head is the entity the clause is about: the nearest
entity before the cue. Paper-level rules (:func:`paper_relations`) then tie what the paper
proposes to the datasets it evaluates on and the tasks it addresses, which abstracts say
through the paper's structure rather than in one sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract.doc.views import doc_text, sent_of, span_text

if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=None)

_OUTPERFORM = re.compile(
    r"\b(?:outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|beat(?:s|ing)?|exceed(?:s|ed|ing)?|"
    r"(?:is|are|was|were|being)\s+(?:\w+\s+)?(?:better|stronger|superior)\s+(?:than|to)|"
    r"improves?\s+(?:up)?on|(?:outperform|outperforms)|"
    # "better accuracy and perplexity than Y", "more reliable policy evaluation than Y"
    r"(?:better|higher|faster|stronger|lower|fewer|smaller|greater|sooner|simpler|cheaper|"
    r"more\s+(?!than\b)[\w-]+)\s+(?:[\w%@+.$×/-]+\s+){0,8}?than|"
    r"superior\s+to|superiority\s+over|"
    # "a 1.1 BLEU increase over Y", "improvements in accuracy over Y", "a leap over Y"
    r"(?:gains?|improvements?|advantages?|advancements?|leaps?|increases?|boosts?|speedups?)"
    r"\s+(?:[\w%@+.$×-]+\s+){0,6}?over|"
    r"(?:improv|enhanc|boost)(?:es|ed|ing)\s+(?:[\w%@+.-]+\s+){0,25}?over|"
    # "improves efficiency compared to Y", "reduces model size by 20x compared to Y"
    r"(?:improv(?:es|ed|ing|ements?)|gains?|superior|better|higher|faster|speedups?|"
    r"reduc(?:es|ed|ing|tions?)|lower|fewer|smaller|cheaper)"
    r"\s+(?:[\w%@+.$×(),-]+\s+){0,15}?(?:compared\s+(?:to|with)|relative\s+to))\b",
    re.IGNORECASE,
)
_BASED_ON = re.compile(
    r"\b(?:based\s+on|built\s+(?:up)?on|builds\s+(?:up)?on|building\s+(?:up)?on|"
    r"extends?|extending|extension\s+of|variant\s+of|fine-?tun(?:e|es|ed|ing)(?:\s+(?:from|on))?|"
    r"initiali[sz]ed\s+(?:from|with)|employs?|employing|leverag(?:e|es|ing)|"
    r"adopts?|adopting|inspired\s+by|derived\s+from|trained\s+from|on\s+top\s+of|"
    # "The SFE integrates the AMCM", "a framework that combines RAG with graph reasoning"
    r"integrat(?:es|ing)|combin(?:es|ing)|"
    r"continu(?:es|ed|ing)\s+(?:the\s+)?(?:pre-?)?training(?:\s+(?:of|from|on))?)\b",
    re.IGNORECASE,
)
_EVALUATE = re.compile(
    r"\b(?:evaluat(?:e|es|ed|ing)|experiments?|test(?:s|ed)?|benchmark(?:s|ed)?|"
    r"achiev(?:e|es|ed|ing)|results?\s+on|accuracy\s+on|performance\s+on|score[sd]?)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not(?!\s+only)|fails?\s+to|cannot|never|no)\b", re.IGNORECASE)
#: The clause's subject is the paper's own contribution ("our method outperforms X").
_OWN = re.compile(
    r"\b(?:our|we|ours|it|the\s+proposed|this\s+(?:method|model|approach|framework|system|work))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RelationCandidate:
    """A relation found in one sentence, between two entity spans of the doc.

    ``head`` is None when the sentence's subject is the paper's own contribution named
    without its name ("our method outperforms X"); the paper-level step fills it in.
    """

    head: Span | None
    rel: str
    tail: Span
    sent_start: int
    sent_end: int
    confidence: float
    #: The cue the rule matched, lower-cased ("outperforms", "fine-tuned on", ...).
    cue: str = ""


def _is_system(span: Span) -> bool:
    return span.label_ in ("Method", "Model")


def _cue_index(sent: Span, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Character spans (doc offsets) of cue matches inside the sentence."""
    base = sent.start_char
    return [(base + m.start(), base + m.end()) for m in pattern.finditer(span_text(sent))]


def sentence_relations(doc: Doc) -> list[RelationCandidate]:
    """Explicitly stated relations, one sentence at a time."""
    out: list[RelationCandidate] = []
    ents_by_sent: dict[int, list[Span]] = {}
    for ent in doc.ents:
        ents_by_sent.setdefault(sent_of(ent).start, []).append(ent)
    for sent in doc.sents:
        ents = ents_by_sent.get(sent.start, [])
        if len(ents) < 2:
            continue
        text = span_text(sent)
        negated = bool(_NEGATION.search(text))
        # "It outperforms A … and surpasses B": a name that follows an earlier cue is what
        # that cue compares or builds on, never the subject of a later one.
        cues = sorted(
            (c_start, c_end, rel, conf)
            for rel, pattern, conf in (("outperforms", _OUTPERFORM, 0.7),
                                       ("based_on", _BASED_ON, 0.6))
            if not (rel == "outperforms" and negated)
            for c_start, c_end in _cue_index(sent, pattern)
        )
        objects: set[int] = set()
        for c_start, c_end, rel, conf in cues:
            cue = " ".join(doc_text(doc)[c_start:c_end].lower().split())
            heads = [e for e in ents if e.end_char <= c_start and _is_system(e)
                     and e.start not in objects]
            tails = [e for e in ents if e.start_char >= c_end and _is_system(e)]
            while len(tails) > 1 and _MODIFIER.match(doc_text(doc), tails[0].end_char):
                tails = tails[1:]
            if not tails:
                continue
            head = _subject(heads) if heads else None
            first_cue = cues[0][0] if not heads else c_start
            lead = doc_text(doc)[heads[-1].end_char if heads else sent.start_char: first_cue]
            if rel == "outperforms" and _OWN.search(lead):
                head = None
            elif head is None:
                continue
            for tail in _coordinated(tails, doc):
                objects.add(tail.start)
                if head is None or tail.text != head.text:
                    out.append(RelationCandidate(head, rel, tail, sent.start_char,
                                                 sent.end_char, conf, cue))
        if not negated:
            out.extend(_compared_first(sent, ents))
        out.extend(_base_first(sent, ents))
        evaluate = _EVALUATE.search(text)
        if evaluate:
            systems = [e for e in ents if _is_system(e)]
            datasets = [e for e in ents if e.label_ == "Dataset"]
            if systems and datasets:
                head = _subject(systems)
                for ds in datasets:
                    if ds.start > head.start:
                        out.append(RelationCandidate(head, "evaluated_on", ds, sent.start_char,
                                                     sent.end_char, 0.6,
                                                     evaluate.group(0).lower()))
    return out


#: A name that only qualifies the noun after it ("LoRA-based baselines such as SFT"): when
#: more names follow, the compared or built-on systems are those.
_MODIFIER = re.compile(r"-?\s?(?:based|style|like|inspired)\b", re.IGNORECASE)
#: "Compared with Y and Z, X handles larger graphs": the comparison leads the sentence.
_COMPARED_FIRST = re.compile(r"^(?:[\w-]+,?\s+){0,2}?compared\s+(?:to|with)\b", re.IGNORECASE)
#: What makes the main clause after a leading "Compared with Y," a win of X over Y.
_GAIN = re.compile(
    r"\b(?:better|faster|higher|stronger|superior|outperform\w*|surpass\w*|improv\w*|gains?|"
    r"reduc\w*|fewer|lower|larger|more\s+[\w-]+|[\w-]+er\s+than|speedups?)\b", re.IGNORECASE)


def _opening_phrase(sent: Span, ents: list[Span], cue_rx: re.Pattern
                    ) -> tuple[re.Match, int, list[Span], list[Span]] | None:
    """A sentence opening with ``cue_rx`` ("Compared with Y, …", "Based on Y, …"): the cue,
    the char offset of the phrase's comma, the systems named between the cue and that
    comma, and the systems after it; None when the sentence has no such opening."""
    text = span_text(sent)
    cue = cue_rx.match(text)
    comma = text.find(",", cue.end()) if cue else -1
    if cue is None or comma < 0:
        return None
    cue_end, split = sent.start_char + cue.end(), sent.start_char + comma
    tails = [e for e in ents if cue_end <= e.start_char and e.end_char <= split and _is_system(e)]
    rest = [e for e in ents if e.start_char > split and _is_system(e)]
    return cue, split, tails, rest


def _compared_first(sent: Span, ents: list[Span]) -> list[RelationCandidate]:
    """``outperforms`` from a sentence that opens with "Compared to/with Y, X ...": the
    systems before the first comma are beaten by the subject of the main clause, when
    that clause claims a gain; the cue follows its tails, so the general rule misses it."""
    opening = _opening_phrase(sent, ents, _COMPARED_FIRST)
    if opening is None:
        return []
    cue, split, tails, rest = opening
    clause = span_text(sent)[split - sent.start_char + 1:]
    if not tails or not _GAIN.search(clause):
        return []
    if rest and not _OWN.search(doc_text(sent.doc)[split:rest[0].start_char]):
        head: Span | None = rest[0]
    elif _OWN.search(clause):
        head = None  # "Compared with Y, our method ...": the paper's contribution
    else:
        return []
    found = " ".join(cue.group(0).lower().split()[-2:])
    return [RelationCandidate(head, "outperforms", t, sent.start_char, sent.end_char, 0.7, found)
            for t in _coordinated(tails, sent.doc)]


#: "Building on the success of Y, X expands ...", "Based on Y, we propose X": the base
#: leads the sentence.
_BASE_FIRST = re.compile(r"^(?:[\w-]+,?\s+){0,2}?(?:based\s+on|buil(?:t|ding)\s+(?:up)?on|"
                         r"inspired\s+by)\b", re.IGNORECASE)
#: What may stand between the comma and the built system: nothing but an article (it is
#: the subject), or a verb that names it ("we propose X", "we develop X").
_NAMES_SYSTEM = re.compile(r"^\s*(?:(?:the|our|an?)\s+)?$|\b(?:propos|introduc|present|"
                           r"develop|design|buil[dt]|construct|creat|nam|call|dub|term)\w*",
                           re.IGNORECASE)


def _base_first(sent: Span, ents: list[Span]) -> list[RelationCandidate]:
    """``based_on`` from a sentence that opens with "Based on / Building on / Inspired by
    Y, X ...": the systems before the first comma are the base of the first system after
    it, when that system is the clause's subject or what "we propose / develop" names; the
    cue precedes its head, so the general rule misses it."""
    opening = _opening_phrase(sent, ents, _BASE_FIRST)
    if opening is None:
        return []
    cue, split, tails, rest = opening
    if not tails or not rest or not _NAMES_SYSTEM.search(
            doc_text(sent.doc)[split + 1: rest[0].start_char]):
        return []
    found = " ".join(cue.group(0).lower().split()[-2:])
    return [RelationCandidate(rest[0], "based_on", t, sent.start_char, sent.end_char, 0.6, found)
            for t in _coordinated(tails, sent.doc) if t.text != rest[0].text]


def _subject(heads: list[Span]) -> Span:
    """The clause's subject among entities before a cue: the first one, unless a closer one
    is separated from it by a clause break, opens the clause after "that" or follows a
    leading setting phrase ("On D with M, X ...")."""
    return heads[0] if len(heads) == 1 else _last_after_break(heads)


#: "Experiments show that X outperforms Y": the clause after "that" has its own subject.
_COMPLEMENT = re.compile(r"\b(?:that|whether)$")
#: "On D with M, X outperforms Y": a leading phrase up to its comma holds no subject.
_INTRO = re.compile(r"^(?:On|In|With|Using|Across|For|Under|Among|Through|Given|Without|At|"
                    r"When|After|Beyond|Besides|Unlike|Like)\b[^,;]*,(?:\s+[\w-]+)*$")


def _last_after_break(heads: list[Span]) -> Span:
    doc = heads[0].doc
    subject = heads[0]
    for prev, cur in zip(heads, heads[1:], strict=False):
        between = doc[prev.end: cur.start].text
        lead = doc[cur.sent.start: cur.start].text
        if any(b in between for b in (";", ". ", " while ", " whereas ", " and then ")) or (
                _COMPLEMENT.search(between) or ("," in between and _INTRO.match(lead))):
            subject = cur
    return subject


_PARENTHESISED = re.compile(r"\s*\([^()]*\)")


#: "A and established tools such as B", "A, and the original B", "C models, including D":
#: a conjunction or an introducer, and the modifiers or class noun of the next name.
_COORDINATED_NOUN = re.compile(
    r"^,?\s*(?:(?:and|or|as\s+well\s+as)\s+)?(?:[a-z][\w-]*\s+){0,4}?"
    r"(?:(?:such\s+as|including|like|e\.g\.,?|i\.e\.,?|namely|especially)\s*)?$|"
    r"^,?\s*(?:and|or|as\s+well\s+as)(?:\s+[a-z][\w-]*){1,4}$")
#: Words that end a coordination: prepositions, verbs and clause words, and words in -ing
#: other than those that qualify or introduce the next name ("existing", "including").
_NOT_MODIFIER = re.compile(
    r"\b(?:on|in|at|by|for|with|from|to|of|across|over|under|than|into|via|through|within|"
    r"without|against|between|among|while|which|that|who|whereas|but|when|where|is|are|was|"
    r"were|be|been|has|have|had|can|may|also|both|respectively|"
    r"(?!(?:exist|includ|lead|compet|prevail)ing\b)[\w-]+ing)\b")


#: A verb right after a name makes it the subject of a clause of its own ("... compared
#: with MAR-diffusion, and MARVAL-RL yields consistent improvements"), not one more object.
_OPENS_CLAUSE = re.compile(
    r"\s+(?:\w+ly\s+)?(?:yields?|achieves?|reach(?:es)?|obtains?|shows?|performs?|attains?|"
    r"scores?|gets?|is|are|was|were|has|have|remains?|lags?|falls?|trails?)\b")


def _coordinated(tails: list[Span], doc: Doc) -> list[Span]:
    """The first tail and the entities coordinated with it ("X, Y and Z"), past their
    parenthesised scores ("naive RAG (58%) and GraphRAG (64%)")."""
    out = [tails[0]]
    for prev, cur in zip(tails, tails[1:], strict=False):
        between = _PARENTHESISED.sub("", doc[prev.end: cur.start].text).strip().lower()
        if _OPENS_CLAUSE.match(doc_text(doc), cur.end_char):
            break
        if between in {",", "and", ", and", "or", ", or", "/", "as well as"} or (
                _COORDINATED_NOUN.match(between) and not _NOT_MODIFIER.search(between)):
            out.append(cur)
        else:
            break
    return out


@Language.factory("kg_relations", default_config={})
def make_relations(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder()


class RelationFinder:
    """Stores :func:`sentence_relations` on ``doc._.relations``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.relations = sentence_relations(doc) if len(doc.ents) > 1 else []
        return doc

    def to_disk(self, path, exclude=()) -> None:
        return None

    def from_disk(self, path, exclude=()) -> RelationFinder:
        return self
