"""The clause id schemes of references (align/schemes.py): names, prefixes and items."""
from __future__ import annotations

import pytest

from align import schemes
from align.types import GROUP, Clause


@pytest.mark.parametrize("clause_id, fields, item", [
    ("III.5.2", None, "III.5"), ("II.1.3", None, "II.1"), ("P.II.5.a", None, "P.II.5"),
    ("PL2.17", {GROUP: "IV"}, "PL2.IV"), ("PL2.17", {}, "PL2"), ("PL1.4", None, "PL1"), ("I.1", None, "I"),
    ("4", None, "4"), ("II.3.t2", None, "II.3"),
])
def test_clause_item_groups_each_scheme_by_its_items(clause_id, fields, item):
    assert schemes.clause_item(clause_id, fields) == item


def test_clause_item_is_what_a_clause_reports_as_its_item():
    clause = Clause("nq03", "PL2.17", "text", "heading", fields={GROUP: "VII"})
    assert clause.item == "PL2.VII" and schemes.GROUP_FIELD == GROUP


def test_scheme_nq03_needs_programme_tasks_section_task_table_and_letters():
    layout = dict(programme=True, tasks_section=True, task_table=True, lettered=True, tables=True, viewpoints=False)
    assert schemes.scheme(**layout) == schemes.NQ03
    assert schemes.scheme(**{**layout, "lettered": False}) == schemes.GENERIC


def test_scheme_nq57_is_viewpoints_and_tasks_without_tables():
    layout = dict(programme=False, tasks_section=True, task_table=False, lettered=True, tables=False, viewpoints=True)
    assert schemes.scheme(**layout) == schemes.NQ57
    assert schemes.scheme(**{**layout, "tables": True}) == schemes.GENERIC


def test_scheme_prefixes_name_rows_and_programme_tasks():
    assert schemes.programme_task_id("II.1.a") == "P.II.1.a"
    assert (schemes.appendix_prefix(2), schemes.heading_table_prefix("I.2")) == ("PL2.", "I.2.t")
    assert (schemes.loose_table_prefix(3, alone=False), schemes.loose_table_prefix(1, alone=True)) == ("T3.", "")
