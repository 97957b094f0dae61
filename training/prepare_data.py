"""Build the NER training data (spaCy DocBin files) from public and project data.

Sources:

* SciREX (Jain et al., ACL 2020; Apache-2.0), ``../shared/benchmarks/scirex``: abstracts
  and entity-bearing sentences of 306 full-text ML papers. Types map Method→Method,
  Task→Task, Metric→Metric, Material→Dataset. Its text is space-tokenised
  ("state - of - the - art"); it is detokenised first so the model sees text as abstracts
  write it.
* The project's own paper-level annotations (``training/annotations/*.jsonl``, written
  for this project following ``../shared/annotation/GUIDELINE.md``) of the abstracts in
  ``../shared/corpus/hf-daily-papers-2024.jsonl``, of the SciREX abstracts, and of the
  bundled sample corpus's papers (ids ``sample-`` + a hash of the title; the 12 papers of
  the shared dev set are never annotated nor trained on), projected onto the text: every
  occurrence of an entity's name or alias becomes a span. Model is folded into Method
  (SciREX has one label for both; ``--model-label`` keeps it apart) and
  :mod:`kg.extract.doc.mention_types` separates them with the gazetteer, name shapes and context.
* TDMSci (Hou et al., EACL 2021; Apache-2.0), ``../shared/benchmarks/tdmsci/train.conll``,
  only with ``--tdmsci``: 1,522 sentences of NLP papers with Task, Dataset and Metric
  tags. Its guideline tags no methods, so every token outside its tags is left *missing*
  (unknown to the NER's loss), not "outside": a method there teaches nothing either way.

A fixed 15% of the annotated papers (by a hash of the arXiv id) is held out: never
trained on nor used to choose a model, only to report figures on unseen papers. Another
10% is the dev set that picks the best checkpoint.
SciER is never used here (GPL-3.0, evaluation only).

usage: python training/prepare_data.py [--shared ../shared] [--out training/corpus]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

import kg.extract.doc.tokenizer  # noqa: F401  (registers kg.scientific_tokenizer.v1)
from kg.util.normalize import norm_name

ROOT = Path(__file__).resolve().parent
SCIREX_TYPES = {"Method": "Method", "Task": "Task", "Metric": "Metric", "Material": "Dataset"}
ANNOTATION_TYPES = {"Method": "Method", "Model": "Model", "Dataset": "Dataset",
                    "Task": "Task", "Metric": "Metric"}
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "n't", "'"}
NO_SPACE_AFTER = {"(", "[", "{"}
JOINERS = {"-", "/"}


def train_fraction() -> float:
    """Share of the train split that is trained on: ``KG_TRAIN_FRACTION`` (default 1), set
    by ``train.py --train-fraction`` to draw a learning curve."""
    value = float(os.environ.get("KG_TRAIN_FRACTION", "1"))
    if not 0 < value <= 1:
        raise ValueError(f"KG_TRAIN_FRACTION must be in (0, 1], not {value}")
    return value


def split_of(paper_id: str) -> str:
    """Deterministic split of the annotated papers: 15% heldout, 10% dev, 75% train.
    With :func:`train_fraction` < 1 the train split's last buckets are "unused", so dev and
    held-out stay the same papers and a smaller train split is a subset of a larger one."""
    bucket = int(hashlib.sha1(paper_id.encode()).hexdigest(), 16) % 100
    if bucket < 15:
        return "heldout"
    if bucket < 25:
        return "dev"
    return "train" if bucket < 25 + round(75 * train_fraction()) else "unused"


def detokenize(tokens: list[str]) -> tuple[str, list[int]]:
    """Join SciREX tokens as written text; returns the text and each token's start offset."""
    out: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        glue = (
            i == 0
            or tok in NO_SPACE_BEFORE
            or prev in NO_SPACE_AFTER
            or (tok in JOINERS and prev[-1:].isalnum() and tokens[i + 1: i + 2] and
                tokens[i + 1][:1].isalnum())
            or (prev in JOINERS and i >= 2 and tokens[i - 2][-1:].isalnum() and tok[:1].isalnum())
        )
        if not glue:
            out.append(" ")
            pos += 1
        starts.append(pos)
        out.append(tok)
        pos += len(tok)
    return "".join(out), starts


