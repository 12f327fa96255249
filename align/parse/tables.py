"""Tables in plain text: tab-separated rows (Word tables saved as text) and Markdown pipe tables.

Plans put their appendix tasks and targets in tables that were split across pages:
the header row is repeated after each page break, a row cut by the break goes on in
an unnumbered row whose cells continue the cells above, and a numbered row may have
unnumbered sub-rows of its own. `parse_table` undoes all of that.

API:
- `is_table_line(line)`: does this line hold table cells (tabs or `| ... |`)?
- `split_cells(line)`: the cells of one line, as printed.
- `header_columns(cells)`: the field name of each header cell, or None when the cells
  are not a header row. Field names: "number", "text", "note", "col<i>" and the
  standard names of align/types.py (LEAD, PARTNERS, OUTPUT, DEADLINE, RESPONSIBLE,
  UNIT, VALUE); "Kết quả" is VALUE in targets tables (a "Chỉ tiêu" column) and
  OUTPUT elsewhere.
- `parse_table(lines, raw_lines=None, first_line=1) -> Table`: the rows of one table;
  `lines` may contain blank lines (page breaks); `raw_lines`, when given, are the same
  lines before normalisation, where `<b>` marks group rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from align.text.normalize import clean_text, fold
from align.types import DEADLINE, GROUP, LEAD, OUTPUT, PARTNERS, RESPONSIBLE, UNIT, VALUE

NUMBER_COL = "number"
TEXT_COL = "text"
NOTE_COL = "note"

ROW = "row"          # a numbered row
SUBROW = "subrow"    # an unnumbered row under a numbered one (its own task)
GROUP_ROW = "group"  # a roman group row ("I", "II", often bold)

TARGETS = "targets"
TASKS = "tasks"

_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_ROMAN = re.compile(r"^[IVXLC]+\.?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
_NUMBER_HEADERS = {"tt", "stt", "số tt", "số thứ tự", "thứ tự"}
_MAX_HEADER_WORDS = 10


@dataclass(frozen=True)
class TableRow:
    """One data row. `key` identifies it inside the table: "4", "11.1", "12.a" (sub-row)."""

    key: str
    number: str                      # as printed ("4.", "12", "" for sub-rows)
    kind: str                        # row | subrow | group
    text: str                        # the content cell (task / target / group title)
    fields: Mapping[str, str] = field(default_factory=dict)  # other mapped cells + GROUP
    lines: tuple[int, int] = (0, 0)
    parent: str | None = None        # key of the parent row (sub-rows, "11.1" under "11")
    group: str | None = None         # label of the enclosing group row ("I")


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]          # header cells as printed, () when there was none
    columns: tuple[str, ...]         # field name of each column
    rows: tuple[TableRow, ...]
    lines: tuple[int, int]
    kind: str                        # targets | tasks
    dropped_headers: int = 0         # header rows repeated at page breaks


def _is_pipe(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def is_table_line(line: str) -> bool:
    """Two tabs, or one tab between two filled cells, or a `| a | b |` line."""
    if _is_pipe(line):
        return True
    if "\t" not in line:
        return False
    cells = line.split("\t")
    return len(cells) >= 3 or sum(1 for c in cells if c.strip()) >= 2


def split_cells(line: str) -> list[str]:
    if _is_pipe(line):
        s = line.strip()
        s = s[1:-1] if s.endswith("|") and len(s) > 1 else s[1:]
        return [c.strip() for c in s.split("|")]
    return [c.strip() for c in line.rstrip("\n").split("\t")]


def _column(folded: str, targets: bool) -> str | None:
    """Field name of a header cell (folded), or None when it is not a known header."""
    if folded in _NUMBER_HEADERS:
        return NUMBER_COL
    if "người đứng đầu" in folded or "chịu trách nhiệm" in folded:
        return RESPONSIBLE
    if "phối hợp" in folded:
        return PARTNERS
    if "chủ trì" in folded:
        return LEAD
    if any(w in folded for w in ("thời gian", "thời hạn", "tiến độ")):
        return DEADLINE
    if "đơn vị tính" in folded or (targets and folded == "đơn vị"):
        return UNIT
    if "ghi chú" in folded:
        return NOTE_COL
    if "kết quả" in folded or "sản phẩm" in folded or (targets and "giá trị" in folded):
        return VALUE if targets else OUTPUT
    if any(w in folded for w in ("chỉ tiêu", "nội dung", "nhiệm vụ", "công việc", "tên ")):
        return TEXT_COL
    return None


def header_columns(cells: list[str]) -> tuple[str, ...] | None:
    """Field name per column when `cells` form a header row, else None."""
    folded = [fold(c).rstrip(".:") for c in cells]
    if any(len(f.split()) > _MAX_HEADER_WORDS for f in folded):
        return None
    targets = any("chỉ tiêu" in f or "đơn vị tính" in f for f in folded)
    names = [_column(f, targets) if f else None for f in folded]
    known = sum(1 for n in names if n and n != NUMBER_COL)
    first_is_number = bool(folded) and names[0] == NUMBER_COL
    if not ((first_is_number and known >= 2) or (known >= 4 and TEXT_COL in names)):
        return None
    seen: set[str] = set()
    out = []
    for i, name in enumerate(names):
        if name is None or name in seen:
            name = f"col{i + 1}"
        seen.add(name)
        out.append(name)
    return tuple(out)


def _default_columns(width: int) -> tuple[str, ...]:
    return tuple([NUMBER_COL, TEXT_COL] + [f"col{i + 1}" for i in range(2, width)])[:max(width, 2)]


def _starts_lower(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def _join(before: str, after: str) -> str:
    """Glue a cell continued after a page break; drop a fragment the cell already ends with."""
    if not before:
        return after
    tail = after.split(" ", 1)[-1]
    if before.endswith(after) or (len(tail) > 15 and before.endswith(tail)):
        return before
    return f"{before} {after}"


@dataclass
class _Draft:
    key: str
    number: str
    kind: str
    cells: dict[str, str]
    start: int
    end: int
    parent: str | None = None
    group: str | None = None

    def freeze(self) -> TableRow:
        fields = {k: v for k, v in self.cells.items() if k not in (NUMBER_COL, TEXT_COL) and v}
        if self.group and self.kind != GROUP_ROW:
            fields[GROUP] = self.group
        return TableRow(self.key, self.number, self.kind, self.cells.get(TEXT_COL, ""),
                        fields, (self.start, self.end), self.parent, self.group)


class _Builder:
    """Accumulates rows; decides numbered row / sub-row / continuation / group row."""

    def __init__(self) -> None:
        self.rows: list[_Draft] = []
        self.group: str | None = None
        self.last_numbered: _Draft | None = None

    def add(self, cells: dict[str, str], bold: bool, line: int) -> None:
        number = cells.get(NUMBER_COL, "")
        text = cells.get(TEXT_COL, "")
        others = [v for k, v in cells.items() if k not in (NUMBER_COL, TEXT_COL) and v]
        if number and _ROMAN.match(number) and (bold or not others):
            self.group = number.rstrip(".")
            self.rows.append(_Draft(self.group, number, GROUP_ROW, cells, line, line))
            self.last_numbered = None
            return
        if number:
            key = number.rstrip(".")
            parent = key.rsplit(".", 1)[0] if "." in key else None
            if parent and not any(r.key == parent and r.kind == ROW for r in self.rows):
                parent = None
            draft = _Draft(key, number, ROW, cells, line, line, parent, self.group)
            self.rows.append(draft)
            self.last_numbered = draft
            return
        prev = self.rows[-1] if self.rows and self.rows[-1].kind != GROUP_ROW else None
        prev_text = prev.cells.get(TEXT_COL, "").rstrip() if prev else ""
        if prev and (_starts_lower(text) or not text
                     or (not others and not prev_text.endswith(":"))):
            for name, value in cells.items():
                if value:
                    prev.cells[name] = _join(prev.cells.get(name, ""), value)
            prev.end = line
            return
        parent = self.last_numbered
        if parent is None:
            key = f"u{sum(1 for r in self.rows if r.kind != GROUP_ROW) + 1}"
            self.rows.append(_Draft(key, "", ROW, cells, line, line, None, self.group))
            return
        n = sum(1 for r in self.rows if r.parent == parent.key and r.kind == SUBROW)
        key = f"{parent.key}.{chr(ord('a') + n) if n < 26 else n + 1}"
        self.rows.append(_Draft(key, "", SUBROW, cells, line, line, parent.key, self.group))


def parse_table(lines: list[str], raw_lines: list[str] | None = None,
                first_line: int = 1) -> Table:
    """The rows of one table; `first_line` is the 1-based source line of `lines[0]`."""
    header: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    dropped = 0
    builder = _Builder()
    used: list[int] = []
    for i, line in enumerate(lines):
        if not line.strip() or not is_table_line(line):
            continue
        cells = split_cells(line)
        if all(_SEPARATOR.match(c) for c in cells if c) and any(cells):
            continue
        clean = [clean_text(c) for c in cells]
        if not any(clean):
            continue
        lineno = first_line + i
        mapped = header_columns(clean)
        if mapped is not None:
            if columns is not None and [fold(c) for c in clean] == [fold(c) for c in header]:
                dropped += 1
            else:
                header, columns = tuple(clean), mapped
            used.append(lineno)
            continue
        if columns is None:
            columns = _default_columns(len(clean))
        named = {columns[j] if j < len(columns) else f"col{j + 1}": v for j, v in enumerate(clean)}
        raw = raw_lines[i] if raw_lines is not None and i < len(raw_lines) else ""
        bold = "<b>" in raw.lower() or "<strong>" in raw.lower() or cells[0].startswith("**")
        builder.add(named, bold, lineno)
        used.append(lineno)
    cols = columns or ()
    kind = TARGETS if (UNIT in cols or VALUE in cols
                       or any("chỉ tiêu" in fold(h) for h in header)) else TASKS
    span = (min(used), max(used)) if used else (first_line, first_line)
    return Table(header, cols, tuple(r.freeze() for r in builder.rows), span, kind, dropped)
