"""Reviewers' verdicts on duplicate pairs ("one task stated twice" or not), beside the review memory.

A verdict is the users' work like a clause decision, so it lives in the same SQLite file as
`align.reviews.ReviewStore` (the data directory, WAL mode, every commit synced), in a table of
its own that leaves the decisions table untouched. Rows are only ever added: two reviewers'
verdicts both stay, the latest per (plan, a, b) is in force, and each write is committed
before the call returns, so a killed server keeps every verdict already confirmed.
"""
from __future__ import annotations

import uuid

from align.errors import PlanAlignError
from align.reviews import ReviewStore, now, reviewer_name, text_hash
from align.types import PAIR_ACTIONS, PairDecision

FIELDS = ("uid", "plan_id", "a_id", "b_id", "pair_hash", "action", "reviewer", "time")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pair_decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, "
    "plan_id TEXT NOT NULL, a_id TEXT NOT NULL, b_id TEXT NOT NULL, pair_hash TEXT NOT NULL, "
    "action TEXT NOT NULL, reviewer TEXT NOT NULL, time TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS pair_decisions_key ON pair_decisions (plan_id, a_id, b_id)",
)


class PairStore(ReviewStore):
    """The review memory's file, with the table of duplicate-pair verdicts."""

    def __init__(self, path=None, timeout: float = 30.0) -> None:
        super().__init__(path, timeout)
        for statement in SCHEMA:
            self.db.execute(statement)

    def decide_pair(self, plan_id: str, a: tuple[str, str], b: tuple[str, str], action: str,
                    reviewer: str) -> PairDecision:
        """Record a verdict on the pair of tasks `a` and `b`, each (id, text); the pair is kept in id order."""
        if action not in PAIR_ACTIONS:
            raise PlanAlignError(f"unknown pair action {action!r} (choose from {', '.join(PAIR_ACTIONS)})")
        reviewer = reviewer_name(reviewer)
        (a_id, a_text), (b_id, b_text) = sorted([a, b])
        row = PairDecision(uuid.uuid4().hex, plan_id, a_id, b_id, text_hash(f"{a_text}\n{b_text}"), action,
                           reviewer, now())
        with self._transaction():
            self.db.execute(f"INSERT INTO pair_decisions ({', '.join(FIELDS)}) VALUES "
                            f"({', '.join('?' * len(FIELDS))})", [getattr(row, k) for k in FIELDS])
        return row

    def pair_history(self, plan_id: str) -> list[PairDecision]:
        """Every verdict on the plan's pairs, oldest first."""
        rows = self.db.execute(f"SELECT {', '.join(FIELDS)} FROM pair_decisions WHERE plan_id = ? "
                               "ORDER BY time, id", (plan_id,))
        return [PairDecision(*r) for r in rows]

    def pairs_in_force(self, plan_id: str) -> dict[tuple[str, str], PairDecision]:
        """The latest verdict on each pair (a_id, b_id in id order)."""
        return {(d.a_id, d.b_id): d for d in self.pair_history(plan_id)}
