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

from align import i18n
from align.errors import PlanAlignError
from align.reports import tabular
from align.decide.assess import Assessment
from align.decide.evidence import PlanEvidence
from align.reports.duplicates import pair_rows, pair_to_json
from align.types import DEADLINE, LEAD, DuplicatePair, Suggestion

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".xlsx": "xlsx", ".docx": "docx"}


def _best(scores: PlanEvidence | None, row: int) -> dict[str, Any] | None:
    if scores is None or not scores.scores.shape[1]:
        return None
    values = scores.scores[row]
    j = int(values.argmax())
    clause = scores.ref.clauses[j]
    return {"clause_id": clause.id, "heading": clause.heading, "text": clause.text, "score": round(float(values[j]), 4)}


def assemble_review(gaps: Mapping[str, Any], assessment: Assessment, duplicates: Sequence[DuplicatePair],
                    matrix: Mapping[str, Any], model: str, suggestions: Sequence[Suggestion] = ()) -> dict[str, Any]:
    """The review JSON from its parts (all computed elsewhere); `suggestions` are the reviewed clauses of
    near-repeats in other plans (align/decide/suggest.py)."""
    from align.decide.suggest import suggestion_json

    orphan_ids = {o["id"] for o in gaps["orphans"]}
    suggested = [suggestion_json(s) for s in suggestions]
    scope = [ev for ev in assessment.scope if ev.ref.id == assessment.ref.id] + \
        [ev for ev in assessment.scope if ev.ref.id != assessment.ref.id]
    tasks = []
    for i, task in enumerate(assessment.plan.tasks):
        tasks.append({"id": task.id, "kind": task.kind, "text": task.text, "section": task.section,
                      "heading_path": list(task.heading_path), "lead": task.fields.get(LEAD, ""),
                      "deadline": task.fields.get(DEADLINE, ""), "best": {ev.ref.id: _best(ev, i) for ev in scope},
                      "orphan": task.id in orphan_ids, "reviewed": task.id in assessment.reviewed,
                      "suggestions": [s for s in suggested if s["task_id"] == task.id]})
    summary = dict(gaps["summary"], duplicates=len(duplicates), suggestions=len({s["task_id"] for s in suggested}),
                   items=[{k: i[k] for k in ("item", "covered", "weak", "clauses", "share", "status")}
                          for i in gaps["items"]])
    return {"plan": gaps["plan"], "model": model, "method": assessment.method, "ref": gaps["ref"],
            "refs": [ev.ref.id for ev in scope], "cuts": gaps["cuts"],
            "threshold": gaps["threshold"], "threshold_source": gaps["threshold_source"],
            "generated": time.strftime("%Y-%m-%d %H:%M"), "summary": summary, "items": gaps["items"],
            "tasks": tasks, "gaps": gaps["gaps"], "clauses": gaps["clauses"], "orphans": gaps["orphans"],
            "duplicates": [pair_to_json(p) for p in duplicates], "duplicate_rows": pair_rows(duplicates),
            "suggestions": suggested, "matrix": matrix}


# -- flat views shared by Markdown, xlsx, Word and HTML (labels from align/i18n.py) ---------
SUMMARY_KEYS = ("tasks", "targets", "clauses", "applicable", "covered", "clear", "weak", "gaps", "not_applicable",
                "orphans", "duplicates", "peer_plans", "reviewed", "suggestions")


def summary_rows(review: Mapping[str, Any], lang: str = i18n.DEFAULT) -> list[dict[str, Any]]:
    s = review["summary"]
    rows = [{"figure": i18n.t(f"fig.{key}", lang), "value": s[key]} for key in SUMMARY_KEYS if key in s]
    cuts = review["cuts"]
    rows.append({"figure": i18n.t("fig.cuts", lang),
                 "value": i18n.t("fig.cuts_value", lang, weak=f"{cuts['weak']:.3f}", covered=f"{cuts['covered']:.3f}",
                                 source=cuts["source"])})
    return rows


