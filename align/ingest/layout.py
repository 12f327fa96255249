"""Positioned words and table grids -> the plan's text as Word would save it.

A text PDF (align.ingest.pdf) and an OCR'd scan (align.ingest.ocr) both give, page by
page, words with their boxes and the tables found from ruling lines. This module turns
them into the lines the structure parser reads from a .docx or .txt:
- each table row one line of tab-separated cells (cell lines joined by spaces); a row
  that a page break cut in two (the next page's table opens with an empty number cell)
  is joined back into one;
- each paragraph one line: a line is joined to the one before when it continues it by
  layout: the line before is full (the next line's first word would not have fit on it),
  the gap between them is a line's, not a paragraph's, and the line is not indented
  further, unless the line before ended its sentence (a hanging indent continues, a
  first-line indent after a sentence starts a paragraph); a line that opens with a list
  mark after a sentence's end always starts a new one;
- running headers and footers (the same text at the top or bottom of most pages, digits
  aside) and page numbers ("3", "- 3 -", "Trang 3/12") are dropped.

Coordinates are in any unit (PDF points, image pixels) with y growing downwards; every
tolerance is relative to the median word height, so one code serves both.

The records here (Word, Table, Page) are internal to ingestion: they never leave it.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from align.text.normalize import fold

Box = tuple[float, float, float, float]   # x0, top, x1, bottom

_SENTENCE_END = re.compile(r"[.;:!?…](?:[\"'”’)\]*]*)$")
_LIST_MARK = re.compile(r"^(?:[-+•*–—]\s|\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s|[IVXLC]+[.)-]\s|\(\d+\)\s)")
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–—\s]*#+(?:\s*/\s*#+)?[-–—\s]*$")
_DIGITS = re.compile(r"\d+")
_PUNCT = ".,;:!?()[]\"'“”‘’…-–—"
_MARGIN_BAND = 0.15          # share of the page height where running headers/footers sit
_EDGE_LINES = 2              # lines at each end of a page that may be a header/footer


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Table:
    """A ruled table: rows of cell boxes, None where a merged cell covers the position."""

    rows: tuple[tuple[Box | None, ...], ...]

    @property
    def bbox(self) -> Box:
        boxes = [b for row in self.rows for b in row if b]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: tuple[Word, ...]
    tables: tuple[Table, ...] = ()


@dataclass
class _Line:
    words: list[Word]
    cells: list[str] | None = None          # a table row when set
    box: Box = (0.0, 0.0, 0.0, 0.0)
    page: int = 0
    first_row: bool = False                 # the first row of a table

    @property
    def text(self) -> str:
        return "\t".join(self.cells) if self.cells is not None else " ".join(w.text for w in self.words)


@dataclass
class _Metrics:
    """Document-wide measures the joining rules compare against."""

    height: float
    left: float
    right: float
    pitch: float
    space: float = 0.0
    pages: int = 1
    running: set[str] = field(default_factory=set)


def pages_text(pages: Sequence[Page]) -> str:
    """The text of the pages: paragraphs and table rows one per line, in reading order."""
    per_page = [_page_lines(number, page) for number, page in enumerate(pages)]
    metrics = _metrics(pages, per_page)
    kept = [_drop_running(lines, page, metrics) for lines, page in zip(per_page, pages)]
    return "\n".join(_joined([line for lines in kept for line in lines], metrics))


# --- one page ------------------------------------------------------------------
def _page_lines(number: int, page: Page) -> list[_Line]:
    """Text lines outside tables and table rows, top to bottom."""
    free: list[Word] = []
    cell_words: dict[tuple[int, int, int], list[Word]] = {}
    for word in page.words:
        place = _cell_of(word, page.tables)
        if place is None:
            free.append(word)
        else:
            cell_words.setdefault(place, []).append(word)
    lines = [_Line(ws, box=_bbox(ws), page=number) for ws in group_lines(free)]
    for t, table in enumerate(page.tables):
        xs = sorted({box[0] for row in table.rows for box in row if box})
        for r, row in enumerate(table.rows):
            cells = _row_cells(row, xs, [cell_words.get((t, r, c), []) for c in range(len(row))])
            if cells is None:
                continue
            boxes = [b for b in row if b]
            box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            lines.append(_Line([], cells=cells, box=box, page=number, first_row=(r == 0)))
    lines.sort(key=lambda line: (line.box[1], line.box[0]))
    return lines


def _cell_of(word: Word, tables: Sequence[Table]) -> tuple[int, int, int] | None:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    for t, table in enumerate(tables):
        x0, top, x1, bottom = table.bbox
        if not (x0 <= x <= x1 and top <= y <= bottom):
            continue
        for r, row in enumerate(table.rows):
            for c, box in enumerate(row):
                if box and box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                    return t, r, c
    return None


def _row_cells(row: Sequence[Box | None], xs: Sequence[float], words: list[list[Word]]) -> list[str] | None:
    """The cell texts of a row. A position covered by a cell to its left (a horizontal
    merge) counts once; one covered from a row above (a vertical merge) is an empty cell."""
    cells: list[str] = []
    for c, box in enumerate(row):
        if box is None:
            x = xs[c] if c < len(xs) else float("inf")
            if not any(b and b[0] < x < b[2] for b in row):
                cells.append("")
            continue
        cells.append(_cell_text(box, group_lines(words[c])))
    return cells if any(cells) or len(cells) > 1 else None


def _cell_text(box: Box, lines: list[list[Word]]) -> str:
    """A cell's lines joined. A word wider than its cell, which the line break cut in the
    middle ("HĐN" + "D", "12/202" + "6"), is joined back: the line holds that piece alone,
    the piece reaches the cell's right edge (less the padding its text keeps on the left)
    within a letter's width, and the pieces make one syllable ("Thườ" + "ng"), or one
    number, or are not syllables ("UBND" + "xã" and "Phòng" + "Văn" stay apart)."""
    if not lines:
        return ""
    padding = max(0.0, min(line[0].x0 for line in lines) - box[0])
    limit = box[2] - padding
    texts: list[str] = []
    for k, line in enumerate(lines):
        text = " ".join(w.text for w in line)
        if k and _cut_word(lines[k - 1], line[0], limit):
            texts[-1] += text
        else:
            texts.append(text)
    return join_lines(texts)


def _cut_word(previous: list[Word], first: Word, limit: float) -> bool:
    from align.ingest.syllables import is_syllable

    if len(previous) != 1:
        return False
    piece = previous[0]
    if piece.x1 < limit - 0.7 * (piece.bottom - piece.top):
        return False
    a, b = piece.text.strip(_PUNCT), first.text.strip(_PUNCT)
    if not b:
        return bool(first.text)                        # "truyền" + ","
    if not a:
        return False
    if (a[-1].isdigit() and b[0].isdigit()) or is_syllable(a + b):
        return True
    return not is_syllable(a) and (not is_syllable(b) or (len(b) == 1 and b.islower()))


def join_lines(lines: Sequence[str]) -> str:
    """Wrapped lines as one: by a space, or by nothing after a word the line break cut at its
    hyphen or slash ("57-" + "NQ/TW", "doanh nghiệp/" + "hộ")."""
    text = ""
    for line in lines:
        text = text + line if _glued(text) else f"{text} {line}" if text else line
    return text


def _glued(text: str) -> bool:
    last = text.rsplit(" ", 1)[-1]
    return len(last) > 1 and last[-1] in "-/–"


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words -> lines (each left to right), top to bottom: a word joins a line when their
    boxes overlap vertically by half the smaller height (diacritics make OCR boxes uneven)."""
    lines: list[list[Word]] = []
    boxes: list[list[float]] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        height = max(word.bottom - word.top, 1e-6)
        if lines:
            top, bottom = boxes[-1]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(height, bottom - top):
                lines[-1].append(word)
                boxes[-1] = [min(top, word.top), max(bottom, word.bottom)]
                continue
        lines.append([word])
        boxes.append([word.top, word.bottom])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _bbox(words: Sequence[Word]) -> Box:
    return (min(w.x0 for w in words), min(w.top for w in words),
            max(w.x1 for w in words), max(w.bottom for w in words))


