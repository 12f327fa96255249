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
from align.schemes import appendix_prefix
from align.text.normalize import strip_emphasis
from align.types import GROUP, NUMBER, TARGET, TASK, UNIT, VALUE, Clause

log = logging.getLogger(__name__)

GROUP_TITLE = "group_title"
PARENT = "parent"

_ROMAN_CELL = re.compile(r"^[IVX]{1,6}$")
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[a-zđ]?|[a-zđ])$")
_HEADER_WORDS = 8     # a header cell is short
_NUMBERED_SHARE = 0.6
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
    numbered: bool = True                 # the first column numbers the rows
    header: tuple[str, ...] = ()          # the header's cells (plain keys), to drop its repeats

    @property
    def text_column(self) -> int:
        return self.roles.index(TEXT_COL) if TEXT_COL in self.roles else 1


def _row_number(cell: str) -> str:
    """The row number a first cell prints ("1", "2.3", "4a"), or "" when it prints none."""
    number = strip_emphasis(cell).strip().rstrip(".)").strip().replace(" ", "")
    return number if _ROW_NUMBER.match(number) else ""


def _first_cell(cells: list[str]) -> str:
    return strip_emphasis(cells[0]).strip().rstrip(".").strip() if cells else ""


def _header_like(cells: list[str]) -> bool:
    """A first row that names columns: no row number, two or more short cells, none a sentence."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or _row_number(cells[0]) or _ROMAN_CELL.match(_first_cell(cells)):
        return False
    return all(len(c.split()) <= _HEADER_WORDS and not c.endswith((".", ";")) and "%" not in c for c in filled)


def _numbered(rows: list[list[str]]) -> bool:
    """Whether most rows start with a row number (or a roman group number, or nothing)."""
    if not rows:
        return True
    marked = sum(1 for r in rows if not r[0] or _row_number(r[0]) or _ROMAN_CELL.match(_first_cell(r)))
    return marked >= _NUMBERED_SHARE * len(rows)


def _unnumbered_roles(rows: list[list[str]], width: int) -> tuple[str, ...]:
    """No number column: the text is the column with the longest cells; a column before it
    groups the rows ("Nhóm chỉ số" | "Chỉ số" | ...)."""
    lengths = [sum(len(r[i]) for r in rows if i < len(r)) for i in range(width)]
    text = max(range(width), key=lambda i: (lengths[i], -i)) if width else 0
    return tuple(TEXT_COL if i == text else GROUP_TITLE if i == 0 and text > 0 else f"col{i + 1}"
                 for i in range(width))


def _layout(rows: list[list[str]], ruled: bool) -> _Layout:
    """Column roles, from the header row when there is one: the words align.parse.tables knows,
    a row under a Markdown rule (`ruled`), or a first row that reads like a header."""
    first = [clean_unit(c) for c in rows[0]] if rows else []
    roles = header_columns(first) if first else None
    is_header = roles is not None or (bool(first) and (ruled or _header_like(first)))
    data = rows[1:] if is_header else rows
    width = max((len(r) for r in rows), default=2)
    numbered = (roles is not None and NUMBER in roles) or _numbered(data)
    if roles is None:
        roles = ((NUMBER, TEXT_COL) + tuple(f"col{i + 1}" for i in range(2, width)) if numbered
                 else _unnumbered_roles(data, width))
    words = " ".join(fold(c) for c in first) if is_header else ""
    targets = UNIT in roles or VALUE in roles or "chỉ tiêu" in words or "chỉ số" in words
    return _Layout(roles, targets, numbered, tuple(plain_key(c) for c in first) if is_header else ())


def _table(block: Segment) -> tuple[_Layout, list[tuple[int, list[str]]]]:
    """The layout of a table block and its rows (line, cells), without rules and header."""
    raw = [(n, split_cells(r)) for n, r in block.rows]
    ruled = len(raw) > 1 and is_separator_row(raw[1][1])
    rows = [(n, cells) for n, cells in raw if not is_separator_row(cells)]
    layout = _layout([cells for _, cells in rows], ruled)
    return layout, rows[1:] if layout.header else rows


def table_roles(block: Segment) -> tuple[str, ...]:
    """The column roles of a table block (used to recognise task appendices)."""
    return _table(block)[0].roles


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


def _skipped(cells: list[str], layout: _Layout) -> bool:
    """A header (also repeated after a page break) or a row of column numbers (1) (2) (3)."""
    if layout.header and tuple(plain_key(c) for c in cells) == layout.header:
        return True
    return header_columns([clean_unit(c) for c in cells]) is not None or all(
        not c or _COLUMN_NUMBERS.match(fold(c)) for c in cells)


def _rows(block: Segment) -> tuple[_Layout, list[_Row]]:
    layout, raw = _table(block)
    width, text_col = len(layout.roles), layout.text_column
    rows: list[_Row] = []
    group = group_title = ""
    for line, cells in raw:
        cells = (cells + [""] * width)[:width]
        if _skipped(cells, layout):
            continue
        first = _first_cell(cells)
        number = _row_number(cells[0]) if layout.numbered else (str(len(rows) + 1) if cells[text_col] else "")
        filled = [c for c in cells if c]
        if layout.numbered and (_ROMAN_CELL.match(first) or (first and not number and len(filled) == 1)):
            group, group_title = (first, cells[text_col]) if _ROMAN_CELL.match(first) else ("", first)
            if rows and _merge(rows[-1], cells, {0, text_col}, line):   # spilled from above
                rows[-1].last = line
        elif not number:
            if rows:
                _merge(rows[-1], cells, {0} if layout.numbered else set(), line)
                rows[-1].last = line
            else:
                log.debug("line %d: continuation row without a row above", line)
        else:
            if GROUP_TITLE in layout.roles:           # a group column; merged cells leave it empty below
                group_title = cells[layout.roles.index(GROUP_TITLE)] or group_title
            rows.append(_Row(number, cells, line, line, group, group_title))
    return layout, rows


def table_clauses(block: Segment, doc_id: str, id_prefix: str,
                  heading_path: tuple[str, ...], kind: str = TASK) -> list[Clause]:
    """One clause per row: id `<id_prefix><number>` (the row's own number, else its position),
    kind target for indicator tables and in target sections (`kind`)."""
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
        if row.group or row.group_title:
            if row.group:
                fields[GROUP] = row.group
            fields[GROUP_TITLE] = clean_unit(row.group_title)
            titles = titles + (fields[GROUP_TITLE],)
        parent = row.number.rsplit(".", 1)[0] if "." in row.number else ""
        if parent in texts:
            fields[PARENT] = parent
            titles = titles + (texts[parent],)
        for role, cell in zip(layout.roles, row.cells):
            if role and role not in (NUMBER, TEXT_COL, GROUP_TITLE):
                fields[role] = clean_unit(cell)
        clauses.append(Clause(doc_id, f"{id_prefix}{row.number}", text,
                              titles[-1] if titles else "", titles,
                              TARGET if layout.targets or kind == TARGET else TASK, (row.first, row.last), fields))
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
            prefix, title = appendix_prefix(number), clean_unit(block.text)
        elif block.kind == TABLE and prefix:
            clauses.extend(table_clauses(block, doc_id, prefix, (title,)))
    return clauses
