import multiprocessing
import sqlite3

import pytest

from align.sqlite_wal import connect_wal

SCHEMA = ("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)",)


def _held(path):
    """A connection holding the file's exclusive lock."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def _open_at_once(path, barrier):
    barrier.wait()
    try:
        connect_wal(path, timeout=30, synchronous="NORMAL", schema=SCHEMA).close()
        return None
    except sqlite3.Error as exc:
        return str(exc)


def test_connect_wal_two_processes_creating_one_file_at_once_both_open_it(tmp_path):
    # Without the retry, about one opening in three of a new file failed "database is locked".
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        failures = []
        for round_ in range(12):
            barrier = manager.Barrier(2)
            path = str(tmp_path / f"{round_}.sqlite")
            failures += [f for f in pool.starmap(_open_at_once, [(path, barrier)] * 2) if f]
    assert failures == []


def test_connect_wal_gives_up_on_a_lock_after_its_timeout(tmp_path):
    path = tmp_path / "x.sqlite"
    holder = _held(path)
    with pytest.raises(sqlite3.OperationalError):
        connect_wal(path, timeout=0.2, synchronous="NORMAL", schema=SCHEMA)
    holder.execute("COMMIT")


def test_connect_wal_applies_the_schema_and_synchronous(tmp_path):
    db = connect_wal(tmp_path / "x.sqlite", timeout=1, synchronous="FULL", schema=SCHEMA)
    assert db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("t",)]
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
