"""The review report: the document a reviewer sends back to a commune.

`assemble_review` puts the parts `align.PlanAlign.review` computed (coverage of NQ 57 with
peer coverage and orphans, the best 03/NQ-CP clause of each task, duplicates inside the
plan, the corpus coverage matrix) into one JSON-ready dict; `write_review` renders it as
HTML (one self-contained file), Markdown, JSON or a multi-sheet xlsx, atomically.
"""
from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from align.errors import PlanAlignError
from align.reports import tabular
from align.decide.assess import Assessment
from align.decide.evidence import PlanEvidence
from align.reports.duplicates import pair_rows, pair_to_json
from align.types import DEADLINE, LEAD, DuplicatePair

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".xlsx": "xlsx"}


def _best(scores: PlanEvidence | None, row: int) -> dict[str, Any] | None:
    if scores is None or not scores.scores.shape[1]:
        return None
    values = scores.scores[row]
    j = int(values.argmax())
    clause = scores.ref.clauses[j]
    return {"clause_id": clause.id, "heading": clause.heading, "text": clause.text, "score": round(float(values[j]), 4)}


def assemble_review(gaps: Mapping[str, Any], assessment: Assessment, duplicates: Sequence[DuplicatePair],
                    matrix: Mapping[str, Any], model: str) -> dict[str, Any]:
    """The review JSON from its parts (all computed elsewhere)."""
    orphan_ids = {o["id"] for o in gaps["orphans"]}
    scope = [ev for ev in assessment.scope if ev.ref.id == assessment.ref.id] + \
        [ev for ev in assessment.scope if ev.ref.id != assessment.ref.id]
    tasks = []
    for i, task in enumerate(assessment.plan.tasks):
        tasks.append({"id": task.id, "kind": task.kind, "text": task.text, "section": task.section,
                      "heading_path": list(task.heading_path), "lead": task.fields.get(LEAD, ""),
                      "deadline": task.fields.get(DEADLINE, ""), "best": {ev.ref.id: _best(ev, i) for ev in scope},
                      "orphan": task.id in orphan_ids})
    summary = dict(gaps["summary"], duplicates=len(duplicates),
                   items=[{k: i[k] for k in ("item", "covered", "weak", "clauses", "share", "status")}
                          for i in gaps["items"]])
    return {"plan": gaps["plan"], "model": model, "method": assessment.method, "ref": gaps["ref"],
            "refs": [ev.ref.id for ev in scope], "cuts": gaps["cuts"],
            "threshold": gaps["threshold"], "threshold_source": gaps["threshold_source"],
            "generated": time.strftime("%Y-%m-%d %H:%M"), "summary": summary, "items": gaps["items"],
            "tasks": tasks, "gaps": gaps["gaps"], "clauses": gaps["clauses"], "orphans": gaps["orphans"],
            "duplicates": [pair_to_json(p) for p in duplicates], "duplicate_rows": pair_rows(duplicates),
            "matrix": matrix}


# -- flat views shared by Markdown, xlsx and HTML ---------------------------------------------
SUMMARY_KEYS = (("tasks", "Tasks"), ("targets", "Targets (chỉ tiêu)"), ("clauses", "Reference clauses"),
                ("applicable", "Clauses a commune can act on"), ("covered", "Clauses covered (clear or weak)"),
                ("clear", "... clearly covered"), ("weak", "... weak evidence: to check"),
                ("gaps", "Gaps (commune level)"), ("not_applicable", "Not for a commune (central bodies)"),
                ("orphans", "Orphan tasks"),
                ("duplicates", "Duplicate pairs"), ("peer_plans", "Peer plans compared"))


