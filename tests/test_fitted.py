"""Files of fitted entries, one per embedding model: which entry a model gets."""
from __future__ import annotations

import json

from align.fitted import entry_for


def _write(path, *model_ids):
    path.write_text(json.dumps({"models": [{"model_id": m, "from": path.stem} for m in model_ids]}), encoding="utf-8")
    return path


def test_entry_for_gives_the_model_its_own_entry(tmp_path):
    own = _write(tmp_path / "own.json", "a", "b")
    assert entry_for(own, "b", "weights") == {"model_id": "b", "from": "own"}


def test_entry_for_takes_the_shipped_entry_of_a_model_the_own_file_lacks(tmp_path):
    own, shipped = _write(tmp_path / "own.json", "a"), _write(tmp_path / "shipped.json", "a", "new")
    assert entry_for(own, "new", "weights", fallback=shipped) == {"model_id": "new", "from": "shipped"}


def test_entry_for_falls_back_to_the_first_entry_when_no_file_has_the_model(tmp_path, caplog):
    own, shipped = _write(tmp_path / "own.json", "a"), _write(tmp_path / "shipped.json", "b")
    assert entry_for(own, "other", "weights", fallback=shipped) == {"model_id": "a", "from": "own"}
    assert "no weights fitted for other" in caplog.text
