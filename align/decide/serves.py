"""The probability that a task serves a clause, on an absolute scale.

The ranker (align/retrieval/fusion.py) orders each task's candidate clauses on features
standardised within the task: right for "which clause does this task serve first", wrong
for "does this task serve that clause at all", because a task that serves two clauses
gives almost nothing to the second. This model is fitted on the same hand labels, on
every (task, clause) pair, with the ranker's score as one feature beside the raw ones
(embedding cosines, BM25, shared rare words) and two that say how the pair stands among
the plan's tasks for that clause, so each probability can be read on its own and
combined over tasks (coverage) without re-normalising. It also reads how close the task is to the
tasks other communes' readers named as carrying the clause out (the label memory's
`COVERAGE_FEATURES`): the clauses plans leave out are mostly the same ones, and a task on the same
theme that does something else resembles none of the tasks that did it elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.decide.logistic import Logistic
from align.retrieval.features import FEATURES as PAIR_FEATURES
from align.retrieval.features import rank_matrix
from align.retrieval.memory import COVERAGE_FEATURES

FEATURES = (*PAIR_FEATURES, "rank_score", "inverse_rank", "dense_in_plan", "sentence_in_plan", *COVERAGE_FEATURES)
# What the model reads for a reference the label memory holds no coverage labels of (a province's plan):
# there "no task elsewhere carried the clause out" would be a state the labelled references never showed.
GENERAL_FEATURES = tuple(n for n in FEATURES if n not in COVERAGE_FEATURES)


def reads_coverage(features: dict[str, np.ndarray]) -> bool:
    """Whether these pair features carry the label memory's coverage evidence (its references only)."""
    return all(n in features for n in COVERAGE_FEATURES)


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
    """`model` for the pairs of a reference the label memory holds coverage labels of, `general` (reading
    none of the memory's coverage evidence) for any other; an older fitted entry has `model` alone."""

    model: Logistic
    general: Logistic | None = None

    def predict(self, features: dict[str, np.ndarray], rank_scores: np.ndarray) -> np.ndarray:
        """(tasks, clauses) probabilities that each task serves each clause."""
        model = self.model if self.general is None or reads_coverage(features) else self.general
        x = design(features, rank_scores, model.features)
        if not x.size:
            return np.zeros(x.shape[:2], dtype=np.float32)
        return model.predict(x.reshape(-1, x.shape[2])).reshape(x.shape[:2]).astype(np.float32)

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, covered: np.ndarray | None = None) -> "ServesModel":
        """Fit on design rows `x` (pairs, FEATURES) and 0/1 labels; unweighted, so probabilities stay true.
        `covered` marks the rows whose features carry coverage evidence (default: all): `model` is fitted
        on those, `general` on every row without it."""
        covered = np.ones(len(y), bool) if covered is None else np.asarray(covered, bool)
        general = Logistic.fit(GENERAL_FEATURES, x[:, [FEATURES.index(n) for n in GENERAL_FEATURES]], y,
                               balanced=False)
        if not covered.any():
            return cls(general)
        return cls(Logistic.fit(FEATURES, x[covered], y[covered], balanced=False), general)

    def to_json(self) -> dict:
        return {"model": self.model.to_json(), **({"general": self.general.to_json()} if self.general else {})}

    @classmethod
    def from_json(cls, data: dict) -> "ServesModel":
        return cls(Logistic.from_json(data["model"]),
                   Logistic.from_json(data["general"]) if data.get("general") else None)