def summary_rows(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    s = review["summary"]
    rows = [{"figure": label, "value": s[key]} for key, label in SUMMARY_KEYS if key in s]
    cuts = review["cuts"]
    rows.append({"figure": "Decision cuts (support)",
                 "value": f"gap below {cuts['weak']:.3f}, covered from {cuts['covered']:.3f} ({cuts['source']})"})
    return rows


def task_rows(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for t in review["tasks"]:
        row = {"id": t["id"], "kind": t["kind"], "task": t["text"], "lead": t["lead"], "deadline": t["deadline"],
               "orphan": "yes" if t["orphan"] else ""}
        for ref in review["refs"]:
            best = t["best"].get(ref)
            row[f"{ref}_clause"] = best["clause_id"] if best else ""
            row[f"{ref}_score"] = best["score"] if best else None
        rows.append(row)
    return rows


def task_columns(review: Mapping[str, Any]) -> tuple[str, ...]:
    refs = [c for ref in review["refs"] for c in (f"{ref}_clause", f"{ref}_score")]
    return ("id", "task", *refs, "lead", "deadline", "orphan")


GAP_COLUMNS = ("rank", "clause_id", "item", "peer_coverage", "support", "reason", "text")
CLAUSE_COLUMNS = ("clause_id", "status", "support", "evidence", "reason", "text")
ITEM_COLUMNS = ("item", "clauses", "covered", "weak", "gap", "not_applicable", "share", "status", "heading")
ORPHAN_COLUMNS = ("id", "kind", "probability", "reason", "lead", "text")
DUPLICATE_COLUMNS = ("kind", "probability", "score", "a_id", "a", "b_id", "b", "reason")


def clause_table(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Clause rows with their evidence as 'task id (score)'."""
    return [{**c, "status": c["status"].replace("_", " "),
             "evidence": ", ".join(f"{e['task_id']} ({e['score']:.2f})" for e in c["evidence"]) if c["covered"] else ""}
            for c in review["clauses"]]


def review_tables(review: Mapping[str, Any]) -> list[tuple[str, str, Sequence[str], list[dict[str, Any]]]]:
    """(key, title, columns, rows) of every table of the report, in reading order."""
    from align.reports.matrix import matrix_columns, matrix_rows

    ref = review["ref"].upper()
    return [("summary", "Summary", ("figure", "value"), summary_rows(review)),
            ("items", f"Coverage of {ref} by item", ITEM_COLUMNS, list(review["items"])),
            ("tasks", "Tasks and their best clauses", task_columns(review), task_rows(review)),
            ("gaps", "Gaps, most peer-covered first", GAP_COLUMNS, list(review["gaps"])),
            ("clauses", f"Every {ref} clause: state and evidence", CLAUSE_COLUMNS, clause_table(review)),
            ("orphans", "Orphan tasks (serve no clause of any reference)", ORPHAN_COLUMNS,
             list(review["orphans"])),
            ("duplicates", "Duplicate tasks inside the plan", DUPLICATE_COLUMNS, list(review["duplicate_rows"])),
            ("matrix", f"Coverage matrix: corpus plans x {ref} items", matrix_columns(review["matrix"]),
             matrix_rows(review["matrix"]))]


def review_markdown(review: Mapping[str, Any]) -> str:
    plan = review["plan"]
    parts = [f"# Review of {plan['id']}: {plan['title']}", "",
             f"Model {review['model']}, method {review['method']}, generated {review['generated']}.", ""]
    for _, title, columns, rows in review_tables(review):
        parts.append(tabular.to_markdown(rows, columns, title) if rows else f"## {title}\n\nNone.\n")
    return "\n".join(parts)


def review_xlsx(review: Mapping[str, Any]) -> bytes:
    """One sheet per table; header row bold and frozen; long text columns wide and wrapped."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for key, title, columns, rows in review_tables(review):
        sheet = book.create_sheet(key.capitalize())
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(row.get(c)) for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            wide = column in {"task", "text", "a", "b", "heading", "value", "figure"}
            sheet.column_dimensions[letter].width = 60 if wide else 14
            if wide:
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return tabular.cell(value)


def review_format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise PlanAlignError(f"{out}: unknown report format (use {', '.join(sorted(FORMATS))})")
    return fmt


def render_review(review: Mapping[str, Any], fmt: str) -> str | bytes:
    if fmt == "html":
        from align.reports.templates.html import review_html

        return review_html(review, review_tables(review))
    if fmt == "md":
        return review_markdown(review)
    if fmt == "xlsx":
        return review_xlsx(review)
    data = {k: v for k, v in review.items() if k != "duplicate_rows"}
    return tabular.to_json(data)


def write_review(review: Mapping[str, Any], out: str | Path) -> Path:
    """Render by the file's suffix and write it atomically."""
    from align.output import write_atomic

    out = Path(out)
    return write_atomic(out, render_review(review, review_format(out)))
