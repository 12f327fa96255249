"""The review report as one self-contained HTML file: inline CSS and JS, no network assets.

Every piece of text from documents goes through `html.escape`. Tables with the class
`sortable` sort on a header click (numbers numerically, text with Vietnamese collation).
The heatmap shows the reference items (columns) for every plan of the corpus (rows),
with the reviewed plan highlighted.
"""
from __future__ import annotations

from html import escape
from typing import Any, Mapping, Sequence

from align import i18n
from align.reports.colours import heat_css
from align.reports.tabular import cell

LONG_TEXT = 220
HTML_ORDER = ("matrix", "items", "gaps", "clauses", "tasks", "suggestions", "orphans", "duplicates")

CSS = """
:root { --ink:#1d2733; --muted:#5b6875; --line:#d9dee4; --accent:#0b5cad; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       margin: 0; padding: 24px 32px; background: #fff; line-height: 1.45; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid var(--line);
       padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; background: var(--bg); }
.card b { display: block; font-size: 22px; } .card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--bg); position: sticky; top: 0; white-space: nowrap; }
table.summary { width: auto; min-width: 480px; } table.summary td.num { text-align: left; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th:after { content: " \\2195"; color: #9aa5b1; font-size: 11px; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.id { white-space: nowrap; }
.heatmap td.cell { text-align: center; min-width: 52px; font-variant-numeric: tabular-nums; }
.heatmap tr.this-plan th, .heatmap tr.this-plan td { border-top: 3px solid var(--accent);
       border-bottom: 3px solid var(--accent); font-weight: bold; }
.heatmap th.plan { white-space: nowrap; font-weight: normal; }
.legend { color: var(--muted); font-size: 12px; }
.tag { display: inline-block; border-radius: 3px; padding: 0 5px; font-size: 12px; background: #e8edf2; }
.tag.gap { background: #f8d7da; } .tag.partial, .tag.weak { background: #fff3cd; }
.tag.covered { background: #d4edda; } .tag.national, .tag.not_applicable { background: #e2e3f3; }
.heatmap td.cell.has-weak { outline: 2px dashed #b8860b; outline-offset: -3px; }
details summary { cursor: pointer; }
@media print { th { position: static; } }
"""

