import logging
import multiprocessing
import os
import shutil
import signal
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from align.text import segment as segment_module
from hypothesis import given, settings
from hypothesis import strategies as st

from align.text.segment import CHUNK, SegmentCache, SegmentStore, segment, segment_many, segmenter_tag


def split_words(text: str) -> list[str]:
    """A cheap tokenizer: the cache tests are about the cache, not about underthesea."""
    return text.split()


def _split_or_die(text: str) -> list[str]:
    if text == "dừng":
        os.kill(os.getpid(), signal.SIGKILL)
    return text.split()


def _split_or_fail(text: str) -> list[str]:
    if text == "dừng":
        raise RuntimeError("tokenizer failed")
    return text.split()


def _texts(start: int, stop: int) -> list[str]:
    return [f"việc {i} của xã" for i in range(start, stop)]


@contextmanager
def _read_only(directory: Path):
    """`directory` read-only for this process; as root (who ignores modes) with euid nobody."""
    paths = [directory, *directory.iterdir()]
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)
    as_root = os.geteuid() == 0
    try:
        if as_root:
            os.seteuid(65534)
        yield
    finally:
        if as_root:
            os.seteuid(0)
        for path in paths:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_segment_joins_multi_syllable_words():
    tokens = segment("Xã đẩy mạnh chuyển đổi số và phát triển khoa học công nghệ.")
    assert "chuyển_đổi" in tokens and "khoa_học" in tokens and "và" in tokens


def test_segment_default_cache_is_one_sqlite_file_under_plan_align_cache(isolated_segment_cache):
    segment("Người dân dùng dịch vụ công trực tuyến.")
    segment("Xã số hóa hồ sơ hành chính.")
    stored = [p.name for p in (isolated_segment_cache / "segment").iterdir() if p.suffix == ".sqlite"]
    assert stored == [f"{segmenter_tag()}.sqlite"]


def test_segment_default_cache_is_read_by_a_fresh_default(isolated_segment_cache):
    tokens = segment("Người dân dùng dịch vụ công trực tuyến.")
    segment_module.set_default_cache(None)
    assert segment("Người dân dùng dịch vụ công trực tuyến.") == tokens
    assert segment_module.default_cache().computed == 0


def test_segment_many_keeps_order(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    assert cache.segment_many(["b a", "c", "b a"]) == [["b", "a"], ["c"], ["b", "a"]]


def test_segment_many_tokenizes_each_distinct_text_once(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment_many(["b a", "c", "b a", "c"])
    assert cache.computed == 2


def test_segment_many_module_function_uses_default_cache(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    segment_module.set_default_cache(cache)
    segment_many(["một hai", "ba"])
    assert cache.computed == 2


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


def test_segment_many_round_trips_through_disk(tmp_path):
    texts = _texts(0, 700)
    first = SegmentCache(tmp_path, tokenizer=split_words).segment_many(texts)
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    assert fresh.segment_many(texts) == first and (fresh.computed, fresh.disk_hits) == (0, 700)


def test_segment_many_tokenizes_only_texts_not_on_disk(tmp_path):
    SegmentCache(tmp_path, tokenizer=split_words).segment_many(_texts(0, 10))
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    fresh.segment_many(_texts(5, 15))
    assert (fresh.computed, fresh.disk_hits) == (5, 5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab _\x1e\t\"[]\\đ"), max_size=4), max_size=5))
def test_segment_store_round_trips_any_token_list(tokens):
    with tempfile.TemporaryDirectory() as tmp:
        SegmentStore(Path(tmp) / "s.sqlite").put_many([(b"k", tokens)])
        assert SegmentStore(Path(tmp) / "s.sqlite").get_many([b"k"]) == {b"k": tokens}


