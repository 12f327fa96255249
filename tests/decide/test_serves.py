import numpy as np

from align.decide.logistic import Logistic
from align.decide.serves import FEATURES, GENERAL_FEATURES, ServesModel, design
from align.retrieval.features import FEATURES as PAIR_FEATURES
from align.retrieval.memory import COVERAGE_FEATURES


def _features(tasks: int, clauses: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.random((tasks, clauses)) for name in (*PAIR_FEATURES, *COVERAGE_FEATURES)}


def _only(feature: str, weight: float = 1.0) -> ServesModel:
    """A serves model that reads one feature of the design."""
    n = len(FEATURES)
    return ServesModel(Logistic(FEATURES, (0.0,) * n, (1.0,) * n,
                                tuple(weight if f == feature else 0.0 for f in FEATURES), 0.0))


def test_design_has_one_row_of_features_per_task_and_clause():
    assert design(_features(3, 4), np.zeros((3, 4))).shape == (3, 4, len(FEATURES))


def test_design_inverse_rank_follows_each_tasks_ranking():
    x = design(_features(1, 3), np.array([[0.2, 0.9, 0.5]]))
    assert x[0, :, FEATURES.index("inverse_rank")].tolist() == [1 / 3, 1.0, 0.5]


def test_design_standing_in_the_plan_is_zero_for_a_single_task():
    x = design(_features(1, 3), np.zeros((1, 3)))
    assert not x[..., FEATURES.index("dense_in_plan")].any()


def test_design_standing_in_the_plan_ranks_the_closest_task_highest():
    features = _features(3, 2)
    features["dense"] = np.array([[0.80, 0.9], [0.95, 0.9], [0.85, 0.9]])
    column = design(features, np.zeros((3, 2)))[:, 0, FEATURES.index("dense_in_plan")]
    assert int(column.argmax()) == 1


def test_serves_predict_gives_one_probability_per_task_and_clause():
    p = _only("dense").predict(_features(3, 4), np.zeros((3, 4)))
    assert p.shape == (3, 4) and ((0 < p) & (p < 1)).all()


def test_serves_predict_of_no_tasks_is_empty():
    assert _only("dense").predict(_features(0, 4), np.zeros((0, 4))).shape == (0, 4)


def test_serves_fit_learns_which_pairs_serve():
    features = _features(40, 1, seed=3)
    y = features["dense"][:, 0] > 0.5
    model = ServesModel.fit(design(features, np.zeros((40, 1))).reshape(40, -1), y)
    p = model.predict(features, np.zeros((40, 1)))[:, 0]
    assert p[y].mean() > 0.5 > p[~y].mean()


def test_serves_model_round_trips_through_json():
    model = _only("bm25", 2.0)
    again = ServesModel.from_json(model.to_json())
    features = _features(2, 3)
    assert np.allclose(again.predict(features, np.zeros((2, 3))), model.predict(features, np.zeros((2, 3))))


def test_serves_model_without_coverage_evidence_uses_its_general_part():
    features = {k: v for k, v in _features(3, 2).items() if k not in COVERAGE_FEATURES}
    rng = np.random.default_rng(1)
    x = rng.random((60, len(FEATURES)))
    y = x[:, FEATURES.index("dense")] > 0.5
    model = ServesModel.fit(x, y)
    general_only = ServesModel(model.general)
    assert np.allclose(model.predict(features, np.zeros((3, 2))), general_only.predict(features, np.zeros((3, 2))))


def test_serves_model_fit_reads_coverage_only_on_the_rows_that_carry_it():
    rng = np.random.default_rng(2)
    x = rng.random((80, len(FEATURES)))
    y = x[:, FEATURES.index("dense")] > 0.5
    model = ServesModel.fit(x, y, covered=np.zeros(80, bool))
    assert model.general is None and model.model.features == GENERAL_FEATURES


def test_serves_model_round_trip_keeps_its_general_part():
    rng = np.random.default_rng(3)
    x = rng.random((60, len(FEATURES)))
    model = ServesModel.fit(x, x[:, 0] > 0.5)
    assert ServesModel.from_json(model.to_json()) == model
