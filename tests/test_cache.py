"""The extraction cache: incremental builds re-extract only new or changed papers, and a
build from the cache writes the same bytes as a fresh one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import ent, extraction, paper

import kg.engines
from kg.build import EXPORT_FILES, build_exports, extract_papers, sample_corpus_path
from kg.extract import extractor_version
from kg.extract.pipeline import default_pipeline_path
from kg.ingest import read_papers
from kg.options import BuildOptions, BuildReport
from kg.store.cache import ExtractionCache

VOLATILE_REPORT_KEYS = ("timings_s", "cache")


def _stable_report(path: Path) -> dict:
    report = json.loads(path.read_text())
    for key in VOLATILE_REPORT_KEYS:
        report.pop(key, None)
    return report


def assert_same_build(expected: Path, actual: Path) -> None:
    for name in EXPORT_FILES:
        if name == "report.json":
            assert _stable_report(actual / name) == _stable_report(expected / name)
        else:
            same = (actual / name).read_bytes() == (expected / name).read_bytes()
            assert same, f"{name} differs"


def _write_jsonl(papers, path: Path) -> Path:
    path.write_text("".join(
        json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}) + "\n"
        for p in papers), encoding="utf-8")
    return path


@pytest.fixture
def extracted_ids(monkeypatch) -> list[str]:
    """Ids of the papers that really go to the extractor (not served by the cache)."""
    seen: list[str] = []
    real = kg.engines.run_extraction

    def spy(papers, options):
        seen.extend(p.id for p in papers)
        return real(papers, options)

    monkeypatch.setattr(kg.engines, "run_extraction", spy)
    return seen


def test_adding_papers_re_extracts_only_the_new_ones(tmp_path, extracted_ids):
    papers = list(read_papers([sample_corpus_path()]))[:40]
    first = _write_jsonl(papers[:24], tmp_path / "first.jsonl")
    more = _write_jsonl(papers[24:], tmp_path / "more.jsonl")
    cache = tmp_path / "cache"

    def build(inputs, out, cache_dir):
        opts = BuildOptions(workers=1, cache_dir=cache_dir, quiet=True)
        build_exports(inputs, tmp_path / out, options=opts)
        return json.loads((tmp_path / out / "run.json").read_text()).get("cache")

    assert build([first], "a", cache) == {"hits": 0, "misses": 24}
    assert extracted_ids == [p.id for p in papers[:24]]
    extracted_ids.clear()

    assert build([first, more], "b", cache) == {"hits": 24, "misses": 16}
    assert extracted_ids == [p.id for p in papers[24:]]
    extracted_ids.clear()

    assert build([first, more], "c", cache) == {"hits": 40, "misses": 0}
    assert extracted_ids == []

    assert build([first, more], "fresh", None) == {}
    assert_same_build(tmp_path / "fresh", tmp_path / "b")  # half from the cache
    assert_same_build(tmp_path / "fresh", tmp_path / "c")  # all from the cache


def test_a_changed_abstract_or_extractor_misses(tmp_path):
    p = paper("p1", "A title", "We propose FooNet.")
    ext = extraction("p1", [ent("FooNet", role="proposes")])
    cache = ExtractionCache(tmp_path, "v1")
    cache.put_many([(p, ext)])
    got = cache.get_many([p])
    assert got["p1"].to_json() == ext.to_json()
    changed = paper("p1", "A title", "We propose BarNet.")
    assert cache.get_many([changed]) == {}
    cache.close()
    assert ExtractionCache(tmp_path, "v2").get_many([p]) == {}
    reopened = ExtractionCache(tmp_path, "v1")
    assert reopened.get_many([p])["p1"].to_json() == ext.to_json()
    assert (reopened.hits, reopened.misses) == (1, 0)


def test_an_interrupted_build_keeps_what_it_extracted(tmp_path, monkeypatch):
    papers = [paper(f"p{i}") for i in range(5)]

    def flaky(todo, options):
        for p in todo[:3]:
            yield extraction(p.id, [])
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.engines, "run_extraction", flaky)
    opts = BuildOptions(workers=1, cache_dir=tmp_path, quiet=True)
    with pytest.raises(KeyboardInterrupt):
        extract_papers(papers, opts, BuildReport())
    cache = ExtractionCache(tmp_path, extractor_version(None))
    assert sorted(cache.get_many(papers)) == ["p0", "p1", "p2"]


def test_a_retrained_pipeline_with_the_same_config_is_a_new_extractor(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(default_pipeline_path(), a)
    shutil.copytree(default_pipeline_path(), b)
    assert extractor_version(str(a)) == extractor_version(str(b))
    weights = b / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    assert extractor_version.__wrapped__(str(b)) != extractor_version(str(a))
    with pytest.raises(FileNotFoundError):
        extractor_version(str(tmp_path / "missing"))


def test_cached_records_are_read_in_input_order_without_a_decode_to_count_them(tmp_path):
    papers = [paper(f"p{i}") for i in range(1200)]  # more than one query batch
    cache = ExtractionCache(tmp_path, "v1")
    cache.put_many([(p, extraction(p.id, [])) for p in papers[::2]])
    wanted = list(reversed(papers))
    present = cache.present(wanted)
    assert present == {p.id for p in papers[::2]}
    assert (cache.hits, cache.misses) == (600, 600)
    cached = [p for p in wanted if p.id in present]
    assert [e.id for e in cache.iter_many(cached)] == [p.id for p in cached]
    with pytest.raises(KeyError, match="p1"):
        list(cache.iter_many([papers[1]]))
