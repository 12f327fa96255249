"""The review report as a Word document laid out like a Vietnamese administrative document.

Offices forward and edit reports in Word, so the review is also a .docx: A4, Times New Roman
13 pt, margins as Nghị định 30/2020/NĐ-CP sets them (top and bottom 2 cm, left 3 cm, right
1.5 cm), every table with a header row Word repeats on each page. It reads the same review
dict as the other formats and takes every label from align/i18n.py.
"""
from __future__ import annotations

import io
from typing import Any, Mapping, Sequence

from align import i18n
from align.reports.colours import STATE_COLOURS

FONT, SIZE, SMALL = "Times New Roman", 13, 11
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEXT_WIDTH_CM = 21.0 - MARGINS_CM["left"] - MARGINS_CM["right"]
LONG = 400                      # characters of a clause or task text shown in a cell


def _number(value: Any, lang: str) -> str:
    """Numbers as a reader writes them: a decimal comma in Vietnamese."""
    if isinstance(value, float):
        return i18n.number(value, lang, ".2f")
    return "" if value is None else str(value)


def _setup(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
        section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)           # a theme font would win over Times New Roman
        for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(script), FONT)
        style.font.size = Pt(SIZE if name == "Normal" else 14)
        if name != "Normal":
            style.font.bold = True
            style.font.color.rgb = None


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def _write(cell, text: str, bold: bool = False) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text if len(text) <= LONG else text[:LONG - 1] + "…")
    run.bold = bold
    run.font.size = Pt(SMALL)


def add_table(document, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              colours: Sequence[str | None] = ()) -> None:
    """A grid table, header row bold, shaded and repeated on every page; `widths` are shares of the
    text width; `colours` (one per row, or none) shade each row's first cell by its state."""
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    sizes = [Cm(TEXT_WIDTH_CM * w / sum(widths)) for w in widths]
    for column, size in zip(table.columns, sizes):
        column.width = size                             # the grid LibreOffice reads; cells' widths for Word
    header = table.rows[0]
    _repeat_header(header)
    for cell, text, size in zip(header.cells, headers, sizes):
        cell.width = size
        _write(cell, text, bold=True)
        _shade(cell, "e8edf2")
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, text, size in zip(cells, values, sizes):
            cell.width = size
            _write(cell, text)
        colour = colours[index] if index < len(colours) else None
        if colour:
            _shade(cells[0], colour)
    document.add_paragraph()


def _best(task: Mapping[str, Any], refs: Sequence[str], lang: str) -> list[str]:
    out = []
    for ref in refs:
        best = task["best"].get(ref)
        out.append(f"{best['clause_id']} ({_number(best['score'], lang)})" if best else "")
    return out


def _sections(review: Mapping[str, Any], summary_rows: Sequence[Mapping[str, Any]], lang: str):
    """(title key, headers, rows, widths, colours) of each table, in reading order."""
    ref, col = review["ref"].upper(), (lambda name: i18n.column(name, lang))
    state = lambda s: i18n.value("status", s, lang)          # noqa: E731
    summary = [[r["figure"], _number(r["value"], lang)] for r in summary_rows]
    items = [[i["item"], state(i["status"]), f"{i['covered'] + i['weak']}/{i['applicable']}", i["heading"]]
             for i in review["items"]]
    said = lambda row: i18n.localise(row, lang)["reason"]      # noqa: E731
    gaps = [[str(g["rank"]), g["clause_id"], str(g["peer_coverage"]), _number(g["support"], lang), said(g),
             g["text"]] for g in review["gaps"]]
    orphans = [[o["id"], _number(o["probability"], lang), said(o), o["text"]] for o in review["orphans"]]
    duplicates = [[i18n.value("kind", d["kind"], lang), _number(d["probability"], lang), f"{d['a_id']}: {d['a']}",
                   f"{d['b_id']}: {d['b']}"] for d in review["duplicate_rows"]]
    suggestions = [[s["task_id"], f"{s['ref'].upper()} {s['clause_id']}", _number(s["probability"], lang), said(s)]
                   for s in review.get("suggestions", ())]
    refs = review["refs"]
    tasks = [[t["id"], t["text"], *_best(t, refs, lang), t["lead"],
              " ".join(x for x in (i18n.value("orphan", t["orphan"], lang) and col("orphan"),
                                   i18n.value("reviewed", t.get("reviewed"), lang) and col("reviewed")) if x)]
             for t in review["tasks"]]
    return [
        ("summary", [col("figure"), col("value")], summary, (3, 2), ()),
        ("items", [col("item"), col("status"), col("covered"), col("heading")], items, (1.2, 1.6, 1.2, 5),
         [STATE_COLOURS.get(i["status"]) for i in review["items"]]),
        ("gaps", [col("rank"), col("clause_id"), col("peer_coverage"), col("support"), col("reason"), col("text")],
         gaps, (0.8, 1.2, 1.2, 1.1, 3, 4), [STATE_COLOURS["gap"]] * len(gaps)),
        ("orphans", [col("id"), col("probability"), col("reason"), col("task")], orphans, (1, 1.1, 3, 5), ()),
        ("duplicates", [col("kind"), col("probability"), col("a"), col("b")], duplicates, (1.3, 1.1, 4, 4), ()),
        *([("suggestions", [col("id"), col("suggestion"), col("probability"), col("reason")], suggestions,
            (1, 1.6, 1.1, 5), ())] if suggestions else []),
        ("tasks", [col("id"), col("task"), *[col(f"{r}_clause") for r in refs], col("lead"), col("note")], tasks,
         (1, 5, *([1.6] * len(refs)), 1.6, 1.4), ()),
    ], ref


def review_docx(review: Mapping[str, Any], summary_rows: Sequence[Mapping[str, Any]],
                lang: str = i18n.DEFAULT) -> bytes:
    """The review as .docx bytes: title and plan, summary figures (`summary_rows`, as review.summary_rows
    gives them), gaps with their reasons, orphans, duplicates, every task with its best clause per reference."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    _setup(document)
    plan = review["plan"]
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(i18n.t("report.title", lang).upper())
    run.bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(plan["title"] or plan["id"]).bold = True
    facts = (("report.plan", plan["id"]), ("report.commune", plan.get("commune", "")),
             ("report.date", i18n.date(review["generated"], with_time=False)))
    for key, text in facts:
        line = document.add_paragraph()
        line.add_run(f"{i18n.t(key, lang)}: ").bold = True
        line.add_run(str(text))
    document.add_paragraph(i18n.t("report.meta", lang, model=review["model"], method=review["method"],
                                  date=i18n.date(review["generated"])))
    sections, ref = _sections(review, summary_rows, lang)
    for number, (key, headers, rows, widths, colours) in enumerate(sections, start=1):
        document.add_heading(f"{number}. {i18n.t(f'title.{key}', lang, ref=ref)}", level=2)
        if rows:
            add_table(document, headers, rows, widths, colours)
        else:
            document.add_paragraph(i18n.t("none", lang))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
