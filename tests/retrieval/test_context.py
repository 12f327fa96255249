import numpy as np

from align.retrieval.context import PlanContext

# Three tasks of one plan against three clauses. In HUB, the first two tasks are plainly C1's and the
# third stands between C1 and C2; in TWINS, the first task is torn between C1 and C2 and its near-twin
# (the second, cosine 0.999) is plainly C1's.
HUB = np.array([[0.90, 0.10, 0.10], [0.90, 0.10, 0.10], [0.60, 0.58, 0.10]])
TWINS = np.array([[0.50, 0.51, 0.10], [0.90, 0.10, 0.10], [0.10, 0.10, 0.90]])
APART = np.eye(3)
CLOSE = np.array([[1.0, 0.0, 0.0], [0.999, np.sqrt(1 - 0.999 ** 2), 0.0], [0.0, 0.0, 1.0]])


def test_plan_context_identity_leaves_scores():
    assert np.allclose(PlanContext().adjust(HUB, APART), HUB)


def test_plan_context_competition_gives_a_clause_to_its_best_tasks_in_the_plan():
    moved = PlanContext(compete=0.25).adjust(HUB, APART)
    assert np.argmax(HUB[2]) == 0 and np.argmax(moved[2]) == 1
    assert (np.argmax(moved[:2], axis=1) == 0).all()


def test_plan_context_smoothing_follows_a_near_twin():
    moved = PlanContext(smooth=0.1).adjust(TWINS, CLOSE)
    assert np.argmax(TWINS[0]) == 1 and np.argmax(moved[0]) == 0


def test_plan_context_smoothing_ignores_tasks_that_are_not_twins():
    moved = PlanContext(smooth=0.1).adjust(TWINS, APART)
    assert np.array_equal(np.argsort(moved, axis=1), np.argsort(TWINS, axis=1))


def test_plan_context_scores_stay_probabilities():
    moved = PlanContext(smooth=1.0, compete=2.0).adjust(HUB, CLOSE)
    assert moved.shape == HUB.shape and ((moved >= 0) & (moved <= 1)).all()


def test_plan_context_leaves_a_plan_of_one_task_as_it_is():
    assert np.allclose(PlanContext(smooth=0.1, compete=0.25).adjust(HUB[:1], APART[:1]), HUB[:1])


def test_plan_context_json_round_trip():
    context = PlanContext(smooth=0.1, width=0.02, compete=0.25, temperature=0.5)
    assert PlanContext.from_json(context.to_json()) == context


def test_plan_context_never_ties_a_task_s_best_clauses_at_one():
    scores = np.array([[0.99, 0.97, 0.01], [0.99, 0.97, 0.01], [0.01, 0.02, 0.99]])
    moved = PlanContext(smooth=1.0).adjust(scores, CLOSE)
    assert moved[0, 0] != moved[0, 1] and moved.max() <= 1.0
