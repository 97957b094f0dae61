"""kg.analysis over time: per-period counts and shares, risers and fallers, first-seen
periods — on a hand-made dated corpus whose answers are counted by hand below.

    month     papers  OldNet  NewNet  BERT  ImageNet
    2025-01     4       3       0      2      1
    2025-02     2       2       0      1      0
    2025-03     0       0       0      0      0       (no paper that month)
    2025-04     2       1       1      1      0
    2025-05     4       0       3      2      2
    2025-06     2       0       2      1      0       (f1 dated "2025-06" only)

plus y1 (dated "2025" only: counted by year, not by month) and u1 (no date).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from helpers import ent, extraction, paper

from kg import analysis as A
from kg.graph.property_graph import build_graph

TYPES = {"OldNet": "Method", "NewNet": "Method", "BERT": "Model", "ImageNet": "Dataset"}
CORPUS = [
    ("a1", "2025-01-03", ["OldNet", "BERT"]),
    ("a2", "2025-01-10", ["OldNet"]),
    ("a3", "2025-01-20", ["OldNet", "ImageNet"]),
    ("a4", "2025-01-31", ["BERT"]),
    ("b1", "2025-02-02", ["OldNet"]),
    ("b2", "2025-02-14", ["OldNet", "BERT"]),
    ("d1", "2025-04-01", ["OldNet", "NewNet"]),
    ("d2", "2025-04-30", ["BERT"]),
    ("e1", "2025-05-05", ["NewNet", "BERT"]),
    ("e2", "2025-05-06", ["NewNet"]),
    ("e3", "2025-05-07", ["NewNet", "BERT", "ImageNet"]),
    ("e4", "2025-05-08", ["ImageNet"]),
    ("f1", "2025-06", ["NewNet"]),
    ("f2", "2025-06-30", ["NewNet", "BERT"]),
    ("y1", "2025", ["OldNet"]),
    ("u1", None, ["NewNet"]),
]
MONTHS = pd.period_range("2025-01", "2025-06", freq="M", name="period")


def dated_corpus():
    papers = [paper(pid, date=date) for pid, date, _ in CORPUS]
    exts = [extraction(pid, [ent(name, TYPES[name],
                                 role="proposes" if (pid, name) == ("d1", "NewNet") else "uses")
                             for name in names])
            for pid, _, names in CORPUS]
    return build_graph(papers, exts)


@pytest.fixture(scope="module")
def G():
    return dated_corpus()


@pytest.fixture(autouse=True)
def _quiet_undated():
    """Two papers of the corpus have no month: every monthly answer warns about them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="2 of 16 papers have no date")
        yield


# ----------------------------------------------------------------------------- counts


def test_papers_per_month_cover_every_month_and_count_gaps_as_zero(G):
    totals = A.papers_per_period(G)
    assert totals.index.equals(MONTHS)
    assert totals.tolist() == [4, 2, 0, 2, 4, 2]


def test_papers_per_quarter_year_and_day_use_the_dates_precise_enough(G):
    assert A.papers_per_period(G, "quarter").to_dict() == {
        pd.Period("2025Q1"): 6, pd.Period("2025Q2"): 8}
    with pytest.warns(UserWarning, match="1 of 16 papers have no date at year precision"):
        assert A.papers_per_period(G, "year").tolist() == [15]
    with pytest.warns(UserWarning, match="3 of 16 papers have no date at day precision"):
        days = A.papers_per_period(G, "day")
    assert days.sum() == 13 and days.index[0] == pd.Period("2025-01-03", "D")
    assert days[pd.Period("2025-03-01", "D")] == 0


def test_papers_without_a_precise_date_are_left_out_with_a_warning_naming_how_many(G):
    with pytest.warns(UserWarning, match=r"2 of 16 papers have no date at month precision") as w:
        warnings.resetwarnings()
        A.timeline(G)
    assert w[0].filename == __file__  # points at the caller, not inside kg.analysis


def test_a_graph_without_dates_is_an_error_not_an_empty_answer():
    g = build_graph([paper("p1"), paper("p2", date="not a date"), paper("p3", date="2025-13")],
                    [extraction(p, [ent("X")]) for p in ("p1", "p2", "p3")])
    with pytest.raises(ValueError, match="no paper in the graph has a date at month precision"):
        A.timeline(g)
    with pytest.raises(ValueError, match="unknown period"):
        A.papers_per_period(dated_corpus(), "fortnight")


def test_timeline_counts_match_the_hand_count(G):
    counts = A.timeline(G, normalize=False)
    assert list(counts.columns) == ["BERT", "NewNet", "OldNet", "ImageNet"]  # most papers first
    assert counts.index.equals(MONTHS)
    assert counts.to_dict("list") == {
        "BERT": [2, 1, 0, 1, 2, 1], "NewNet": [0, 0, 0, 1, 3, 2],
        "OldNet": [3, 2, 0, 1, 0, 0], "ImageNet": [1, 0, 0, 0, 2, 0]}


def test_timeline_shares_divide_by_the_months_papers_and_empty_months_are_nan(G):
    shares = A.timeline(G, ["OldNet", "newnet"])  # any name find_entity accepts
    assert list(shares.columns) == ["OldNet", "NewNet"]
    assert shares["OldNet"].tolist()[:2] == [0.75, 1.0]
    assert pd.isna(shares.loc["2025-03"]).all()
    assert shares["NewNet"].tolist()[3:] == [0.5, 0.75, 1.0]


