"""The coverage matrix: every plan of the corpus against the items of one reference.

A cell is the share of an item's clauses the plan covers (some task scores at least
the coverage threshold). It is the heatmap of the review report and the quickest way
to see which items no commune takes up.
"""
from __future__ import annotations

from typing import Any, Mapping

from align.errors import PlanAlignError
from align.reports.gaps import PlanCoverage
from align.types import Document


def reference_items(ref: Document) -> list[dict[str, Any]]:
    """The items of the reference, in document order, with their heading and clause count."""
    items: dict[str, dict[str, Any]] = {}
    for clause in ref.clauses:
        entry = items.setdefault(clause.item, {"item": clause.item, "heading": clause.heading, "clauses": 0})
        entry["clauses"] += 1
    return list(items.values())


def coverage_matrix(plans: Mapping[str, PlanCoverage], ref: Document, threshold: float, communes: Mapping[str, str],
                    highlight: str | None = None) -> dict[str, Any]:
    """JSON: {"ref", "threshold", "items": [...], "plans": [{"plan", "commune", "items": {item: share}, ...}]}."""
    if not plans:
        raise PlanAlignError("no plans to put in the coverage matrix")
    items = reference_items(ref)
    item_of = [c.item for c in ref.clauses]
    rows = []
    for plan_id, plan in plans.items():
        covered = plan.covered(threshold)
        counts = {i["item"]: 0 for i in items}
        for j, item in enumerate(item_of):
            counts[item] += bool(covered[j])
        rows.append({"plan": plan_id, "title": plan.title, "commune": communes.get(plan_id, plan_id),
                     "highlight": plan_id == highlight, "tasks": plan.tasks, "covered": int(covered.sum()),
                     "clauses": len(item_of), "share": round(float(covered.mean()), 4) if len(item_of) else 0.0,
                     "covered_items": counts,
                     "items": {i["item"]: round(counts[i["item"]] / i["clauses"], 4) for i in items}})
    return {"ref": ref.id, "threshold": threshold, "items": items, "plans": rows}


def matrix_columns(matrix: Mapping[str, Any]) -> tuple[str, ...]:
    return ("plan", "commune", *[i["item"] for i in matrix["items"]], "total")


def matrix_rows(matrix: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per plan; each item cell reads 'covered/clauses'."""
    rows = []
    for plan in matrix["plans"]:
        row: dict[str, Any] = {"plan": plan["plan"], "commune": plan["commune"],
                               "total": f"{plan['covered']}/{plan['clauses']}"}
        for item in matrix["items"]:
            row[item["item"]] = f"{plan['covered_items'][item['item']]}/{item['clauses']}"
        rows.append(row)
    return rows
