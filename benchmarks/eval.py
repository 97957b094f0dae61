"""Quality figures of the extractor, on data it was not trained on.

* SciER ``test`` and ``test_ood`` (GPL-3.0, read from ``../shared``, evaluation only):
  mention-level exact and overlap micro P/R/F1 per type, Model counted as Method, Metric
  ignored, scored by the benchmark's own ``score_ner.py``. SciER text is space-tokenised
  ("state - of - the - art"); it is detokenised before extraction and predicted spans are
  mapped back onto the original offsets.
* Paper level on ``../shared/annotation/dev.jsonl`` with the shared ``score_gold.py``.
* Paper level on the held-out 15% of the project's own annotations
  (``training/annotations``; never trained on nor used for model selection): all of it
  (``heldout``) and each source apart — ``heldout-daily`` (Hugging Face daily papers and
  the sample corpus), ``heldout-arxiv`` (the 2025-26 arXiv cs listing), ``heldout-scirex``.
* ``owndev``: paper level on the project's own dev split (10% of its annotations), the set
  rules are developed on (not part of the default run).

usage: python benchmarks/eval.py [--shared ../shared] [--only scier|dev|heldout|owndev]
                                 [--json F]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from prepare_data import annotated_papers, detokenize, source_of  # noqa: E402
from score_results import score_results  # noqa: E402

from kg.extract import extract  # noqa: E402
from kg.extract.pipeline import load_pipeline  # noqa: E402
from kg.records import Paper  # noqa: E402


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def scier_predictions(nlp, path: Path) -> list[dict]:
    """Mention predictions for every SciER sentence, on its original offsets."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    out = []
    texts, maps = [], []
    for r in rows:
        tokens = r["text"].split(" ")
        detok, starts = detokenize(tokens)
        orig, pos = [], 0
        for t in tokens:
            orig.append(pos)
            pos += len(t) + 1
        texts.append(detok)
        maps.append((tokens, starts, orig))
    for r, doc, (tokens, starts, orig) in zip(rows, nlp.pipe(texts, batch_size=128), maps,
                                             strict=True):
        ents = []
        for ent in doc.ents:
            label = {"Model": "Method"}.get(ent.label_, ent.label_)
            if label not in ("Method", "Dataset", "Task"):
                continue
            # detokenised char span → SciER token range → original char span
            ti = [i for i, s in enumerate(starts)
                  if s < ent.end_char and s + len(tokens[i]) > ent.start_char]
            if not ti:
                continue
            start = orig[ti[0]]
            end = orig[ti[-1]] + len(tokens[ti[-1]])
            ents.append({"start": start, "end": end, "type": label})
        out.append({"id": r["id"], "entities": ents})
    return out


def eval_scier(shared: Path, nlp) -> dict:
    scorer = _module(shared / "benchmarks" / "score_ner.py", "score_ner")
    figures = {}
    for split in ("test", "test_ood"):
        gold_path = shared / "benchmarks" / "scier" / f"{split}.jsonl"
        t0 = time.perf_counter()
        preds = scier_predictions(nlp, gold_path)
        elapsed = time.perf_counter() - t0
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
            for p in preds:
                fh.write(json.dumps(p) + "\n")
        figures[split] = _score_ner(scorer, gold_path, Path(fh.name))
        figures[split]["sentences_per_s"] = round(len(preds) / elapsed, 1)
    return figures


def _score_ner(scorer, gold_path: Path, pred_path: Path) -> dict:
    """Run the benchmark's scorer as a subprocess and parse its JSON output."""
    res = subprocess.run(
        [sys.executable, scorer.__file__, str(gold_path), str(pred_path),
         "--types", "Method,Dataset,Task", "--json"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(res.stdout)


def eval_papers(shared: Path, nlp, gold_path: Path, papers: list[Paper]) -> dict:
    scorer = _module(shared / "annotation" / "score_gold.py", "score_gold")
    preds = {e.id: e.to_json() for e in extract(papers, nlp=nlp)}
    gold = scorer.load(str(gold_path))
    ids = sorted(i for i in gold if i in preds)
    s = scorer.score(gold, preds, ids)
    keep = ("papers", "entity_typed", "entity_untyped", "role_accuracy_on_matched", "edges",
            "relations", "code", "per_type", "per_role")
    return {**{k: s[k] for k in keep}, "results": score_results(scorer, gold, preds, ids)}


SOURCES = ("daily", "arxiv", "scirex")


def heldout_set(shared: Path, split: str = "heldout", source: str | None = None
                ) -> tuple[Path, list[Paper]]:
    """Gold file and papers of one split of the project's own annotations (``split_of``),
    of one source (``source_of``) or all, without the papers of the shared dev set."""
    gold = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False)  # noqa: SIM115
    papers = []
    for ann, r in annotated_papers(shared, {split}):
        if source is not None and source_of(ann["id"]) != source:
            continue
        gold.write(json.dumps(ann) + "\n")
        papers.append(Paper(id=r["id"], title=r["title"], abstract=r["abstract"]))
    gold.close()
    return Path(gold.name), papers


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--pipeline", default=None, help="pipeline directory (default: shipped)")
    ap.add_argument("--only", choices=["scier", "dev", "heldout", "owndev"], default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    nlp = load_pipeline(args.pipeline)
    figures: dict = {}
    if args.only in (None, "dev"):
        dev_papers = [Paper(id=r["id"], title=r["title"], abstract=r["abstract"])
                      for r in map(json.loads, (args.shared / "annotation" / "dev_papers.jsonl")
                                   .open(encoding="utf-8"))]
        figures["dev"] = eval_papers(args.shared, nlp, args.shared / "annotation" / "dev.jsonl",
                                     dev_papers)
    if args.only in (None, "heldout"):
        gold, papers = heldout_set(args.shared)
        figures["heldout"] = eval_papers(args.shared, nlp, gold, papers)
        for source in SOURCES:
            gold, papers = heldout_set(args.shared, source=source)
            if papers:
                figures[f"heldout-{source}"] = eval_papers(args.shared, nlp, gold, papers)
    if args.only == "owndev":
        gold, papers = heldout_set(args.shared, "dev")
        figures["owndev"] = eval_papers(args.shared, nlp, gold, papers)
    if args.only in (None, "scier"):
        figures["scier"] = eval_scier(args.shared, nlp)
    print(_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def _table(figures: dict) -> str:
    lines = []
    for name in ("dev", "heldout", *(f"heldout-{s}" for s in SOURCES), "owndev"):
        if name in figures:
            f = figures[name]
            def fmt(t: list) -> str:
                return "P={:.3f} R={:.3f} F1={:.3f}".format(*t[:3])
            lines.append(f"{name} ({f['papers']} papers)")
            lines.append(f"  entities typed     {fmt(f['entity_typed'])}")
            for t, v in f["per_type"].items():
                lines.append(f"    {t:8s}         {fmt(v)}  gold={v[3]}")
            lines.append(f"  role accuracy      {f['role_accuracy_on_matched']:.3f}")
            lines.append(f"  paper->entity      {fmt(f['edges'])}")
            lines.append(f"  relations          {fmt(f['relations'])}")
            lines.append(f"  results            {fmt(f['results'])}  gold={f['results'][3]}")
            lines.append(f"  code links         {fmt(f['code'])}")
    if "scier" in figures:
        for split, f in figures["scier"].items():
            lines.append(f"SciER {split} ({f.get('sentences_per_s')} sentences/s)")
            lines.append("  " + json.dumps({k: v for k, v in f.items() if k != "sentences_per_s"}))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