def scirex_examples(path: Path, max_sents_per_doc: int, rng: random.Random,
                    skip_abstracts: frozenset[str] = frozenset()):
    """(text, [(start, end, label)]) for the abstract and sampled sentences of each doc.

    Abstracts in ``skip_abstracts`` (doc ids) are left out: the project annotated them in
    its own guideline's style, and the two label sets must not disagree on the same text.
    """
    for line in path.open(encoding="utf-8"):
        d = json.loads(line)
        text = d["text"]
        tokens = text.split(" ")
        tok_start = []
        p = 0
        for t in tokens:
            tok_start.append(p)
            p += len(t) + 1
        char_to_tok = {c: i for i, c in enumerate(tok_start)}
        end_to_tok = {c + len(t): i for i, (c, t) in enumerate(zip(tok_start, tokens, strict=True))}
        ents = [(char_to_tok.get(e["start"]), end_to_tok.get(e["end"]), SCIREX_TYPES[e["type"]])
                for e in d["entities"]]
        ents = [(s, e, lab) for s, e, lab in ents if s is not None and e is not None]
        sentences = [(char_to_tok.get(s), end_to_tok.get(e)) for s, e in d["sentences"]]
        sentences = [(s, e) for s, e in sentences if s is not None and e is not None]
        abstract = d.get("abstract_span")
        own_abstract = d["doc_id"] in skip_abstracts
        chosen = []
        with_ents = []
        for s, e in sentences:
            inside = [x for x in ents if x[0] >= s and x[1] <= e]
            if abstract and tok_start[s] >= abstract[0] and tok_start[s] < abstract[1]:
                if not own_abstract:
                    chosen.append((s, e, inside))
            elif inside and 5 <= e - s <= 80:
                with_ents.append((s, e, inside))
        rng.shuffle(with_ents)
        chosen += with_ents[:max_sents_per_doc]
        for s, e, inside in chosen:
            sent_tokens = tokens[s: e + 1]
            if sent_tokens and sent_tokens[0] in {"section", "subsection", "document"}:
                continue
            txt, starts = detokenize(sent_tokens)
            spans = []
            for es, ee, lab in inside:
                cs = starts[es - s]
                ce = starts[ee - s] + len(tokens[ee])
                spans.append((cs, ce, lab))
            yield txt, spans


def shared_dev_titles(shared: Path) -> set[str]:
    """Normalised titles of the shared dev set's papers: never trained on, so its figures
    are not inflated (an hf-daily paper with the same title is left out as well)."""
    path = shared / "annotation" / "dev_papers.jsonl"
    return {norm_name(json.loads(line)["title"]) for line in path.open(encoding="utf-8")
            if line.strip()}


def sample_id(title: str) -> str:
    """Annotation id of a paper of the bundled sample corpus (which carries no ids)."""
    return "sample-" + hashlib.sha1(norm_name(title).encode()).hexdigest()[:12]


def sample_papers() -> dict[str, dict]:
    """The bundled sample corpus's papers by :func:`sample_id`."""
    sample = ROOT.parent / "kg" / "data" / "sample" / "papers.jsonl"
    out = {}
    for line in sample.open(encoding="utf-8"):
        r = json.loads(line)
        out[sample_id(r["title"])] = {"id": sample_id(r["title"]), "title": r["title"],
                                      "abstract": r["abstract"]}
    return out


def scirex_abstracts(shared: Path) -> dict[str, dict]:
    """SciREX abstracts (and titles) as written text, by SciREX doc id."""
    out = {}
    for path in sorted((shared / "benchmarks" / "scirex").glob("train.*.jsonl")):
        for line in path.open(encoding="utf-8"):
            d = json.loads(line)
            if d.get("abstract"):
                title = detokenize(d["title"].split(" "))[0] if d.get("title") else ""
                out[d["doc_id"]] = {"id": d["doc_id"], "title": title,
                                    "abstract": detokenize(d["abstract"].split(" "))[0]}
    return out


