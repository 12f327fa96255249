"""The clause id schemes of reference documents, in one place: which scheme a layout is, how each
scheme names its clauses, and which item (the group coverage is read by) a clause id falls in.

- "nq57": a Party resolution (I viewpoints, II targets, III tasks and solutions, IV
  implementation). Ids are its numbering path: I.1, II.1.3, III.<item>.<k>, IV.1; the item of
  II.x.y and III.x.y is II.x, III.x.
- "nq03": a Government resolution carrying an action programme whose tasks section letters its
  tasks under numbered items, with appendix tables. Ids P.II.<item>.<letter> (the programme's
  lettered tasks, item P.II.<item>) and PL<n>.<row> (appendix rows; the item of a PL2 row is the
  group, I..VII, printed above it: PL2.<group>).
- "generic": any other document (a province's plan, an outline, a table of tasks). Ids are the
  numbering path (II.3.b, II.1.2), rows of a table under a heading <path>.t<row>, of an appendix
  PL<n>.<row>, of a table outside the outline T<k>.<row>, or just <row> when the document is that
  one table; <row> is the row's own number, else its position.

Reading the text is align.parse's job (align/parse/reference.py measures a layout and asks
`scheme`). This module imports nothing from the package, so align.types can give a clause its
item by these rules without an import running back up.
"""
from __future__ import annotations

from typing import Mapping

NQ57 = "nq57"
NQ03 = "nq03"
GENERIC = "generic"
SCHEMES = (NQ57, NQ03, GENERIC)

GROUP_FIELD = "group"       # align.types.GROUP: the group (I..VII) of an appendix row
_PROGRAMME = "P"            # nq03: the programme's lettered tasks
_APPENDIX = "PL"            # appendix rows, any scheme
_LOOSE_TABLE = "T"          # generic: rows of a table outside the outline
_HEADING_TABLE = "t"        # generic: rows of a table under a heading
_GROUPED_APPENDIX = "PL2"   # nq03: the appendix of tasks, grouped I..VII
_OUTLINE_PARTS = ("III", "II")  # nq57: the parts whose items are <part>.<n>


def scheme(*, programme: bool, tasks_section: bool, task_table: bool, lettered: bool, tables: bool,
           viewpoints: bool) -> str:
    """The scheme of a layout. nq03: a "Chương trình hành động" heading, a tasks section with lettered
    tasks and an appendix table with a lead-agency column; nq57: viewpoint and task sections, no table."""
    if programme and tasks_section and task_table and lettered:
        return NQ03
    if not tables and tasks_section and viewpoints:
        return NQ57
    return GENERIC


def programme_task_id(outline_id: str) -> str:
    """nq03: the id of a lettered task of the programme from its outline path (II.1.a -> P.II.1.a)."""
    return f"{_PROGRAMME}.{outline_id}"


def appendix_prefix(number: int | str) -> str:
    """The prefix of the rows of appendix `number` (PL2.): PL<n>.<row>, in references and plans alike."""
    return f"{_APPENDIX}{number}."


def heading_table_prefix(clause_id: str) -> str:
    """The prefix of the rows of a table under the heading `clause_id`: <path>.t<row>."""
    return f"{clause_id}.{_HEADING_TABLE}"


def loose_table_prefix(k: int, alone: bool) -> str:
    """The prefix of the rows of the `k`-th table outside the outline: T<k>.<row>, none when it is the document."""
    return "" if alone else f"{_LOOSE_TABLE}{k}."


def clause_item(clause_id: str, fields: Mapping[str, str] | None = None) -> str:
    """Item of a clause id: III.5.2 -> III.5, II.1.3 -> II.1, P.II.5.a -> P.II.5, PL2.17 -> PL2.<group>;
    otherwise the first part of the id (I.1 -> I, PL1.4 -> PL1), or the id itself when it has one part."""
    parts = clause_id.split(".")
    if parts[0] == _GROUPED_APPENDIX and fields and fields.get(GROUP_FIELD):
        return f"{_GROUPED_APPENDIX}.{fields[GROUP_FIELD]}"
    if parts[0] in _OUTLINE_PARTS and len(parts) >= 3:
        return ".".join(parts[:2])
    if parts[0] == _PROGRAMME and len(parts) >= 4:
        return ".".join(parts[:3])
    return parts[0] if len(parts) > 1 else clause_id
