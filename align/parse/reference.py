"""Clauses of the reference documents commune plans implement.

Three layouts, told apart by their structure (never by file name):
- "nq57": a Party resolution: I viewpoints, II targets, III tasks and solutions, IV
  implementation; ids I.1, II.1.3, II.2, III.<item>.<k>, IV.1 (corpus README).
- "nq03": a Government resolution carrying an action programme whose tasks section lists
  lettered tasks under numbered items, with appendix tables of targets and tasks; ids
  P.II.<item>.<letter>, PL1.<row>, PL2.<n>.
- "generic": any other document (a province's plan, an outline, a table of tasks): body
  blocks under numbered headings, ids from the numbering path (II.3.b, II.1.2); rows of a
  table under a heading <path>.t<row>, of an appendix PL<n>.<row>, of a table outside the
  outline T<k>.<row> (or just <row> when the document is that table). <row> is the row's
  own number, else its position; a header row is never a clause.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace

from align.parse.reference_outline import outline_clauses, unique_ids
from align.parse.reference_scan import (
    LETTER, ROMAN, TABLE, Segment, before_appendix, fold, scan,
)
from align.parse.reference_tables import appendix_clauses, table_roles
from align.types import LEAD, TASK, Clause

log = logging.getLogger(__name__)

NQ57 = "nq57"
NQ03 = "nq03"
GENERIC = "generic"

_LETTER_ID = re.compile(r"\.[a-zđ]$")


def _scheme(blocks: list[Segment]) -> str:
    """nq03: a "Chương trình hành động" heading, a tasks section with lettered tasks and an
    appendix table with a lead-agency column; nq57: viewpoint and task sections, no table."""
    body = before_appendix(blocks)
    titles = [fold(b.text) for b in body if b.kind == ROMAN]
    tasks_section = any("nhiệm vụ" in t or "giải pháp" in t for t in titles)
    tables = [b for b in blocks if b.kind == TABLE]
    programme = any(fold(b.text).startswith("chương trình hành động") for b in body if b.styled)
    task_table = any(LEAD in table_roles(b) for b in tables)
    if programme and tasks_section and task_table and any(b.kind == LETTER for b in body):
        return NQ03
    if not tables and tasks_section and any("quan điểm" in t for t in titles):
        return NQ57
    return GENERIC


def detect_reference_scheme(text: str) -> str:
    """The layout of a (normalised) text: NQ57, NQ03 or GENERIC ("nq57", "nq03", "generic")."""
    return _scheme(scan(text))


def _nq03(blocks: list[Segment], doc_id: str) -> list[Clause]:
    """Lettered tasks of the programme's tasks section, then the appendix rows."""
    lettered = [
        replace(c, id=f"P.{c.id}")
        for c in outline_clauses(blocks, doc_id, absorb=(LETTER,))
        if c.kind == TASK and _LETTER_ID.search(c.id)
    ]
    return lettered + appendix_clauses(blocks, doc_id)


def parse_reference(text: str, doc_id: str) -> list[Clause]:
    """The clauses of a reference document, in document order, with unique ids."""
    blocks = scan(text)
    scheme = _scheme(blocks)
    if scheme == NQ57:
        clauses = outline_clauses(blocks, doc_id)
    elif scheme == NQ03:
        clauses = _nq03(blocks, doc_id)
    else:
        clauses = outline_clauses(blocks, doc_id, loose_tables=True) + appendix_clauses(blocks, doc_id)
    log.debug("%s: %d clauses (%s layout)", doc_id, len(clauses), scheme)
    return unique_ids(clauses, doc_id)
