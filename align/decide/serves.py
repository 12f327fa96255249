"""The probability that a task serves a clause, on an absolute scale.

The ranker (align/retrieval/fusion.py) orders each task's candidate clauses on features
standardised within the task: right for "which clause does this task serve first", wrong
for "does this task serve that clause at all", because a task that serves two clauses
gives almost nothing to the second. This model is fitted on the same hand labels, on
every (task, clause) pair, with the ranker's score as one feature beside the raw ones
(embedding cosines, BM25, shared rare words) and two that say how the pair stands among
the plan's tasks for that clause, so each probability can be read on its own and
combined over tasks (coverage) without re-normalising.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.decide.logistic import Logistic
from align.retrieval.features import FEATURES as PAIR_FEATURES
from align.retrieval.features import rank_matrix

FEATURES = (*PAIR_FEATURES, "rank_score", "inverse_rank", "dense_in_plan", "sentence_in_plan")


def _in_plan(matrix: np.ndarray) -> np.ndarray:
    """How each task stands among the plan's tasks for each clause (z-score down each column)."""
    if matrix.shape[0] < 2:
        return np.zeros_like(matrix, dtype=np.float64)
    return (matrix - matrix.mean(axis=0, keepdims=True)) / (matrix.std(axis=0, keepdims=True) + 1e-3)


def design(features: dict[str, np.ndarray], rank_scores: np.ndarray, names: Sequence[str] = FEATURES) -> np.ndarray:
    """(tasks, clauses, names) from one plan's pair features and the ranker's scores (`names`: a fitted
    model's own, which may be fewer than today's FEATURES)."""
    rank_scores = np.asarray(rank_scores, np.float64)
    ranks = rank_matrix(rank_scores) if rank_scores.size else np.ones_like(rank_scores)
    derived = {"rank_score": lambda: rank_scores, "inverse_rank": lambda: 1.0 / ranks,
               "dense_in_plan": lambda: _in_plan(features["dense"]),
               "sentence_in_plan": lambda: _in_plan(features["dense_sent"])}
    columns = [derived[n]() if n in derived else np.asarray(features[n], np.float64) for n in names]
    return np.stack(columns, axis=2)


@dataclass(frozen=True)
class ServesModel:
    model: Logistic

    def predict(self, features: dict[str, np.ndarray], rank_scores: np.ndarray) -> np.ndarray:
        """(tasks, clauses) probabilities that each task serves each clause."""
        x = design(features, rank_scores, self.model.features)
        if not x.size:
            return np.zeros(x.shape[:2], dtype=np.float32)
        return self.model.predict(x.reshape(-1, x.shape[2])).reshape(x.shape[:2]).astype(np.float32)

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray) -> "ServesModel":
        """Fit on design rows `x` (pairs, FEATURES) and 0/1 labels; unweighted, so probabilities stay true."""
        return cls(Logistic.fit(FEATURES, x, y, balanced=False))

    def to_json(self) -> dict:
        return {"model": self.model.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> "ServesModel":
        return cls(Logistic.from_json(data["model"]))
