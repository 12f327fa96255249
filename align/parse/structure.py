"""Normalised text -> a flat, ordered tree of Blocks (headings, bullets, paragraphs, table rows).

The plans come from Word documents in several hands: the same heading level is written
`I.`, `## **II. ...**`, `#### **4. ...**`, `**3. Phòng Kinh tế xã:** text`; Markdown
depth is not consistent within one file. Heading depth therefore comes from the
numbering style (roman > 1. > 1.1. > a) > (1) > "- Về ..." sub-heading), kept as a stack:
a heading of a style already open closes it and everything below it.

A numbered line is a heading only when it reads like one: no sentence-final punctuation,
at most HEADING_MAX_WORDS words, and body text (not a sibling item) follows it;
"1.1. UBND xã ban hành ... ." under "1. Công tác lãnh đạo" is a body point.

Lines broken in mid-sentence by a page break are joined first, by the line pass references
share (align/parse/lines.py). Block fields:
- headings: style, number (as printed), title (without number), role
  (preamble | part | appendix | recipients | section), appendix (its number, appendix headings)
- bullets: marker; numbered body points: number; preamble/signature blocks: role
- table rows: number, key, table, table_kind, row_kind (row|subrow), parent_key, and the
  mapped columns (align.parse.tables); table group rows are headings of style "group".
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Sequence

from align.parse.lines import (
    SIGNATURE, LineBlock, bold_text, ends_sentence, line_blocks, md_heading, read_marker,
)
from align.parse.tables import GROUP_ROW, parse_table
from align.text.normalize import clean_text, fold
from align.types import BULLET, HEADING, PARAGRAPH, ROW, Block

log = logging.getLogger(__name__)

HEADING_MAX_WORDS = 30
DASH_HEADING_MAX_WORDS = 20
PART_STYLES = ("part", "appendix", "recipients")

_BOLD_LEAD = re.compile(r"^\*\*([^*].*?)\*\*\s*(\S.*)$")
_APPENDIX_NUM = re.compile(r"^phụ lục\s+([ivxlc]+|\d+)\b")
_RECIPIENTS = re.compile(r"^nơi nhận\s*:?$")
_SIGNER = re.compile(r"^(PHÓ\s+)?(CHỦ TỊCH|TRƯỞNG BAN|THỦ TƯỚNG|BÍ THƯ|TỔNG BÍ THƯ|GIÁM ĐỐC)\b")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(numeral: str) -> int:
    total, prev = 0, 0
    for ch in reversed(numeral.lower()):
        v = _ROMAN_VALUES.get(ch, 0)
        total, prev = (total - v, prev) if v < prev else (total + v, v)
    return total


def _is_caps(text: str) -> bool:
    s = _TRAILING_PAREN.sub("", text.replace("*", ""))
    letters = [c for c in s if c.isalpha()]
    words = s.split()
    return bool(letters) and all(c.isupper() for c in letters) and (
        len(letters) >= 5 or len(words) >= 2) and len(words) <= 25


def _is_name(text: str) -> bool:
    words = text.split()
    return (2 <= len(words) <= 5 and all(w[0].isupper() for w in words)
            and not _is_caps(text) and not any(c.isdigit() or c in ".;:," for c in text))


@dataclass
class _Unit:
    """A logical line (page-break continuations joined) or a run of table lines."""

    text: str
    start: int
    end: int
    table: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)


def _units(lines: list[str], raw: list[str] | None, marked: Sequence[LineBlock]) -> list[_Unit]:
    """The line blocks (align.parse.lines) of the text, with the lines of each table run."""
    units = []
    for block in marked:
        if block.table:
            span = slice(block.first - 1, block.last)
            units.append(_Unit("", block.first, block.last, lines[span], raw[span] if raw else []))
        else:
            units.append(_Unit(block.text, block.first, block.last))
    return units


@dataclass
class _Cand:
    kind: str            # heading | numbered | bullet | para | table | recipients | appendix | caps
    text: str            # clean text
    style: str = ""
    number: str = ""     # marker as printed
    title: str = ""      # text without the marker
    marker: str = ""     # bullet marker
    body: str = ""       # paragraph after a bold lead-in
    unit: _Unit | None = None


def _numbered(text: str) -> tuple[str, str, str] | None:
    """(style, printed marker, title) of a numbered line (align.parse.lines.read_marker), or None.
    Arabic numbers are styled by their depth ("arabic2" for 1.2.) or "arabic_paren" for 1)."""
    marker = read_marker(text)
    if marker is None or marker.style == "bullet":
        return None
    style = marker.style
    if style == "arabic":
        style = "arabic_paren" if marker.printed.endswith(")") else f"arabic{marker.depth}"
    return style, marker.printed, marker.rest


def _special(text: str) -> _Cand | None:
    """Appendix title, "Nơi nhận", or an all-caps line (KẾ HOẠCH, QUYẾT NGHỊ); else None."""
    folded = fold(text)
    if folded.startswith("phụ lục"):
        return _Cand("appendix", text, "appendix", title=text)
    if _RECIPIENTS.match(folded):
        return _Cand("recipients", text, "recipients", title=text)
    if _is_caps(text):
        return _Cand("caps", text, "part", title=text)
    return None


def _heading_cand(text: str, styled: str) -> _Cand:
    """A line marked as a heading (Markdown #, whole-line bold, bold lead-in)."""
    num = _numbered(text)
    if num:
        return _Cand("heading", text, num[0], num[1], num[2])
    return _special(text) or _Cand("heading", text, styled, title=text)


def _plain_cand(text: str) -> _Cand:
    b = read_marker(text)
    if b and b.style == "bullet":
        body = clean_text(b.rest)
        return _Cand("bullet", body, title=body, marker=b.number)
    text = clean_text(text)
    num = _numbered(text)
    if num:
        return _Cand("numbered", text, num[0], num[1], num[2])
    return _special(text) or _Cand("para", text, title=text)


def _classify(unit: _Unit) -> _Cand:
    if unit.table:
        return _Cand("table", "", unit=unit)
    s = unit.text
    md, whole, lead = md_heading(s), bold_text(s), _BOLD_LEAD.match(s)
    if md:
        cand = _heading_cand(clean_text(md[1]), f"md{md[0]}")
    elif whole is not None:
        inner = clean_text(s)
        sentence = len(inner.split()) > HEADING_MAX_WORDS or ends_sentence(inner)
        cand = _Cand("para", inner, title=inner) if sentence and not _numbered(inner) \
            else _heading_cand(inner, "bold")
    elif lead and clean_text(lead.group(2)).startswith("("):
        cand = _heading_cand(clean_text(lead.group(1)), "bold")  # drop "(Kèm theo ...)" notes
    elif lead and len(lead.group(1).split()) <= 15 and _numbered(clean_text(lead.group(1))):
        cand = _heading_cand(clean_text(lead.group(1)).rstrip(": "), "lead")
        cand.body = clean_text(lead.group(2))
    else:
        cand = _plain_cand(s)
    cand.unit = unit
    return cand


_NUMBERED_STYLES = ("roman", "article", "arabic", "letter", "paren")
_LABEL_ONLY = re.compile(r"^phụ lục(\s+([ivxlc]+|\d+))?\s*:?$")


class _Builder:
    """Turns classified lines into Blocks, keeping the stack of open headings."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.stack: list[tuple[str, Block]] = []
        self.preamble = True      # before the first numbered heading, table or appendix
        self.closed = False       # after "Nơi nhận"
        self.signing = False
        self.appendix = 0
        self.tables = 0

    def _add(self, kind: str, text: str, lines: tuple[int, int], level: int,
             fields: dict[str, str], top: bool = False) -> Block:
        path = () if top else tuple(b.text for _, b in self.stack)
        parent = None if top or not self.stack else self.stack[-1][1].id
        block = Block(f"b{len(self.blocks) + 1}", kind, text, level, path, lines, fields, parent)
        self.blocks.append(block)
        return block

    def body(self, kind: str, text: str, lines: tuple[int, int], **fields: str) -> Block:
        if self.preamble:
            fields.setdefault("role", "preamble")
        return self._add(kind, text, lines, 0, fields, top=self.preamble)

    def pop_to(self, style: str) -> None:
        """Close the open heading of `style` and everything below it."""
        styles = [s for s, _ in self.stack]
        if style in styles:
            del self.stack[styles.index(style):]

    def heading(self, style: str, text: str, lines: tuple[int, int], **fields: str) -> Block:
        fields = {"style": style, **fields}
        numbered = style.startswith(_NUMBERED_STYLES)
        if self.preamble and not numbered and style not in ("appendix", "recipients", "group"):
            return self._add(HEADING, text, lines, 1, {**fields, "role": "preamble"}, top=True)
        self.preamble = False
        if style in PART_STYLES:
            self.stack.clear()
        else:
            self.pop_to(style)
        role = style if style in PART_STYLES or style == "group" else "section"
        fields.setdefault("role", role)
        block = self._add(HEADING, text, lines, len(self.stack) + 1, fields)
        self.stack.append((style, block))
        return block

    def _is_signature(self, c: _Cand) -> bool:
        text = c.text
        if c.kind == "table" or not text:
            self.signing = False
            return False
        if SIGNATURE.match(text):
            self.signing = True
            return True
        if self.signing and c.kind not in ("appendix", "numbered") and (
                _SIGNER.match(text) or (text.startswith("[") and text.endswith("]")) or _is_name(text)):
            return True
        self.signing = False
        return False

    def _heads(self, c: _Cand, nxt: _Cand | None) -> bool:
        """Is numbered line `c` a heading? Roman always; others when body text follows."""
        if c.style == "roman":
            return True
        if ends_sentence(c.title) or len(c.title.split()) > HEADING_MAX_WORDS or nxt is None:
            return False
        if nxt.kind in ("bullet", "para", "table"):
            return True
        if nxt.kind in ("numbered", "heading") and nxt.number:
            open_styles = [s for s, _ in self.stack]
            return nxt.style != c.style and nxt.style not in open_styles
        return False

    def _appendix(self, c: _Cand, nxt: _Cand | None) -> bool:
        """An appendix heading; a bare "Phụ lục II" takes the title line after it. True if merged."""
        text, lines, merged = _TRAILING_PAREN.sub("", c.text), (c.unit.start, c.unit.end), False
        if _LABEL_ONLY.match(fold(text)) and nxt and nxt.kind in ("caps", "heading") and not nxt.number:
            text = f"{text.rstrip(': ')}: {_TRAILING_PAREN.sub('', nxt.text)}"
            lines, merged = (c.unit.start, nxt.unit.end), True
        m = _APPENDIX_NUM.match(fold(text))
        number = m.group(1) if m else ""
        self.appendix = (int(number) if number.isdigit() else roman_value(number)) if number \
            else self.appendix + 1
        self.heading("appendix", text, lines, appendix=str(self.appendix), title=text)
        return merged

    def table(self, unit: _Unit) -> None:
        self.preamble = False
        self.tables += 1
        tid = f"t{self.tables}"
        table = parse_table(unit.table, unit.raw or None, unit.start)
        for row in table.rows:
            if row.kind == GROUP_ROW:
                text = f"{row.key}. {row.text}" if row.text else row.key
                self.heading("group", text, row.lines, number=row.number, title=row.text, table=tid)
                continue
            fields = {**row.fields, "key": row.key, "table": tid, "table_kind": table.kind,
                      "row_kind": row.kind}
            if row.number:
                fields["number"] = row.number
            if row.parent:
                fields["parent_key"] = row.parent
            self.body(ROW, row.text, row.lines, **fields)
        self.pop_to("group")

    def feed(self, cands: list[_Cand]) -> None:
        i = 0
        while i < len(cands):
            c = cands[i]
            nxt = cands[i + 1] if i + 1 < len(cands) else None
            lines = (c.unit.start, c.unit.end)
            i += 1
            if self._is_signature(c):
                self.body(PARAGRAPH, c.text, lines, role="signature")
            elif c.kind == "table":
                self.table(c.unit)
            elif c.kind == "appendix":
                i += self._appendix(c, nxt)
            elif c.kind == "recipients":
                self.closed = True
                self.heading("recipients", c.text.rstrip(":"), lines, title=c.text)
            elif c.kind == "caps":
                text = _TRAILING_PAREN.sub("", c.text)
                if self.closed and fold(text).startswith(("danh mục", "biểu")):
                    i += self._appendix(c, None)
                else:
                    self.heading("part", text, lines, title=text)
            elif c.kind == "heading" or (c.kind == "numbered" and self._heads(c, nxt)):
                self.heading(c.style, c.text, lines, number=c.number, title=c.title)
                if c.body:
                    self.body(PARAGRAPH, c.body, lines)
            elif c.kind == "numbered":
                if not self.preamble:
                    self.pop_to(c.style)
                self.body(PARAGRAPH, c.title, lines, number=c.number)
            elif c.kind == "bullet" and c.marker == "-" and nxt is not None and nxt.kind == "bullet" \
                    and nxt.marker == "+" and not ends_sentence(c.text) \
                    and len(c.text.split()) <= DASH_HEADING_MAX_WORDS:
                self.heading("dash", c.text, lines, number="-", title=c.text)
            elif c.kind == "bullet":
                if c.marker != "+":
                    self.pop_to("dash")
                self.body(BULLET, c.text, lines, marker=c.marker)
            else:
                self.body(PARAGRAPH, c.text, lines)


def parse_blocks(text: str, raw: str | None = None, marked: Sequence[LineBlock] | None = None
                 ) -> tuple[Block, ...]:
    """The blocks of a normalised text, in order, ids b1, b2, ...

    `raw` (same lines, before normalisation) lets bold `<b>` table rows be seen as group rows;
    `marked`: the text's line blocks when the caller has them already (parse_document).
    """
    lines = text.split("\n")
    raw_lines = raw.split("\n") if raw is not None else None
    if raw_lines is not None and len(raw_lines) != len(lines):
        log.warning("raw text has %d lines, text %d: ignoring raw", len(raw_lines), len(lines))
        raw_lines = None
    builder = _Builder()
    marked = line_blocks(text) if marked is None else marked
    builder.feed([_classify(u) for u in _units(lines, raw_lines, marked)])
    return tuple(builder.blocks)
