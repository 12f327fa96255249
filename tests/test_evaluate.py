import pytest

from align.errors import EvalError
from align.evaluate import paired_bootstrap


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
