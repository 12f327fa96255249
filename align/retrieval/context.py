"""A plan's other tasks as evidence for each task's clauses.

The ranker scores each task alone. Two facts of a plan, read from its own tasks and never from a
label, then move a task's scores (eval/README.md, "Tenth session"):

- **smoothing**: a plan restates its body tasks in its appendix, so a task's near-twin in the same
  plan is evidence of the task's clause. Each task gets the kernel average of the other tasks'
  softmaxed scores, weighted by exp((cosine - 1) / width): only near-twins weigh.
- **competition**: in a reference of many clauses (03/NQ-CP's 299), a few broad clauses attract
  many tasks of a plan on the words they share. Each score gets the task's share of the clause's
  evidence among the plan's tasks (the column of a dual softmax), so a clause goes first to the
  tasks that are its best in the plan.

Which one helps depends on the reference (smoothing NQ 57, competition 03/NQ-CP), so a context is
chosen per reference on the labels (`align.evaluate.choose_contexts`); a reference without labels
(a province's plan a user adds) is ranked as the ranker scores it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from align.retrieval.features import standardise_rows

SMOOTH_TEMPERATURE = 0.5     # softmax of the near-twins' standardised scores


@dataclass(frozen=True)
class PlanContext:
    """Weights in units of each task's own spread of scores; zero weights leave the scores as they are."""

    smooth: float = 0.0
    width: float = 0.01
    compete: float = 0.0
    temperature: float = 1.0

    @property
    def identity(self) -> bool:
        return not self.smooth and not self.compete

    def adjust(self, probabilities: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The calibrated scores of one plan's tasks (tasks x clauses) moved by the plan's other tasks
        (`vectors`: the tasks' query vectors). Each row moves by its own spread, so a task's order of
        clauses changes and its scores stay on their scale: floored at 0 (the clauses a task plainly
        does not serve), and a row pushed above 1 is scaled back under it whole, since clipping there
        would tie the task's best clauses (and raising a row's floor would lift an orphan's scores)."""
        p = np.asarray(probabilities, np.float64)
        if self.identity or p.shape[0] < 2 or p.shape[1] < 2:
            return np.asarray(probabilities, np.float32)
        z = standardise_rows(p)
        if self.smooth:
            z = z + self.smooth * standardise_rows(_twin_vote(z, np.asarray(vectors, np.float64), self.width))
        if self.compete:
            z = standardise_rows(z) if self.smooth else z
            z = z + self.compete * standardise_rows(_column_share(z, self.temperature))
        mean, std = p.mean(axis=1, keepdims=True), p.std(axis=1, keepdims=True)
        moved = np.maximum(mean + std * z, 0.0)
        return (moved / np.maximum(moved.max(axis=1, keepdims=True), 1.0)).astype(np.float32)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "PlanContext":
        return cls(**{k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def _twin_vote(z: np.ndarray, vectors: np.ndarray, width: float) -> np.ndarray:
    """Each task's kernel average of the other tasks' softmaxed scores (near-twins weigh most)."""
    p = np.exp((z - z.max(axis=1, keepdims=True)) / SMOOTH_TEMPERATURE)
    p /= p.sum(axis=1, keepdims=True)
    kernel = np.exp((vectors @ vectors.T - 1.0) / width)
    np.fill_diagonal(kernel, 0.0)
    return kernel @ p / (kernel.sum(axis=1, keepdims=True) + 1e-9)


def _column_share(z: np.ndarray, temperature: float) -> np.ndarray:
    """log softmax over the plan's tasks, clause by clause: how much of a clause's evidence is the task's."""
    a = z / temperature
    top = a.max(axis=0, keepdims=True)
    return a - top - np.log(np.exp(a - top).sum(axis=0, keepdims=True))
