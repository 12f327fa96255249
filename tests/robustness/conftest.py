"""Fixtures for the robustness tests: the CLI in a subprocess, a built index to protect.

Every subprocess gets its own PLAN_ALIGN_CACHE (a per-test temp dir), so no test sees
another's segmentation, embeddings or index. The one expensive thing, an index of the
mini corpus, is built once per session and copied into each test that needs one.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MINI_CORPUS

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Built:
    corpus: Path
    index: Path
    cache: Path


def cli_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, PLAN_ALIGN_CACHE=str(cache), PYTHONPATH=str(ROOT))
    env.pop("PLAN_ALIGN_CORPUS", None)
    return env


def run_cli(args: list[str], cache: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m align.cli ARGS` with its own cache; output captured as text."""
    return subprocess.run([sys.executable, "-m", "align.cli", *map(str, args)], capture_output=True, text=True,
                          env=cli_env(cache), cwd=ROOT, timeout=timeout)


def snapshot(*paths: Path) -> dict[str, tuple]:
    """Every file and link under `paths`: (size, mtime_ns, sha256) or the link target."""
    state: dict[str, tuple] = {}
    for root in paths:
        items = [root] if not root.is_dir() or root.is_symlink() else [root, *sorted(root.rglob("*"))]
        for item in items:
            if item.is_symlink():
                state[str(item)] = ("link", os.readlink(item))
            elif item.is_file():
                stat = item.stat()
                state[str(item)] = (stat.st_size, stat.st_mtime_ns, hashlib.sha256(item.read_bytes()).hexdigest())
    return state


def assert_clean_failure(result: subprocess.CompletedProcess, *words: str) -> str:
    """Non-zero exit, exactly one stderr line `Error: ...` that names `words` (case-insensitive)."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Built:
    """The mini corpus and an index of it (e5), built once for the session."""
    from align.corpus import Corpus
    from align.corpus_index import CorpusIndex
    from align.embed.backends import load_embedder
    from align.embed.cache import EmbeddingCache

    base = tmp_path_factory.mktemp("robust-built")
    corpus = base / "mini"
    shutil.copytree(MINI_CORPUS, corpus)
    cache = base / "cache"
    CorpusIndex.build(Corpus(corpus), load_embedder("e5"), base / "index", progress=False,
                      cache=EmbeddingCache(cache / "embeddings" / "vectors.sqlite"))
    return Built(corpus, base / "index", cache)


@pytest.fixture()
def mini_index(built_mini, tmp_path) -> Built:
    """A private copy of the built corpus and index, with a fresh cache dir."""
    corpus = tmp_path / "mini"
    index = tmp_path / "index"
    shutil.copytree(built_mini.corpus, corpus)
    shutil.copytree(built_mini.index, index, symlinks=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    return Built(corpus, index, cache)
