"""The documents a plan says it implements, as structured references.

Plans name their parents in the preamble ("Thực hiện Kế hoạch số 358/KH-UBND ngày
31/12/2025 của Ủy ban nhân dân thành phố Hải Phòng ...", "Căn cứ Nghị quyết số 57-NQ/TW
...") and often again in the purpose / general-objectives part ("1. Mục đích": "tập trung
thực hiện Nghị quyết số 57-NQ/TW ..., Nghị quyết số 71/NQ-CP ..."), so both are read.
The document's own number ("Số: 95/KH-UBND") and citations of itself are left out.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable, Mapping

from align.text.normalize import fold
from align.types import Block, Citation

DEFAULT_KNOWN: Mapping[str, str] = {"57-NQ/TW": "nq57", "03/NQ-CP": "nq03"}

# Longest names first: "kế hoạch hành động" before "kế hoạch".
_TYPES = (
    ("kế hoạch hành động", "KH"), ("chương trình hành động", "CTr"), ("kế hoạch", "KH"),
    ("nghị quyết", "NQ"), ("công văn", "CV"), ("quyết định", "QĐ"), ("đề án", "ĐA"),
    ("chỉ thị", "CT"), ("kết luận", "KL"), ("thông báo", "TB"), ("tờ trình", "TTr"),
    ("nghị định", "NĐ"), ("thông tư", "TT"), ("chương trình", "CTr"), ("hướng dẫn", "HD"),
)
_TOKEN = r"[A-ZĐ][A-Za-zĐđ&]*\d*"
_NUMBER = re.compile(rf"(?<![\w/])(\d{{1,5}}(?:/\d{{4}})?)\s*([-/])\s*({_TOKEN}(?:\s*[-/]\s*{_TOKEN})*)")
_TYPE_BEFORE = re.compile(
    r"(" + "|".join(name for name, _ in _TYPES) + r")\s*(?:số\s*)?:?\s*$")
_DATE = re.compile(
    r"^\s*,?\s*\(?\s*(?:ban hành\s+)?ngày\s+(\d{1,2})\s*(?:/|-|\.|tháng)\s*(\d{1,2})\s*"
    r"(?:/|-|\.|năm)\s*(\d{4})\s*\)?", re.IGNORECASE)
_ISSUER = re.compile(
    r"^\s*\)?\s*,?\s*của\s+(.+?)(?=\s+về\s|\s+thực hiện\s|\s+ban hành\s|\s+tại\s|\s+trên địa bàn|"
    r"\s+năm\s+\d|[;,(]|\.\s|\.$|\s+và\s+(?:kế hoạch|nghị quyết|công văn|quyết định|đề án|chỉ thị)|$)",
    re.IGNORECASE)
_AND = re.compile(r"\s+và\s+(\w)")
_OWN_NUMBER = re.compile(r"^số\s*:?\s*")
_NUMBERED_TITLE = re.compile(r"^(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])\s*[.\-):]\s*")
_SCOPE_HEADINGS = ("mục đích", "mục tiêu chung")
_MAX_ISSUER_WORDS = 14
_MAX_TEXT = 300


def number_key(number: str) -> str:
    """Comparison key of a document number: '12- KH/TU' and '12-KH/TU' are the same."""
    return re.sub(r"\s+", "", number).upper()


def known_from_manifest(manifest: Mapping) -> dict[str, str]:
    """{document number: corpus id} from a corpus manifest's "documents" entries."""
    return {d["number"]: d["id"] for d in manifest.get("documents", ()) if d.get("number")}


def _type(before: str, code: str) -> str:
    m = _TYPE_BEFORE.search(fold(before[-60:]))
    if m:
        return dict(_TYPES)[m.group(1)]
    first = re.split(r"[-/]", code)[0].strip()
    return "TTr" if first.upper() == "TTR" else first


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start))
    right = [i for i in (text.find(". ", end), text.find("; ", end)) if i >= 0]
    sentence = text[left + 2 if left >= 0 else 0:min(right) + 1 if right else len(text)].strip()
    return sentence if len(sentence) <= _MAX_TEXT else sentence[:_MAX_TEXT].rsplit(" ", 1)[0] + " ..."


def find_citations(text: str, known: Mapping[str, str] | None = None) -> list[Citation]:
    """Every numbered document reference in `text`, in order (duplicates kept)."""
    keys = {number_key(n): i for n, i in (DEFAULT_KNOWN if known is None else known).items()}
    out = []
    for m in _NUMBER.finditer(text):
        number = re.sub(r"\s+", "", f"{m.group(1)}{m.group(2)}{m.group(3)}")
        rest = text[m.end():]
        date = None
        d = _DATE.match(rest)
        if d:
            day, month, year = (int(x) for x in d.groups())
            if 1 <= day <= 31 and 1 <= month <= 12:
                date = f"{year:04d}-{month:02d}-{day:02d}"
            rest = rest[d.end():]
        issuer = None
        i = _ISSUER.match(rest)
        if i:
            name = i.group(1)
            cut = next((a.start() for a in _AND.finditer(name) if a.group(1).islower()), None)
            name = name[:cut].strip()  # "UBND thành phố Hải Phòng và các văn bản ..." ends before "và"
            issuer = name if len(name.split()) <= _MAX_ISSUER_WORDS else None
        out.append(Citation(_type(text[:m.start()], m.group(3)), number, date, issuer,
                            _sentence(text, m.start(), m.end()), keys.get(number_key(number))))
    return out


def _in_scope(block: Block) -> bool:
    if block.fields.get("role") == "preamble":
        return not _OWN_NUMBER.match(fold(block.text))
    if not block.heading_path:
        return False
    deepest = _NUMBERED_TITLE.sub("", fold(block.heading_path[-1]), count=1)
    return deepest.startswith(_SCOPE_HEADINGS)


def _own_numbers(blocks: Iterable[Block]) -> set[str]:
    own = set()
    for b in blocks:
        if b.fields.get("role") == "preamble" and fold(b.text).startswith("số"):
            own.update(number_key(c.number) for c in find_citations(b.text, {}))
    return own


def extract_citations(blocks: Iterable[Block], *, known: Mapping[str, str] | None = None,
                      doc_id: str | None = None) -> list[Citation]:
    """The documents cited in a document's preamble and purpose part, one per number.

    `known` maps document numbers to corpus ids (default DEFAULT_KNOWN); a citation of
    `doc_id` itself, or of the number the document carries, is dropped.
    """
    blocks = tuple(blocks)
    own = _own_numbers(blocks)
    merged: dict[str, Citation] = {}
    for block in blocks:
        if not _in_scope(block):
            continue
        for c in find_citations(block.text, known):
            key = number_key(c.number)
            if key in own or (doc_id is not None and c.doc_id == doc_id):
                continue
            first = merged.get(key)
            if first is None:
                merged[key] = c
            elif first.date is None or first.issuer is None:
                merged[key] = replace(first, date=first.date or c.date, issuer=first.issuer or c.issuer)
    return list(merged.values())
