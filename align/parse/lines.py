"""Lines of a normalised text -> line blocks: the one pass both structural readers start from.

Plans (align/parse/structure.py) and references (align/parse/reference_scan.py) read the same
Word exports, where one paragraph is one line, except that a page break or a hard wrap cuts a
sentence in two. This module decides, once for both, which lines make one block: a run of
table lines (blank lines between them included), or a line with the lines that carry it on.

A line carries on the block above it only when both readings agree it is a broken sentence:
the block so far does not end a sentence, a title (":"), a heading (Markdown #, a bold line, an
all-caps line other than a bullet), an appendix mark or a closing formula; and the line starts
in lower case with no marker (no bullet, no "a)", no "phụ lục ...", "nơi nhận", "trên đây là").
Horizontal rules ("---", "***") are blocks of their own, flagged `rule`, never continued.

Numbering marks are read by one grammar too (`read_marker`): roman "III." / "I-" / "I)",
"Điều 2.", arabic "1." / "1)" / "1.2." / "1.2 ", lettered "a)", "(1)", and bullets "- " (or
"-Text" typed without a space). Plans make headings of them by their style; references
build clause ids from them (align/parse/reference_scan.py maps styles to block kinds).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from align.parse.tables import is_table_line
from align.text.normalize import strip_emphasis

END_PUNCT = ".;!?"
END_WORDS = ("nơi nhận", "trên đây là")   # recipients list; the closing formula of a plan
SIGNATURE = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*[^\W\d_]|(?:T/M|K/T)\s|\[?đã ký\]?$)")
APPENDIX_MARK = re.compile(r"^phụ lục(?:\s+(?:số\s+)?(?P<tok>[ivx]+|\d+))?\b", re.I)
APPENDIX_MAX_WORDS = 8
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BOLD_LINE = re.compile(r"^(?:\*{2,3}|__)([^*].*?)(?:\*{2,3}|__)$")
_RULE = re.compile(r"^[-*_=\s]*$")
# Numbering marks, one grammar for plans and references: (style, pattern with groups
# 1 = the mark as printed, 2 = its number, 3 = the text after it). Tried in order.
_MARKS = (
    ("roman", re.compile(r"^(([IVXLC]+)\s*[.\-:)])\s*(?=\S)(.*)$")),
    ("article", re.compile(r"^((Điều\s+\d+)\.?)\s*(.*)$")),
    ("arabic", re.compile(r"^((\d{1,2}(?:\.\d{1,2})*)[.)])(?!\d)\s*(?=\S)(.*)$")),
    ("arabic", re.compile(r"^((\d{1,2}(?:\.\d{1,2})+))\s+(\S.*)$")),
    ("letter", re.compile(r"^(([a-zđ])\))\s*(?=\S)(.*)$")),
    ("paren", re.compile(r"^(\((\d{1,2}|[a-zđ])\))\s*(?=\S)(.*)$")),
    ("bullet", re.compile(r"^(([-+*]))\s+(\S.*)$")),
    ("bullet", re.compile(r"^(([-+]))(?=[^\W\d_])(.*)$")),        # "-Tăng cường": no space typed
)


@dataclass(frozen=True)
class Marker:
    """The mark a line opens with: "III.", "1.2.", "a)", "(1)", "Điều 2.", "-"."""

    style: str        # roman | article | arabic | letter | paren | bullet
    number: str       # "III", "1.2", "a", "1", "Điều 2", "-"
    printed: str      # the mark as printed, punctuation included
    rest: str         # the text after it

    @property
    def depth(self) -> int:
        """Parts of an arabic number ("1.2.3" -> 3); 1 for the other styles."""
        return self.number.count(".") + 1 if self.style == "arabic" else 1


def read_marker(text: str) -> Marker | None:
    """The numbering mark or bullet a (stripped) line opens with, or None."""
    for style, pattern in _MARKS:
        match = pattern.match(text)
        if match:
            return Marker(style, match.group(2), match.group(1).strip(), match.group(3).strip())
    return None


@dataclass(frozen=True)
class LineBlock:
    """A line with its continuations, a run of table lines, or a horizontal rule."""

    first: int                                 # 1-based source lines, inclusive
    last: int
    lines: tuple[str, ...] = ()                # stripped text lines: the first, then its continuations
    rows: tuple[tuple[int, str], ...] = ()     # table: (line number, line as printed), blanks left out
    rule: bool = False

    @property
    def table(self) -> bool:
        return bool(self.rows)

    @property
    def text(self) -> str:
        """The text lines joined by spaces (Markdown marks kept)."""
        return " ".join(self.lines)

    @property
    def marker(self) -> Marker | None:
        """The mark the first line opens with, once its Markdown heading mark and emphasis are off."""
        return read_marker(plain(self.lines[0])) if self.lines else None


def bold_text(line: str) -> str | None:
    """The text of a line typeset wholly in bold ("**...**", "__...__"), else None (also for a
    line with several bold runs, "**a** và **b**")."""
    match = _BOLD_LINE.match(line)
    return match.group(1) if match and "**" not in match.group(1) else None


def ends_sentence(text: str) -> bool:
    return text.rstrip(" *_\"')").endswith(tuple(END_PUNCT))


def md_heading(line: str) -> tuple[int, str] | None:
    """(depth, text) of a stripped Markdown heading line ("## II. NHIỆM VỤ" -> (2, "II. NHIỆM VỤ"))."""
    match = _MD_HEADING.match(line)
    return (len(match.group(1)), match.group(2)) if match else None


def plain(line: str) -> str:
    """A stripped line without its Markdown heading mark and emphasis."""
    line = line.strip()
    heading = md_heading(line)
    return strip_emphasis(heading[1] if heading else line).strip()


def is_caps(text: str) -> bool:
    """An all-caps line (at least four letters): typeset as a heading."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def is_stop(text: str) -> bool:
    """"Nơi nhận", the closing formula or a signature line: the body of the document is over."""
    return text.lower().startswith(END_WORDS) or bool(SIGNATURE.match(text))