def annotation_files() -> list[Path]:
    """The project's annotation files: the first annotation of each paper. Of the arXiv
    listing's batches, those its ``log.jsonl`` records as finished and checked (a batch
    being annotated is not read half-done); the second, independent annotations under
    ``second/`` are only for the agreement figure."""
    root = ROOT / "annotations"
    arxiv = root / "arxiv-cs-2025"
    log = arxiv / "log.jsonl"
    done = [json.loads(line) for line in log.open(encoding="utf-8")] if log.exists() else []
    batches = sorted(arxiv / d["file"] for d in done if d["pass"] == "first")
    return sorted(root.glob("*.jsonl")) + batches[:arxiv_batches()]


def arxiv_batches() -> int | None:
    """How many of the arXiv listing's finished batches (in batch order) are read:
    ``KG_ARXIV_BATCHES`` (default all), set by ``train.py --arxiv-batches`` so that a
    pipeline trained on the first N batches can be rebuilt while more are annotated."""
    value = os.environ.get("KG_ARXIV_BATCHES")
    if value is None:
        return None
    if int(value) < 0:
        raise ValueError(f"KG_ARXIV_BATCHES must be >= 0, not {value}")
    return int(value)


def source_of(paper_id: str) -> str:
    """Which corpus an annotated paper comes from: ``arxiv`` (the 2025-26 arXiv cs
    listing), ``scirex`` or ``daily`` (Hugging Face daily papers and the sample corpus)."""
    if paper_id.startswith("arXiv:"):
        return "arxiv"
    if paper_id.startswith("sample-") or re.fullmatch(r"\d{4}\.\d{4,5}(?:v\d+)?", paper_id):
        return "daily"
    return "scirex"


@lru_cache(maxsize=2)
def arxiv_abstracts(shared: Path, ids: frozenset[str]) -> dict[str, dict]:
    """The papers of the arXiv cs listing (``corpus/arxiv-cs-2025.jsonl.gz``) with these ids
    (cached: every split asks, and reading the 150 MB listing takes seconds)."""
    out = {}
    path = shared / "corpus" / "arxiv-cs-2025.jsonl.gz"
    if ids and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if r["id"] in ids:
                    out[r["id"]] = r
    return out


