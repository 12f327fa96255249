"""Word automatic list numbers ("I.", "1.2.", "a)", bullets) rendered as text.

Word keeps these labels out of the paragraph text (they live in numbering.xml),
but the plans' structure is in them: the parser finds headings and bullets by
their "I." / "1." / "a)" / "- " prefixes. We count as Word does and put the
label before the paragraph, followed by a space (never a tab: tabs mean cells).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa..."""
    if n < 1:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _int(value: str | None, default: int) -> int:
    """A number attribute of numbering.xml; malformed ones fall back to the default."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def format_number(n: int, fmt: str) -> str:
    """One counter in a Word number format (unknown formats fall back to decimal)."""
    if not 0 < n < 4000:
        return str(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


class Numbering:
    """Counters for one document; `label(p)` advances them as Word does, in order."""

    def __init__(self, document: Any):
        from docx.oxml.ns import qn

        self._qn = qn
        self._styles = {
            style.get(qn("w:styleId")): style for style in document.styles.element.iterchildren(qn("w:style"))
        }
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        element = self._numbering_element(document)
        if element is None:
            return
        for abstract in element.iterchildren(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = _Level(
                    start=_int(self._val(lvl, "w:start"), 1),
                    fmt=self._val(lvl, "w:numFmt") or "decimal",
                    text=self._val(lvl, "w:lvlText") or "",
                )
            self._abstract[abstract.get(qn("w:abstractNumId"))] = levels
        for num in element.iterchildren(qn("w:num")):
            overrides = {}
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = self._val(override, "w:startOverride")
                if start is not None:
                    overrides[_int(override.get(qn("w:ilvl")), 0)] = _int(start, 1)
            self._nums[num.get(qn("w:numId"))] = (self._val(num, "w:abstractNumId") or "", overrides)

    @staticmethod
    def _numbering_element(document: Any) -> Any:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        for rel in document.part.rels.values():
            if rel.reltype == RT.NUMBERING and not rel.is_external:
                return rel.target_part.element
        return None

    def _val(self, element: Any, tag: str) -> str | None:
        child = element.find(self._qn(tag))
        return None if child is None else child.get(self._qn("w:val"))

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        """(numId, level) from the paragraph, else from its style chain."""
        qn = self._qn
        ppr = paragraph.find(qn("w:pPr"))
        num_id = level = None
        style_id = None
        if ppr is not None:
            numpr = ppr.find(qn("w:numPr"))
            if numpr is not None:
                num_id, level = self._val(numpr, "w:numId"), self._val(numpr, "w:ilvl")
            style_id = self._val(ppr, "w:pStyle")
        for _ in range(10):  # follow basedOn, bounded against cycles
            if num_id is not None or style_id is None:
                break
            style = self._styles.get(style_id)
            if style is None:
                break
            spr = style.find(qn("w:pPr"))
            numpr = None if spr is None else spr.find(qn("w:numPr"))
            if numpr is not None:
                num_id = self._val(numpr, "w:numId")
                level = level or self._val(numpr, "w:ilvl")
            style_id = self._val(style, "w:basedOn")
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return None
        return num_id, _int(level, 0)

    def label(self, paragraph: Any) -> str:
        """The list label of a w:p element ("" when it is not in a list)."""
        found = self._num_pr(paragraph)
        if found is None:
            return ""
        num_id, level = found
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abstract_id, {})
        if level not in levels:
            return ""
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if levels[level].fmt == "bullet":
            return "-"
        text = levels[level].text
        for lvl in range(8, -1, -1):
            placeholder = f"%{lvl + 1}"
            if placeholder in text:
                info = levels.get(lvl, _Level(1, "decimal", ""))
                text = text.replace(placeholder, format_number(counters.get(lvl, info.start), info.fmt))
        return text.strip()
