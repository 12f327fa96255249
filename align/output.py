"""Writing outputs atomically: a report is either complete on disk or not there at all."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from align.paths import new_file_mode


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write to a temp file beside `path`, fsync, then rename onto it.

    The file gets the permissions a plain write would give it (align.paths.new_file_mode),
    not tempfile's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, new_file_mode(path))
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