def annotated_texts(shared: Path) -> dict[str, dict]:
    """Title and abstract of every paper the project annotated: daily papers, SciREX
    abstracts, the sample corpus and the arXiv listing's sample."""
    papers = scirex_abstracts(shared)
    papers.update(sample_papers())
    for line in (shared / "corpus" / "hf-daily-papers-2024.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        papers[r["id"]] = r
    arxiv_ids = {json.loads(line)["id"] for path in annotation_files()
                 for line in path.open(encoding="utf-8")
                 if line.strip() and line.startswith('{"id": "arXiv:')}
    papers.update(arxiv_abstracts(shared, frozenset(arxiv_ids)))
    return papers


def annotated_papers(shared: Path, splits: set[str]):
    """(annotation, paper) of each annotated paper whose split (:func:`split_of`) is in
    ``splits``, in file order. Papers of the shared dev set are skipped, so its figures
    are not inflated by training on the same abstract."""
    excluded = shared_dev_titles(shared)
    papers = annotated_texts(shared)
    for path in annotation_files():
        for line in path.open(encoding="utf-8"):
            if not line.strip():
                continue
            ann = json.loads(line)
            paper = papers.get(ann["id"])
            if (paper is not None and split_of(ann["id"]) in splits
                    and norm_name(paper["title"]) not in excluded):
                yield ann, paper


def annotated_extractions(nlp, shared: Path, splits: set[str], roles=None, keep=None,
                          relation_keep=None, types=None):
    """(annotation, extraction) of each annotated paper of ``splits`` (sorted by id), as
    ``paper_extraction`` makes it from ``nlp``'s docs with the given ``roles`` / ``keep`` /
    ``relation_keep`` / ``types`` (the pipeline's components or the training scripts'
    feature-capturing stand-ins): the examples of the learned role and keep models. Each
    pair is yielded before the next paper is processed."""
    from kg.extract.paper.extraction import paper_extraction
    from kg.records import Paper

    gold, papers = {}, {}
    for ann, paper in annotated_papers(shared, splits):
        gold[ann["id"]], papers[ann["id"]] = ann, paper
    ids = sorted(gold)
    docs = nlp.pipe((t for i in ids for t in (papers[i]["title"], papers[i]["abstract"])),
                    batch_size=128)
    for i in ids:
        title, abstract = next(docs), next(docs)
        p = papers[i]
        yield gold[i], paper_extraction(Paper(id=i, title=p["title"], abstract=p["abstract"]),
                                        title, abstract, roles, keep, relation_keep, types)


def annotation_examples(shared: Path, split: str, model_label: bool = False):
    """(text, spans) for title and abstract of each annotated paper in the chosen split."""
    for ann, p in annotated_papers(shared, {split}):
        entities = ann["entities"]
        if not model_label:
            entities = [{**e, "type": "Method" if e["type"] == "Model" else e["type"]}
                        for e in entities]
        for text in (p["title"], p["abstract"]):
            yield text, project(text, entities)


TDMSCI_TYPES = {"TASK": "Task", "DATASET": "Dataset", "METRIC": "Metric"}


def tdmsci_examples(path: Path):
    """(text, spans) of each sentence of a TDMSci CoNLL file (token, character offset in
    its paper, BIO tag per line; a blank line ends a sentence): the tokens are put back at
    their offsets, so the text keeps the paper's own spacing."""
    def sentence(rows: list[tuple[str, int, str]]):
        base = rows[0][1]
        text, spans, open_span = "", [], None
        for tok, off, tag in rows:
            start = off - base
            text += " " * max(0, start - len(text)) + tok
            end = len(text)
            kind, _, label = tag.partition("-")
            if kind == "I" and open_span and open_span[2] == label:
                open_span[1] = end
                continue
            if open_span:
                spans.append(tuple(open_span))
            open_span = [len(text) - len(tok), end, label] if kind in ("B", "I") else None
        if open_span:
            spans.append(tuple(open_span))
        return text, [(s, e, TDMSCI_TYPES[lab]) for s, e, lab in spans if lab in TDMSCI_TYPES]

    rows: list[tuple[str, int, str]] = []
    for line in path.open(encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3:
            rows.append((parts[0], int(parts[1]), parts[2]))
        elif rows:
            yield sentence(rows)
            rows = []
    if rows:
        yield sentence(rows)


def silver_examples(path: Path):
    """(text, spans) of title and abstract of each paper of a ``training/silver.py`` file."""
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        for field in ("title", "abstract"):
            yield r[field], [tuple(s) for s in r["spans"][field]]


def project(text: str, entities: list[dict]) -> list[tuple[int, int, str]]:
    """Every case-insensitive, word-bounded occurrence of each entity form; longest first."""
    forms = []
    for e in entities:
        label = ANNOTATION_TYPES.get(e["type"])
        for f in {e["name"], *e.get("aliases", [])}:
            if f.strip() and label:
                forms.append((f.strip(), label))
    forms.sort(key=lambda x: -len(x[0]))
    taken = [False] * len(text)
    spans = []
    low = text.lower()
    for form, label in forms:
        pat = re.compile(r"(?<![\w])" + re.escape(form.lower()) + r"(?![\w])")
        for m in pat.finditer(low):
            if any(taken[m.start(): m.end()]):
                continue
            taken[m.start(): m.end()] = [True] * (m.end() - m.start())
            spans.append((m.start(), m.end(), label))
    return sorted(spans)


def to_doc(nlp, text: str, spans, default: str = "outside") -> tuple[Doc, int]:
    """``default``: what tokens outside ``spans`` are ("missing" where a source leaves
    some kinds of entity untagged)."""
    doc = nlp.make_doc(text)
    ents, dropped = [], 0
    for s, e, lab in spans:
        span = doc.char_span(s, e, label=lab, alignment_mode="contract")
        if span is None or len(span) == 0:
            dropped += 1
            continue
        ents.append(span)
    ents = _non_overlapping(ents)
    doc.set_ents(ents, default=default)
    return doc, dropped


def _non_overlapping(spans):
    out, taken = [], set()
    for sp in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if taken.isdisjoint(range(sp.start, sp.end)):
            out.append(sp)
            taken.update(range(sp.start, sp.end))
    return sorted(out, key=lambda s: s.start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "corpus")
    ap.add_argument("--scirex-sents", type=int, default=15,
                    help="entity-bearing full-text sentences sampled per SciREX doc")
    ap.add_argument("--annotation-repeats", type=int, default=3,
                    help="times the project's own (in-domain) annotations are repeated")
    ap.add_argument("--no-scirex", action="store_true", help="train on own annotations only")
    ap.add_argument("--model-label", action="store_true",
                    help="keep Model as a label of its own (default: fold it into Method, "
                         "as SciREX does; kg.extract.doc.mention_types separates them)")
    ap.add_argument("--silver", type=Path, default=None,
                    help="also train on this self-training file (training/silver.py: the "
                         "shipped pipeline's entities on unannotated abstracts), once each")
    ap.add_argument("--tdmsci", action="store_true",
                    help="also train on TDMSci's training sentences (Task/Dataset/Metric "
                         "tags; other tokens left missing), once each")
    args = ap.parse_args()
    rng = random.Random(13)
    tokenizer = {"@tokenizers": "kg.scientific_tokenizer.v1"}
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": tokenizer}})
    args.out.mkdir(parents=True, exist_ok=True)

    train, dev = DocBin(), DocBin()
    stats = {"scirex_train": 0, "scirex_dev": 0, "own_train": 0, "own_dev": 0,
             "own_heldout": 0, "dropped": 0}
    own_ids = frozenset(
        json.loads(line)["id"] for path in annotation_files()
        for line in path.open(encoding="utf-8") if line.strip()
    )
    if not args.no_scirex:
        files = sorted((args.shared / "benchmarks" / "scirex").glob("train.*.jsonl"))
        for path in files:
            examples = scirex_examples(path, args.scirex_sents, rng, own_ids)
            for n, (text, spans) in enumerate(examples):
                doc, dropped = to_doc(nlp, text, spans)
                stats["dropped"] += dropped
                # every 20th SciREX example goes to the training-time dev set
                if n % 20 == 0:
                    dev.add(doc)
                    stats["scirex_dev"] += 1
                else:
                    train.add(doc)
                    stats["scirex_train"] += 1
    for text, spans in annotation_examples(args.shared, "train", args.model_label):
        doc, dropped = to_doc(nlp, text, spans)
        stats["dropped"] += dropped
        for _ in range(args.annotation_repeats):
            train.add(doc)
        stats["own_train"] += 1
    if args.silver:
        for text, spans in silver_examples(args.silver):
            doc, dropped = to_doc(nlp, text, spans)
            stats["dropped"] += dropped
            train.add(doc)
            stats["silver_train"] = stats.get("silver_train", 0) + 1
    if args.tdmsci:
        for text, spans in tdmsci_examples(args.shared / "benchmarks" / "tdmsci" / "train.conll"):
            doc, dropped = to_doc(nlp, text, spans, default="missing")
            stats["dropped"] += dropped
            train.add(doc)
            stats["tdmsci_train"] = stats.get("tdmsci_train", 0) + 1
    for text, spans in annotation_examples(args.shared, "dev", args.model_label):
        dev.add(to_doc(nlp, text, spans)[0])
        stats["own_dev"] += 1
    heldout = DocBin()
    for text, spans in annotation_examples(args.shared, "heldout", args.model_label):
        heldout.add(to_doc(nlp, text, spans)[0])
        stats["own_heldout"] += 1
    train.to_disk(args.out / "train.spacy")
    dev.to_disk(args.out / "dev.spacy")
    heldout.to_disk(args.out / "heldout.spacy")
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
