import numpy as np
import pytest

from align.errors import EvalError
from align.metrics import best_threshold, paired_bootstrap, ranking_metrics


def _sample(relevant, clause_ids=("III.1.1", "III.1.2", "III.5.1")):
    from align.evaluate import Sample
    from align.types import Task

    return Sample("p", "g", Task(doc_id="p", id="1", text="t"), "nq57", list(clause_ids),
                  [{} for _ in clause_ids], set(relevant))


def test_ranking_metrics_score_the_first_right_clause():
    m = ranking_metrics(np.array([0.9, 0.5, 0.1]), _sample({"III.1.2"}))
    assert (m["hit@1"], m["hit@5"], m["mrr"]) == (0.0, 1.0, 0.5)


def test_ranking_metrics_count_the_right_item_when_the_clause_is_wrong():
    assert ranking_metrics(np.array([0.9, 0.5, 0.1]), _sample({"III.1.2"}))["item@1"] == 1.0


def test_best_threshold_separates_served_pairs_from_the_others():
    samples = [_sample({"III.1.1"}), _sample({"III.5.1"})]
    found = best_threshold(samples, [np.array([0.8, 0.2, 0.1]), np.array([0.3, 0.1, 0.7])])
    assert found["f1"] == 1.0 and 0.3 < found["threshold"] <= 0.7


def test_paired_bootstrap_interval_above_zero_when_every_task_improves():
    before = {("nq57", "p", str(i)): 0.5 for i in range(30)}
    after = {k: 1.0 for k in before}
    test = paired_bootstrap(before, after)
    assert test["difference"] == pytest.approx(0.5) and test["low"] > 0 and test["better"] == 30


def test_paired_bootstrap_interval_spans_zero_for_a_wash():
    before = {("nq57", "p", str(i)): float(i % 2) for i in range(40)}
    after = {k: 1.0 - v for k, v in before.items()}
    test = paired_bootstrap(before, after)
    assert test["low"] < 0 < test["high"] and test["better"] == test["worse"] == 20


def test_paired_bootstrap_compares_only_tasks_both_score():
    test = paired_bootstrap({("nq57", "p", "1"): 0.0, ("nq57", "p", "2"): 1.0}, {("nq57", "p", "1"): 1.0})
    assert test["n"] == 1 and test["difference"] == 1.0


def test_paired_bootstrap_refuses_disjoint_rankings():
    with pytest.raises(EvalError):
        paired_bootstrap({("nq57", "p", "1"): 0.0}, {("nq03", "p", "1"): 1.0})