def appendix_mark(text: str) -> re.Match | None:
    """A short "PHỤ LỤC II ..." line (its numeral in group "tok"), else None."""
    match = APPENDIX_MARK.match(text)
    return match if match and len(text.split()) <= APPENDIX_MAX_WORDS else None


def _is_mark(text: str) -> bool:
    return is_stop(text) or appendix_mark(text) is not None


def _open(block: list[str]) -> bool:
    """Whether a block of text lines may go on: not a sentence, title, heading or mark."""
    first, joined = block[0], " ".join(block)
    if _RULE.match(first) or first.startswith("#") or bold_text(first) is not None or bold_text(joined) is not None:
        return False
    if ends_sentence(joined) or joined.endswith(":"):
        return False
    head = plain(first)
    marker = read_marker(head)
    return not _is_mark(head) and (not is_caps(head) or (marker is not None and marker.style == "bullet"))


def _continuation(line: str) -> bool:
    """Whether a line reads as the rest of a sentence: lower-case start, no marker."""
    s = line.strip()
    if not s or is_table_line(line) or not (s[0].isalpha() and s[0].islower()):
        return False
    return read_marker(s) is None and not _is_mark(plain(s))


def _next_filled(lines: list[str], k: int) -> int:
    while k < len(lines) and not lines[k].strip():
        k += 1
    return k


def _table_run(lines: list[str], i: int) -> LineBlock:
    rows, j = [(i + 1, lines[i])], i
    k = _next_filled(lines, i + 1)
    while k < len(lines) and is_table_line(lines[k]):
        rows.append((k + 1, lines[k]))
        j, k = k, _next_filled(lines, k + 1)
    return LineBlock(i + 1, j + 1, rows=tuple(rows))


def _text_run(lines: list[str], i: int) -> LineBlock:
    block, j = [lines[i].strip()], i
    while _open(block):
        k = _next_filled(lines, j + 1)
        if k >= len(lines) or not _continuation(lines[k]):
            break
        block.append(lines[k].strip())
        j = k
    return LineBlock(i + 1, j + 1, tuple(block), rule=bool(_RULE.match(block[0])))


def line_blocks(text: str) -> list[LineBlock]:
    """The line blocks of a normalised text, in order; blank lines belong to none."""
    lines = text.split("\n")
    out: list[LineBlock] = []
    i = _next_filled(lines, 0)
    while i < len(lines):
        block = _table_run(lines, i) if is_table_line(lines[i]) else _text_run(lines, i)
        out.append(block)
        i = _next_filled(lines, block.last)
    return out
