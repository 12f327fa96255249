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


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Caches (segmentation, embeddings, indexes) go to a temp dir, shared by the session; the
    data directory is an empty one, so the shipped fitted models are the ones in force."""
    import os

    path = tmp_path_factory.mktemp("plan-align-cache")
    settings = {"PLAN_ALIGN_CACHE": str(path), "PLAN_ALIGN_DATA": str(tmp_path_factory.mktemp("plan-align-data"))}
    old = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield path
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path_factory, monkeypatch):
    """Review memory (the user's data directory) in a temp dir of its own for each test."""
    monkeypatch.setenv("PLAN_ALIGN_DATA", str(tmp_path_factory.mktemp("plan-align-data")))


@pytest.fixture()
def mini_corpus(tmp_path) -> Path:
    """A private copy of the project's mini corpus (tests may edit it)."""
    import shutil

    target = tmp_path / "mini"
    shutil.copytree(MINI_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def e5():
    from align.embed.backends import load_embedder

    return load_embedder("e5")


@pytest.fixture(scope="session")
def real_api(corpus_dir):
    """A PlanAlign over the real corpus with its index where PlanAlign puts it by default, in the
    test run's cache: built once per run, by whoever needs it first (the README's example too)."""
    from align.api import PlanAlign

    return PlanAlign(corpus_dir)


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
