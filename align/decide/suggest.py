"""Suggestions from review memory: a reviewed clause offered to the near-repeats of its task in other plans.

Communes copy tasks from each other and from the province, so a task a reviewer settled in one plan
often comes back, word for word or nearly, in the next. Whether two tasks are one is what the
duplicate machinery already decides (FAISS range search across plans, then the pair model:
align/decide/duplicates.py), so a suggestion is a duplicate pair across plans whose other task
has a reviewed decision choosing (or accepting) a clause. A suggestion is never a decision: the
reports show it beside the model's proposal, with where it was reviewed, and the plan's own
decisions in force win (a task already reviewed for that reference gets none).
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Iterable, Mapping

from align.errors import PlanAlignError
from align.types import Document, DuplicatePair, Reason, ReviewDecision, Suggestion

log = logging.getLogger(__name__)

Decisions = Mapping[tuple[str, str], ReviewDecision]       # (task, ref) -> decision in force


def in_force_by_plan(rows: Iterable[ReviewDecision]) -> dict[str, dict[tuple[str, str], ReviewDecision]]:
    """The decisions in force of every plan, from the review memory's rows (oldest first)."""
    from align.reviews import in_force

    grouped: dict[str, list[ReviewDecision]] = defaultdict(list)
    for row in rows:
        grouped[row.plan_id].append(row)
    return {pid: in_force(found) for pid, found in grouped.items()}


def reviewed_tasks(corpus, decisions: Mapping[str, Decisions], skip: str) -> dict[tuple[str, str], list]:
    """(plan, task id now) -> its decisions in force that choose a clause, for every plan but `skip`."""
    from align.reviews import chosen, for_plan

    out: dict[tuple[str, str], list[ReviewDecision]] = defaultdict(list)
    for pid, found in decisions.items():
        if pid == skip or not any(chosen(d) for d in found.values()):
            continue
        try:
            doc = corpus.document(pid)
        except PlanAlignError:
            log.debug("reviews of %s: the plan is not in the corpus", pid)
            continue
        placed, _ = for_plan(dict(found), doc)
        for (row, _ref), d in placed.items():
            if chosen(d):
                out[(pid, doc.tasks[row].id)].append(d)
    return dict(out)


def from_pairs(plan: Document, pairs: Iterable[DuplicatePair], reviewed: Mapping[tuple[str, str], list],
               communes: Mapping[str, str], own: Decisions | None = None) -> list[Suggestion]:
    """One suggestion per (task, reference): the reviewed clause of its most probable near-repeat."""
    from align.i18n import date

    best: dict[tuple[str, str], Suggestion] = {}
    for pair in pairs:
        mine, other = (pair.a, pair.b) if pair.a.doc_id == plan.id else (pair.b, pair.a)
        if mine.doc_id != plan.id or other.doc_id == plan.id:
            continue
        for d in reviewed.get((other.doc_id, other.id), ()):
            key = (mine.id, d.ref)
            if (own and key in own) or (key in best and best[key].probability >= pair.probability):
                continue
            commune = communes.get(other.doc_id, other.doc_id)
            reason = Reason("suggested", {"commune": commune, "task": other.id, "plan": other.doc_id, "ref": d.ref,
                                          "clause": d.clause_id, "reviewer": d.reviewer,
                                          "date": date(d.time, with_time=False)})
            best[key] = Suggestion(mine.id, d.ref, d.clause_id, d, other.id, commune, pair.probability, pair.kind,
                                   reason)
    order = {t.id: i for i, t in enumerate(plan.tasks)}
    return sorted(best.values(), key=lambda s: (order.get(s.task_id, len(order)), s.ref))


def suggestions(session, plan: Document, decisions: Mapping[str, Decisions]) -> list[Suggestion]:
    """The suggestions for `plan` from the other plans' reviewed decisions (`in_force_by_plan`); nothing is
    searched when no other plan has a reviewed choice."""
    from align.decide.duplicates import plan_duplicates
    from align.decide.peers import plan_communes

    reviewed = reviewed_tasks(session.corpus, decisions, plan.id)
    if not reviewed:
        return []
    pairs = plan_duplicates(session, plan, across=True)
    found = from_pairs(plan, pairs, reviewed, plan_communes(session.corpus, [plan]), decisions.get(plan.id))
    log.info("%s: %d suggestions from reviewed near-repeats in other plans", plan.id, len(found))
    return found


def suggestion_json(s: Suggestion) -> dict:
    """A suggestion as JSON (README, "Decisions and their JSON")."""
    from align.i18n import reason_fields

    return {"task_id": s.task_id, "ref": s.ref, "clause_id": s.clause_id, "probability": s.probability,
            "kind": s.kind, "origin": {"plan": s.origin.plan_id, "task_id": s.origin_task, "commune": s.commune,
                                       "reviewer": s.origin.reviewer, "time": s.origin.time,
                                       "action": s.origin.action},
            **reason_fields(s.reason)}
