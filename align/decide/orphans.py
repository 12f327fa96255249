"""Tasks that serve no clause of any reference in scope (orphans).

A task is an orphan only when nothing in NQ 57, 03/NQ-CP or any other reference in scope
asks for it: a task whose best NQ 57 clause scores little but which plainly serves a
03/NQ-CP task is no orphan. The evidence is the probability that the task serves none of
the clauses in scope, from the ranker's calibrated probabilities (treated as independent:
the product of 1 - p over every clause of every reference). Measured on the hand labels,
this one number separates orphans better than any fitted combination of cosines and
word overlaps (eval/README.md); only the cut is fitted, leave-one-commune-out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.decide.evidence import PlanEvidence
from align.types import OrphanDecision, Reason

_CLIP = 0.999               # a probability of 1 would make the product 0 whatever the other clauses say


def none_probability(evidence: Sequence[PlanEvidence]) -> np.ndarray:
    """(tasks,) probability that each task serves no clause of the references given."""
    refs = [ev for ev in evidence if ev.scores.shape[1]]
    tasks = len(evidence[0].plan.tasks) if evidence else 0
    if not refs or not tasks:
        return np.ones(tasks)
    p = np.concatenate([np.clip(ev.scores.astype(np.float64), 0.0, _CLIP) for ev in refs], axis=1)
    return np.exp(np.log1p(-p).sum(axis=1))


@dataclass(frozen=True)
class OrphanModel:
    """An orphan when the probability of serving nothing in scope reaches `threshold`."""

    threshold: float

    def to_json(self) -> dict:
        return {"threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> "OrphanModel":
        return cls(float(data["threshold"]))


def decide(evidence: Sequence[PlanEvidence], model: OrphanModel) -> list[OrphanDecision]:
    """The orphans of the plan, in document order, each with its nearest clause per reference."""
    if not evidence:
        return []
    probability = none_probability(evidence)
    out = []
    for i, task in enumerate(evidence[0].plan.tasks):
        if probability[i] < model.threshold:
            continue
        nearest = tuple(_nearest(ev, i) for ev in evidence if ev.scores.shape[1])
        out.append(OrphanDecision(task.id, round(float(probability[i]), 4), nearest, _reason(nearest)))
    return out


def _nearest(ev: PlanEvidence, row: int) -> tuple[str, str, float]:
    j = int(np.argmax(ev.scores[row]))
    return ev.ref.id, ev.ref.clauses[j].id, round(float(ev.scores[row, j]), 4)


def _reason(nearest: Sequence[tuple[str, str, float]]) -> Reason:
    closest = [Reason("nearest", {"ref": ref, "clause": clause, "score": score}) for ref, clause, score in nearest]
    return Reason("orphan", {"refs": [r for r, _, _ in nearest], "nearest": closest})
