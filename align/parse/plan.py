"""Commune plan blocks -> Tasks: the tasks and targets a reviewer checks against NQ 57.

Which blocks count, by the section (roman heading) they sit in:
- tasks / solutions sections ("NHIỆM VỤ", "GIẢI PHÁP", "NỘI DUNG"): every bullet, paragraph
  and numbered point is a task, section "body";
- "TỔ CHỨC THỰC HIỆN": every assignment is a task, section "implementation", with
  fields[LEAD] = the office it names at its start ("Phòng Văn hóa - Xã hội là ...") or
  else the office heading it sits under ("4. Văn phòng HĐND và UBND xã");
- "MỤC TIÊU" / "CHỈ TIÊU" (except "Mục tiêu chung"): section "targets"; kind "target" when
  the item states a figure ("Tối thiểu 93% ...", "ít nhất 01 mô hình"), else "task";
- appendix tables: each numbered row and each unnumbered sub-row is a task (section
  "appendix"), rows of targets tables are targets (section "targets");
- skipped: preamble, "Mục đích, yêu cầu", "Kinh phí", "Nơi nhận", signatures, pointers to
  the appendix ("Chi tiết tại Phụ lục ..."), closing sentences ("Trên đây là ...", "... ./.").

Task ids, unique and stable for a given text:
- numbered points: their numbering path, "III.1.2" (roman section + printed number);
- bullets / unnumbered paragraphs: heading path + "b<k>" / "p<k>" (k-th body block under
  that heading): "IV.3.b2", "I.2.c.1.d1.b3" ("d<k>": k-th "- Về ..." sub-heading);
- appendix rows: "PL<appendix>.<row>", sub-rows "PL1.12.a"; rows of tables outside an
  appendix: heading path + ".r<row>". A repeated id gets "-2", "-3".
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping

from align.schemes import appendix_prefix
from align.text.normalize import fold
from align.types import BULLET, HEADING, LEAD, NUMBER, PARAGRAPH, ROW, TARGET, TASK, VALUE, Block, Task

BODY, IMPLEMENTATION, APPENDIX, TARGETS = "body", "implementation", "appendix", "targets"
OBJECTIVES = "objectives"
_SKIPPED = ("purpose", "funding")

_TARGET_VALUE = re.compile(
    r"(?:(?:tối thiểu|ít nhất|tối đa|trên|dưới|đạt|khoảng)\s+)?(?:[≥≤><]=?\s*)?\d+(?:[.,]\d+)?\s*%"
    r"|(?:tối thiểu|ít nhất|tối đa)\s+\d+(?:[.,]\d+)?(?=\s+\w)", re.IGNORECASE)
_POINTER = re.compile(r"^\(?\s*(?:biểu\s+)?chi tiết\b.*(?:phụ lục|gửi kèm|kèm theo)")
_REPLACES = re.compile(r"^kế hoạch(?: này)? thay thế\b")
_SKIP_HEADINGS = ("mục tiêu chung", "mục đích", "yêu cầu")
_ROW_INTERNAL = ("key", "table", "table_kind", "row_kind", "parent_key", "role")
# Words an office name starts with; the second group needs a capitalised next word
# ("Hội Nông dân" is an office, "Hội nghị" is not).
_OFFICE_ANY = ("Các", "UBND", "Ủy ban", "Mặt trận", "Thủ trưởng", "Cơ quan", "Công an",
               "Đảng ủy", "Trường")
_OFFICE_NAMED = ("Phòng", "Văn phòng", "Trung tâm", "Trạm", "Ban", "Hội", "Đoàn", "Sở", "Bộ")
_OFFICE_END = re.compile(
    r"\s(?:là|chủ trì|chủ động|có trách nhiệm|chịu trách nhiệm|căn cứ|phát huy|phối hợp|"
    r"thực hiện|tổ chức|triển khai|tham mưu|tuyên truyền|vận động|hướng dẫn|theo dõi|xây dựng|"
    r"đẩy mạnh|tăng cường|rà soát|ứng dụng|báo cáo|nghiên cứu)\b|:")
_OFFICE_PREFIX = re.compile(r"^(?:Đề nghị|Giao)\s+")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_MAX_OFFICE_WORDS = 25


def section_role(title: str) -> str:
    """implementation | funding | purpose | objectives | body, from a section heading's title."""
    t = fold(title)
    if "tổ chức thực hiện" in t:
        return IMPLEMENTATION
    if "kinh phí" in t:
        return "funding"
    if "mục đích" in t or ("yêu cầu" in t and "nhiệm vụ" not in t):
        return "purpose"
    if any(w in t for w in ("nhiệm vụ", "giải pháp", "nội dung")):
        return BODY
    if "mục tiêu" in t or "chỉ tiêu" in t:
        return OBJECTIVES
    return BODY


