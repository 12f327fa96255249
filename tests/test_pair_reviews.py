"""Duplicate-pair verdicts in the review memory's file."""
from __future__ import annotations

from align.pair_reviews import PairStore
from align.reviews import ReviewStore


def test_pair_store_latest_verdict_wins_history_keeps_both(tmp_path):
    with PairStore(tmp_path / "r.sqlite") as store:
        store.decide_pair("p", ("2", "b text"), ("1", "a text"), "confirm", "Lan")
        store.decide_pair("p", ("1", "a text"), ("2", "b text"), "dismiss", "Minh")
        assert [(d.reviewer, d.action) for d in store.pair_history("p")] == [("Lan", "confirm"), ("Minh", "dismiss")]
        assert store.pairs_in_force("p")[("1", "2")].action == "dismiss"


def test_pair_store_leaves_clause_decisions_alone(tmp_path):
    path = tmp_path / "r.sqlite"
    with ReviewStore(path) as store:
        store.decide("p", "1", "text", "nq57", "none", None, "Lan")
    with PairStore(path) as store:
        store.decide_pair("p", ("1", "x"), ("2", "y"), "confirm", "Lan")
        assert len(store.history("p")) == 1
