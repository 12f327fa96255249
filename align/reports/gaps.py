"""The gaps report: every clause of a reference with its state for one plan, items, gaps, orphans.

Rendering only: the decisions come from `align.decide.assess`. Each clause row carries its
state (covered, weak, gap, not applicable), the tasks behind it with their shared terms,
and a one-line reason; gaps are ranked by how many peer plans (other communes) cover the
clause, and a clause only central bodies can act on is never a commune gap.
"""
from __future__ import annotations

from typing import Any, Mapping

from align.decide.assess import Assessment, OrphanAssessment
from align.decide.coverage import decision_json
from align.decide.peers import states
from align.i18n import REASON_KEYS, reason_fields
from align.reports.alignment import plan_header
from align.types import COVERED, DEADLINE, GAP, LEAD, NOT_APPLICABLE, STATUSES, TARGET, WEAK

COMMUNE, NATIONAL = "commune", "national"      # `level` of a clause: can a commune act on it


def _peer_states(a: Assessment) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """States of each clause in the other communes' plans, and in this commune's other plans."""
    own = a.communes.get(a.plan.id, a.plan.id)
    rules = list(a.applicability)
    peers, same = {}, {}
    for pid, cov in a.peers.items():
        if pid == a.plan.id:
            continue
        side = same if a.communes.get(pid, pid) == own else peers
        side[pid] = states(cov, a.model, rules)
    return peers, same


def _clause_row(a: Assessment, j: int, peers: Mapping[str, list[str]], same: Mapping[str, list[str]]) -> dict:
    clause, d = a.ref.clauses[j], a.clauses[j]
    covering = sorted(pid for pid, s in peers.items() if s[j] in (COVERED, WEAK))
    return {"clause_id": clause.id, "item": clause.item, "heading": clause.heading, "text": clause.text,
            "kind": clause.kind, "level": COMMUNE if d.applicability.commune else NATIONAL,
            "level_reason": d.applicability.reason, **decision_json(d),
            "best_score": round(float(a.evidence.best[j]), 4) if len(a.plan.tasks) else 0.0,
            "tasks": [{"id": e.task_id, "text": e.text, "score": e.score} for e in d.evidence] if d.covered else [],
            "peer_coverage": len(covering), "peers": covering,
            "same_commune": sorted(pid for pid, s in same.items() if s[j] in (COVERED, WEAK)), "gap_rank": None,
            "reviewed": d.reviewed}


def gap_report(a: Assessment) -> dict[str, Any]:
    """The gaps JSON (contract in README: clause rows keep `covered`, add `status`, `evidence`, `reason`)."""
    peers, same = _peer_states(a)
    clauses = [_clause_row(a, j, peers, same) for j in range(len(a.ref.clauses))]
    gaps = rank_gaps(clauses)
    orphans = orphan_rows(a)
    counts = {s: sum(c["status"] == s for c in clauses) for s in STATUSES}
    targets = sum(1 for task in a.plan.tasks if task.kind == TARGET)
    summary = {"tasks": len(a.plan.tasks) - targets, "targets": targets, "clauses": len(clauses),
               "covered": counts[COVERED] + counts[WEAK], "clear": counts[COVERED], "weak": counts[WEAK],
               "gaps": counts[GAP], "not_applicable": counts[NOT_APPLICABLE],
               "applicable": len(clauses) - counts[NOT_APPLICABLE], "orphans": len(orphans),
               "peer_plans": len(peers), "reviewed": len(a.reviewed)}
    return {"plan": {**plan_header(a.plan), "commune": a.communes.get(a.plan.id, a.plan.id)}, "ref": a.ref.id,
            "method": a.method, "cuts": {"weak": a.model.weak, "covered": a.model.covered, "source": a.cut_source},
            "threshold": a.model.weak, "threshold_source": a.cut_source, "summary": summary, "clauses": clauses,
            "items": item_rollup(clauses), "gaps": gaps, "orphans": orphans}


def rank_gaps(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gap clauses, most peer-covered first, then nearest miss; sets their gap_rank."""
    found = sorted((c for c in clauses if c["status"] == GAP), key=lambda c: (-c["peer_coverage"], -c["support"]))
    for rank, clause in enumerate(found, start=1):
        clause["gap_rank"] = rank
    return [{"rank": c["gap_rank"], "clause_id": c["clause_id"], "item": c["item"], "heading": c["heading"],
             "text": c["text"], "level": c["level"], "peer_coverage": c["peer_coverage"], "support": c["support"],
             "best_score": c["best_score"], **{k: c[k] for k in REASON_KEYS}} for c in found]


def orphan_rows(a: Assessment | OrphanAssessment) -> list[dict[str, Any]]:
    tasks = {t.id: t for t in a.plan.tasks}
    out = []
    for o in a.orphans:
        task = tasks[o.task_id]
        main = next((n for n in o.nearest if n[0] == a.ref.id), o.nearest[0] if o.nearest else None)
        out.append({"id": task.id, "kind": task.kind, "text": task.text, "probability": o.probability,
                    "best_score": main[2] if main else 0.0, "best_clause": main[1] if main else None,
                    "nearest": [{"ref": r, "clause_id": c, "score": s} for r, c, s in o.nearest],
                    "lead": task.fields.get(LEAD, ""), "deadline": task.fields.get(DEADLINE, ""),
                    **reason_fields(o.reason), "reviewed": o.reviewed})
    return out


def item_rollup(clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per item (III.1 ... III.7, II.1, ...): clauses by state, share of the applicable ones covered, status."""
    items: dict[str, dict[str, Any]] = {}
    for c in clauses:
        item = items.setdefault(c["item"], {"item": c["item"], "heading": c["heading"], "clauses": 0,
                                            **{s: 0 for s in STATUSES}})
        item["clauses"] += 1
        item[c["status"]] += 1
    for item in items.values():
        applicable = item["clauses"] - item[NOT_APPLICABLE]
        done = item[COVERED] + item[WEAK]
        item["applicable"] = applicable
        item["share"] = round(done / applicable, 4) if applicable else None
        item["status"] = (NOT_APPLICABLE if not applicable else COVERED if item[COVERED] == applicable else
                          GAP if done == 0 else "partial")
    return list(items.values())


CLAUSE_COLUMNS = ("clause_id", "status", "support", "peer_coverage", "gap_rank", "tasks", "reason", "text")
ITEM_COLUMNS = ("item", "clauses", "covered", "weak", "gap", "not_applicable", "share", "status", "heading")
ORPHAN_COLUMNS = ("id", "kind", "probability", "best_clause", "reason", "text")
TASKS_SHOWN = 3


def clause_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per clause for tables and CSV: the tasks behind it as 'id (score)'."""
    rows = []
    for c in report["clauses"]:
        tasks = [f"{e['task_id']} ({e['score']:.2f})" for e in c["evidence"][:TASKS_SHOWN]] if c["covered"] else []
        rows.append({**c, "tasks": tasks, "status": c["status"].replace("_", " ")})
    return rows
