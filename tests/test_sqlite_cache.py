import logging
import sqlite3

from align.sqlite_cache import CacheFile, is_corruption

SCHEMA = ("CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, value TEXT)",)
SELECT = "SELECT key, value FROM items WHERE key IN ({keys})"
INSERT = "INSERT OR REPLACE INTO items VALUES (?, ?)"


def _damaged(path):
    path.write_bytes(b"not a database at all, " * 200)
    return path


def test_cache_file_moves_a_corrupted_file_aside(tmp_path):
    CacheFile(_damaged(tmp_path / "c.sqlite"), SCHEMA, "test cache").select(SELECT, ["a"])
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and (tmp_path / aside[0]).read_bytes().startswith(b"not a database")


def test_cache_file_starts_a_working_file_after_corruption(tmp_path):
    cache = CacheFile(_damaged(tmp_path / "c.sqlite"), SCHEMA, "test cache")
    cache.write(INSERT, [("a", "1")])
    cache.close()
    assert CacheFile(tmp_path / "c.sqlite", SCHEMA, "test cache").select(SELECT, ["a"]) == [("a", "1")]


def test_cache_file_warns_once_naming_the_file(tmp_path, caplog):
    cache = CacheFile(_damaged(tmp_path / "c.sqlite"), SCHEMA, "test cache")
    with caplog.at_level(logging.WARNING, logger="align.sqlite_cache"):
        cache.select(SELECT, ["a"])
        cache.write(INSERT, [("a", "1")])
        cache.select(SELECT, ["a"])
    assert len(caplog.records) == 1 and "c.sqlite" in caplog.records[0].getMessage()


def test_cache_file_damage_found_mid_read_is_moved_aside(tmp_path):
    path = tmp_path / "c.sqlite"
    cache = CacheFile(path, SCHEMA, "test cache")
    cache.write(INSERT, [(f"k{i}", "v" * 500) for i in range(400)])
    cache.close()
    data = bytearray(path.read_bytes())
    data[8192:16384] = b"\xff" * 8192         # pages of the table, past the header
    path.write_bytes(bytes(data))
    again = CacheFile(path, SCHEMA, "test cache")
    again.select(SELECT, [f"k{i}" for i in range(400)])
    again.write(INSERT, [("a", "1")])
    assert again.select(SELECT, ["a"]) == [("a", "1")]


def test_is_corruption_tells_damage_from_a_locked_file():
    assert is_corruption(sqlite3.DatabaseError("file is not a database"))
    assert not is_corruption(sqlite3.OperationalError("database is locked"))
