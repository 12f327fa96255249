import numpy as np
import pytest

from align.decide.logistic import Logistic, best_cut, confusion, grouped_predictions
from align.errors import ModelError

NAMES = ("a", "b")


def _separable():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(-2, 0.5, (20, 2)), rng.normal(2, 0.5, (20, 2))])
    return x, np.array([0] * 20 + [1] * 20)


def test_logistic_fit_separates_the_classes():
    x, y = _separable()
    p = Logistic.fit(NAMES, x, y).predict(x)
    assert (p[y == 1] > 0.5).all() and (p[y == 0] < 0.5).all()


def test_logistic_fit_refuses_labels_of_one_class():
    x, _ = _separable()
    with pytest.raises(ModelError):
        Logistic.fit(NAMES, x, np.ones(len(x)))


def test_logistic_predict_refuses_the_wrong_number_of_features():
    x, y = _separable()
    with pytest.raises(ModelError, match="expected 2 features"):
        Logistic.fit(NAMES, x, y).predict(np.zeros((3, 3)))


def test_logistic_round_trips_through_json():
    x, y = _separable()
    model = Logistic.fit(NAMES, x, y)
    again = Logistic.from_json(model.to_json())
    assert again.features == NAMES and np.allclose(again.predict(x), model.predict(x))


def test_logistic_from_json_refuses_a_malformed_model():
    with pytest.raises(ModelError, match="malformed"):
        Logistic.from_json({"features": ["a"], "mean": [0.0]})


def test_logistic_fit_or_constant_predicts_the_only_class():
    x, _ = _separable()
    assert (Logistic.fit_or_constant(NAMES, x, np.ones(len(x))).predict(x) > 0.99).all()
    assert (Logistic.fit_or_constant(NAMES, x, np.zeros(len(x))).predict(x) < 0.01).all()


def test_logistic_fit_or_constant_fits_when_both_classes_are_there():
    x, y = _separable()
    assert np.allclose(Logistic.fit_or_constant(NAMES, x, y).predict(x), Logistic.fit(NAMES, x, y).predict(x))


def test_confusion_counts_and_rates():
    c = confusion(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    assert (c["tp"], c["fp"], c["fn"], c["precision"], c["recall"]) == (1, 1, 1, 0.5, 0.5)


def test_confusion_precision_is_one_when_nothing_is_predicted():
    assert confusion(np.zeros(3, bool), np.array([1, 0, 0], bool))["precision"] == 1.0


def test_best_cut_maximises_f1_without_a_precision_floor():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    actual = np.array([1, 1, 0, 1, 0, 0], bool)
    cut = best_cut(scores, actual)
    assert 0.2 < cut < 0.6 and confusion(scores >= cut, actual)["recall"] == 1.0


def test_best_cut_respects_min_precision():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1])
    actual = np.array([1, 1, 0, 1, 0, 0], bool)
    cut = best_cut(scores, actual, min_precision=0.9)
    assert confusion(scores >= cut, actual)["precision"] >= 0.9 and 0.7 < cut < 0.8


def test_best_cut_sits_between_observed_scores():
    scores = np.array([0.9, 0.5, 0.1])
    cut = best_cut(scores, np.array([1, 0, 0], bool))
    assert cut not in scores.tolist() and 0.5 < cut < 0.9


def test_grouped_predictions_never_predict_a_group_with_its_own_rows():
    groups = ["a", "a", "b", "c", "c", "c"]

    def train_size(train, test):
        return np.full(int(test.sum()), float(train.sum()))

    assert grouped_predictions(groups, train_size).tolist() == [4.0, 4.0, 5.0, 3.0, 3.0, 3.0]


def test_best_cut_flags_nothing_when_no_cut_is_precise_enough():
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    actual = np.array([0, 1, 0, 1], bool)
    assert not (scores >= best_cut(scores, actual, min_precision=0.95)).any()
