"""Where plan-align keeps derived data (segmentations, embeddings, models, indexes).

Everything here can be rebuilt from the inputs, so it lives in the user cache, never in
the repository: `$PLAN_ALIGN_CACHE`, else `$XDG_CACHE_HOME/plan-align`, else
`~/.cache/plan-align`; built models in its `models/` unless `$PLAN_ALIGN_MODELS` says where.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def cache_root() -> Path:
    """The cache root, read from the environment on each call (tests point it elsewhere)."""
    explicit = os.environ.get("PLAN_ALIGN_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "plan-align"


def models_root() -> Path:
    """Built models: `$PLAN_ALIGN_MODELS`, else the cache's `models/` (not created here).

    Models are large, reproducible and never change once built, so several caches (the
    tests' per-test caches, a benchmark's cold cache) may share one folder of them.
    """
    explicit = os.environ.get("PLAN_ALIGN_MODELS")
    return Path(explicit).expanduser() if explicit else cache_root() / "models"


def cache_dir(sub: str) -> Path:
    """The cache folder `sub` (e.g. "segment", "embeddings"), created if missing."""
    path = cache_root() / sub
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside `target`; on success it replaces `target` by renames.

    Readers see the old folder or the new one, never a half-written one; on error the
    temporary folder is removed and `target` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