# --- the whole document --------------------------------------------------------
def _metrics(pages: Sequence[Page], per_page: list[list[_Line]]) -> _Metrics:
    heights = [w.bottom - w.top for page in pages for w in page.words] or [1.0]
    height = statistics.median(heights)
    text_lines = [line for lines in per_page for line in lines if line.cells is None]
    if not text_lines:
        return _Metrics(height, 0.0, max((p.width for p in pages), default=0.0), height * 1.2, 0.3 * height,
                        len(pages))
    left = _quantile([line.box[0] for line in text_lines], 0.1)
    width = max(p.width for p in pages)
    right = max(_quantile([line.box[2] for line in text_lines], 0.9), width - left)
    pitches = [b.box[1] - a.box[1] for lines in per_page for a, b in zip(lines, lines[1:])
               if a.cells is None and b.cells is None and 0 < b.box[1] - a.box[1] < 3 * height]
    pitch = _quantile(pitches, 0.25) if pitches else height * 1.2
    gaps = [b.x0 - a.x1 for line in text_lines for a, b in zip(line.words, line.words[1:]) if b.x0 > a.x1]
    space = _quantile(gaps, 0.25) if gaps else 0.3 * height
    metrics = _Metrics(height, left, right, pitch, space, len(pages))
    metrics.running = _running_keys(per_page, pages)
    return metrics


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _edge_lines(lines: list[_Line], page: Page) -> list[_Line]:
    """Lines that may be a running header or footer: a page's first and last few text
    lines, inside the top or bottom band of the page."""
    edges = lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]
    band = _MARGIN_BAND * page.height
    return [line for line in edges if line.cells is None
            and (line.box[3] <= band or line.box[1] >= page.height - band)]


