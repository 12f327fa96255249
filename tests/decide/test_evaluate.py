from align.decide.evaluate import orphan_cut


def test_orphan_cut_stays_above_every_task_that_serves_something():
    rows = [("p", True, 0.30), ("p", False, 0.20), ("p", True, 0.10), ("p", False, 0.05)]
    cut = orphan_cut(rows)
    assert 0.20 < cut <= 0.30


def test_orphan_cut_flags_nothing_without_orphans_to_learn_from():
    rows = [("p", False, 0.2), ("p", False, 0.1)]
    assert orphan_cut(rows) > 0.2


def test_orphan_cut_ignores_tasks_that_name_a_subject():
    rows = [("p", True, 0.3), ("p", False, 0.0), ("p", False, 0.1)]
    assert 0.1 < orphan_cut(rows) <= 0.3
