"""The review report as one self-contained HTML file: inline CSS and JS, no network assets.

Every piece of text from documents goes through `html.escape`. Tables with the class
`sortable` sort on a header click (numbers numerically, text with Vietnamese collation).
The heatmap shows the reference items (columns) for every plan of the corpus (rows),
with the reviewed plan highlighted.
"""
from __future__ import annotations

from html import escape
from typing import Any, Mapping, Sequence

from align.reports.tabular import cell

LONG_TEXT = 220
HTML_ORDER = ("matrix", "items", "gaps", "clauses", "tasks", "orphans", "duplicates")

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


def _cell(column: str, value: Any) -> str:
    if (column in NUMERIC or column.endswith("_score")) and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        return f'<td class="num" data-sort="{value}">{shown}</td>'
    if column in {"status", "level"} and value:
        css = escape(str(value).replace(" ", "_"))
        return f'<td><span class="tag {css}">{escape(str(value))}</span></td>'
    raw = cell(value)
    text = escape(raw)
    if len(raw) > LONG_TEXT:
        return f"<td><details><summary>{escape(raw[:LONG_TEXT])}…</summary>{text}</details></td>"
    return f'<td class="id">{text}</td>' if column in {"id", "clause_id", "a_id", "b_id", "item"} else f"<td>{text}</td>"


def table(columns: Sequence[str], rows: Sequence[Mapping[str, Any]], css: str = "sortable") -> str:
    if not rows:
        return '<p class="legend">None.</p>'
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(_cell(c, r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _colour(share: float | None) -> str:
    """Red (nothing covered) through amber to green (all covered); grey for an item no commune acts on."""
    if share is None:
        return "#eceef1"
    return f"hsl({round(120 * share)}, 62%, {88 - round(18 * share)}%)"


def heatmap(matrix: Mapping[str, Any]) -> str:
    items = matrix["items"]
    head = "".join(f'<th title="{escape(i["heading"])}">{escape(i["item"])}</th>' for i in items)
    rows = []
    for plan in matrix["plans"]:
        cells = []
        for item in items:
            key = item["item"]
            share, covered, weak = plan["items"][key], plan["covered_items"][key], plan["weak_items"][key]
            css = "cell has-weak" if weak else "cell"
            note = f", {weak} of them weak" if weak else ""
            shown = f'{covered}/{item["applicable"]}' if item["applicable"] else "–"
            cells.append(f'<td class="{css}" data-sort="{share if share is not None else -1}" '
                         f'style="background:{_colour(share)}" title="{escape(key)}: {covered} of '
                         f'{item["applicable"]} applicable clauses covered{note}">{shown}</td>')
        css = ' class="this-plan"' if plan["highlight"] else ""
        marker = " ◀ this plan" if plan["highlight"] else ""
        rows.append(f'<tr{css}><th class="plan" data-sort="{escape(plan["commune"])}">'
                    f'{escape(plan["commune"])} <span class="legend">({escape(plan["plan"])}){marker}</span></th>'
                    + "".join(cells) + f'<td class="num" data-sort="{plan["share"]}">{plan["covered"]}/'
                    f'{plan["clauses"]}</td></tr>')
    return (f'<table id="heatmap" class="heatmap sortable"><thead><tr><th>Plan</th>{head}<th>All</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<p class="legend">Cells: clauses of the item the plan covers, out of those a commune can act on; '
            'a dashed border marks cells where some coverage is weak (to check). Hover an item for its heading.</p>')


def _cards(review: Mapping[str, Any]) -> str:
    s = review["summary"]
    figures = (("tasks", "tasks"), ("targets", "targets"), ("covered", f"of {s['applicable']} applicable clauses covered"),
               ("weak", "weak (to check)"),
               ("gaps", "gaps (commune level)"), ("orphans", "orphan tasks"), ("duplicates", "duplicate pairs"))
    return '<div class="cards">' + "".join(f'<div class="card"><b>{s[k]}</b><span>{escape(label)}</span></div>'
                                           for k, label in figures) + "</div>"


def review_html(review: Mapping[str, Any], tables: Sequence[tuple[str, str, Sequence[str], list]]) -> str:
    """The page of `review`; `tables` are its (key, title, columns, rows), as review.review_tables gives them."""
    plan = review["plan"]
    tables = {t[0]: t for t in tables}
    sections = []
    for key in HTML_ORDER:
        _, title, columns, rows = tables[key]
        body = heatmap(review["matrix"]) if key == "matrix" else table(columns, rows)
        sections.append(f'<section id="{key}"><h2>{escape(title)}</h2>{body}</section>')
    summary = tables["summary"]
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Review: {escape(plan['title'] or plan['id'])}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(plan['title'] or plan['id'])}</h1>"
            f"<p class=\"meta\">{escape(plan['id'])} · {escape(str(plan.get('commune', '')))} · reference "
            f"{escape(review['ref'])} · model {escape(review['model'])}, method {escape(review['method'])} · "
            f"gap below support {review['cuts']['weak']:.3f} · {escape(review['generated'])}</p>"
            f"<header>{_cards(review)}{table(summary[2], summary[3], css='summary')}</header>"
            + "".join(sections) + f"<script>{JS}</script></body></html>\n")
