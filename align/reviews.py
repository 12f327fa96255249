"""Review memory: what reviewers decided about each task's clauses, kept as the users' own work.

A reviewer's decision is work, not derived data, so it lives in the user's data directory
(`$PLAN_ALIGN_DATA`, else `$XDG_DATA_HOME/plan-align`, else `~/.local/share/plan-align`),
never in the cache that may be wiped. Each decision is one row of an SQLite table in WAL mode
with `synchronous=FULL`, written in its own transaction: two reviewers writing on one plan
lose nothing (both rows stay; the latest per (plan, task, reference) is in force), and a
process killed mid-review keeps every decision whose call returned. Rows are never updated:
undo appends a row that takes the decision in force back, so the history keeps everything.

Each row carries a hash of the task's text: when the plan is edited, a decision whose task no
longer has that text follows the text to its new id, or is left out as stale (with a warning).
"""
from __future__ import annotations

import json
import logging
import sqlite3
import unicodedata
import uuid
from datetime import datetime, timezone
from hashlib import sha256
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from align.errors import PlanAlignError
from align.paths import data_root
from align.sqlite_wal import connect_wal
from align.types import ACCEPT, CHOOSE, REVIEW_ACTIONS, SERVES_NONE, UNDO, Document, ReviewDecision

log = logging.getLogger(__name__)

FILE = "reviews.sqlite"
FORMAT = 1
FIELDS = ("uid", "plan_id", "task_id", "task_hash", "ref", "action", "clause_id", "reviewer", "time", "replaces")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, "
    "plan_id TEXT NOT NULL, task_id TEXT NOT NULL, task_hash TEXT NOT NULL, ref TEXT NOT NULL, "
    "action TEXT NOT NULL, clause_id TEXT, reviewer TEXT NOT NULL, time TEXT NOT NULL, replaces TEXT)",
    "CREATE INDEX IF NOT EXISTS decisions_key ON decisions (plan_id, task_id, ref)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def text_hash(text: str) -> str:
    """A short hash of a task's text, blind to Unicode form and spacing (a re-saved file keeps its hashes)."""
    folded = " ".join(unicodedata.normalize("NFC", text).split())
    return sha256(folded.encode("utf-8")).hexdigest()[:16]