def task_rows(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for t in review["tasks"]:
        row = {"id": t["id"], "kind": t["kind"], "task": t["text"], "lead": t["lead"], "deadline": t["deadline"],
               "orphan": t["orphan"], "reviewed": t.get("reviewed", False)}
        for ref in review["refs"]:
            best = t["best"].get(ref)
            row[f"{ref}_clause"] = best["clause_id"] if best else ""
            row[f"{ref}_score"] = best["score"] if best else None
        rows.append(row)
    return rows


def task_columns(review: Mapping[str, Any]) -> tuple[str, ...]:
    refs = [c for ref in review["refs"] for c in (f"{ref}_clause", f"{ref}_score")]
    reviewed = ("reviewed",) if any(t.get("reviewed") for t in review["tasks"]) else ()
    return ("id", "task", *refs, "lead", "deadline", "orphan", *reviewed)


GAP_COLUMNS = ("rank", "clause_id", "item", "peer_coverage", "support", "reason", "text")
CLAUSE_COLUMNS = ("clause_id", "status", "support", "evidence", "reason", "text")
ITEM_COLUMNS = ("item", "clauses", "covered", "weak", "gap", "not_applicable", "share", "status", "heading")
ORPHAN_COLUMNS = ("id", "kind", "probability", "reason", "lead", "text")
DUPLICATE_COLUMNS = ("kind", "probability", "score", "a_id", "a", "b_id", "b", "reason")
SUGGESTION_COLUMNS = ("id", "task", "ref", "clause_id", "origin", "probability", "reason")


def suggestion_table(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per suggestion: the task, the clause a reviewer chose for its near-repeat, and where."""
    texts = {t["id"]: t["text"] for t in review["tasks"]}
    return [{**s, "id": s["task_id"], "task": texts.get(s["task_id"], ""),
             "origin": f"{s['origin']['commune']} ({s['origin']['plan']} {s['origin']['task_id']})"}
            for s in review.get("suggestions", ())]


def clause_table(review: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Clause rows with their evidence as 'task id (score)'."""
    return [{**c, "evidence": ", ".join(f"{e['task_id']} ({e['score']:.2f})" for e in c["evidence"]) if c["covered"]
             else ""} for c in review["clauses"]]


TABLE_KEYS = ("summary", "items", "tasks", "gaps", "clauses", "orphans", "duplicates", "matrix")


def review_tables(review: Mapping[str, Any], lang: str = i18n.DEFAULT
                  ) -> list[tuple[str, str, Sequence[str], list[dict[str, Any]]]]:
    """(key, title, columns, rows) of every table of the report, in reading order; rows keep raw values
    (states as JSON keys): `i18n.rows` gives them as shown."""
    from align.reports.matrix import matrix_columns, matrix_rows

    ref = review["ref"].upper()
    said = lambda rows: [i18n.localise(r, lang) for r in rows]      # noqa: E731 (reasons in the report's language)
    found = {"summary": (("figure", "value"), summary_rows(review, lang)),
             "items": (ITEM_COLUMNS, list(review["items"])),
             "tasks": (task_columns(review), task_rows(review)),
             "gaps": (GAP_COLUMNS, said(review["gaps"])),
             "clauses": (CLAUSE_COLUMNS + (("reviewed",) if any(c.get("reviewed") for c in review["clauses"])
                                           else ()), said(clause_table(review))),
             "orphans": (ORPHAN_COLUMNS, said(review["orphans"])),
             "duplicates": (DUPLICATE_COLUMNS, said(review["duplicate_rows"])),
             "matrix": (matrix_columns(review["matrix"]), matrix_rows(review["matrix"], lang))}
    keys = list(TABLE_KEYS)
    if review.get("suggestions"):        # only when some other plan's review applies: most reports have none
        found["suggestions"] = (SUGGESTION_COLUMNS, said(suggestion_table(review)))
        keys.insert(keys.index("tasks") + 1, "suggestions")
    return [(key, i18n.t(f"title.{key}", lang, ref=ref), *found[key]) for key in keys]


def review_markdown(review: Mapping[str, Any], lang: str = i18n.DEFAULT) -> str:
    plan = review["plan"]
    parts = [f"# {i18n.t('report.heading', lang, plan=plan['id'], title=plan['title'])}", "",
             i18n.t("report.meta", lang, model=review["model"], method=review["method"],
                    date=i18n.date(review["generated"])), ""]
    for _, title, columns, rows in review_tables(review, lang):
        headers = [i18n.column(c, lang) for c in columns]
        shown = [{c: i18n.number(v, lang) if isinstance(v, float) else v for c, v in r.items()}
                 for r in i18n.rows(rows, columns, lang)]
        parts.append(tabular.to_markdown(shown, columns, title, headers) if rows else
                     f"## {title}\n\n{i18n.t('none', lang)}\n")
    return "\n".join(parts)


def review_xlsx(review: Mapping[str, Any], lang: str = i18n.DEFAULT) -> bytes:
    """One sheet per table; header row bold and frozen; long text columns wide and wrapped; states and the
    heatmap in the HTML report's colours (align/reports/colours.py)."""
    from align.reports.colours import paint_sheet

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for key, title, columns, rows in review_tables(review, lang):
        sheet = book.create_sheet(i18n.t(f"sheet.{key}", lang))
        sheet.append([i18n.column(c, lang) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in i18n.rows(rows, columns, lang):
            sheet.append([_xlsx_value(row.get(c)) for c in columns])
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            wide = column in {"task", "text", "a", "b", "heading", "value", "figure", "reason"}
            sheet.column_dimensions[letter].width = 60 if wide else 14
            if wide:
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        paint_sheet(sheet, key, columns, rows, review["matrix"])
        if key == "summary":  # the other formats open with the plan and the date; a workbook needs them too
            sheet.append([])
            sheet.append([i18n.t("report.plan", lang), review["plan"]["id"]])
            sheet.append([i18n.t("report.date", lang), i18n.date(review["generated"], with_time=False)])
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


def render_review(review: Mapping[str, Any], fmt: str, lang: str = i18n.DEFAULT) -> str | bytes:
    i18n.check_lang(lang)
    if fmt == "html":
        from align.reports.templates.html import review_html

        return review_html(review, review_tables(review, lang), lang)
    if fmt == "md":
        return review_markdown(review, lang)
    if fmt == "xlsx":
        return review_xlsx(review, lang)
    if fmt == "docx":
        from align.reports.word import review_docx

        return review_docx(review, summary_rows(review, lang), lang)
    data = {k: v for k, v in review.items() if k != "duplicate_rows"}
    return tabular.to_json(data)


def write_review(review: Mapping[str, Any], out: str | Path, lang: str = i18n.DEFAULT) -> Path:
    """Render by the file's suffix, labels in `lang` (JSON keys stay English), and write it atomically."""
    from align.output import write_atomic

    out = Path(out)
    return write_atomic(out, render_review(review, review_format(out), lang))
