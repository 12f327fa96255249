"""Text tests segment into a temporary cache, never the user's."""
from __future__ import annotations

import pytest

from align.text import segment as segment_module


@pytest.fixture(autouse=True)
def isolated_segment_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "cache"))
    segment_module.set_default_cache(None)
    yield tmp_path / "cache"
    segment_module.set_default_cache(None)