def test_segment_cache_returns_copies(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("a b").append("x")
    assert cache.segment("a b") == ["a", "b"]


def test_segment_cache_evicts_least_recently_used_from_memory(tmp_path):
    cache = SegmentCache(tmp_path, maxsize=2, tokenizer=split_words)
    for text in ["a", "b", "a", "c", "b"]:
        cache.segment(text)
    assert (cache.memory_hits, cache.disk_hits) == (1, 1)


def test_segment_cache_skips_blank_text(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    assert cache.segment_many([" \n", ""]) == [[], []] and cache.computed == 0


def test_segment_cache_recomputes_malformed_entry(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("a b")
    cache.close()
    with sqlite3.connect(cache.path) as db:
        db.execute("UPDATE segments SET tokens = ?", ['\x1e["a", "b'])
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    assert fresh.segment("a b") == ["a", "b"] and fresh.computed == 1


def test_segment_cache_corrupt_file_still_segments(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.path.write_bytes(b"not a database at all, " * 100)
    assert cache.segment_many(["a b", "c"]) == [["a", "b"], ["c"]]


def test_segment_cache_corrupt_file_warns_once(tmp_path, caplog):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.path.write_bytes(b"not a database at all, " * 100)
    with caplog.at_level(logging.WARNING, logger="align.text.segment"):
        cache.segment("a b")
        cache.segment("c")
    assert len(caplog.records) == 1 and str(cache.path) in caplog.records[0].getMessage()


@pytest.fixture()
def read_only_cache():
    """A folder holding a cache of "a b", made read-only while the test runs."""
    root = Path(tempfile.mkdtemp(prefix="segment-ro-"))
    try:
        root.chmod(0o755)  # reachable by the unprivileged user _read_only switches to
        known = SegmentCache(root, tokenizer=split_words)
        known.segment("a b")
        known.close()
        with _read_only(root):
            yield root
    finally:
        shutil.rmtree(root)


def test_segment_cache_read_only_directory_still_segments(read_only_cache):
    cache = SegmentCache(read_only_cache, tokenizer=split_words)
    assert cache.segment_many(["a b", "c d"]) == [["a", "b"], ["c", "d"]]


def test_segment_cache_read_only_directory_still_reads(read_only_cache):
    cache = SegmentCache(read_only_cache, tokenizer=split_words)
    cache.segment_many(["a b", "c d"])
    assert (cache.disk_hits, cache.computed) == (1, 1)


def test_segment_cache_uncreatable_directory_still_segments(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cache = SegmentCache(tmp_path / "file" / "cache", tokenizer=split_words)
    assert cache.segment("a b") == ["a", "b"]


def test_segment_cache_full_database_still_segments(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.segment("a b")
    db = cache._store.file._db
    db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
    texts = [f"việc {i} " * 40 for i in range(200)]
    assert cache.segment_many(texts) == [t.split() for t in texts]


def _segment_with(directory: str, tokenizer, texts: list[str]) -> None:
    SegmentCache(directory, tokenizer=tokenizer).segment_many(texts)


def test_segment_many_killed_run_keeps_written_chunks(tmp_path):
    texts = _texts(0, CHUNK + 10)
    worker = multiprocessing.get_context("spawn").Process(
        target=_segment_with, args=(str(tmp_path), _split_or_die, [*texts, "dừng"]))
    worker.start()
    worker.join(60)
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    fresh.segment_many(texts)
    assert worker.exitcode == -signal.SIGKILL and (fresh.disk_hits, fresh.computed) == (CHUNK, 10)


def test_segment_many_failed_run_keeps_what_it_tokenized(tmp_path):
    texts = _texts(0, 30)
    with pytest.raises(RuntimeError):
        _segment_with(str(tmp_path), _split_or_fail, [*texts, "dừng"])
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    fresh.segment_many(texts)
    assert (fresh.disk_hits, fresh.computed) == (30, 0)


def _fill(directory: str, start: int, stop: int) -> list[list[str]]:
    cache = SegmentCache(directory, tokenizer=split_words)
    texts = _texts(start, stop)
    out = []
    for i in range(0, len(texts), 20):  # many small transactions, to interleave the writers
        out.extend(cache.segment_many(texts[i:i + 20]))
    return out


def test_segment_cache_concurrent_writers_share_one_file(tmp_path):
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.starmap(_fill, [(str(tmp_path), 0, 600), (str(tmp_path), 300, 900)])
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    texts = _texts(0, 900)
    assert fresh.segment_many(texts) == [t.split() for t in texts] and fresh.computed == 0


def test_segment_cache_corrupt_file_is_moved_aside_and_rebuilt(tmp_path):
    cache = SegmentCache(tmp_path, tokenizer=split_words)
    cache.path.write_bytes(b"not a database at all, " * 100)
    cache.segment("a b")
    cache.close()
    fresh = SegmentCache(tmp_path, tokenizer=split_words)
    assert fresh.segment("a b") == ["a", "b"] and (fresh.disk_hits, fresh.computed) == (1, 0)


def test_underthesea_tokenize_imports_neither_torch_nor_transformers():
    import subprocess
    import sys

    script = ("import sys; from align.text.segment import underthesea_tokenize; "
              "print(underthesea_tokenize('đào tạo kỹ năng số'), 'torch' in sys.modules, 'transformers' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(root)))
    assert run.stdout.split() == ["['đào_tạo',", "'kỹ_năng',", "'số']", "False", "False"]
