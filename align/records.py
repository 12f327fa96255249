"""The records of a vector store, decoded only when they are looked at.

A national index holds 343,000 task records; decoding every JSON line costs about
5 s per CLI call (bench/RESULTS.md, finding 6), yet a command shows a few dozen.
`RecordTable` keeps the raw JSON lines and two plain columns (uid, doc_id) that
lookups and filters need, and decodes a record on first access. Raw lines also let
an incremental build carry unchanged records into a new build without re-encoding.

Files (fixed names, in the store directory): records.jsonl (one record per line,
`ensure_ascii=False`) and columns.json ({"uid": [...], "doc_id": [...]}).
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Sequence, overload

from align.errors import IndexStoreError
from align.types import IndexRecord

RECORDS, COLUMNS = "records.jsonl", "columns.json"


def encode_record(record: IndexRecord) -> bytes:
    return json.dumps(asdict(record), ensure_ascii=False).encode("utf-8")


def decode_record(line: bytes) -> IndexRecord:
    data = json.loads(line)
    data["heading_path"] = tuple(data.get("heading_path") or ())
    return IndexRecord(**data)


class RecordTable(Sequence[IndexRecord]):
    """A read-mostly sequence of IndexRecord backed by JSON lines."""

    def __init__(self, lines: list[bytes], uids: list[str], doc_ids: list[str]) -> None:
        if not len(lines) == len(uids) == len(doc_ids):
            raise ValueError(f"{len(lines)} lines, {len(uids)} uids, {len(doc_ids)} doc ids")
        self._lines = lines
        self.uids = uids
        self.doc_ids = doc_ids
        self._decoded: dict[int, IndexRecord] = {}

    @classmethod
    def from_records(cls, records: Iterable[IndexRecord]) -> "RecordTable":
        records = list(records)
        table = cls([encode_record(r) for r in records], [r.uid for r in records], [r.doc_id for r in records])
        table._decoded = dict(enumerate(records))
        return table

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, i: int) -> IndexRecord: ...
    @overload
    def __getitem__(self, i: slice) -> list[IndexRecord]: ...

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        record = self._decoded.get(i)
        if record is None:
            try:
                record = self._decoded[i] = decode_record(self._lines[i])
            except (ValueError, TypeError) as exc:
                raise IndexStoreError(f"corrupted index record {i} ({exc}); rebuild the index") from exc
        return record

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __iter__(self) -> Iterator[IndexRecord]:
        return (self[i] for i in range(len(self)))

    def take(self, rows: Sequence[int]) -> "RecordTable":
        """The records at `rows`, in that order (no decoding)."""
        return RecordTable([self._lines[r] for r in rows], [self.uids[r] for r in rows],
                           [self.doc_ids[r] for r in rows])

    def extend(self, records: Iterable[IndexRecord]) -> None:
        for record in records:
            self._decoded[len(self._lines)] = record
            self._lines.append(encode_record(record))
            self.uids.append(record.uid)
            self.doc_ids.append(record.doc_id)

    @staticmethod
    def concat(tables: Sequence["RecordTable"]) -> "RecordTable":
        return RecordTable([line for t in tables for line in t._lines], [u for t in tables for u in t.uids],
                           [d for t in tables for d in t.doc_ids])

    # -- persistence --------------------------------------------------------------
    def save(self, directory: Path) -> None:
        with open(directory / RECORDS, "wb") as out:
            for line in self._lines:
                out.write(line + b"\n")
        (directory / COLUMNS).write_text(json.dumps({"uid": self.uids, "doc_id": self.doc_ids},
                                                    ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "RecordTable":
        """Raises OSError or ValueError on missing or malformed files."""
        lines = [line for line in (directory / RECORDS).read_bytes().split(b"\n") if line]
        columns = json.loads((directory / COLUMNS).read_text(encoding="utf-8"))
        return cls(lines, list(columns["uid"]), list(columns["doc_id"]))
