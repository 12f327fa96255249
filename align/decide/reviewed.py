"""Reviewers' decisions override the model where the decisions are taken, not in the reports.

A reviewer who chose (or accepted) a clause for a task has said the task serves it: that pair's
serves probability and ranker score become 1, so the clause is covered and the task is no
orphan. A rejected pair becomes 0, so the clause no longer rests on that task. "Serves no
clause" zeroes the task's row for that reference; a task so marked for every reference in
scope is an orphan, marked reviewed. Every report then renders the decisions as they are.
"""
from __future__ import annotations

import dataclasses
import logging
from typing import Mapping, Sequence

import numpy as np

from align.decide.evidence import PlanEvidence
from align.i18n import date
from align.types import (COVERED, REJECT, SERVES_NONE, ClauseDecision, Document, OrphanDecision, PlanCoverage, Reason,
                         ReviewDecision)

log = logging.getLogger(__name__)

Placed = Mapping[tuple[int, str], ReviewDecision]      # (task row, ref) -> decision in force


def _column(ev: PlanEvidence, clause_id: str | None, warn: bool = True) -> int | None:
    for j, clause in enumerate(ev.ref.clauses):
        if clause.id == clause_id:
            return j
    if warn:
        log.warning("%s: a reviewed clause %s is not in %s any more; decision left out", ev.plan.id, clause_id,
                    ev.ref.id)
    return None


def override(ev: PlanEvidence, placed: Placed) -> PlanEvidence:
    """The evidence with the reviewers' decisions for its reference written into both probabilities."""
    mine = [(row, d) for (row, ref), d in placed.items() if ref == ev.ref.id]
    if not mine:
        return ev
    scores, serves = ev.scores.copy(), ev.serves.copy()
    for row, d in mine:
        if d.action == SERVES_NONE:
            scores[row, :] = serves[row, :] = 0.0
            continue
        j = _column(ev, d.clause_id)
        if j is not None:
            scores[row, j] = serves[row, j] = 0.0 if d.action == REJECT else 1.0
    return dataclasses.replace(ev, scores=scores, serves=serves)


def chosen_pairs(ev: PlanEvidence, placed: Placed) -> list[tuple[int, int, ReviewDecision]]:
    """(task row, clause column, decision) of every pair a reviewer says is served, for this reference."""
    out = []
    for (row, ref), d in placed.items():
        if ref == ev.ref.id and d.action not in (REJECT, SERVES_NONE):
            j = _column(ev, d.clause_id, warn=False)
            if j is not None:
                out.append((row, j, d))
    return out


def unmask(actors: Sequence[np.ndarray | None], pairs: Sequence[tuple[int, int, ReviewDecision]]
           ) -> list[np.ndarray | None]:
    """The actor rule never hides a task a reviewer chose for a clause."""
    found = list(actors)
    for row, j, _ in pairs:
        if j < len(found) and found[j] is not None:
            found[j] = found[j].copy()
            found[j][row] = True
    return found


def mark_clauses(clauses: Sequence[ClauseDecision], ev: PlanEvidence,
                 pairs: Sequence[tuple[int, int, ReviewDecision]]) -> tuple[ClauseDecision, ...]:
    """A clause a reviewer gave a task is covered (where a commune acts on it), marked reviewed."""
    out = list(clauses)
    for row, j, d in pairs:
        task = ev.plan.tasks[row].id
        reason = Reason("reviewed_serves", {"task": task, "reviewer": d.reviewer, "date": date(d.time, False)})
        status = out[j].status if not out[j].applicability.commune else COVERED
        out[j] = dataclasses.replace(out[j], status=status, reviewed=True, reason=reason)
    return tuple(out)


def mark_orphans(found: Sequence[OrphanDecision], scope: Sequence[PlanEvidence], placed: Placed
                 ) -> tuple[OrphanDecision, ...]:
    """An orphan whose task a reviewer marked as serving no clause of every reference in scope is reviewed."""
    if not scope:
        return tuple(found)
    rows = {t.id: i for i, t in enumerate(scope[0].plan.tasks)}
    refs = [ev.ref.id for ev in scope if ev.scores.shape[1]]
    out = []
    for o in found:
        marks = [placed.get((rows[o.task_id], ref)) for ref in refs]
        if marks and all(m is not None and m.action == SERVES_NONE for m in marks):
            who = marks[-1]
            o = dataclasses.replace(o, reviewed=True, reason=Reason("reviewed_none", {
                "reviewer": who.reviewer, "date": date(who.time, with_time=False)}))
        out.append(o)
    return tuple(out)


def reviewed_coverage(session, plan: Document, ref: Document, method: str,
                      decisions: Mapping[tuple[str, str], ReviewDecision]) -> tuple[PlanCoverage | None, int]:
    """A corpus plan's support for `ref` with its reviewers' decisions in force written in (as `assess` does for
    the plan under review), and how many of its tasks they touch; (None, 0) when none concerns `ref`."""
    from align.decide.actors import actor_masks
    from align.decide.applicability import applicability
    from align.decide.coverage import support
    from align.decide.evidence import score_plans
    from align.reviews import for_plan

    placed, _ = for_plan(dict(decisions), plan)
    mine = {key: d for key, d in placed.items() if key[1] == ref.id}
    if not mine:
        return None, 0
    ev = override(score_plans(session.aligner, [plan], ref, method, session.decisions.serves)[plan.id], mine)
    rules = applicability(ref)
    actors = unmask(actor_masks(plan, ref, rules), chosen_pairs(ev, mine))
    values = np.asarray(support(ev, actors, rules), dtype=np.float32)
    return PlanCoverage(plan.id, plan.title, len(plan.tasks), values), len({row for row, _ in mine})