def _key(line: _Line) -> str:
    return _DIGITS.sub("#", " ".join(fold(line.text).split()))


def _running_keys(per_page: list[list[_Line]], pages: Sequence[Page]) -> set[str]:
    """Texts (digits aside) that stand at a page's edge on at least half of the pages."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines, page in zip(per_page, pages):
        for key in {_key(line) for line in _edge_lines(lines, page)}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, n in counts.items() if n >= max(2, len(pages) / 2)}


def _drop_running(lines: list[_Line], page: Page, metrics: _Metrics) -> list[_Line]:
    dropped = {id(line) for line in _edge_lines(lines, page)
               if _PAGE_NUMBER.match(_key(line)) or _key(line) in metrics.running}
    return [line for line in lines if id(line) not in dropped]


def _joined(lines: list[_Line], metrics: _Metrics) -> list[str]:
    """Paragraph lines joined, table rows split by a page break joined back."""
    out: list[str] = []
    previous: _Line | None = None
    headers: set[str] = set()
    for line in lines:
        if line.first_row:
            headers.add(line.text)
        repeated_header = previous is not None and not previous.first_row and previous.text in headers
        if previous is not None and not repeated_header and _continues_row(previous, line):
            previous.cells = [(a + " " + b).strip() for a, b in zip(previous.cells, line.cells)]
            out[-1] = previous.text
            continue
        if previous is not None and _continues_paragraph(previous, line, metrics):
            words = line.words
            if _glued(previous.text):
                last, first = previous.words[-1], words[0]
                words = [Word(last.text + first.text, last.x0, last.top, first.x1, first.bottom), *words[1:]]
                previous.words = previous.words[:-1]
            previous.words = previous.words + words
            previous.box = line.box
            previous.page = line.page
            out[-1] = previous.text
            continue
        out.append(line.text)
        previous = line
    return out


def _continues_row(previous: _Line, line: _Line) -> bool:
    """The first row of a page's first table, with an empty number cell, after a table row
    (not a header: those the parser expects repeated) that ended the page before: the rest
    of a row the page break cut."""
    return (previous.cells is not None and line.cells is not None and line.first_row
            and line.page == previous.page + 1 and len(line.cells) == len(previous.cells)
            and not line.cells[0].strip() and any(c.strip() for c in line.cells[1:]))


def _continues_paragraph(previous: _Line, line: _Line, m: _Metrics) -> bool:
    if previous.cells is not None or line.cells is not None or not line.words:
        return False
    same_page = line.page == previous.page
    if same_page and line.box[1] - previous.box[1] > m.pitch + 0.25 * m.height:
        return False                                   # a paragraph's gap
    if not same_page and line.page != previous.page + 1:
        return False
    first = line.words[0]
    gaps = [b.x0 - a.x1 for a, b in zip(previous.words, previous.words[1:])]
    space = max([m.space, min(gaps)] if gaps else [m.space])
    if previous.box[2] + space + (first.x1 - first.x0) <= m.right + 0.05 * m.height:
        return False                                   # the next word would have fit
    ended = bool(_SENTENCE_END.search(previous.text))
    if ended and _LIST_MARK.match(line.text):
        return False
    indented = line.box[0] > previous.box[0] + 0.5 * m.height
    return not (indented and ended)
