"""State that never breaks, through the real command line: damaged caches are moved aside
and rebuilt with one warning; damaged index files are found by their checksums and rebuilt,
or refused with --no-rebuild."""
from __future__ import annotations

import json

from tests.robustness import bad_files
from tests.robustness.conftest import assert_clean_failure, run_cli, snapshot


def _plan_outside_the_corpus(tmp_path):
    """A plan the index does not hold, so aligning it embeds its tasks through the cache."""
    path = tmp_path / "xa-thu-nghiem.txt"
    path.write_text(bad_files.PLAN_TEXT.replace("ủy ban nhân dân xã", "UBND xã"), encoding="utf-8")
    return path


def test_cli_align_corrupted_embedding_cache_warns_and_goes_on(mini_index, tmp_path):
    cache_file = mini_index.cache / "embeddings" / "vectors.sqlite"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"not a database " * 1000)
    result = run_cli(["align", _plan_outside_the_corpus(tmp_path), "--corpus", mini_index.corpus, "--index-dir",
                      mini_index.index, "--no-rebuild", "-q", "-f", "json"], mini_index.cache)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "vectors.sqlite" in lines[0] and "corrupted" in lines[0], result.stderr
    assert json.loads(result.stdout)["tasks"]
    assert len(list(cache_file.parent.glob("vectors.sqlite.corrupt-*"))) == 1


def _zeros_over(path, size=4096):
    """What a bad disk or a stray `dd` does: bytes overwritten in place, the size unchanged."""
    with open(path, "r+b") as handle:
        handle.seek(max(0, path.stat().st_size - size - 128))
        handle.write(b"\0" * min(size, path.stat().st_size))


def _align(mini, *extra):
    return ["align", "xa-an-phu", "--corpus", mini.corpus, "--index-dir", mini.index, "-q", "-f", "json", *extra]


def test_cli_align_same_size_damage_is_refused_with_no_rebuild(mini_index):
    damaged = mini_index.index / "current" / "tasks" / "vectors.npy"
    size = damaged.stat().st_size
    _zeros_over(damaged)
    before = snapshot(mini_index.index)
    result = run_cli(_align(mini_index, "--no-rebuild"), mini_index.cache)
    line = assert_clean_failure(result, "tasks/vectors.npy", "checksum")
    assert "plan-align index build" in line and damaged.stat().st_size == size
    assert snapshot(mini_index.index) == before


def test_cli_align_same_size_damage_is_rebuilt(mini_index):
    intact = run_cli(_align(mini_index, "--no-rebuild"), mini_index.cache)
    damaged_build = (mini_index.index / "current").resolve()
    _zeros_over(damaged_build / "tasks" / "records.jsonl", size=64)
    result = run_cli(_align(mini_index), mini_index.cache)
    assert result.returncode == 0, result.stderr
    assert "records.jsonl differs from its checksum" in result.stderr and "rebuilding" in result.stderr
    assert (mini_index.index / "current").resolve() != damaged_build
    assert json.loads(result.stdout) == json.loads(intact.stdout)
