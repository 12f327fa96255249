"""Lines of a reference document -> marked blocks (headings, points, bullets, tables).

Reference documents carry their structure in numbering markers (I-, 1., 1.1., a), -) and
in typography (bold lines, Markdown #). The clause ids reviewers quote are built from those
markers, so each block keeps its marker, its printed token and whether it was typeset as a
heading. The blocks are the line blocks plans are read from too (align/parse/lines.py: one
paragraph a line, page-broken sentences joined, table runs); this module reads their markers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from align.parse.lines import (
    LineBlock, Marker, appendix_mark, bold_text, is_caps, is_stop, line_blocks, md_heading, plain,
)
from align.text.normalize import clean_text, plain_key as bare_key
from align.types import BlockKind

# Segment kinds (align.types.BlockKind, the structural parser's vocabulary too).
ROMAN = BlockKind.ROMAN        # I- QUAN ĐIỂM, ## II. NHIỆM VỤ
ARABIC = BlockKind.ARABIC      # 1. ..., 1) ...
DOTTED = BlockKind.DOTTED      # 1.1. ...
LETTER = BlockKind.LETTER      # a) ..., đ) ...
BULLET = BlockKind.BULLET      # - ...
PARA = BlockKind.PARAGRAPH     # unmarked text (a heading when `styled` and short)
TABLE = BlockKind.TABLE        # consecutive pipe or tab rows
APPENDIX = BlockKind.APPENDIX  # PHỤ LỤC I
STOP = BlockKind.STOP          # closing formula, Nơi nhận, signature: the body is over

POINT_LEVELS = {ROMAN: 1, ARABIC: 2, DOTTED: 3, LETTER: 4}
_KINDS = {"roman": ROMAN, "letter": LETTER, "bullet": BULLET}

_FOOTNOTE = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_TABLE_SEPARATOR = re.compile(r"^:?-{2,}:?$")


@dataclass(frozen=True)
class Segment:
    """A heading, point, bullet, paragraph, table, appendix mark or stop, with its lines."""

    kind: str
    text: str                 # the text after the marker (emphasis removed), lines joined
    first: int                # 1-based source lines, inclusive
    last: int
    token: str = ""           # printed marker: "III", "2", "1.3", "đ"; appendix numeral
    styled: bool = False      # bold line, Markdown heading or all-caps line
    rows: tuple[tuple[int, str], ...] = ()   # TABLE: (line number, raw row)


def clean_unit(text: str) -> str:
    """The text of a clause or cell: clean, on one line, without footnote markers."""
    return clean_text(_FOOTNOTE.sub("", text))


def fold(text: str) -> str:
    """Lower-cased clean text, for matching titles and header words."""
    return clean_unit(text).lower()


def plain_key(text: str) -> str:
    """align.text.normalize.plain_key of the text without footnote markers."""
    return bare_key(_FOOTNOTE.sub("", text))


def title_like(text: str) -> bool:
    """A short line that does not end a sentence reads as a title, not a clause; a colon
    ends a title ("Về hạ tầng:") but a longer line ending in one announces its bullets."""
    stripped = text.rstrip()
    words = len(stripped.split())
    if stripped.endswith((".", ";")) or (stripped.endswith(":") and words > 5):
        return False
    return words <= 15


def is_separator_row(cells: list[str]) -> bool:
    return all(not c or _TABLE_SEPARATOR.match(c.replace(" ", "")) for c in cells)


def before_appendix(segments: list[Segment]) -> list[Segment]:
    """The segments of the body: everything before the first "PHỤ LỤC" mark."""
    end = next((i for i, s in enumerate(segments) if s.kind == APPENDIX), len(segments))
    return segments[:end]


def _classify(block: LineBlock) -> Segment:
    """The first line of a line block, read as a block of its own."""
    stripped, number = block.lines[0], block.first
    styled = md_heading(stripped) is not None or bold_text(stripped) is not None
    text = plain(stripped)
    if is_stop(text):
        return Segment(STOP, text, number, number)
    appendix = appendix_mark(text)
    if appendix:
        return Segment(APPENDIX, text, number, number, token=(appendix.group("tok") or "").upper())
    caps = is_caps(text)
    marker = block.marker
    kind = _kind(marker) if marker else PARA
    if kind == PARA:
        return Segment(PARA, text, number, number, styled=styled or caps)
    token = "" if kind == BULLET else marker.number
    return Segment(kind, marker.rest, number, number, token=token, styled=styled or caps)


def _kind(marker: Marker) -> str:
    """A reference reads roman, arabic (dotted when it has parts), lettered points and
    bullets; "(1)" and "Điều 2." marks are text of the paragraph."""
    if marker.style == "arabic":
        return DOTTED if marker.depth > 1 else ARABIC
    return _KINDS.get(marker.style, PARA)


def _segment(block: LineBlock) -> Segment:
    """A line block as a segment; continuation lines (align.parse.lines) extend its text."""
    if block.table:
        return Segment(TABLE, "", block.first, block.last, rows=block.rows)
    segment = _classify(block)
    rest = [plain(line) for line in block.lines[1:]]
    return replace(segment, text=" ".join([segment.text, *rest]), last=block.last) if rest else segment


def segments(blocks: Iterable[LineBlock]) -> list[Segment]:
    """The segments of a document's line blocks, in order (horizontal rules left out)."""
    return [_segment(block) for block in blocks if not block.rule]


def scan(text: str) -> list[Segment]:
    """The segments of a normalised document, in order."""
    return segments(line_blocks(text))
