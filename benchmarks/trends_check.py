"""Check kg.analysis.timeline against a count by hand, and draw the README's trend figure.

    python benchmarks/trends_check.py BUILD_DIR INPUT.jsonl[.gz] --entities nuScenes MNIST
    python benchmarks/trends_check.py BUILD_DIR INPUT.jsonl --plot docs/trends.png \\
        --plot-entities GPT-4o GPT-5 DeepSeek-R1

The hand count reads the input file itself, not the graph: a paper counts for an entity
in its month when its title or abstract holds the entity's name or one of its aliases
(case as written) as a whole name — not inside a longer hyphenated one, since
"Fashion-MNIST" and "DeepSeek-R1-Distill" are other entities, nor followed by a dotted
version ("GPT-5.1"). It is what `grep -P '(?<![\\w-])(?:MNIST)(?![\\w-]|\\.\\d)'` counts,
month by month. A difference is then the
extractor's (a mention missed, or linked to another entity), never the trend arithmetic's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

import kg
from kg import analysis as A


def hand_counts(path: Path, forms: list[str]) -> Counter:
    """Papers per month ("YYYY-MM") of ``path`` whose title or abstract names a form."""
    names = sorted(set(forms), key=len, reverse=True)
    # "GPT-5.1" and "Llama 3.1" are other entities than "GPT-5" and "Llama 3": a version
    # after a dot continues the name.
    rx = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-]|\.\d)")
    out: Counter = Counter()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d.get("date") or "") >= 7 and rx.search(f"{d['title']} {d['abstract']}"):
                out[d["date"][:7]] += 1
    return out


def check(G, path: Path, entities: list[str]) -> None:
    months = A.papers_per_period(G).index
    for name in entities:
        node = A.find_entity(G, name)
        d = G.nodes[node]
        forms = [f for f in (d.get("name"), *(d.get("aliases") or ())) if f]
        graph = A.timeline(G, [node], normalize=False).iloc[:, 0]
        hand = hand_counts(path, forms)
        agree = sum(int(graph[m]) == hand[str(m)] for m in months)
        print(f"{A.entity_name(G, node)} ({node}; forms {forms}): {agree} of {len(months)} "
              f"months agree, {int(graph.sum())} papers in the graph, {sum(hand.values())} "
              "by hand")
        print("  month  " + " ".join(f"{str(m)[2:]:>5}" for m in months))
        print("  graph  " + " ".join(f"{int(graph[m]):>5}" for m in months))
        print("  hand   " + " ".join(f"{hand[str(m)]:>5}" for m in months))


def plot(G, out: Path, entities: list[str], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals = A.papers_per_period(G)
    full = totals[totals >= totals.median() / 2].index  # the listing's last month has begun
    shares = A.timeline(G, entities).loc[full] * 100
    shares.columns = entities  # the names asked for (a graph's label may be a rarer spelling)
    ax = shares.plot(figsize=(8, 3.6), marker="o", markersize=3)
    ax.set_ylabel("% of the month's papers")
    ax.set_xlabel("")
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small")
    plt.tight_layout()
    plt.savefig(out, dpi=110)
    print(f"wrote {out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", type=Path, help="a kg build directory")
    ap.add_argument("input", type=Path, help="the JSON Lines file (.gz too) it was built from")
    ap.add_argument("--entities", nargs="*", default=[])
    ap.add_argument("--plot", type=Path)
    ap.add_argument("--plot-entities", nargs="*", default=[])
    ap.add_argument("--title", default="Share of arXiv cs papers a month")
    args = ap.parse_args()
    warnings.simplefilter("ignore")  # papers without a month: counted by papers_per_period
    G = kg.load(args.build)
    pd.set_option("display.width", 200)
    check(G, args.input, args.entities)
    if args.plot:
        plot(G, args.plot, args.plot_entities, args.title)


if __name__ == "__main__":
    main()