def target_value(text: str) -> str | None:
    """The figure a target states ("Tối thiểu 93%", "ít nhất 01"), or None."""
    m = _TARGET_VALUE.search(text)
    return m.group(0).strip() if m else None


def office_of_heading(title: str) -> str:
    """Title of an office heading -> the office: 'Giao Phòng Văn hóa Xã hội' -> 'Phòng Văn hóa Xã hội'."""
    return _OFFICE_PREFIX.sub("", _TRAILING_PAREN.sub("", title)).strip(" :.")


def office_in_text(text: str) -> str | None:
    """The office an assignment opens with ('Phòng Kinh tế chủ trì ...'), or None."""
    body = _OFFICE_PREFIX.sub("", text)
    starts = any(body.startswith(w + " ") for w in _OFFICE_ANY) or any(
        body.startswith(w + " ") and body[len(w) + 1:][:1].isupper() for w in _OFFICE_NAMED)
    m = _OFFICE_END.search(body) if starts else None
    if not m or m.start() == 0:
        return None
    lead = body[:m.start()].strip(" ,;")
    return lead if len(lead.split()) <= _MAX_OFFICE_WORDS else None


def _skip_text(block: Block) -> bool:
    """Closing sentences, appendix pointers, "this plan replaces ...", list introductions."""
    text = block.text.strip()
    folded = fold(text)
    return (not text or text.endswith("/.") or folded.startswith("trên đây là")
            or bool(_POINTER.match(folded)) or bool(_REPLACES.match(folded))
            or (block.kind == PARAGRAPH and NUMBER not in block.fields and text.endswith(":")))


def _number_seg(printed: str) -> str:
    """'II.' -> 'II', '1.1.' -> '1.1', 'a)' -> 'a', '(1)' -> '1', 'Điều 2.' -> 'D2'."""
    s = printed.strip().rstrip(".-:)").lstrip("(")
    return "D" + s.split()[-1] if s.lower().startswith("điều") else s


def _extend(path: list[str], seg: str) -> list[str]:
    """Append a segment; '1.2' under '1' replaces it (the printed number carries the parent)."""
    if path and seg.startswith(path[-1] + "."):
        return path[:-1] + [seg]
    return path + [seg]


def _title(block: Block) -> str:
    return block.fields.get("title") or block.text


