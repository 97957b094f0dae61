"""The annotation splits of the training scripts (``training/prepare_data.split_of``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "training"))

from prepare_data import split_of  # noqa: E402

IDS = [f"2401.{i:05d}" for i in range(2000)]


def splits(monkeypatch, fraction: str | None) -> dict[str, str]:
    if fraction is None:
        monkeypatch.delenv("KG_TRAIN_FRACTION", raising=False)
    else:
        monkeypatch.setenv("KG_TRAIN_FRACTION", fraction)
    return {i: split_of(i) for i in IDS}


def test_default_split_has_no_unused_papers(monkeypatch):
    counts = {s: list(splits(monkeypatch, None).values()).count(s)
              for s in ("train", "dev", "heldout", "unused")}
    assert counts["unused"] == 0
    assert 0.12 < counts["heldout"] / len(IDS) < 0.18
    assert 0.07 < counts["dev"] / len(IDS) < 0.13


def test_a_train_fraction_keeps_dev_and_heldout_and_nests_train(monkeypatch):
    full, half, quarter = (splits(monkeypatch, f) for f in (None, "0.5", "0.25"))
    for i in IDS:
        if full[i] in ("dev", "heldout"):
            assert half[i] == quarter[i] == full[i]
    train = {f: {i for i, s in d.items() if s == "train"}
             for f, d in (("1", full), ("0.5", half), ("0.25", quarter))}
    assert train["0.25"] < train["0.5"] < train["1"]
    assert 0.4 < len(train["0.5"]) / len(train["1"]) < 0.6


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.2"])
def test_a_train_fraction_outside_0_1_is_an_error(monkeypatch, bad):
    monkeypatch.setenv("KG_TRAIN_FRACTION", bad)
    with pytest.raises(ValueError, match="KG_TRAIN_FRACTION"):
        split_of("2401.00001")


def test_only_finished_arxiv_batches_are_read_and_a_prefix_can_be_pinned(monkeypatch):
    import prepare_data

    monkeypatch.delenv("KG_ARXIV_BATCHES", raising=False)
    batches = [p for p in prepare_data.annotation_files() if p.parent.name == "arxiv-cs-2025"]
    log = (Path(prepare_data.ROOT) / "annotations" / "arxiv-cs-2025" / "log.jsonl")
    logged = {line.split('"file": "')[1].split('"')[0] for line in log.open()
              if '"pass": "first"' in line}
    assert {p.name for p in batches} == logged  # a batch being written is not read
    assert batches == sorted(batches)
    assert not any(p.parent.name == "second" for p in prepare_data.annotation_files())
    monkeypatch.setenv("KG_ARXIV_BATCHES", "3")
    pinned = [p for p in prepare_data.annotation_files() if p.parent.name == "arxiv-cs-2025"]
    assert pinned == batches[:3]


def test_arxiv_ids_are_their_own_source():
    from prepare_data import source_of

    assert source_of("arXiv:2505.04964") == "arxiv"
    assert source_of("2401.09417") == "daily"
    assert source_of("sample-0123456789ab") == "daily"
    assert source_of("0c9ae806059196007938f24d0327a4237ed6adf5") == "scirex"
    assert source_of("1234567890abcdef1234567890abcdef12345678") == "scirex"  # hex, not arXiv
