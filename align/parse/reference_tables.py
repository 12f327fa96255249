"""Tables of reference documents (pipe or tab rows) -> one clause per numbered row.

Appendix tables of Government programmes group their rows under roman group rows
(`**I.** | title`), repeat their header after a page break, and spill a row over the
page: the next row has an empty number cell and carries on the cells above, sometimes
repeating the tail of a cell already printed, even in another column. Cells and headers
are read with align.parse.tables; the rows are rebuilt here because its `parse_table`
reads commune appendices, where an unnumbered row can be a sub-task of its own, while in
a reference appendix every unnumbered row is the spill of the numbered row above.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from align.parse.reference_scan import (
    APPENDIX, TABLE, Segment, clean_unit, fold, is_separator_row, plain_key,
)
from align.parse.structure import roman_value
from align.parse.tables import TEXT_COL, header_columns, split_cells
from align.text.normalize import strip_emphasis
from align.types import GROUP, NUMBER, TARGET, TASK, UNIT, VALUE, Clause

log = logging.getLogger(__name__)

GROUP_TITLE = "group_title"
PARENT = "parent"

_ROMAN_CELL = re.compile(r"^[IVX]{1,6}$")
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
_REPEAT_MIN = 20      # shorter fragments are only dropped as repeats of their own column


@dataclass
class _Row:
    number: str
    cells: list[str]
    first: int
    last: int
    group: str
    group_title: str


@dataclass(frozen=True)
class _Layout:
    roles: tuple[str, ...]
    targets: bool

    @property
    def text_column(self) -> int:
        return self.roles.index(TEXT_COL) if TEXT_COL in self.roles else 1


def _layout(rows: list[list[str]]) -> _Layout:
    """Column roles from the header row (align.parse.tables); else number + text."""
    first = [clean_unit(c) for c in rows[0]] if rows else []
    roles = header_columns(first) if first else None
    if roles is not None:
        targets = UNIT in roles or VALUE in roles or any("chỉ tiêu" in fold(c) for c in first)
        return _Layout(roles, targets)
    width = max((len(r) for r in rows), default=2)
    return _Layout((NUMBER, TEXT_COL) + tuple(f"col{i + 1}" for i in range(2, width)), False)


def table_roles(block: Segment) -> tuple[str, ...]:
    """The column roles of a table block (used to recognise task appendices)."""
    rows = [split_cells(raw) for _, raw in block.rows]
    return _layout([r for r in rows if not is_separator_row(r)]).roles


def _repeats(piece: str, cells: list[str], column: int) -> bool:
    """Whether a spilled fragment only repeats text the row already has."""
    key = plain_key(piece)
    if not key:
        return True
    if f" {key} " in f" {plain_key(cells[column])} ":
        return True
    return len(key) >= _REPEAT_MIN and any(key in plain_key(cell) for cell in cells)


def _merge(row: _Row, cells: list[str], skip: set[int], line: int) -> bool:
    """Join a spilled row's cells into the row above; False when it only repeated it."""
    merged = False
    for column, piece in enumerate(cells[: len(row.cells)]):
        if column in skip or not piece:
            continue
        if _repeats(piece, row.cells, column):
            log.debug("line %d: dropped repeated fragment %.30r", line, piece)
            continue
        row.cells[column] = f"{row.cells[column]} {piece}".strip()
        merged = True
    return merged


def _rows(block: Segment) -> tuple[_Layout, list[_Row]]:
    raw = [(n, split_cells(r)) for n, r in block.rows]
    raw = [(n, cells) for n, cells in raw if not is_separator_row(cells)]
    layout = _layout([cells for _, cells in raw])
    width, text_col = len(layout.roles), layout.text_column
    rows: list[_Row] = []
    group = group_title = ""
    for line, cells in raw:
        cells = (cells + [""] * width)[:width]
        if header_columns([clean_unit(c) for c in cells]) is not None or all(
                not c or _COLUMN_NUMBERS.match(fold(c)) for c in cells):
            continue                                   # header (also repeated) or (1) (2) (3)
        number = strip_emphasis(cells[0]).strip().rstrip(".").strip()
        if _ROMAN_CELL.match(number):
            group, group_title = number, cells[text_col]
            if rows and _merge(rows[-1], cells, {0, text_col}, line):   # spilled from above
                rows[-1].last = line
        elif not number:
            if rows:
                _merge(rows[-1], cells, {0}, line)
                rows[-1].last = line
            else:
                log.debug("line %d: continuation row without a row above", line)
        else:
            rows.append(_Row(number.replace(" ", ""), cells, line, line, group, group_title))
    return layout, rows


def table_clauses(block: Segment, doc_id: str, id_prefix: str,
                  heading_path: tuple[str, ...]) -> list[Clause]:
    """One clause per numbered row: id `<id_prefix><number>`, kind target for indicator tables."""
    layout, rows = _rows(block)
    texts = {row.number: clean_unit(row.cells[layout.text_column]) for row in rows}
    clauses = []
    for row in rows:
        text = texts[row.number]
        if not text:
            log.warning("%s: row %s at line %d has no text", doc_id, row.number, row.first)
            continue
        fields = {NUMBER: row.number}
        titles = heading_path
        if row.group:
            fields[GROUP] = row.group
            fields[GROUP_TITLE] = clean_unit(row.group_title)
            titles = titles + (fields[GROUP_TITLE],)
        parent = row.number.rsplit(".", 1)[0] if "." in row.number else ""
        if parent in texts:
            fields[PARENT] = parent
            titles = titles + (texts[parent],)
        for role, cell in zip(layout.roles, row.cells):
            if role and role not in (NUMBER, TEXT_COL):
                fields[role] = clean_unit(cell)
        clauses.append(Clause(doc_id, f"{id_prefix}{row.number}", text,
                              titles[-1] if titles else "", titles,
                              TARGET if layout.targets else TASK, (row.first, row.last), fields))
    return clauses


def appendix_clauses(blocks: list[Segment], doc_id: str) -> list[Clause]:
    """Rows of the tables after each "PHỤ LỤC <n>" mark, ids `PL<n>.<row>`."""
    clauses: list[Clause] = []
    prefix, title, count = "", "", 0
    for block in blocks:
        if block.kind == APPENDIX:
            count += 1
            token = block.token
            number = int(token) if token.isdigit() else roman_value(token) if token else count
            prefix, title = f"PL{number}.", clean_unit(block.text)
        elif block.kind == TABLE and prefix:
            clauses.extend(table_clauses(block, doc_id, prefix, (title,)))
    return clauses
