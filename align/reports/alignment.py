"""The alignment report: the stable JSON contract and its flat views.

JSON contract (other tools read it; keep it stable):
{"plan": {"id", "title", "path"}, "model": str, "method": str,
 "tasks": [{"id", "kind", "text", "heading_path": [...], "fields": {...},
            "matches": [{"doc", "clause_id", "heading", "text", "score", "terms": [...]}]}]}
Matches are grouped by reference document in the order requested, best first.
`PlanAlign.align` adds "suggestions": [...], the clauses reviewers chose for near-repeats of the tasks in
other plans (align/decide/suggest.py, `suggestion_json`), [] when there are none.
"""
from __future__ import annotations

from typing import Any

from align.types import Alignment, Clause

ROW_COLUMNS = ("task_id", "kind", "task", "doc", "rank", "clause_id", "score", "clause", "terms")


def plan_header(alignment_or_doc) -> dict[str, str]:
    doc = getattr(alignment_or_doc, "plan", alignment_or_doc)
    return {"id": doc.id, "title": doc.title, "path": doc.path}


def alignment_to_json(alignment: Alignment) -> dict[str, Any]:
    clauses = {(ref.id, c.id): c for ref in alignment.refs for c in ref.clauses}
    tasks = []
    for item in alignment.tasks:
        matches = []
        for doc_id in (ref.id for ref in alignment.refs):
            for m in item.matches.get(doc_id, ()):
                clause: Clause = clauses[(m.doc_id, m.clause_id)]
                matches.append({"doc": m.doc_id, "clause_id": m.clause_id, "heading": clause.heading,
                                "text": clause.text, "score": m.score, "terms": list(m.terms)})
        t = item.task
        tasks.append({"id": t.id, "kind": t.kind, "text": t.text, "heading_path": list(t.heading_path),
                      "fields": dict(t.fields), "matches": matches})
    return {"plan": plan_header(alignment), "model": alignment.model_id, "method": alignment.method,
            "tasks": tasks}


def alignment_rows(alignment: Alignment) -> list[dict[str, Any]]:
    """One row per (task, match), for CSV, Markdown and terminal tables."""
    data = alignment_to_json(alignment)
    rows = []
    for task in data["tasks"]:
        ranks: dict[str, int] = {}
        for m in task["matches"]:
            ranks[m["doc"]] = ranks.get(m["doc"], 0) + 1
            rows.append({"task_id": task["id"], "kind": task["kind"], "task": task["text"], "doc": m["doc"],
                         "rank": ranks[m["doc"]], "clause_id": m["clause_id"], "score": m["score"],
                         "heading": m["heading"], "clause": m["text"], "terms": m["terms"]})
    return rows
