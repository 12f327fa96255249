import json
import multiprocessing

from align.text import segment as segment_module
from align.text.segment import SegmentCache, segment, segment_many


def split_words(text: str) -> list[str]:
    """A cheap tokenizer: the cache tests are about the cache, not about underthesea."""
    return text.split()


def test_segment_joins_multi_syllable_words():
    tokens = segment("Xã đẩy mạnh chuyển đổi số và phát triển khoa học công nghệ.")
    assert "chuyển_đổi" in tokens and "khoa_học" in tokens and "và" in tokens


def test_segment_default_cache_lives_under_plan_align_cache(isolated_segment_cache):
    segment("Người dân dùng dịch vụ công trực tuyến.")
    assert len(list((isolated_segment_cache / "segment").rglob("*.json"))) == 1


def test_segment_many_keeps_order(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    assert cache.segment_many(["b a", "c", "b a"]) == [["b", "a"], ["c"], ["b", "a"]]


def test_segment_many_module_function_uses_default_cache(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    segment_module.set_default_cache(cache)
    segment_many(["một hai", "ba"])
    assert cache.computed == 2


def test_segment_cache_writes_file_named_by_hash(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("số hóa hồ sơ")
    assert json.loads(cache.path_for("số hóa hồ sơ").read_text(encoding="utf-8")) == ["số", "hóa", "hồ", "sơ"]


def test_segment_cache_second_call_does_not_tokenize(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("số hóa hồ sơ")
    cache.segment("số hóa hồ sơ")
    assert (cache.computed, cache.memory_hits) == (1, 1)


def test_segment_cache_persists_across_instances(tmp_path):
    SegmentCache(tmp_path, tokenizer=split_words).segment("số hóa hồ sơ")
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    assert fresh.segment("số hóa hồ sơ") == ["số", "hóa", "hồ", "sơ"]
    assert (fresh.computed, fresh.disk_hits) == (0, 1)


def test_segment_cache_returns_copies(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("a b").append("x")
    assert cache.segment("a b") == ["a", "b"]


def test_segment_cache_evicts_least_recently_used_from_memory(tmp_path):
    cache = SegmentCache(tmp_path, maxsize=2, tokenizer=split_words)
    for text in ["a", "b", "a", "c", "b"]:
        cache.segment(text)
    assert (cache.memory_hits, cache.disk_hits) == (1, 1)


def test_segment_cache_recomputes_corrupt_file(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    path = cache.path_for("a b")
    path.parent.mkdir(parents=True)
    path.write_text('["a", "b', encoding="utf-8")
    assert cache.segment("a b") == ["a", "b"] and cache.computed == 1


def test_segment_cache_skips_blank_text(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    assert cache.segment(" \n") == [] and not list(tmp_path.rglob("*.json"))


def _fill(directory: str) -> list[list[str]]:
    cache = SegmentCache(directory, tokenizer=split_words)
    return cache.segment_many([f"văn bản {i} " * 50 for i in range(300)])


def test_segment_cache_concurrent_writers_leave_complete_files(tmp_path):
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_fill, [str(tmp_path)] * 2)
    assert results[0] == results[1]
    files = list(tmp_path.rglob("*"))
    assert all(not f.name.startswith(".tmp-") for f in files)
    stored = [json.loads(f.read_text(encoding="utf-8")) for f in files if f.suffix == ".json"]
    assert len(stored) == 300 and all(len(tokens) == 150 for tokens in stored)