JS = """
(function () {
  var collator = new Intl.Collator('vi', {numeric: true, sensitivity: 'base'});
  function key(cell) { return cell.getAttribute('data-sort') !== null ? cell.getAttribute('data-sort') : cell.textContent.trim(); }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, col) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute('data-dir') !== 'asc';
        table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('data-dir'); });
        th.setAttribute('data-dir', asc ? 'asc' : 'desc');
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          var nx = parseFloat(x), ny = parseFloat(y), r;
          r = (!isNaN(nx) && !isNaN(ny) && String(nx) === x && String(ny) === y) ? nx - ny : collator.compare(x, y);
          return asc ? r : -r;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""

NUMERIC = {"score", "best_score", "share", "peer_coverage", "rank", "clauses", "covered", "similarity", "value",
           "support", "probability", "weak", "gap", "not_applicable"}


def _cell(column: str, value: Any, lang: str = i18n.DEFAULT) -> str:
    if (column in NUMERIC or column.endswith("_score")) and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = i18n.number(value, lang) if isinstance(value, float) else str(value)
        return f'<td class="num" data-sort="{value}">{shown}</td>'
    if column in {"status", "level"} and value:
        css = escape(str(value).replace(" ", "_"))
        return f'<td><span class="tag {css}">{escape(str(i18n.value(column, value, lang)))}</span></td>'
    raw = cell(i18n.value(column, value, lang))
    text = escape(raw)
    if len(raw) > LONG_TEXT:
        return f"<td><details><summary>{escape(raw[:LONG_TEXT])}…</summary>{text}</details></td>"
    return f'<td class="id">{text}</td>' if column in {"id", "clause_id", "a_id", "b_id", "item"} else f"<td>{text}</td>"


def table(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], css: str = "sortable",
          lang: str = i18n.DEFAULT) -> str:
    if not rows:
        return f'<p class="legend">{escape(i18n.t("none", lang))}</p>'
    head = "".join(f"<th>{escape(i18n.column(c, lang))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(c, r.get(c), lang) for c in columns) + "</tr>" for r in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def heatmap(matrix: Mapping[str, Any], lang: str = i18n.DEFAULT) -> str:
    """Red (nothing covered) through amber to green (all covered); grey for an item no commune acts on."""
    items = matrix["items"]
    head = "".join(f'<th title="{escape(i["heading"])}">{escape(i["item"])}</th>' for i in items)
    rows = []
    for plan in matrix["plans"]:
        cells = []
        for item in items:
            key = item["item"]
            share, covered, weak = plan["items"][key], plan["covered_items"][key], plan["weak_items"][key]
            css = "cell has-weak" if weak else "cell"
            note = i18n.t("heatmap.cell_weak", lang, weak=weak) if weak else ""
            shown = f'{covered}/{item["applicable"]}' if item["applicable"] else "–"
            cells.append(f'<td class="{css}" data-sort="{share if share is not None else -1}" '
                         f'style="background:{heat_css(share)}" title="'
                         f'{escape(i18n.t("heatmap.cell", lang, item=key, covered=covered, applicable=item["applicable"]))}'
                         f'{escape(note)}">{shown}</td>')
        css = ' class="this-plan"' if plan["highlight"] else ""
        marker = f' ◀ {i18n.t("heatmap.this_plan", lang)}' if plan["highlight"] else ""
        marker += f' · {i18n.t("reviewed", lang)}' if plan.get("reviewed") else ""
        rows.append(f'<tr{css}><th class="plan" data-sort="{escape(plan["commune"])}">'
                    f'{escape(plan["commune"])} <span class="legend">({escape(plan["plan"])}){marker}</span></th>'
                    + "".join(cells) + f'<td class="num" data-sort="{plan["share"]}">{plan["covered"]}/'
                    f'{plan["clauses"]}</td></tr>')
    return (f'<table id="heatmap" class="heatmap sortable"><thead><tr><th>{escape(i18n.t("heatmap.plan", lang))}'
            f'</th>{head}<th>{escape(i18n.t("heatmap.all", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<p class="legend">{escape(i18n.t("heatmap.legend", lang))}</p>')


CARDS = ("tasks", "targets", "covered", "weak", "gaps", "orphans", "duplicates")


def _cards(review: Mapping[str, Any], lang: str) -> str:
    s = review["summary"]
    labels = ((k, i18n.t(f"card.{k}", lang, applicable=s["applicable"])) for k in CARDS)
    return '<div class="cards">' + "".join(f'<div class="card"><b>{s[k]}</b><span>{escape(label)}</span></div>'
                                           for k, label in labels) + "</div>"


def review_html(review: Mapping[str, Any], tables: Sequence[tuple[str, str, Sequence[str], list]],
                lang: str = i18n.DEFAULT) -> str:
    """The page of `review`; `tables` are its (key, title, columns, rows), as review.review_tables gives them."""
    plan = review["plan"]
    tables = {t[0]: t for t in tables}
    sections = []
    for key in (k for k in HTML_ORDER if k in tables):
        _, title, columns, rows = tables[key]
        body = heatmap(review["matrix"], lang) if key == "matrix" else table(columns, rows, lang=lang)
        sections.append(f'<section id="{key}"><h2>{escape(title)}</h2>{body}</section>')
    summary = tables["summary"]
    title = escape(plan["title"] or plan["id"])
    meta = " · ".join(escape(str(part)) for part in (
        plan["id"], plan.get("commune", ""), i18n.t("report.reference", lang, ref=review["ref"]),
        f"{review['model']}, {review['method']}", i18n.t("report.gap_below", lang, weak=f"{review['cuts']['weak']:.3f}"),
        i18n.date(review["generated"])))
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(i18n.t('report.title', lang))}: {title}</title><style>{CSS}</style></head><body>"
            f"<h1>{title}</h1><p class=\"meta\">{meta}</p>"
            f"<header>{_cards(review, lang)}{table(summary[2], summary[3], css='summary', lang=lang)}</header>"
            + "".join(sections) + f"<script>{JS}</script></body></html>\n")
