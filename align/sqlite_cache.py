"""One SQLite cache file that never breaks the command using it.

The embedding, segmentation and coverage caches are optimisations: whatever happens to
their file, the command goes on. A corrupted file (not a database, a malformed page) is
moved aside as `<name>.corrupt-<stamp>` with one warning and a new file is started; a
folder that is read-only, full or missing stops the writes (or the reads too, when the
file cannot even be opened read-only), again with one warning naming the file.

WAL mode and a busy timeout let two processes (two index builds) read and write at once;
each write is one short IMMEDIATE transaction. One connection per process, reopened after
a fork (a connection inherited from the parent is never used, nor closed, by the child).
"""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from align.sqlite_wal import connect_wal

log = logging.getLogger(__name__)

QUERY_CHUNK = 500  # keys per SELECT ... IN (...), under SQLite's bound-variable limit

_CORRUPT_CODES = frozenset((getattr(sqlite3, "SQLITE_CORRUPT", 11), getattr(sqlite3, "SQLITE_NOTADB", 26)))
_SIDECARS = ("-wal", "-shm", "-journal")


def select_in(db: sqlite3.Connection, query: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of `query` for `keys`, a chunk at a time; `query` ends with "IN ({keys})" and takes
    `params` before the keys."""
    for start in range(0, len(keys), QUERY_CHUNK):
        chunk = list(keys[start:start + QUERY_CHUNK])
        yield from db.execute(query.format(keys=",".join("?" * len(chunk))), [*params, *chunk])


def is_corruption(exc: BaseException) -> bool:
    """A damaged file (as opposed to a locked, read-only or full one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code in _CORRUPT_CODES
    return type(exc) is sqlite3.DatabaseError


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


class CacheFile:
    """A SQLite file holding one cache (`what` names it in warnings), created by `schema`."""

    def __init__(self, path: str | Path, schema: Sequence[str], what: str, timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.schema = tuple(schema)
        self.what = what
        self.timeout = timeout
        self.readable = True
        self.writable = True
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._inode: int | None = None
        self._inherited: list[sqlite3.Connection] = []  # never closed in a forked child
        self._lock = threading.RLock()

    # -- opening ------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection | None:
        if not self.readable:
            return None
        if self._db is not None and self._pid == os.getpid():
            return self._db
        if self._db is not None:
            self._inherited.append(self._db)
        self._db = None
        for attempt in (1, 2):
            try:
                db = self._open()
            except (OSError, sqlite3.Error) as exc:
                if attempt == 1 and is_corruption(exc) and self._move_aside(exc):
                    continue
                db = self._open_read_only()
                self._give_up(exc, reads=db is None)
                if db is None:
                    return None
            self._db, self._pid = db, os.getpid()
            return db
        return None

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # synchronous=NORMAL: a cache is durable enough in WAL mode
        db = connect_wal(self.path, self.timeout, "NORMAL", self.schema, check_same_thread=False)
        try:
            self._inode = os.stat(self.path).st_ino
        except OSError:
            db.close()
            raise
        return db

    def _open_read_only(self) -> sqlite3.Connection | None:
        """A cache someone else filled, in a folder we cannot write: still worth reading.
        A WAL file whose -shm cannot be created opens only as immutable; a torn read then
        fails as a DatabaseError, which turns the cache off."""
        if not self.path.is_file():
            return None
        for mode in ("mode=ro", "mode=ro&immutable=1"):
            db = None
            try:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?{mode}", uri=True, timeout=self.timeout,
                                     isolation_level=None, check_same_thread=False)
                db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
                return db
            except (OSError, sqlite3.Error):
                if db is not None:
                    db.close()
        return None

    # -- when things go wrong ---------------------------------------------------------
    def _move_aside(self, exc: BaseException) -> bool:
        """Rename a corrupted file (and its WAL) out of the way; False when it cannot be.

        A file another process already replaced (its inode changed) is left alone: the
        next open uses the new one.
        """
        self.close()
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        try:
            if self._inode is None or os.stat(self.path).st_ino == self._inode:
                os.replace(self.path, aside)
                for suffix in _SIDECARS:
                    sidecar = self.path.with_name(self.path.name + suffix)
                    if sidecar.exists():
                        os.replace(sidecar, aside.with_name(aside.name + suffix))
        except FileNotFoundError:
            pass
        except OSError as error:
            log.debug("%s: cannot move the corrupted file aside (%s)", self.path, error)
            return False
        self._inode = None
        log.warning("%s %s is corrupted (%s); moved it aside to %s and started a new one", self.what, self.path,
                    _first_line(exc), aside.name)
        return True

    def _give_up(self, exc: BaseException, reads: bool) -> None:
        what = "using" if reads else "writing to"
        log.warning("%s %s unusable, going on without %s it: %s", self.what, self.path, what, _first_line(exc))
        self.writable = False
        if reads:
            self.readable = False
            self.close()

    # -- reading and writing ------------------------------------------------------
    def select(self, query: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple]:
        """The rows of `query` for `keys`; [] when the file is
        unusable, or corrupted (then it is moved aside and a new one started)."""
        if not keys:
            return []
        with self._lock:
            for attempt in (1, 2):
                db = self._connection()
                if db is None:
                    return []
                try:
                    return list(select_in(db, query, keys, params))
                except sqlite3.Error as exc:
                    if attempt == 1 and is_corruption(exc) and self._move_aside(exc):
                        continue
                    self._give_up(exc, reads=True)
                    return []
        return []

    def write(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        """`executemany(statement, rows)` in one transaction; a failure is logged, not raised.
        A corrupted file is moved aside and the rows go to the new one."""
        if not rows or not self.writable:
            return
        with self._lock:
            for attempt in (1, 2):
                db = self._connection()
                if db is None or not self.writable:
                    return
                try:
                    db.execute("BEGIN IMMEDIATE")
                    db.executemany(statement, rows)
                    db.execute("COMMIT")
                    return
                except sqlite3.Error as exc:
                    _rollback(db)
                    if attempt == 1 and is_corruption(exc) and self._move_aside(exc):
                        continue
                    self._give_up(exc, reads=not isinstance(exc, sqlite3.OperationalError))
                    return

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
