"""The report's colours, one table for the HTML page and the xlsx/Word files.

A reviewer who has seen the HTML heatmap should find the same colours in the spreadsheet
the office forwards: states tagged alike (green covered, amber to check, red gap, lilac not
for a commune) and heatmap cells from red (nothing covered) through amber to green.
"""
from __future__ import annotations

import colorsys
from typing import Any, Mapping, Sequence

STATE_COLOURS = {"covered": "d4edda", "weak": "fff3cd", "partial": "fff3cd", "gap": "f8d7da",
                 "not_applicable": "e2e3f3", "national": "e2e3f3"}
NO_ITEM = "eceef1"          # an item no commune acts on


def heat_hsl(share: float | None) -> tuple[int, int, int] | None:
    """(hue, saturation %, lightness %) of a heatmap cell; None for an item no commune acts on."""
    if share is None:
        return None
    return round(120 * share), 62, 88 - round(18 * share)


def heat_css(share: float | None) -> str:
    hsl = heat_hsl(share)
    return f"#{NO_ITEM}" if hsl is None else f"hsl({hsl[0]}, {hsl[1]}%, {hsl[2]}%)"


def heat_hex(share: float | None) -> str:
    """The same colour as `heat_css`, as RRGGBB (openpyxl and Word take no hsl)."""
    hsl = heat_hsl(share)
    if hsl is None:
        return NO_ITEM
    r, g, b = colorsys.hls_to_rgb(hsl[0] / 360, hsl[2] / 100, hsl[1] / 100)
    return "".join(f"{round(c * 255):02x}" for c in (r, g, b))


def _fill(colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def paint_sheet(sheet, key: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]],
                matrix: Mapping[str, Any]) -> None:
    """Fill state cells (rows keep the raw state keys) and, on the matrix sheet, every item cell with its
    heatmap colour; the reviewed plan's row in bold."""
    from openpyxl.styles import Font

    for c, column in enumerate(columns, start=1):
        if column not in ("status", "level"):
            continue
        for r, row in enumerate(rows, start=2):
            colour = STATE_COLOURS.get(str(row.get(column)))
            if colour:
                sheet.cell(row=r, column=c).fill = _fill(colour)
    if key != "matrix":
        return
    for r, plan in enumerate(matrix["plans"], start=2):
        for c, column in enumerate(columns, start=1):
            if column in plan["items"]:
                sheet.cell(row=r, column=c).fill = _fill(heat_hex(plan["items"][column]))
            if plan["highlight"]:
                sheet.cell(row=r, column=c).font = Font(bold=True)
