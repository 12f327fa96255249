"""Turning pairwise features into one calibrated score in [0, 1].

Each method is a ranker followed by a calibrator. The ranker orders a task's
candidate clauses: a single feature for the components (`bm25`, `dense`), the sum of
reciprocal ranks for `rrf`, and for `hybrid` a linear model over all features,
standardised within each task, fitted on the labels as a pairwise ranker (the
correct clause should outrank each wrong one of the same task). The calibrator is
a Platt sigmoid on the ranker's score, fitted on the same labels, so the output is
the probability that the task serves the clause and a threshold means the same
thing for every plan. A plan's tasks are then scored together (`score_plan`): the hybrid
ranker's scores of each task move with the plan's other tasks, by the reference's
`PlanContext` (align/retrieval/context.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from align.errors import ModelError
from align.fitted import fitted_entry, write_entries
from align.paths import SHIPPED_DATA, data_root
from align.retrieval.context import PlanContext
from align.retrieval.features import FEATURES, standardise_rows

log = logging.getLogger(__name__)

# method -> (features, fixed weights or None when fitted, standardise within task)
METHOD_SPECS: dict[str, tuple[tuple[str, ...], tuple[float, ...] | None, bool]] = {
    "bm25": (("bm25",), (1.0,), False),
    "dense": (("dense",), (1.0,), False),
    "rrf": (("rrf_dense", "rrf_bm25"), (1.0, 1.0), False),
    "hybrid": (FEATURES, None, True),
}
METHODS = tuple(METHOD_SPECS)
# Priors the ranker adds on top of the evidence: fitted after the other weights, as one more
# weight beside their score, so they move only the references where they vary (a prior fitted
# jointly shifted the other weights and cost NQ 57 what it gave 03/NQ-CP).
PRIOR_FEATURES = ("applicable",)
FUSION_FILE = "fusion.json"           # in the data directory, else the shipped default (align/paths.py)
# Before any fitting: equal weights and a sigmoid that keeps the order.
_PRIOR_CALIBRATION = (4.0, -4.0)


@dataclass
class MethodScorer:
    features: tuple[str, ...]
    weights: np.ndarray
    standardise: bool
    calibration: tuple[float, float]        # sigmoid(a * rank_score + b)

    def rank_scores(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        total = np.zeros_like(feats[self.features[0]], dtype=np.float64)
        for name, weight in zip(self.features, self.weights):
            matrix = np.atleast_2d(feats[name]).astype(np.float64)
            total = total + weight * (standardise_rows(matrix) if self.standardise else matrix)
        return total

    def score(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        a, b = self.calibration
        return (1.0 / (1.0 + np.exp(-(a * self.rank_scores(feats) + b)))).astype(np.float32)


@dataclass
class Fusion:
    """One MethodScorer per method, fitted for one embedding model, and the hybrid ranker's plan
    context per reference id (none: each task ranked alone)."""

    model_id: str
    scorers: dict[str, MethodScorer]
    meta: dict = field(default_factory=dict)
    contexts: dict[str, PlanContext] = field(default_factory=dict)

    def score(self, method: str, feats: dict[str, np.ndarray]) -> np.ndarray:
        if method not in self.scorers:
            raise ModelError(f"unknown method {method!r} (choose from {', '.join(self.scorers)})")
        return self.scorers[method].score(feats)

    def score_plan(self, method: str, feats: dict[str, np.ndarray], vectors: np.ndarray, ref_id: str) -> np.ndarray:
        """`score` of the tasks of one plan (rows) against `ref_id`, the hybrid ranker's moved by the plan's
        other tasks (`vectors`: their query vectors) as the reference's context says."""
        scores = self.score(method, feats)
        context = self.contexts.get(ref_id) if method == "hybrid" else None
        return scores if context is None else context.adjust(scores, vectors)

    @classmethod
    def prior(cls, model_id: str = "") -> "Fusion":
        scorers = {m: MethodScorer(names, np.array(w if w else [1.0] * len(names)), std, _PRIOR_CALIBRATION)
                   for m, (names, w, std) in METHOD_SPECS.items()}
        return cls(model_id, scorers, {"fitted": False})

    @classmethod
    def fit(cls, model_id: str, groups: Sequence[tuple[dict[str, np.ndarray], np.ndarray]], c: float = 1.0,
            meta: dict | None = None, features: Sequence[str] | None = None) -> "Fusion":
        """Fit every method on labelled groups: one (features name -> (C,), labels (C,) 0/1) per task.

        `features` replaces the hybrid ranker's features (ablations: what a feature adds is
        measured by fitting without it)."""
        groups = [(f, y) for f, y in groups if y.any()]
        if not groups:
            raise ModelError("no labelled positive pairs to fit on")
        scorers = {}
        for method, (names, fixed, std) in METHOD_SPECS.items():
            names = tuple(features) if features and method == "hybrid" else names
            weights = np.array(fixed) if fixed else _fit_ranker(groups, names, std, c)
            scorer = MethodScorer(names, weights, std, _PRIOR_CALIBRATION)
            scorer.calibration = _fit_platt(groups, scorer)
            scorers[method] = scorer
        positives = int(sum(y.sum() for _, y in groups))
        return cls(model_id, scorers, {"fitted": True, "groups": len(groups), "positives": positives,
                                       **(meta or {})})

    def to_json(self) -> dict:
        return {"model_id": self.model_id, "meta": self.meta,
                "methods": {m: {"features": list(s.features), "weights": [float(v) for v in s.weights],
                                "standardise": s.standardise, "calibration": list(s.calibration)}
                            for m, s in self.scorers.items()},
                "contexts": {ref: c.to_json() for ref, c in self.contexts.items()}}

    @classmethod
    def from_json(cls, data: dict) -> "Fusion":
        return cls(data["model_id"], {m: MethodScorer(tuple(s["features"]), np.array(s["weights"], float),
                                                      bool(s["standardise"]), tuple(s["calibration"]))
                                      for m, s in data["methods"].items()}, data.get("meta", {}),
                   {ref: PlanContext.from_json(c) for ref, c in data.get("contexts", {}).items()})


