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
from align.i18n import reason_fields
from align.types import COVERED, GAP, NOT_APPLICABLE, WEAK, Applicability, ClauseDecision, Evidence, Reason

SUPPORTING = 3              # tasks whose probabilities make a clause's support
EVIDENCE_SHOWN = 3          # tasks listed behind a clause


def support(ev: PlanEvidence, actors: Sequence[np.ndarray | None] = (),
            rules: Sequence[Applicability] = ()) -> np.ndarray:
    """(clauses,) probability that the plan carries each clause out. `actors` (align/decide/actors.py)
    restricts a clause addressed to named bodies to the tasks those bodies carry out; a clause whose
    applicability (`rules`) says all it asks is the plan itself (`by_plan`) is carried out for certain."""
    if ev.serves.shape[0] == 0:
        return np.zeros(len(ev.ref.clauses))
    serves = ev.serves.astype(np.float64)
    for j, mask in enumerate(actors):
        if mask is not None:
            serves[~mask, j] = 0.0
    top = np.sort(serves, axis=0)[::-1][:SUPPORTING]
    own = 1.0 - np.prod(1.0 - top, axis=0)
    for j, rule in enumerate(rules):
        if rule.by_plan and rule.commune:
            own[j] = 1.0
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
    values = support(ev, actors, applicability)
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


def _reason(ev: PlanEvidence, column: int, status: str, evidence: Sequence[Evidence], app: Applicability) -> Reason:
    """Why the clause has its state, as a catalogue message (align/i18n.py) the reports say in their language."""
    best = evidence[0] if evidence else None
    terms = Reason("terms", {"terms": list(best.terms[:4])}) if best and best.terms else Reason("none")
    via = Reason("none")
    if ev.links and ev.links[column]:
        via = Reason("via", {"clauses": [ev.ref.clauses[k].id for k in ev.links[column]]})
    if status == NOT_APPLICABLE:
        return Reason("not_applicable", {"why": applicability_reason(app)})
    if app.by_plan and status == COVERED:
        return Reason("by_plan", {"plan": ev.plan.title or ev.plan.id})
    if best is None:
        return Reason("no_tasks")
    found = {"task": best.task_id, "probability": best.score, "via": via, "elsewhere": _elsewhere(ev, column)}
    if status in (COVERED, WEAK):
        return Reason(status, {**found, "terms": terms})
    return Reason("gap", found)


def _elsewhere(ev: PlanEvidence, column: int) -> Reason:
    """Where another commune carries the clause out, for the reviewer to compare with (none if no memory)."""
    found = ev.elsewhere[column] if ev.elsewhere else None
    if found is None:
        return Reason("none")
    return Reason("elsewhere", {"commune": found.commune, "plan": found.plan, "task": found.task_id,
                                "cosine": found.cosine})


def applicability_reason(app: Applicability) -> Reason:
    """Why only central bodies can act on a clause: the bodies it names (in their own Vietnamese names), else
    the curated table's note (English), else who it addresses."""
    who = app.who if app.who in ("central", "government", "ministries", "provinces") else "national"
    said = Reason("addressed_to", {"actors": list(app.actors)}) if app.actors else Reason(f"who.{who}")
    if (app.source == "rules" and app.actors) or not app.reason:
        return said
    return Reason("note", {"note": app.reason, "said": said})


def decision_json(d: ClauseDecision) -> dict:
    """The JSON fields a decision adds to a clause row (the contract in README, gaps --format json)."""
    return {"status": d.status, "covered": d.covered, "support": d.support, **reason_fields(d.reason),
            "evidence": [{"task_id": e.task_id, "text": e.text, "score": e.score, "terms": list(e.terms)}
                         for e in d.evidence],
            "applicability": {"who": d.applicability.who, "commune": d.applicability.commune,
                              "actors": list(d.applicability.actors), "reason": d.applicability.reason,
                              "source": d.applicability.source, "by_plan": d.applicability.by_plan}}
