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
