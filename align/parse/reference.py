"""Clauses of the reference documents commune plans implement.

Three layouts, told apart by their structure (never by file name): "nq57" (a Party resolution),
"nq03" (a Government resolution carrying an action programme with appendix tables) and
"generic" (any other document: a province's plan, an outline, a table of tasks). How each names
its clauses and groups them into items is in align/schemes.py; this module measures the layout
of a scanned text and emits the clauses in document order.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Sequence

from align.parse.reference_outline import outline_clauses, unique_ids
from align.parse.lines import LineBlock
from align.parse.reference_scan import (
    LETTER, ROMAN, TABLE, Segment, before_appendix, fold, scan, segments,
)
from align.parse.reference_tables import appendix_clauses, table_roles
from align.schemes import GENERIC, NQ03, NQ57, programme_task_id, scheme
from align.types import LEAD, TASK, Clause

log = logging.getLogger(__name__)

__all__ = ["GENERIC", "NQ03", "NQ57", "detect_reference_scheme", "parse_reference"]

_LETTER_ID = re.compile(r"\.[a-zđ]$")


def _scheme(blocks: list[Segment]) -> str:
    """The scheme (align.schemes.scheme) of the layout the blocks show."""
    body = before_appendix(blocks)
    titles = [fold(b.text) for b in body if b.kind == ROMAN]
    tables = [b for b in blocks if b.kind == TABLE]
    return scheme(programme=any(fold(b.text).startswith("chương trình hành động") for b in body if b.styled),
                  tasks_section=any("nhiệm vụ" in t or "giải pháp" in t for t in titles),
                  task_table=any(LEAD in table_roles(b) for b in tables),
                  lettered=any(b.kind == LETTER for b in body), tables=bool(tables),
                  viewpoints=any("quan điểm" in t for t in titles))


def detect_reference_scheme(text: str) -> str:
    """The layout of a (normalised) text: NQ57, NQ03 or GENERIC ("nq57", "nq03", "generic")."""
    return _scheme(scan(text))


def _nq03(blocks: list[Segment], doc_id: str) -> list[Clause]:
    """Lettered tasks of the programme's tasks section, then the appendix rows."""
    lettered = [
        replace(c, id=programme_task_id(c.id))
        for c in outline_clauses(blocks, doc_id, absorb=(LETTER,))
        if c.kind == TASK and _LETTER_ID.search(c.id)
    ]
    return lettered + appendix_clauses(blocks, doc_id)


def parse_reference(text: str, doc_id: str, lines: Sequence[LineBlock] | None = None) -> list[Clause]:
    """The clauses of a reference document, in document order, with unique ids. `lines`: the
    text's line blocks when the caller has them already (parse_document reads them once)."""
    blocks = scan(text) if lines is None else segments(lines)
    scheme = _scheme(blocks)
    if scheme == NQ57:
        clauses = outline_clauses(blocks, doc_id)
    elif scheme == NQ03:
        clauses = _nq03(blocks, doc_id)
    else:
        clauses = outline_clauses(blocks, doc_id, loose_tables=True) + appendix_clauses(blocks, doc_id)
    log.debug("%s: %d clauses (%s layout)", doc_id, len(clauses), scheme)
    return unique_ids(clauses, doc_id)
