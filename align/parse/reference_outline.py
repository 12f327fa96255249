"""Blocks -> clauses named by their numbering path (I.1, III.2.1, II.3.b).

The body of a reference document is a tree of numbered headings. A heading that holds
other numbered points is a container; one that holds only bullets or paragraphs is an
item whose body blocks are its clauses (counted k = 1, 2, ...), unless it reads as a
sentence (or its kind is listed in `absorb`), in which case it is itself the clause and
its bullets complete it. Preamble, "Nơi nhận" and signatures are not part of the tree.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Collection

from align.parse.reference_scan import (
    BULLET, DOTTED, PARA, POINT_LEVELS, ROMAN, STOP, TABLE, Segment, before_appendix, clean_unit,
    fold, title_like,
)
from align.parse.reference_tables import table_clauses
from align.schemes import heading_table_prefix, loose_table_prefix
from align.types import NUMBER, TARGET, TASK, Clause, ClauseKind

log = logging.getLogger(__name__)

VIEWPOINT = ClauseKind.VIEWPOINT
IMPLEMENTATION = ClauseKind.IMPLEMENTATION
UNMARKED_LEVEL = 5      # a bold or all-caps title without a number nests under what is open

# Section title words -> clause kind; the first match wins, tasks before targets because
# "MỤC TIÊU, NHIỆM VỤ" sections hold tasks.
_SECTION_KINDS = (
    ("tổ chức thực hiện", IMPLEMENTATION), ("kinh phí", IMPLEMENTATION),
    ("nhiệm vụ", TASK), ("giải pháp", TASK),
    ("mục tiêu", TARGET), ("chỉ tiêu", TARGET), ("chỉ số", TARGET),
    ("quan điểm", VIEWPOINT), ("mục đích", VIEWPOINT), ("yêu cầu", VIEWPOINT),
)


def section_kind(title: str) -> str:
    """The kind of the clauses of a top-level section, from its title."""
    folded = fold(title)
    return next((kind for words, kind in _SECTION_KINDS if words in folded), TASK)


@dataclass
class _Node:
    """A heading of the body, with the headings and the body blocks under it."""

    block: Segment
    level: int
    token: str
    children: list[_Node] = field(default_factory=list)
    body: list[Segment] = field(default_factory=list)

    @property
    def title(self) -> str:
        return clean_unit(self.block.text)


def _level(block: Segment) -> int:
    if block.kind in POINT_LEVELS:
        return POINT_LEVELS[block.kind]
    if block.kind == PARA and block.styled and title_like(block.text):
        return UNMARKED_LEVEL
    return 0


def _token(block: Segment, parent: _Node | None) -> str:
    """The path element of a heading: its printed number, relative to a dotted parent."""
    if block.kind == PARA:
        siblings = parent.children if parent else []
        return f"H{sum(1 for c in siblings if c.block.kind == PARA) + 1}"
    if block.kind == DOTTED and parent is not None:
        prefix = parent.block.token + "."
        if block.token.startswith(prefix):
            return block.token[len(prefix):]
    return block.token


def build_tree(blocks: list[Segment], loose: list[tuple[Segment, str]] | None = None) -> list[_Node]:
    """Top-level nodes of the body: from the first section (or point) to the appendices.

    Tables no heading holds (a document that is one table of tasks; a "DANH MỤC ..." table
    after the signature, without a "PHỤ LỤC" mark) go to `loose`, with the title above them.
    """
    body = before_appendix(blocks)
    has_roman = any(b.kind == ROMAN for b in body)
    top: list[_Node] = []
    stack: list[_Node] = []
    started = stopped = False
    title = ""
    for block in body:
        if block.kind == PARA and block.styled:
            title = clean_unit(block.text)
        if block.kind == STOP:
            stopped = True
            continue
        level = _level(block)
        if stopped:      # after "Nơi nhận"/signature only a new part (I.) resumes the body
            if block.kind != ROMAN or block.token != "I":
                _keep_loose(block, title, loose)
                continue
            stopped, stack = False, []
        if not started:
            if level in (0, UNMARKED_LEVEL) or (has_roman and block.kind != ROMAN):
                _keep_loose(block, title, loose)
                continue
            started = True
        if level:
            while stack and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1] if stack else None
            node = _Node(block, level, _token(block, parent))
            (parent.children if parent else top).append(node)
            stack.append(node)
        elif stack:
            stack[-1].body.append(block)
        else:
            _keep_loose(block, title, loose)
    return top


def _keep_loose(block: Segment, title: str, loose: list[tuple[Segment, str]] | None) -> None:
    if loose is not None and block.kind == TABLE:
        loose.append((block, title))


class _Emitter:
    """Walks the tree and collects clauses; `absorb` lists point kinds that never contain."""

    def __init__(self, doc_id: str, absorb: Collection[str]):
        self.doc_id = doc_id
        self.absorb = frozenset(absorb)
        self.clauses: list[Clause] = []

    def add(self, cid: str, text: str, titles: tuple[str, ...], kind: str,
            lines: tuple[int, int], fields: dict[str, str] | None = None) -> None:
        text = clean_unit(text)
        if text:
            self.clauses.append(Clause(self.doc_id, cid, text, titles[-1] if titles else "",
                                       titles, kind, lines, fields or {}))

    def is_item(self, node: _Node) -> bool:
        """Whether a node without sub-points is a heading over its body blocks."""
        block = node.block
        if block.kind in (ROMAN, PARA) or block.styled:
            return True
        return block.kind not in self.absorb and title_like(block.text)

    def walk(self, node: _Node, path: tuple[str, ...], titles: tuple[str, ...], kind: str) -> None:
        path = path + (node.token,)
        cid = ".".join(path)
        kind = kind or section_kind(node.title)
        if node.children:
            inner = titles + (node.title,)
            self.body(node.body, cid, inner, kind, prefix="p")   # an intro before sub-points
            for child in node.children:
                self.walk(child, path, inner, kind)
        elif node.body and self.is_item(node):
            inner = titles + (node.title,)
            texts = [b for b in node.body if b.kind != TABLE]
            if kind == TARGET and len(texts) == 1 and texts[0].kind == PARA and len(path) > 1:
                self.add(cid, texts[0].text, inner, kind, (texts[0].first, texts[0].last))
            else:
                self.body(node.body, cid, inner, kind, prefix="")
        elif node.block.kind not in (ROMAN, PARA) and not node.block.styled:
            self.point(node, cid, titles, kind)

    def body(self, blocks: list[Segment], cid: str, titles: tuple[str, ...], kind: str,
             prefix: str) -> None:
        k = 0
        for block in blocks:
            if block.kind == TABLE:
                self.clauses.extend(table_clauses(block, self.doc_id, heading_table_prefix(cid), titles, kind))
                continue
            k += 1
            self.add(f"{cid}.{prefix}{k}", block.text, titles, kind, (block.first, block.last))

    def point(self, node: _Node, cid: str, titles: tuple[str, ...], kind: str) -> None:
        """A numbered point that is a clause; bullets under it complete its text."""
        parts, last = [node.block.text], node.block.last
        for block in node.body:
            if block.kind == BULLET:
                parts.append(f"- {block.text}")
                last = block.last
            elif block.kind == TABLE:
                self.clauses.extend(table_clauses(block, self.doc_id, heading_table_prefix(cid), titles, kind))
            else:
                log.debug("%s: paragraph after point %s left out (line %d)",
                          self.doc_id, cid, block.first)
        self.add(cid, " ".join(parts), titles, kind, (node.block.first, last),
                 {NUMBER: node.block.token})


def unique_ids(clauses: list[Clause], doc_id: str) -> list[Clause]:
    """Suffix repeated ids (-2, -3) so ids stay keys; a document restarting its numbering
    is the usual cause."""
    used = {c.id for c in clauses}
    seen: set[str] = set()
    out = []
    for clause in clauses:
        if clause.id in seen:
            n = 2
            while f"{clause.id}-{n}" in used:
                n += 1
            log.warning("%s: clause id %s repeats (line %d)", doc_id, clause.id, clause.lines[0])
            clause = replace(clause, id=f"{clause.id}-{n}")
            used.add(clause.id)
        seen.add(clause.id)
        out.append(clause)
    return out


def outline_clauses(blocks: list[Segment], doc_id: str, absorb: Collection[str] = (),
                    loose_tables: bool = False) -> list[Clause]:
    """The clauses of the body of a document, in order, ids from the numbering path.

    With `loose_tables`, the rows of tables outside the outline are clauses too: ids the
    rows' own numbers when the document is that one table ("1", "2"), else "T<k>.<row>".
    """
    emitter = _Emitter(doc_id, absorb)
    loose: list[tuple[Segment, str]] = []
    for node in build_tree(blocks, loose):
        emitter.walk(node, (), (), "")
    if not loose_tables or not loose:
        return emitter.clauses
    alone = not emitter.clauses and len(loose) == 1
    rows = [clause for k, (table, title) in enumerate(loose, start=1)
            for clause in table_clauses(table, doc_id, loose_table_prefix(k, alone), (title,) if title else ())]
    return sorted(emitter.clauses + rows, key=lambda c: c.lines[0])
