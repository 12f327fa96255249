"""Each plan's support for the clauses of a reference, cached plan by plan (see align/decide/peers.py).

One SQLite file under the user cache (align/sqlite_cache.py): a corrupted file is moved
aside and started again, an unreadable or unwritable one logged and worked around.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from align.sqlite_cache import CacheFile
from align.types import PlanCoverage

FORMAT_VERSION = 2


def plan_key(base: str, fingerprint: str) -> str:
    """The cache key of one plan: what every plan shares (`base`) and the plan's own fingerprint."""
    return hashlib.sha256(f"{base}\0{fingerprint}".encode("utf-8")).hexdigest()


class CoverageCache:
    """key -> (plan id, title, task count, support per clause)."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from align.paths import cache_root

            path = cache_root() / "coverage" / f"plans-v{FORMAT_VERSION}.sqlite"
        self.file = CacheFile(path, ("CREATE TABLE IF NOT EXISTS plans (key TEXT PRIMARY KEY, plan_id TEXT, "
                                     "title TEXT, tasks INTEGER, best BLOB)",), "coverage cache")
        self.path = self.file.path

    def get_many(self, keys: Sequence[str]):
        """The cached entries among `keys` as PlanCoverage records; {} when the cache cannot be read."""
        rows = self.file.select("SELECT key, plan_id, title, tasks, best FROM plans WHERE key IN ({keys})", keys)
        return {key: PlanCoverage(plan_id, title, int(tasks), np.frombuffer(best, np.float32))
                for key, plan_id, title, tasks, best in rows}

    def put_many(self, entries: Mapping[str, object]) -> None:
        """Store PlanCoverage records under their keys; a failure is logged, not raised."""
        self.file.write("INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?)",
                        [(key, c.plan_id, c.title, c.tasks, np.asarray(c.support, np.float32).tobytes())
                         for key, c in entries.items()])

    def close(self) -> None:
        self.file.close()
