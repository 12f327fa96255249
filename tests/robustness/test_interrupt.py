"""Interrupt safety: `plan-align index build` killed (SIGKILL) at any moment, or two builds
at once, leave an index that loads and answers."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from align.corpus import Corpus
from align.corpus_index import CorpusIndex
from tests.robustness.conftest import ROOT, cli_env, run_cli


def _start_build(mini, cache: Path, full: bool = True) -> subprocess.Popen:
    """A build in its own process; a full one by default (an update of an unchanged corpus is too
    quick to be caught while writing), with `cache` empty so it parses and embeds for real."""
    return subprocess.Popen([sys.executable, "-m", "align.cli", "index", "build", "--corpus", str(mini.corpus),
                             "--index-dir", str(mini.index), "-q", *(["--full"] if full else [])],
                            env=cli_env(cache), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def _kill(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait(timeout=30)


def _assert_answers(directory: Path, corpus: Path) -> CorpusIndex:
    """The current index loads, fits the corpus, and finds its own vectors and terms."""
    index = CorpusIndex.load(directory)
    assert index.staleness(Corpus(corpus), index.model_id) is None
    assert len(index.tasks) == index.manifest["counts"]["tasks"] > 0
    _, rows = index.tasks.search(np.asarray(index.tasks.vectors[:3]), 1)
    assert list(rows[:, 0]) == [0, 1, 2]
    assert index.clause_bm25.score(["chuyển_đổi"]).shape == (len(index.clauses),)
    return index


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0, 5.0])
def test_index_build_killed_after_delay_leaves_usable_index(mini_index, delay):
    proc = _start_build(mini_index, mini_index.cache)
    time.sleep(delay)
    _kill(proc)
    _assert_answers(mini_index.index, mini_index.corpus)


# A build writes into builds/.<stamp>.tmp-*/ (embedding, then each store), then publishes it.
WRITING_STAGES = {"build-dir-created": "builds/.*.tmp-*", "clause-store-written": "builds/.*.tmp-*/clauses/bm25"}


@pytest.mark.parametrize("stage", sorted(WRITING_STAGES))
def test_index_build_killed_while_writing_keeps_previous_build(mini_index, stage):
    before = CorpusIndex.load(mini_index.index).manifest
    proc = _start_build(mini_index, mini_index.cache)
    pattern = WRITING_STAGES[stage]
    _wait_for(lambda: any(mini_index.index.glob(pattern)) or proc.poll() is not None)
    _kill(proc)
    assert proc.returncode == -9, "the build ended before it could be killed while writing"
    assert _assert_answers(mini_index.index, mini_index.corpus).manifest == before


def test_index_update_killed_while_writing_keeps_previous_build(mini_index):
    """An incremental update (one plan edited) killed mid-way leaves the previous build in place."""
    before = CorpusIndex.load(mini_index.index).manifest
    plan = mini_index.corpus / "communes" / "xa-an-phu.txt"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n- Số hóa sổ hộ tịch lưu trữ tại xã.\n", encoding="utf-8")
    proc = _start_build(mini_index, mini_index.cache, full=False)
    _wait_for(lambda: any(mini_index.index.glob("builds/.*.tmp-*")) or proc.poll() is not None)
    _kill(proc)
    assert proc.returncode == -9, "the update ended before it could be killed while writing"
    index = CorpusIndex.load(mini_index.index)
    assert index.manifest == before and "changed: xa-an-phu" in index.staleness(Corpus(mini_index.corpus),
                                                                                 index.model_id)


def test_index_build_after_killed_build_succeeds(mini_index):
    proc = _start_build(mini_index, mini_index.cache)
    _wait_for(lambda: any((mini_index.index / "builds").glob(".*.tmp-*")) or proc.poll() is not None)
    _kill(proc)
    result = run_cli(["index", "build", "--corpus", mini_index.corpus, "--index-dir", mini_index.index, "-q"],
                     mini_index.cache)
    assert result.returncode == 0, result.stderr
    assert _assert_answers(mini_index.index, mini_index.corpus).manifest["built_at"]


def test_index_two_builds_at_once_both_succeed(mini_index, tmp_path):
    first = _start_build(mini_index, tmp_path / "cache-a")
    second = _start_build(mini_index, tmp_path / "cache-b")
    errors = [p.communicate(timeout=300)[1] for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), errors
    _assert_answers(mini_index.index, mini_index.corpus)
    assert not list((mini_index.index / "builds").glob(".*.tmp-*"))


def test_index_two_builds_one_killed_leaves_usable_index(mini_index, tmp_path):
    first = _start_build(mini_index, tmp_path / "cache-a")
    second = _start_build(mini_index, tmp_path / "cache-b")
    time.sleep(3.0)
    _kill(first)
    _, error = second.communicate(timeout=300)
    assert second.returncode == 0, error
    _assert_answers(mini_index.index, mini_index.corpus)