def _design(feats: dict[str, np.ndarray], names: Sequence[str], standardise: bool) -> np.ndarray:
    columns = [np.asarray(feats[n], dtype=np.float64) for n in names]
    if standardise:
        columns = [standardise_rows(col[None, :])[0] for col in columns]
    return np.stack(columns, axis=1)


def _fit_ranker(groups, names, standardise: bool, c: float) -> np.ndarray:
    """Pairwise weights of the evidence features, then of each prior on top of their score."""
    evidence = [n for n in names if n not in PRIOR_FEATURES]
    weights = dict(zip(evidence, _fit_pairwise(groups, evidence, standardise, c)))
    base = MethodScorer(tuple(evidence), np.array([weights[n] for n in evidence]), standardise, _PRIOR_CALIBRATION)
    for prior in (n for n in names if n in PRIOR_FEATURES):
        stacked = [({"base": base.rank_scores({k: v[None, :] for k, v in f.items()})[0],
                     prior: _design(f, (prior,), standardise)[:, 0]}, y) for f, y in groups]
        scale, weight = _fit_pairwise(stacked, ("base", prior), False, c)
        weights[prior] = weight / scale if scale > 0 else 0.0
    return np.array([weights[n] for n in names])


def _fit_pairwise(groups, names, standardise: bool, c: float) -> np.ndarray:
    """Weights w with w.(x_pos - x_neg) > 0 for each (correct, wrong) clause pair of a task."""
    from sklearn.linear_model import LogisticRegression

    diffs = []
    for feats, labels in groups:
        x = _design(feats, names, standardise)
        pos, neg = x[labels == 1], x[labels == 0]
        diffs += [p - neg for p in pos]
    d = np.concatenate(diffs)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=3000)
    model.fit(np.concatenate([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))]))
    return model.coef_[0]


def _fit_platt(groups, scorer: MethodScorer) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    scores = np.concatenate([scorer.rank_scores({k: v[None, :] for k, v in f.items()})[0] for f, _ in groups])
    labels = np.concatenate([y for _, y in groups])
    model = LogisticRegression(C=100.0, max_iter=3000).fit(scores[:, None], labels)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def load_fusion(model_id: str, path: str | Path | None = None, data_dir: str | Path | None = None) -> Fusion:
    """The fitted fusion for `model_id` (a file holds one entry per model), else the prior."""
    entry = fitted_entry(FUSION_FILE, model_id, "fusion weights", path=path, data_dir=data_dir)
    if entry is None:
        log.warning("no fitted fusion weights (run `plan-align eval --fit`); scores are uncalibrated")
        return Fusion.prior(model_id)
    return Fusion.from_json(entry)


def save_fusions(fusions: list[Fusion], path: str | Path | None = None) -> None:
    """Write fitted fusions to `path` (default: the data directory), keeping the other models' entries."""
    write_entries(Path(path) if path else data_root() / FUSION_FILE, [f.to_json() for f in fusions],
                  SHIPPED_DATA / FUSION_FILE, "fusion weights")
