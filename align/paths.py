"""Where plan-align keeps what it derives and what it fits.

Derived data (segmentations, embeddings, models, indexes) can be rebuilt from the inputs, so it
lives in the user cache: `$PLAN_ALIGN_CACHE`, else `$XDG_CACHE_HOME/plan-align`, else
`~/.cache/plan-align`. What `plan-align eval --fit` fits (fusion weights, decision models) is
the user's data, kept in the data directory: `$PLAN_ALIGN_DATA`, else
`$XDG_DATA_HOME/plan-align`, else `~/.local/share/plan-align`; a fitted file found there wins
over the read-only default shipped in `align/data/` (the installed package is never written).
The labels (`eval/` of a checkout) are found from `$PLAN_ALIGN_EVAL` or the working directory,
never from where the source files happen to sit.
Built models live in the cache's `models/` unless `$PLAN_ALIGN_MODELS` says where.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from align.errors import EvalError


def umask() -> int:
    """The process umask. Linux shows it in /proc (no race); elsewhere it is read by setting
    and restoring it, the only way os offers."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(path: str | Path, directory: bool = False) -> int:
    """The permissions a plain open()/mkdir() would give `path`: its own when it exists
    (a rewrite keeps them), else 0666/0777 less the umask. tempfile creates 0600/0700
    files and folders, which an atomic write would otherwise leave behind."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return (0o777 if directory else 0o666) & ~umask()


def cache_root() -> Path:
    """The cache root, read from the environment on each call (tests point it elsewhere)."""
    explicit = os.environ.get("PLAN_ALIGN_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "plan-align"


SHIPPED_DATA = Path(__file__).resolve().parent / "data"     # read-only defaults of the package


def data_root() -> Path:
    """The data directory of fitted models, read from the environment on each call."""
    explicit = os.environ.get("PLAN_ALIGN_DATA")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "plan-align"


def fitted_file(name: str, data_dir: str | Path | None = None) -> Path:
    """The fitted `name` (e.g. "fusion.json"): the data directory's when it has one, else the shipped default."""
    own = Path(data_dir or data_root()) / name
    return own if own.is_file() else SHIPPED_DATA / name


def eval_dir(explicit: str | Path | None = None) -> Path:
    """The labels directory: `explicit`, else `$PLAN_ALIGN_EVAL`, else ./eval; an EvalError when absent."""
    chosen = explicit or os.environ.get("PLAN_ALIGN_EVAL") or "eval"
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise EvalError(f"{path}: no labels directory (pass --eval-dir DIR, set PLAN_ALIGN_EVAL, or run from a "
                        "checkout, whose labels are in eval/)")
    return path


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
        tmp.chmod(new_file_mode(target, directory=True))
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