def test_timeline_of_one_kind_and_roles(G):
    assert list(A.timeline(G, kind="Method").columns) == ["NewNet", "OldNet"]
    proposed = A.timeline(G, kind="Method", roles="proposes", normalize=False)
    assert list(proposed.columns) == ["NewNet"] and proposed["NewNet"].sum() == 1


# ----------------------------------------------------------------------------- movers


def test_risers_compare_the_last_window_with_the_one_before(G):
    up = A.risers(G)  # Apr–Jun (8 papers) vs Jan–Mar (6); at least 5 papers recently
    assert up["entity"].tolist() == ["NewNet"]
    row = up.iloc[0]
    assert (row["before"], row["recent"], row["id"]) == (0, 6, "entity:newnet")
    assert row["recent_share"] == pytest.approx(6 / 8) and row["before_share"] == 0
    assert row["ratio"] == pytest.approx((7 / 8) / (1 / 6))
    assert up.attrs == {"before": "2025-01–2025-03", "recent": "2025-04–2025-06",
                        "before_papers": 6, "recent_papers": 8, "min_papers": 5}


def test_min_support_keeps_rare_entities_out(G):
    up = A.risers(G, min_papers=2)
    assert up["entity"].tolist() == ["NewNet", "ImageNet"]  # BERT's share fell: not a riser
    assert up.iloc[1]["ratio"] == pytest.approx((3 / 8) / (2 / 6))


def test_fallers_are_ordered_smallest_ratio_first(G):
    assert A.fallers(G)["entity"].tolist() == ["OldNet"]
    down = A.fallers(G, min_papers=1)
    assert down["entity"].tolist() == ["OldNet", "BERT"]
    assert down["ratio"].tolist() == pytest.approx([(2 / 8) / (6 / 6), (5 / 8) / (4 / 6)])


def test_window_and_end_choose_the_months_compared(G):
    up = A.risers(G, window=1, end="2025-05", min_papers=1)  # May (4) vs April (2)
    assert up["entity"].tolist() == ["ImageNet"]  # NewNet 1 -> 3 keeps its share: ratio 1
    assert up.attrs["before"] == "2025-04–2025-04" and up.attrs["recent_papers"] == 4
    assert A.risers(G, kind="Dataset", min_papers=1)["entity"].tolist() == ["ImageNet"]


def test_windows_that_do_not_fit_the_dates_are_errors(G):
    with pytest.raises(ValueError, match="need 8 months"):
        A.risers(G, window=4)
    with pytest.raises(ValueError, match="outside the papers' dates"):
        A.fallers(G, end="2024-12")
    with pytest.raises(ValueError, match="no dated papers in the recent window"):
        A.risers(G, window=1, end="2025-03")
    with pytest.raises(ValueError, match="window"):
        A.risers(G, window=0)


# ----------------------------------------------------------------------------- first seen


def test_first_seen_lists_the_newest_first(G):
    seen = A.first_seen(G)
    assert seen["entity"].tolist() == ["NewNet", "OldNet", "BERT", "ImageNet"]
    assert seen["first"].astype(str).tolist() == ["2025-04", "2025-01", "2025-01", "2025-01"]
    assert seen["first_papers"].tolist() == [1, 3, 2, 1]
    assert seen["papers"].tolist() == [6, 6, 7, 3]
    assert seen[seen["first"] == "2025-04"]["id"].tolist() == ["entity:newnet"]


def test_first_seen_by_quarter_and_kind(G):
    seen = A.first_seen(G, kind="Method", period="quarter")
    assert dict(zip(seen["entity"], seen["first"].astype(str), strict=True)) == {
        "NewNet": "2025Q2", "OldNet": "2025Q1"}


def test_names_in_trend_answers_are_accepted_back(G):
    for name in [*A.timeline(G).columns, *A.risers(G, min_papers=1)["entity"],
                 *A.first_seen(G)["entity"]]:
        assert A.entity_name(G, A.find_entity(G, name)) == name


# ----------------------------------------------------------------------------- hand count


def _trends_check():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "trends_check.py"
    spec = importlib.util.spec_from_file_location("trends_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hand_count_takes_whole_names_only(tmp_path):
    import gzip
    import json

    rows = [("2025-01-02", "We train on MNIST.", "A"), ("2025-01-09", "Fashion-MNIST only", "B"),
            ("2025-02-01", "MNIST-1D and (MNIST)", "C"), ("2025-02-03", "nothing", "mnist"),
            ("2025", "MNIST again", "D"), ("2025-03-01", "Title", "MNIST, then more")]
    text = "".join(json.dumps({"date": d, "abstract": a, "title": t}) + "\n" for d, a, t in rows)
    plain, packed = tmp_path / "p.jsonl", tmp_path / "p.jsonl.gz"
    plain.write_text(text, encoding="utf-8")
    packed.write_bytes(gzip.compress(text.encode("utf-8")))
    check = _trends_check()
    expected = {"2025-01": 1, "2025-02": 1, "2025-03": 1}
    assert check.hand_counts(plain, ["MNIST"]) == expected
    assert check.hand_counts(packed, ["MNIST"]) == expected
