"""A small logistic model over named features, and the choice of its decision thresholds.

Every decision plan-align reports (this clause is covered, this task serves nothing, these
two tasks are one) is a probability from one of these, fitted on hand labels, and one or
two thresholds on it. The model is a handful of numbers, kept as JSON beside the fusion
weights, so a reviewer's machine needs nothing but numpy to apply it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from align.errors import ModelError

# Features are few and labels a few hundred: a firm prior keeps the weights from chasing noise.
REGULARISATION = 1.0


@dataclass(frozen=True)
class Logistic:
    """p = sigmoid(w . (x - mean) / scale + b) over the features named in `features`."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities of the rows of `x` (N x F, columns in `features` order)."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        if x.shape[1] != len(self.features):
            raise ModelError(f"expected {len(self.features)} features, got {x.shape[1]}")
        z = ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    @classmethod
    def fit(cls, features: Sequence[str], x: np.ndarray, y: np.ndarray, c: float = REGULARISATION,
            balanced: bool = True) -> "Logistic":
        """Fit on rows `x` and 0/1 labels `y`; `balanced` weighs the classes equally (a rare positive class
        is not drowned), at the price of probabilities no longer matching the base rate."""
        from sklearn.linear_model import LogisticRegression

        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=int)
        if len(set(y.tolist())) < 2:
            raise ModelError("cannot fit a decision model on labels of one class only")
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale = np.where(scale > 1e-9, scale, 1.0)
        model = LogisticRegression(C=c, class_weight="balanced" if balanced else None, max_iter=5000)
        model.fit((x - mean) / scale, y)
        return cls(tuple(features), tuple(mean.tolist()), tuple(scale.tolist()), tuple(model.coef_[0].tolist()),
                   float(model.intercept_[0]))

    @classmethod
    def fit_or_constant(cls, features: Sequence[str], x: np.ndarray, y: np.ndarray, **options) -> "Logistic":
        """`fit`, or where the labels hold one class only (a small fold), the model that predicts that class."""
        y = np.asarray(y, dtype=int)
        if len(set(y.tolist())) >= 2:
            return cls.fit(features, x, y, **options)
        n = len(features)
        return cls(tuple(features), (0.0,) * n, (1.0,) * n, (0.0,) * n, 10.0 if y.size and y[0] else -10.0)

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_json(cls, data: dict) -> "Logistic":
        try:
            return cls(tuple(data["features"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                       tuple(map(float, data["weights"])), float(data["bias"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed decision model ({exc})") from exc


def grouped_predictions(groups: Sequence[str], fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray]
                        ) -> np.ndarray:
    """Out-of-group predictions: each group's rows predicted by `fit_predict(train_mask, test_mask)`.

    Thresholds are chosen on these, never on in-sample probabilities, which are too sure of
    themselves on a few hundred labels.
    """
    groups_a = np.asarray(groups)
    out = np.full(len(groups_a), np.nan)
    for group in sorted(set(groups_a.tolist())):
        test = groups_a == group
        out[test] = fit_predict(~test, test)
    return out


def confusion(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """tp, fp, fn, precision, recall (1.0 when undefined: nothing predicted / nothing to find)."""
    predicted, actual = np.asarray(predicted, bool), np.asarray(actual, bool)
    tp, fp, fn = int((predicted & actual).sum()), int((predicted & ~actual).sum()), int((~predicted & actual).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4)}


def best_cut(scores: np.ndarray, actual: np.ndarray, beta: float = 1.0, min_precision: float = 0.0) -> float:
    """The cut c maximising F-beta of `scores >= c` against `actual`, among cuts whose precision
    reaches `min_precision`. A cut that flags nothing counts as precise: where no cut that flags
    something is precise enough, the cut flags nothing (a reviewer is better told nothing than
    told wrong). Cuts sit half-way between observed scores, so a new case scoring exactly like a
    labelled one is not decided by a tie."""
    scores, actual = np.asarray(scores, float), np.asarray(actual, bool)
    values = np.unique(scores)
    cuts = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    best, best_key = float(cuts[-1]), (-1.0, -1.0, 0.0)
    for cut in cuts:
        c = confusion(scores >= cut, actual)
        p, r = c["precision"], c["recall"]
        f = (1 + beta ** 2) * p * r / (beta ** 2 * p + r) if p + r else 0.0
        key = (float(p >= min_precision), f, cut)
        if key > best_key:
            best, best_key = float(cut), key
    return best
