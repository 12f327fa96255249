"""Each plan's support for the clauses of a reference, cached plan by plan (see align/decide/peers.py).

One SQLite file under the user cache; an unreadable or unwritable cache is logged and
worked around, never fatal.
"""
from __future__ import annotations

import hashlib
import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from align.sqlite_rows import select_in
from align.types import PlanCoverage

log = logging.getLogger(__name__)

FORMAT_VERSION = 2


def plan_key(base: str, fingerprint: str) -> str:
    """The cache key of one plan: what every plan shares (`base`) and the plan's own fingerprint."""
    return hashlib.sha256(f"{base}\0{fingerprint}".encode("utf-8")).hexdigest()


class CoverageCache:
    """key -> (plan id, title, task count, support per clause)."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from align.paths import cache_dir

            path = cache_dir("coverage") / f"plans-v{FORMAT_VERSION}.sqlite"
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS plans (key TEXT PRIMARY KEY, plan_id TEXT, title TEXT, "
                   "tasks INTEGER, best BLOB)")
        return db

    def get_many(self, keys: Sequence[str]):
        """The cached entries among `keys` as PlanCoverage records; {} when the cache cannot be read."""
        found = {}
        try:
            with closing(self._connect()) as db, db:
                for key, plan_id, title, tasks, best in select_in(
                        db, "SELECT key, plan_id, title, tasks, best FROM plans WHERE key IN ({keys})", keys):
                    found[key] = PlanCoverage(plan_id, title, int(tasks), np.frombuffer(best, np.float32))
        except sqlite3.Error as exc:
            log.warning("%s: unreadable coverage cache (%s); scoring every plan", self.path, exc)
            return {}
        return found

    def put_many(self, entries: Mapping[str, object]) -> None:
        """Store PlanCoverage records under their keys; a failure is logged, not raised."""
        try:
            with closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO plans VALUES (?, ?, ?, ?, ?)",
                               [(key, c.plan_id, c.title, c.tasks, np.asarray(c.support, np.float32).tobytes())
                                for key, c in entries.items()])
        except sqlite3.Error as exc:
            log.warning("%s: cannot write the coverage cache (%s)", self.path, exc)
