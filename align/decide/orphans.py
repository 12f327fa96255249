"""Tasks that serve no clause of any reference in scope (orphans).

A task is an orphan only when nothing in NQ 57, 03/NQ-CP or any other reference in scope
asks for it: a task whose best NQ 57 clause scores little but which plainly serves a
03/NQ-CP task is no orphan. The evidence is the probability that the task serves none of
the clauses in scope, from the ranker's calibrated probabilities (treated as independent:
the product of 1 - p over every clause of every reference). Measured on the hand labels,
this one number separates orphans better than any fitted combination of cosines and
word overlaps (eval/README.md); only the cut is fitted, leave-one-commune-out.

That number alone puts the plan's generic budget and follow-up duties among the orphans:
the ranker's probabilities are shared out within the task, and a task in general words is
far from every clause. What the labels call an orphan is narrower: work on none of the
subjects NQ 57 is about (science, technology, innovation, digital transformation: its
title) nor on the plan itself: ISO 9001, standards inspections, trademarks, general
administrative reform. So a task that names one of those subjects, in its text or in the
headings it sits under, or names the plan ("Kế hoạch"), is never an orphan, whatever its
probabilities; every reference in scope carries NQ 57 out, so its subjects are theirs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from align.decide.evidence import PlanEvidence
from align.retrieval.features import CONTEXT_DEPTH   # the headings a task sits under that say its topic
from align.text.normalize import fold
from align.types import OrphanDecision, Reason, Task

_CLIP = 0.999               # a probability of 1 would make the product 0 whatever the other clauses say
# The subjects of NQ 57 (its title: khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số), the initiatives
# and inventions its emulation movement asks for, and the words digital work is named by, as analysed
# terms; a term matches when it is one of these or contains one
# ("công_nghệ_thông_tin"). Analysis keeps "số" on its own only where it means digital ("kỹ năng số"),
# so "số" matches only a term of its own ("một_số" is "some").
SUBJECT_TERMS = frozenset({
    "khoa_học", "công_nghệ", "đổi_mới_sáng_tạo", "sáng_tạo", "sáng_kiến", "sáng_chế", "phát_minh",
    "chuyển_đổi_số", "số_hóa", "điện_tử", "trực_tuyến", "dữ_liệu", "phần_mềm", "internet", "thông_minh",
    "an_ninh_mạng", "an_toàn_thông_tin", "an_ninh_thông_tin", "trí_tuệ_nhân_tạo", "viễn_thông", "nền_tảng"})
_DIGITAL = "số"
_THE_PLAN = re.compile(r"\bkế hoạch\b")    # a stop word to analysis, so found in the folded text


def none_probability(evidence: Sequence[PlanEvidence]) -> np.ndarray:
    """(tasks,) probability that each task serves no clause of the references given."""
    refs = [ev for ev in evidence if ev.scores.shape[1]]
    tasks = len(evidence[0].plan.tasks) if evidence else 0
    if not refs or not tasks:
        return np.ones(tasks)
    p = np.concatenate([np.clip(ev.scores.astype(np.float64), 0.0, _CLIP) for ev in refs], axis=1)
    return np.exp(np.log1p(-p).sum(axis=1))


@lru_cache(maxsize=4096)   # a heading is asked about once per task under it, in every fold of the evaluation
def _names(text: str) -> bool:
    from align.text.analyze import analyze

    if _THE_PLAN.search(fold(text)):
        return True
    for term in analyze(text):
        if term == _DIGITAL:
            return True
        parts = term.split("_")
        if any("_".join(parts[a:b]) in SUBJECT_TERMS for a in range(len(parts)) for b in range(a + 1, len(parts) + 1)):
            return True
    return False


def names_subject(task: Task) -> bool:
    """Whether the task, or a heading it sits under, names a subject of the references or the plan itself."""
    return _names(task.text) or any(_names(h) for h in task.heading_path[-CONTEXT_DEPTH:])


def orphan_scores(evidence: Sequence[PlanEvidence]) -> np.ndarray:
    """(tasks,) `none_probability`, 0 for a task that names a subject of the references (never an orphan
    by the model). A task with no evidence at all (probability 1 of serving nothing: what a reviewer's
    "serves no clause" writes into the evidence, align/decide/reviewed.py) keeps it: the reviewer wins."""
    probability = none_probability(evidence)
    if not evidence:
        return probability
    named = np.array([names_subject(t) for t in evidence[0].plan.tasks], bool)
    return np.where(named & (probability < 1.0), 0.0, probability)


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
    probability = orphan_scores(evidence)
    out = []
    for i, task in enumerate(evidence[0].plan.tasks):
        if probability[i] < model.threshold or probability[i] <= 0.0:
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
