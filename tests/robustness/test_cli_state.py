"""State that never breaks, through the real command line: damaged caches are moved aside
and rebuilt with one warning; damaged index files are found by their checksums and rebuilt,
or refused with --no-rebuild."""
from __future__ import annotations

import json

from tests.robustness import bad_files
from tests.robustness.conftest import run_cli


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
