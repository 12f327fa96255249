"""Whether a plan carries out each clause of a reference: covered, weak, gap or not applicable.

The decision is taken per (plan, clause), not per task: a clause is covered when some task
serves it, even when that task's best clause is another one. A clause's support is the
probability that at least one of its SUPPORTING best tasks serves it (noisy-or of the
serves model's probabilities, align/decide/serves.py); a guiding viewpoint, which commune
tasks never name, takes the support of the reference's task clauses closest to it. Two
cuts on the support, chosen on the hand-written coverage labels (eval/coverage_labels.jsonl,
leave-one-commune-out), make the states: `covered` from the upper one, `weak` between (the
reviewer should look), `gap` below, unless only central bodies can act on the clause
(`not_applicable`, whatever the support).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.decide.evidence import PlanEvidence
from align.types import COVERED, GAP, NOT_APPLICABLE, WEAK, Applicability, ClauseDecision, Evidence

SUPPORTING = 3              # tasks whose probabilities make a clause's support
EVIDENCE_SHOWN = 3          # tasks listed behind a clause


def support(ev: PlanEvidence, actors: Sequence[np.ndarray | None] = ()) -> np.ndarray:
    """(clauses,) probability that the plan carries each clause out. `actors` (align/decide/actors.py)
    restricts a clause addressed to named bodies to the tasks those bodies carry out."""
    if ev.serves.shape[0] == 0:
        return np.zeros(len(ev.ref.clauses))
    serves = ev.serves.astype(np.float64)
    for j, mask in enumerate(actors):
        if mask is not None:
            serves[~mask, j] = 0.0
    top = np.sort(serves, axis=0)[::-1][:SUPPORTING]
    own = 1.0 - np.prod(1.0 - top, axis=0)
    inherited = [max([own[j], *(own[k] for k in links)]) if links else own[j]
                 for j, links in enumerate(ev.links or ((),) * len(own))]
    return np.asarray(inherited)


@dataclass(frozen=True)
class CoverageModel:
    """The two cuts on support: below `weak` a gap, from `covered` covered, weak between."""

    weak: float
    covered: float

    def status(self, value: float, applicable: bool) -> str:
        if not applicable:
            return NOT_APPLICABLE
        if value >= self.covered:
            return COVERED
        return WEAK if value >= self.weak else GAP

    def to_json(self) -> dict:
        return {"weak": self.weak, "covered": self.covered}

    @classmethod
    def from_json(cls, data: dict) -> "CoverageModel":
        return cls(float(data["weak"]), float(data["covered"]))


def decide(ev: PlanEvidence, model: CoverageModel, applicability: Sequence[Applicability],
           idf: dict[str, float] | None = None, actors: Sequence[np.ndarray | None] = ()) -> list[ClauseDecision]:
    """One decision per clause of the reference, in its order, each with its evidence and reason."""
    values = support(ev, actors)
    out = []
    for j, app in enumerate(applicability):
        status = model.status(float(values[j]), app.commune)
        evidence = _evidence(ev, j, idf)
        out.append(ClauseDecision(ev.ref.clauses[j].id, status, round(float(values[j]), 4), evidence,
                                  _reason(ev, j, status, evidence, app), app))
    return out


def _evidence(ev: PlanEvidence, column: int, idf: dict[str, float] | None) -> tuple[Evidence, ...]:
    """The tasks most likely to serve the clause (for a viewpoint, those of the clause it inherits from)."""
    if ev.serves.shape[0] == 0:
        return ()
    columns = [column, *(ev.links[column] if ev.links else ())]
    column = max(columns, key=lambda j: float(ev.serves[:, j].max()))
    values = ev.serves[:, column]
    rows = np.argsort(-values, kind="stable")[:EVIDENCE_SHOWN]
    return tuple(Evidence(ev.plan.tasks[i].id, ev.plan.tasks[i].text, round(float(values[i]), 4),
                          ev.terms(int(i), column, idf)) for i in rows)


def _reason(ev: PlanEvidence, column: int, status: str, evidence: Sequence[Evidence], app: Applicability) -> str:
    best = evidence[0] if evidence else None
    terms = f"; shared terms: {', '.join(best.terms[:4])}" if best and best.terms else ""
    via = ""
    if ev.links and ev.links[column]:
        via = f" (a viewpoint, carried out through {', '.join(ev.ref.clauses[k].id for k in ev.links[column])})"
    if status == NOT_APPLICABLE:
        return f"not for a commune: {app.reason}"
    if best is None:
        return "the plan has no tasks"
    if status == COVERED:
        return f"task {best.task_id} serves it{via} (probability {best.score:.2f}{terms})"
    if status == WEAK:
        return f"some evidence only{via}: task {best.task_id} is the nearest (probability {best.score:.2f}{terms})"
    return f"no task serves it{via}: the nearest, {best.task_id}, has probability {best.score:.2f}"


def decision_json(d: ClauseDecision) -> dict:
    """The JSON fields a decision adds to a clause row (the contract in README, gaps --format json)."""
    return {"status": d.status, "covered": d.covered, "support": d.support, "reason": d.reason,
            "evidence": [{"task_id": e.task_id, "text": e.text, "score": e.score, "terms": list(e.terms)}
                         for e in d.evidence],
            "applicability": {"who": d.applicability.who, "commune": d.applicability.commune,
                              "actors": list(d.applicability.actors), "reason": d.applicability.reason,
                              "source": d.applicability.source}}
