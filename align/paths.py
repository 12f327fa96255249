"""Where plan-align keeps derived data (segmentations, embeddings, models, indexes).

Everything here can be rebuilt from the inputs, so it lives in the user cache, never in
the repository: `$PLAN_ALIGN_CACHE`, else `$XDG_CACHE_HOME/plan-align`, else
`~/.cache/plan-align`.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
