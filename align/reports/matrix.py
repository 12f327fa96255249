"""The coverage matrix: every plan of the corpus against the items of one reference.

A cell counts the item's clauses a plan covers, clearly or weakly (weak is shown apart),
out of the clauses a commune can act on. It is the heatmap of the review report and the
quickest way to see which items no commune takes up.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from align.decide.coverage import CoverageModel
from align.decide.peers import states
from align.errors import PlanAlignError
from align.types import COVERED, NOT_APPLICABLE, WEAK, Applicability, Document, PlanCoverage


def reference_items(ref: Document, applicability: Sequence[Applicability] | None = None) -> list[dict[str, Any]]:
    """The items of the reference, in document order, with their heading, clause count and applicable count."""
    items: dict[str, dict[str, Any]] = {}
    for j, clause in enumerate(ref.clauses):
        entry = items.setdefault(clause.item, {"item": clause.item, "heading": clause.heading, "clauses": 0,
                                               "applicable": 0})
        entry["clauses"] += 1
        entry["applicable"] += applicability[j].commune if applicability else 1
    return list(items.values())


def _plan_row(plan_id: str, plan: PlanCoverage, found: list[str], ref: Document, items: list[dict],
              communes: Mapping[str, str], highlight: str | None) -> dict[str, Any]:
    counts = {i["item"]: {COVERED: 0, WEAK: 0} for i in items}
    for clause, state in zip(ref.clauses, found):
        if state in (COVERED, WEAK):
            counts[clause.item][state] += 1
    applicable = sum(s != NOT_APPLICABLE for s in found)
    done = sum(s in (COVERED, WEAK) for s in found)
    return {"plan": plan_id, "title": plan.title, "commune": communes.get(plan_id, plan_id),
            "highlight": plan_id == highlight, "tasks": plan.tasks, "covered": done,
            "weak": sum(s == WEAK for s in found), "clauses": applicable,
            "share": round(done / applicable, 4) if applicable else 0.0,
            "covered_items": {k: v[COVERED] + v[WEAK] for k, v in counts.items()},
            "weak_items": {k: v[WEAK] for k, v in counts.items()},
            "items": {i["item"]: round((counts[i["item"]][COVERED] + counts[i["item"]][WEAK]) / i["applicable"], 4)
                      if i["applicable"] else None for i in items}}


def coverage_matrix(plans: Mapping[str, PlanCoverage], ref: Document, model: CoverageModel,
                    applicability: Sequence[Applicability], communes: Mapping[str, str],
                    highlight: str | None = None, reviewed: Mapping[str, int] | None = None) -> dict[str, Any]:
    """JSON: {"ref", "cuts", "items": [...], "plans": [{"plan", "commune", "items": {item: share}, "reviewed",
    "reviewed_tasks", ...}]}; `reviewed`: plan -> tasks whose reviewers' decisions made its coverage."""
    if not plans:
        raise PlanAlignError("no plans to put in the coverage matrix")
    items = reference_items(ref, applicability)
    reviewed = reviewed or {}
    rows = [{**_plan_row(pid, plan, states(plan, model, list(applicability)), ref, items, communes, highlight),
             "reviewed": pid in reviewed, "reviewed_tasks": reviewed.get(pid, 0)} for pid, plan in plans.items()]
    return {"ref": ref.id, "cuts": {"weak": model.weak, "covered": model.covered}, "threshold": model.weak,
            "items": items, "plans": rows}


def matrix_columns(matrix: Mapping[str, Any]) -> tuple[str, ...]:
    reviewed = ("reviewed",) if any(p.get("reviewed") for p in matrix["plans"]) else ()
    return ("plan", "commune", *[i["item"] for i in matrix["items"] if i["applicable"]], "total", *reviewed)


def _cell(done: int, weak: int, applicable: int, lang: str) -> str:
    from align.i18n import t

    return f"{done}/{applicable}" + (f" ({t('matrix.weak', lang, weak=weak)})" if weak else "")


def matrix_rows(matrix: Mapping[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """One row per plan; each item cell reads 'covered/applicable', weak ones counted apart (in `lang`:
    English for the `matrix` command's machine-readable output, Vietnamese in the review report)."""
    rows = []
    for plan in matrix["plans"]:
        row: dict[str, Any] = {"plan": plan["plan"], "commune": plan["commune"],
                               "total": _cell(plan["covered"], plan["weak"], plan["clauses"], lang),
                               "reviewed": "yes" if plan.get("reviewed") else ""}
        for item in matrix["items"]:
            if item["applicable"]:
                key = item["item"]
                row[key] = _cell(plan["covered_items"][key], plan["weak_items"][key], item["applicable"], lang)
        rows.append(row)
    return rows