def reviewer_name(reviewer: str) -> str:
    """The reviewer's name as stored (trimmed); a decision without one is refused, whatever it decides."""
    if not reviewer.strip():
        raise PlanAlignError("a decision needs the reviewer's name")
    return reviewer.strip()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class ReviewStore:
    """The review memory in one SQLite file; one connection per store, each write its own transaction."""

    def __init__(self, path: str | Path | None = None, timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else data_root() / FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # synchronous=FULL: users' work, every commit reaches the disk
            self.db = connect_wal(self.path, timeout, "FULL", SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT),))
        except sqlite3.DatabaseError as exc:
            raise PlanAlignError(f"{self.path}: cannot open the review memory ({exc})") from None

    @classmethod
    def existing(cls, path: str | Path | None = None) -> "ReviewStore | None":
        """The store when its file exists; None otherwise (reading never creates one)."""
        target = Path(path) if path is not None else data_root() / FILE
        return cls(target) if target.is_file() else None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "ReviewStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------
    def history(self, plan_id: str | None = None, task_id: str | None = None) -> list[ReviewDecision]:
        """Every row, oldest first (by time, then by arrival), optionally of one plan or one task."""
        where, params = [], []
        for column, value in (("plan_id", plan_id), ("task_id", task_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        query = f"SELECT {', '.join(FIELDS)} FROM decisions"
        query += f" WHERE {' AND '.join(where)}" if where else ""
        return [ReviewDecision(*row) for row in self.db.execute(query + " ORDER BY time, id", params)]

    def current(self, plan_id: str) -> dict[tuple[str, str], ReviewDecision]:
        """The decision in force for each (task, ref) of a plan."""
        return in_force(self.history(plan_id))

    # -- writing ---------------------------------------------------------------------------
    def decide(self, plan_id: str, task_id: str, task_text: str, ref: str, action: str, clause_id: str | None,
               reviewer: str) -> ReviewDecision:
        """Record one decision; returns it, with the decision it replaced."""
        if action not in REVIEW_ACTIONS:
            raise PlanAlignError(f"unknown review action {action!r} (choose from {', '.join(REVIEW_ACTIONS)})")
        if (action == SERVES_NONE) != (clause_id is None):
            raise PlanAlignError(f"{action}: {'no clause is given' if clause_id is None else 'takes no clause'}")
        reviewer = reviewer_name(reviewer)
        with self._transaction():
            before = self._in_force(plan_id, task_id, ref)
            decision = ReviewDecision(uuid.uuid4().hex, plan_id, task_id, text_hash(task_text), ref, action,
                                      clause_id, reviewer, now(), before.uid if before else None)
            self._insert(decision)
        return decision

    def undo(self, plan_id: str, task_id: str, ref: str, reviewer: str) -> ReviewDecision:
        """Take back the decision in force for (plan, task, ref): the one it replaced is in force again."""
        with self._transaction():
            before = self._in_force(plan_id, task_id, ref)
            if before is None:
                raise PlanAlignError(f"{plan_id} {task_id} ({ref}): no decision to undo")
            row = ReviewDecision(uuid.uuid4().hex, plan_id, task_id, before.task_hash, ref, UNDO, before.clause_id,
                                 reviewer.strip() or "?", now(), before.uid)
            self._insert(row)
        return row

    def export(self, plan_id: str | None = None) -> Iterator[str]:
        """JSON lines, oldest first (keys as FIELDS)."""
        for d in self.history(plan_id):
            yield json.dumps({k: getattr(d, k) for k in FIELDS}, ensure_ascii=False)

    def import_lines(self, lines: Iterable[str], source: str = "<input>") -> int:
        """Add the decisions of an export (each once: a uid already here is skipped); returns how many were new.
        Every line is checked before anything is written."""
        rows = [_parse(line, source, n) for n, line in enumerate(lines, start=1) if line.strip()]
        with self._transaction():
            added = 0
            for row in rows:
                added += self.db.execute(f"INSERT OR IGNORE INTO decisions ({', '.join(FIELDS)}) VALUES "
                                         f"({', '.join('?' * len(FIELDS))})", [getattr(row, k) for k in FIELDS]).rowcount
        return added

    def _insert(self, d: ReviewDecision) -> None:
        self.db.execute(f"INSERT INTO decisions ({', '.join(FIELDS)}) VALUES ({', '.join('?' * len(FIELDS))})",
                        [getattr(d, k) for k in FIELDS])

    def _in_force(self, plan_id: str, task_id: str, ref: str) -> ReviewDecision | None:
        rows = self.db.execute(f"SELECT {', '.join(FIELDS)} FROM decisions WHERE plan_id = ? AND task_id = ? "
                               "AND ref = ? ORDER BY time, id", (plan_id, task_id, ref))
        return in_force([ReviewDecision(*r) for r in rows]).get((task_id, ref))

    def _transaction(self):
        store = self

        class _Tx:
            def __enter__(self):
                store.db.execute("BEGIN IMMEDIATE")     # the write lock first: the decision in force cannot move

            def __exit__(self, kind, exc, tb):
                store.db.execute("COMMIT" if kind is None else "ROLLBACK")

        return _Tx()


def in_force(rows: Sequence[ReviewDecision]) -> dict[tuple[str, str], ReviewDecision]:
    """Replay the rows (oldest first): a decision is in force until a later one for its (task, ref);
    an undo puts back the decision the undone one had replaced."""
    by_uid = {r.uid: r for r in rows}
    state: dict[tuple[str, str], ReviewDecision | None] = {}
    for row in rows:
        key = (row.task_id, row.ref)
        if row.action == UNDO:
            undone = by_uid.get(row.replaces or "")
            if undone is not None and state.get(key) is undone:     # an undo of a decision already replaced changes nothing
                state[key] = by_uid.get(undone.replaces or "")
        else:
            state[key] = row
    return {k: v for k, v in state.items() if v is not None}


def _parse(line: str, source: str, number: int) -> ReviewDecision:
    try:
        data = json.loads(line)
        row = ReviewDecision(**{k: data.get(k) for k in FIELDS})
    except (ValueError, TypeError) as exc:
        raise PlanAlignError(f"{source}:{number}: not a review decision ({exc})") from None
    missing = [k for k in FIELDS if k not in ("clause_id", "replaces") and not isinstance(getattr(row, k), str)]
    if missing or row.action not in (*REVIEW_ACTIONS, UNDO):
        raise PlanAlignError(f"{source}:{number}: not a review decision ({', '.join(missing) or row.action})")
    return row


def for_plan(decisions: dict[tuple[str, str], ReviewDecision], plan: Document
             ) -> tuple[dict[tuple[int, str], ReviewDecision], list[ReviewDecision]]:
    """The decisions in force placed on the plan's rows: {(task row, ref): decision}, and the stale ones
    (their task's text is nowhere in the plan any more). A decision follows its text to a new task id."""
    rows = {t.id: i for i, t in enumerate(plan.tasks)}
    hashes: dict[str, int] = {}
    for i, task in enumerate(plan.tasks):
        hashes.setdefault(text_hash(task.text), i)
    placed, stale = {}, []
    for (task_id, ref), d in decisions.items():
        row = rows.get(task_id)
        if row is None or text_hash(plan.tasks[row].text) != d.task_hash:
            row = hashes.get(d.task_hash)
        if row is None:
            stale.append(d)
            continue
        placed[(row, ref)] = d
    if stale:
        log.warning("%s: %d reviewed decision(s) left out: their task's text changed (%s)", plan.id, len(stale),
                    ", ".join(sorted({d.task_id for d in stale})))
    return placed, stale


def chosen(d: ReviewDecision) -> bool:
    """Does the decision say the task serves its clause (accepted or chosen)?"""
    return d.action in (ACCEPT, CHOOSE)
