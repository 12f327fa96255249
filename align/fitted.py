"""Files of fitted entries, one per embedding model: the fusion weights, the decision models.

What is fitted on the labels depends on the embedding model's cosines, so each file holds one
entry per model id. `eval --fit` writes to the data directory and keeps the other models'
entries in force (the file's own, else the shipped read-only defaults' in align/data/).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from align.errors import ModelError
from align.paths import SHIPPED_DATA, fitted_file

log = logging.getLogger(__name__)


def read_entries(path: Path, what: str, version: int | None = None) -> list[dict]:
    """The entries of a fitted file; a file that cannot be read or is of another format is a ModelError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable {what} ({exc})") from exc
    entries = data.get("models", []) if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "model_id" in e for e in entries):
        raise ModelError(f"{path}: malformed {what} (no list of entries with a model_id)")
    if version is not None and data.get("format") != version:
        raise ModelError(f"{path}: {what} of format {data.get('format')}, expected {version}")
    return entries


def entry_for(path: Path, model_id: str, what: str, version: int | None = None,
              fallback: Path | None = None) -> dict | None:
    """The entry fitted for `model_id`, else `fallback`'s for it (the shipped file: a user's own
    fits made before a model was shipped must not hide its shipped entry), else (with a warning)
    the file's first, else None."""
    if not path.is_file():
        return None
    entries = read_entries(path, what, version)
    for entry in entries:
        if entry["model_id"] == model_id:
            return entry
    if fallback is not None and fallback != path and fallback.is_file():
        shipped = next((e for e in read_entries(fallback, what, version) if e["model_id"] == model_id), None)
        if shipped is not None:
            return shipped
    if entries:
        log.warning("no %s fitted for %s; using those of %s", what, model_id, entries[0]["model_id"])
        return entries[0]
    return None


def fitted_entry(name: str, model_id: str, what: str, version: int | None = None,
                 path: str | Path | None = None, data_dir: str | Path | None = None) -> dict | None:
    """The entry fitted for `model_id` in `path`, else in the fitted file `name` in force (the data
    directory's, then the shipped one's entry for the model: `entry_for`'s fallback)."""
    if path is not None:
        return entry_for(Path(path), model_id, what, version)
    return entry_for(fitted_file(name, data_dir), model_id, what, version, fallback=SHIPPED_DATA / name)


def write_entries(path: Path, fresh: list[dict], shipped: Path, what: str, version: int | None = None) -> None:
    """Write `fresh` entries to `path`, keeping the other models' entries in force."""
    from align.output import write_atomic

    source = path if path.is_file() else shipped
    new = {e["model_id"] for e in fresh}
    kept = [e for e in read_entries(source, what, version) if e["model_id"] not in new] if source.is_file() else []
    body = ({"format": version} if version is not None else {}) | {"models": fresh + kept}
    write_atomic(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
