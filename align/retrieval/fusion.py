"""Turning pairwise features into one calibrated score in [0, 1].

Each method is a logistic model over a subset of the features: its output is the
probability that the task serves the clause, fitted on the labelled evaluation set,
so a threshold (say 0.5) means the same thing for every plan. `bm25` and `dense`
are the single components, calibrated the same way; `rrf` is reciprocal-rank fusion
with no fitting; `hybrid` weighs everything.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from align.errors import ModelError
from align.retrieval.features import FEATURES, stack

log = logging.getLogger(__name__)

METHOD_FEATURES: dict[str, tuple[str, ...]] = {
    "bm25": ("bm25",),
    "dense": ("dense",),
    "rrf": ("rrf_dense", "rrf_bm25"),
    "hybrid": FEATURES,
}
METHODS = tuple(METHOD_FEATURES)
DEFAULT_FUSION_PATH = Path(__file__).resolve().parents[1] / "data" / "fusion.json"
# Before any fitting: plausible slopes so scores still rank and land in [0, 1].
_PRIOR = {"bm25": ([4.0], -3.0), "dense": ([30.0], -25.0), "rrf": ([10.0, 10.0], -18.0),
          "hybrid": ([20.0, 4.0, 2.0, 3.0, 3.0, 1.0], -25.0)}


@dataclass
class LogisticScorer:
    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float

    def score(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        shape = feats[self.features[0]].shape
        z = stack(feats, self.features) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).reshape(shape).astype(np.float32)


@dataclass
class Fusion:
    """One LogisticScorer per method, fitted for one embedding model."""

    model_id: str
    scorers: dict[str, LogisticScorer]
    meta: dict = field(default_factory=dict)

    def score(self, method: str, feats: dict[str, np.ndarray]) -> np.ndarray:
        if method not in self.scorers:
            raise ModelError(f"unknown method {method!r} (choose from {', '.join(self.scorers)})")
        return self.scorers[method].score(feats)

    @classmethod
    def prior(cls, model_id: str = "") -> "Fusion":
        return cls(model_id, {m: LogisticScorer(METHOD_FEATURES[m], np.array(c, float), b)
                              for m, (c, b) in _PRIOR.items()}, {"fitted": False})

    @classmethod
    def fit(cls, model_id: str, design: dict[str, np.ndarray], labels: np.ndarray, c: float = 1.0,
            meta: dict | None = None) -> "Fusion":
        """Fit every method on pairs: `design[name]` is a 1-d feature column, `labels` 0/1."""
        from sklearn.linear_model import LogisticRegression

        scorers = {}
        for method, names in METHOD_FEATURES.items():
            x = np.stack([design[n] for n in names], axis=1)
            model = LogisticRegression(C=c, max_iter=2000).fit(x, labels)
            scorers[method] = LogisticScorer(names, model.coef_[0].astype(float), float(model.intercept_[0]))
        return cls(model_id, scorers, {"fitted": True, "pairs": int(len(labels)),
                                       "positives": int(labels.sum()), **(meta or {})})

    def to_json(self) -> dict:
        return {"model_id": self.model_id, "meta": self.meta,
                "methods": {m: {"features": list(s.features), "coef": [float(v) for v in s.coef],
                                "intercept": s.intercept} for m, s in self.scorers.items()}}

    @classmethod
    def from_json(cls, data: dict) -> "Fusion":
        return cls(data["model_id"], {m: LogisticScorer(tuple(s["features"]), np.array(s["coef"], float),
                                                        float(s["intercept"]))
                                      for m, s in data["methods"].items()}, data.get("meta", {}))


def load_fusion(model_id: str, path: str | Path | None = None) -> Fusion:
    """The fitted fusion for `model_id` (a file holds one entry per model), else the prior."""
    path = Path(path) if path else DEFAULT_FUSION_PATH
    if path.is_file():
        entries = json.loads(path.read_text(encoding="utf-8"))
        for entry in entries.get("models", []):
            if entry["model_id"] == model_id:
                return Fusion.from_json(entry)
        if entries.get("models"):
            log.warning("no fusion weights fitted for %s; using those of %s", model_id,
                        entries["models"][0]["model_id"])
            return Fusion.from_json(entries["models"][0])
    return Fusion.prior(model_id)


def save_fusions(fusions: list[Fusion], path: str | Path | None = None) -> None:
    path = Path(path) if path else DEFAULT_FUSION_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"models": [f.to_json() for f in fusions]}, ensure_ascii=False, indent=2) + "\n",
                   encoding="utf-8")
    tmp.replace(path)
