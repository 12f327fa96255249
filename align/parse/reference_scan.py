"""Lines of a reference document -> marked blocks (headings, points, bullets, tables).

Reference documents carry their structure in numbering markers (I-, 1., 1.1., a), -) and
in typography (bold lines, Markdown #). The clause ids reviewers quote are built from those
markers, so each block keeps its marker, its printed token and whether it was typeset as a
heading. Each line is a block (Word exports put one paragraph on a line) except a line that
starts in lower case, which carries on a sentence broken by a page break or a hard wrap.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from align.parse.tables import is_table_line
from align.text.normalize import clean_text, plain_key as bare_key, strip_emphasis
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

_LETTER_START = r"[\"'(]?[^\W\d_]"
_ROMAN = re.compile(rf"^(?P<tok>[IVX]{{1,6}})\s*[.\-:)]\s*(?P<rest>{_LETTER_START}.*)$")
_DOTTED = re.compile(rf"^(?P<tok>\d{{1,2}}(?:\.\d{{1,2}})+)\.?\)?\s+(?P<rest>{_LETTER_START}.*)$")
_ARABIC = re.compile(rf"^(?P<tok>\d{{1,2}})\s*[.)]\s*(?P<rest>{_LETTER_START}.*)$")
_LETTER = re.compile(r"^(?P<tok>[a-zđ])\s*\)\s*(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-+*]\s*(?P<rest>[^\s\-+*].*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD_LINE = re.compile(r"^(\*\*|__).+(\*\*|__)$")
_SIGNATURE = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*[^\W\d_]|(?:T/M|K/T)\s|\[?đã ký\]?$)")
_APPENDIX = re.compile(r"^phụ lục(?:\s+(?:số\s+)?(?P<tok>[ivx]+|\d+))?\b", re.I)
_END_WORDS = ("nơi nhận", "trên đây là")   # recipients list; the closing formula of a plan
_FOOTNOTE = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_TABLE_SEPARATOR = re.compile(r"^:?-{2,}:?$")
_RULE = re.compile(r"^[-*_=\s]*$")
_MARKERS = ((ROMAN, _ROMAN), (DOTTED, _DOTTED), (ARABIC, _ARABIC), (LETTER, _LETTER),
            (BULLET, _BULLET))


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


def _classify(raw: str, number: int) -> Segment:
    """One non-blank, non-table line as a block of its own."""
    stripped = raw.strip()
    styled = bool(_MD_HEADING.match(stripped) or _BOLD_LINE.match(stripped))
    text = strip_emphasis(_MD_HEADING.sub("", stripped)).strip()
    lowered = text.lower()
    if lowered.startswith(_END_WORDS) or _SIGNATURE.match(text):
        return Segment(STOP, text, number, number)
    appendix = _APPENDIX.match(text)
    if appendix and len(text.split()) <= 8:
        return Segment(APPENDIX, text, number, number, token=(appendix.group("tok") or "").upper())
    letters = [ch for ch in text if ch.isalpha()]
    caps = len(letters) >= 4 and all(ch.isupper() for ch in letters)
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            return Segment(kind, match.group("rest").strip(), number, number,
                         token=match.groupdict().get("tok") or "", styled=styled or caps)
    return Segment(PARA, text, number, number, styled=styled or caps)


def _continues(previous: Segment | None, block: Segment) -> bool:
    """Whether a line carries on the previous block: unmarked and starting in lower case
    (a sentence broken by a page break or a hard wrap). Other lines are paragraphs."""
    if previous is None or block.kind != PARA or block.styled:
        return False
    if previous.kind in (TABLE, APPENDIX, STOP) or (previous.styled and previous.kind != BULLET):
        return False
    first = block.text[:1]
    return first.isalpha() and first.islower()


def scan(text: str) -> list[Segment]:
    """The blocks of a normalised document, in order."""
    blocks: list[Segment] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if _RULE.match(raw):
            continue
        if is_table_line(raw):
            last = blocks[-1] if blocks else None
            if last is not None and last.kind == TABLE:
                blocks[-1] = replace(last, last=number, rows=last.rows + ((number, raw),))
            else:
                blocks.append(Segment(TABLE, "", number, number, rows=((number, raw),)))
            continue
        block = _classify(raw, number)
        previous = blocks[-1] if blocks else None
        if previous is not None and _continues(previous, block):
            blocks[-1] = replace(previous, text=f"{previous.text} {block.text}", last=number)
        else:
            blocks.append(block)
    return blocks
