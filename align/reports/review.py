"""The review report: the document a reviewer sends back to a commune.

`build_review` gathers everything (coverage of NQ 57 with peer coverage and orphans,
the best 03/NQ-CP clause of each task, duplicates inside the plan, the corpus
coverage matrix) into one JSON-ready dict; `write_review` renders it as HTML (one
self-contained file), Markdown, JSON or a multi-sheet xlsx, atomically.
"""
from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from align.errors import PlanAlignError
from align.reports import tabular
from align.reports.duplicates import DuplicatePair, pair_rows, pair_to_json
from align.reports.gaps import PlanScores
from align.types import DEADLINE, LEAD

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".xlsx": "xlsx"}
PRIMARY_REF, SECONDARY_REF = "nq57", "nq03"


def _best(scores: PlanScores | None, row: int) -> dict[str, Any] | None:
    if scores is None or not scores.scores.shape[1]:
        return None
    values = scores.scores[row]
    j = int(values.argmax())
    clause = scores.ref.clauses[j]
    return {"clause_id": clause.id, "heading": clause.heading, "text": clause.text, "score": round(float(values[j]), 4)}


def assemble_review(gaps: Mapping[str, Any], primary: PlanScores, secondary: PlanScores | None,
                    duplicates: Sequence[DuplicatePair], matrix: Mapping[str, Any], model: str,
                    method: str) -> dict[str, Any]:
    """The review JSON from its parts (all computed elsewhere)."""
    orphan_ids = {o["id"] for o in gaps["orphans"]}
    tasks = []
    for i, task in enumerate(primary.plan.tasks):
        best = {primary.ref.id: _best(primary, i)}
        if secondary is not None:
            best[secondary.ref.id] = _best(secondary, i)
        tasks.append({"id": task.id, "kind": task.kind, "text": task.text, "section": task.section,
                      "heading_path": list(task.heading_path), "lead": task.fields.get(LEAD, ""),
                      "deadline": task.fields.get(DEADLINE, ""), "best": best, "orphan": task.id in orphan_ids})
    summary = dict(gaps["summary"], duplicates=len(duplicates),
                   items=[{k: i[k] for k in ("item", "covered", "clauses", "share", "status")} for i in gaps["items"]])
    return {"plan": gaps["plan"], "model": model, "method": method, "ref": gaps["ref"],
            "refs": [primary.ref.id] + ([secondary.ref.id] if secondary is not None else []),
            "threshold": gaps["threshold"], "threshold_source": gaps["threshold_source"],
            "generated": time.strftime("%Y-%m-%d %H:%M"), "summary": summary, "items": gaps["items"],
            "tasks": tasks, "gaps": gaps["gaps"], "clauses": gaps["clauses"], "orphans": gaps["orphans"],
            "duplicates": [pair_to_json(p) for p in duplicates], "duplicate_rows": pair_rows(duplicates),
            "matrix": matrix}


def build_review(session, plan: str, method: str | None = None, threshold: float | None = None,
                 ref: str | None = None, secondary: str | None = SECONDARY_REF) -> dict[str, Any]:
    """Score the plan (and, for peer coverage and the heatmap, the whole corpus) and assemble the review.

    `ref` defaults to NQ 57 when the corpus has it, else to its first reference document.
    """
    from align.reports.duplicates import plan_duplicates
    from align.reports.gaps import gap_report, prepare_coverage, score_plans
    from align.reports.matrix import coverage_matrix

    known_refs = [e.id for e in session.corpus.entries if e.kind == "reference"]
    if ref is None:
        ref = PRIMARY_REF if PRIMARY_REF in known_refs or not known_refs else known_refs[0]
    cov = prepare_coverage(session, plan, ref, method, threshold)
    document, method = cov.target.plan, cov.method
    gaps = gap_report(cov.target, cov.plans, cov.threshold, cov.communes)
    second = None
    if secondary and secondary in known_refs and secondary != ref:
        second_ref = session.corpus.references([secondary])[0]
        second = score_plans(session.aligner, [document], second_ref, method)[document.id]
    duplicates = plan_duplicates(session, document)
    matrix = coverage_matrix(cov.plans, cov.target.ref, cov.threshold.value, cov.communes, highlight=document.id)
    return assemble_review(gaps, cov.target, second, duplicates, matrix, session.embedder.model_id, method)


# -- flat views shared by Markdown, xlsx and HTML ---------------------------------------------
SUMMARY_KEYS = (("tasks", "Tasks"), ("targets", "Targets (chỉ tiêu)"), ("clauses", "Reference clauses"),
                ("covered", "Clauses covered"), ("applicable", "Clauses a commune can act on"),
                ("applicable_covered", "... of which covered"), ("gaps", "Gaps (commune level)"),
                ("gaps_not_applicable", "Uncovered, not commune level"), ("orphans", "Orphan tasks"),
                ("duplicates", "Duplicate pairs"), ("peer_plans", "Peer plans compared"))


def summary_rows(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    s = review["summary"]
    rows = [{"figure": label, "value": s[key]} for key, label in SUMMARY_KEYS if key in s]
    rows.append({"figure": "Coverage threshold", "value": f"{review['threshold']:.3f} ({review['threshold_source']})"})
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


GAP_COLUMNS = ("rank", "clause_id", "item", "level", "peer_coverage", "best_score", "text")
ITEM_COLUMNS = ("item", "clauses", "covered", "share", "status", "heading")
ORPHAN_COLUMNS = ("id", "kind", "best_score", "best_clause", "lead", "text")
DUPLICATE_COLUMNS = ("kind", "score", "similarity", "a_id", "a", "b_id", "b")


def review_tables(review: Mapping[str, Any]) -> list[tuple[str, str, Sequence[str], list[dict[str, Any]]]]:
    """(key, title, columns, rows) of every table of the report, in reading order."""
    from align.reports.matrix import matrix_columns, matrix_rows

    ref = review["ref"].upper()
    return [("summary", "Summary", ("figure", "value"), summary_rows(review)),
            ("items", f"Coverage of {ref} by item", ITEM_COLUMNS, list(review["items"])),
            ("tasks", "Tasks and their best clauses", task_columns(review), task_rows(review)),
            ("gaps", "Gaps, most peer-covered first", GAP_COLUMNS, list(review["gaps"])),
            ("orphans", f"Orphan tasks (no {ref} clause above the threshold)", ORPHAN_COLUMNS,
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

        return review_html(review)
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
