"""Ruled tables on a page image: the grid its lines draw, as align.ingest.layout reads it.

Tesseract gives words and their boxes, not the table they sit in. A plan's appendix
tables are ruled, so the grid is read from the image itself: long horizontal and
vertical runs of dark pixels are the rules; pdfplumber's own table finder (the same
one that reads a text PDF's vector lines) joins them into cells and tables. The rules
are then painted white, so Tesseract does not read them as "|" or "—".
"""
from __future__ import annotations

from typing import Any

from align.ingest.layout import Table

DARK = 160                   # grey level below which a pixel is ink
_MIN_H_INCH = 0.25           # shortest horizontal rule: narrower cells are not expected
_MIN_V_INCH = 0.15           # shortest vertical rule: taller than any letter's stroke
_TOLERANCE_PT = 3.0          # pdfplumber's default snap/join/intersection tolerance


def find_tables(pixels: Any, dpi: float) -> tuple[list[Table], Any]:
    """Tables ruled on a grey image (numpy uint8, H x W) and the image with its rules erased."""
    dark = pixels < DARK
    h_runs = _runs(dark, int(_MIN_H_INCH * dpi))
    v_runs = _runs(dark.T, int(_MIN_V_INCH * dpi))
    tables = _tables(h_runs, v_runs, _TOLERANCE_PT * dpi / 72)
    cleaned = pixels.copy()
    halo = max(1, round(dpi / 150))         # the grey edge a resampled rule keeps
    for y, x0, x1 in h_runs:
        cleaned[max(0, y - halo):y + halo + 1, x0:x1] = 255
    for x, y0, y1 in v_runs:
        cleaned[y0:y1, max(0, x - halo):x + halo + 1] = 255
    return tables, cleaned


def _runs(dark: Any, min_length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of ink at least min_length long, row by row."""
    import numpy as np

    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    change = np.diff(padded, axis=1)
    starts = np.argwhere(change == 1)
    ends = np.argwhere(change == -1)
    keep = (ends[:, 1] - starts[:, 1]) >= max(min_length, 2)
    return [(int(r), int(s), int(e)) for (r, s), (_, e) in zip(starts[keep], ends[keep])]


def _tables(h_runs: list[tuple[int, int, int]], v_runs: list[tuple[int, int, int]], tolerance: float) -> list[Table]:
    from pdfplumber.table import Table as Found
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    if not h_runs or not v_runs:
        return []
    edges = [{"x0": float(s), "x1": float(e), "top": float(y), "bottom": float(y), "width": float(e - s),
              "height": 0.0, "orientation": "h"} for y, s, e in h_runs]
    edges += [{"x0": float(x), "x1": float(x), "top": float(s), "bottom": float(e), "width": 0.0,
               "height": float(e - s), "orientation": "v"} for x, s, e in v_runs]
    edges = merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    cells = intersections_to_cells(edges_to_intersections(edges, tolerance, tolerance))
    tables = []
    for group in cells_to_tables(cells):
        rows = tuple(tuple(tuple(map(float, c)) if c else None for c in row.cells) for row in Found(None, group).rows)
        if len(rows) > 1 or any(sum(c is not None for c in row) > 1 for row in rows):
            tables.append(Table(rows))
    return tables
