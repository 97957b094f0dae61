"""Extraction records spilled to disk during a build and read back as often as needed."""

from __future__ import annotations

import pytest
from helpers import ent, extraction

from kg.export import write_extractions
from kg.store.extractions import ExtractionStore


def _records():
    return [extraction("p1", [ent("ReFT", role="proposes")]),
            extraction("p2", [ent("GSM8K", "Dataset", role="evaluates_on")]),
            extraction("p3", [])]


def test_store_reads_the_records_back_in_order_as_often_as_asked(tmp_path):
    with ExtractionStore(tmp_path) as store:
        store.extend(_records())
        assert len(store) == 3
        first = [e.to_json() for e in store]
        assert first == [e.to_json() for e in _records()]
        assert [e.to_json() for e in store] == first


def test_moved_store_is_byte_identical_to_the_written_export(tmp_path):
    write_extractions(_records(), tmp_path / "written.jsonl")
    with ExtractionStore(tmp_path) as store:
        store.extend(_records())
        store.move_to(tmp_path / "moved.jsonl")
        with pytest.raises(ValueError):
            list(store)
    assert (tmp_path / "moved.jsonl").read_bytes() == (tmp_path / "written.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moved.jsonl", "written.jsonl"]


def test_closed_store_leaves_no_file(tmp_path):
    with ExtractionStore(tmp_path) as store:
        store.extend(_records())
        assert any(tmp_path.iterdir())
    assert list(tmp_path.iterdir()) == []


def test_no_record_can_be_added_once_the_store_is_read(tmp_path):
    with ExtractionStore(tmp_path) as store:
        store.add(_records()[0])
        list(store)
        with pytest.raises(ValueError, match="already read back"):
            store.add(_records()[1])
