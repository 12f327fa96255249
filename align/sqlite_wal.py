"""Opening one SQLite file in WAL mode that several processes may open at the same moment.

Two processes creating the same new file race on the switch to WAL: SQLite answers
SQLITE_BUSY at once, without calling the busy handler, so the `timeout` of
`sqlite3.connect` does not cover it (two index builds starting together lost one
builder's cache writes this way, about one run in twenty). The switch is retried here
until `timeout`, and the schema is created inside one IMMEDIATE transaction, which does
wait on the busy handler, so the second process never sees a half-made schema.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Sequence

_BUSY = (getattr(sqlite3, "SQLITE_BUSY", 5), getattr(sqlite3, "SQLITE_LOCKED", 6))


def is_busy(exc: BaseException) -> bool:
    """A lock held by another connection (as opposed to a damaged or unwritable file)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.OperationalError) and code is not None and code & 0xFF in _BUSY


def connect_wal(path: str | Path, timeout: float, synchronous: str, schema: Sequence[str],
                check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (`isolation_level=None`) with WAL on, `synchronous`
    set and `schema` applied; raises what sqlite3 raises (the connection closed)."""
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=check_same_thread)
    try:
        _switch_to_wal(db, timeout)
        db.execute(f"PRAGMA synchronous={synchronous}")
        if schema:
            db.execute("BEGIN IMMEDIATE")
            for statement in schema:
                db.execute(statement)
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def _switch_to_wal(db: sqlite3.Connection, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(2 * delay, 0.1)