class _Ids:
    """Heading chains of blocks and readable, unique task ids."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.by_id = {b.id: b for b in blocks}
        self.ordinal: dict[str, int] = {}
        self.seen: set[str] = set()
        self.rows: dict[tuple[str, str], str] = {}  # (table, row key) -> task id
        counters: dict[tuple[str | None, str], int] = {}
        for b in blocks:
            tag = self._counted_as(b)
            if tag:
                counters[(b.parent, tag)] = counters.get((b.parent, tag), 0) + 1
                self.ordinal[b.id] = counters[(b.parent, tag)]

    @staticmethod
    def _counted_as(b: Block) -> str | None:
        """Unnumbered blocks are named by their rank among siblings of the same sort."""
        if b.kind == HEADING:
            if b.fields.get(NUMBER, "").strip("-"):
                return None
            return "d" if b.fields.get("style") == "dash" else "h"
        return "body" if b.kind in (BULLET, PARAGRAPH) and NUMBER not in b.fields else None

    def chain(self, block: Block) -> list[Block]:
        """The headings above a block, outermost first."""
        out, pid = [], block.parent
        while pid is not None:
            out.append(self.by_id[pid])
            pid = out[-1].parent
        return out[::-1]

    def seg(self, b: Block) -> str:
        number = b.fields.get(NUMBER, "")
        if number.strip("-"):
            return _number_seg(number)
        if b.kind == HEADING:
            return f"{'d' if b.fields.get('style') == 'dash' else 'h'}{self.ordinal[b.id]}"
        return f"{'b' if b.kind == BULLET else 'p'}{self.ordinal[b.id]}"

    def path(self, chain: list[Block]) -> list[str]:
        path: list[str] = []
        for h in chain:
            if h.fields.get("role") == "section":
                path = _extend(path, self.seg(h))
        return path

    def unique(self, base: str) -> str:
        uid, n = base, 1
        while uid in self.seen:
            n += 1
            uid = f"{base}-{n}"
        self.seen.add(uid)
        return uid


def _row_task(block: Block, chain: list[Block], ids: _Ids, doc_id: str) -> Task | None:
    appendix = next((h.fields["appendix"] for h in chain if "appendix" in h.fields), None)
    sections = [h for h in chain if h.fields.get("role") == "section"]
    role = section_role(_title(sections[0])) if sections else None
    targets = block.fields.get("table_kind") == TARGETS
    if appendix:
        prefix, section = appendix_prefix(appendix), APPENDIX
    elif role and role not in _SKIPPED:  # a table inside a section: ids "II.1.r3"
        prefix, section = ".".join(ids.path(chain) + ["r"]), TARGETS if role == OBJECTIVES else role
    else:
        return None
    table, key = block.fields.get("table", ""), block.fields.get("key", "")
    uid = ids.rows[(table, key)] = ids.unique(prefix + key)
    parent = ids.rows.get((table, block.fields.get("parent_key", "")))
    fields = {k: v for k, v in block.fields.items() if k not in _ROW_INTERNAL and v}
    return Task(doc_id, uid, block.text, TARGET if targets else TASK, block.heading_path,
                TARGETS if targets else section, block.lines, fields, parent)


def _body_task(block: Block, chain: list[Block], role: str, ids: _Ids, doc_id: str) -> Task:
    sections = [h for h in chain if h.fields.get("role") == "section"]
    fields: dict[str, str] = {}
    if NUMBER in block.fields:
        fields[NUMBER] = block.fields[NUMBER]
    kind, section = TASK, role
    if role == OBJECTIVES:
        section, value = TARGETS, target_value(block.text)
        if value:
            kind, fields[VALUE] = TARGET, value
    elif role == IMPLEMENTATION:
        lead = office_in_text(block.text) or (
            office_of_heading(_title(sections[1])) if len(sections) > 1 else None)
        if lead:
            fields[LEAD] = lead
    uid = ids.unique(".".join(_extend(ids.path(chain), ids.seg(block))))
    return Task(doc_id, uid, block.text, kind, block.heading_path, section, block.lines, fields)


def extract_tasks(blocks: Iterable[Block], doc_id: str) -> list[Task]:
    """The tasks and targets of a commune plan's blocks (align.parse.structure), in order."""
    blocks = tuple(blocks)
    ids = _Ids(blocks)
    tasks: list[Task] = []
    for b in blocks:
        if b.kind == HEADING or b.fields.get("role") in ("preamble", "signature"):
            continue
        chain = ids.chain(b)
        roles = {h.fields.get("role") for h in chain}
        if "recipients" in roles:
            continue
        if b.kind == ROW:
            task = _row_task(b, chain, ids, doc_id)
            if task is not None:
                tasks.append(task)
            continue
        sections = [h for h in chain if h.fields.get("role") == "section"]
        if "appendix" in roles or not sections or _skip_text(b):
            continue
        role = section_role(_title(sections[0]))
        if role in _SKIPPED or any(fold(_title(h)).startswith(_SKIP_HEADINGS) for h in sections[1:]):
            continue
        tasks.append(_body_task(b, chain, role, ids, doc_id))
    return tasks


def count_by_section(tasks: Iterable[Task]) -> Mapping[str, int]:
    """{section: n}, e.g. for Document.meta and reports."""
    out: dict[str, int] = {}
    for t in tasks:
        out[t.section] = out.get(t.section, 0) + 1
    return out
