import numpy as np

from align.decide.pair_eval import PairSet, precision_recall


def _pairs(duplicate, exact, candidate) -> PairSet:
    n = len(duplicate)
    return PairSet((), np.zeros((n, 1)), np.array(duplicate), np.array(exact), np.array(candidate),
                   np.array(["c"] * n), (frozenset({"c"}),) * n, ())


def test_precision_recall_counts_exact_repeats_as_found_at_every_cut():
    pairs = _pairs([True, True, False, True], [True, False, False, False], [True, True, True, True])
    curve = precision_recall(pairs, np.array([0.0, 0.9, 0.8, 0.1]), recalls=(0.5, 1.0))
    assert curve[0] == {"recall": 0.5, "precision": 1.0, "cut": 0.9}
    assert curve[1]["precision"] == 0.75


def test_precision_recall_cannot_reach_duplicates_under_the_candidate_floor():
    pairs = _pairs([True, True], [False, False], [True, False])
    assert precision_recall(pairs, np.array([0.9, 0.9]), recalls=(1.0,))[0]["precision"] is None
