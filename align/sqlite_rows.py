"""Key lookups in the SQLite caches (embeddings, segmentations, coverage), a chunk at a time."""
from __future__ import annotations

import sqlite3
from typing import Any, Iterator, Sequence

QUERY_CHUNK = 500  # keys per SELECT ... IN (...), under SQLite's bound-variable limit


def select_in(db: sqlite3.Connection, query: str, keys: Sequence[Any], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of `query` for `keys`; `query` ends with "IN ({keys})" and takes `params` before the keys."""
    for start in range(0, len(keys), QUERY_CHUNK):
        chunk = list(keys[start:start + QUERY_CHUNK])
        yield from db.execute(query.format(keys=",".join("?" * len(chunk))), [*params, *chunk])
