"""The vocabularies of align/types.py: closed sets of names that stay plain strings."""
from __future__ import annotations

import csv
import io
import json

import numpy as np

from align.corpus import load_document
from align.parse.reference_scan import scan
from align.reviews import ReviewStore
from align.text.normalize import normalize_text
from align.types import (
    CHOOSE, GAP, HEADING, REVIEW_ACTIONS, STATUSES, TASK, BlockKind, ClauseKind, DuplicateKind, ReviewAction,
    Role, Status,
)


def test_vocabulary_member_writes_as_its_value_everywhere():
    written = io.StringIO()
    csv.writer(written).writerow([Status.NOT_APPLICABLE])
    assert (str(GAP), f"{HEADING}", "%s" % Role.CLAUSE) == ("gap", "heading", "clause")
    assert json.dumps({Status.GAP: DuplicateKind.NEAR}) == '{"gap": "near"}'
    assert written.getvalue().strip() == "not_applicable"
    assert np.array([ClauseKind.VIEWPOINT, "task"]).tolist() == ["viewpoint", "task"]


def test_vocabulary_member_equals_the_string_read_back_from_disk():
    assert json.loads(json.dumps([TASK]))[0] == TASK == "task" and {"task": 1}[ClauseKind.TASK] == 1
    assert Status("covered") is Status.COVERED


def test_statuses_are_the_four_decision_states_in_order():
    assert STATUSES == (Status.COVERED, Status.WEAK, Status.GAP, Status.NOT_APPLICABLE)
    assert [s.value for s in DuplicateKind] == ["exact", "near", "paraphrase"]


def test_block_kinds_of_plans_and_reference_segments_are_one_vocabulary(fixtures_dir):
    plan = load_document(fixtures_dir / "plans" / "xa-an-hoa-2026.txt", doc_id="xa-an-hoa")
    text = normalize_text((fixtures_dir / "reference" / "mini-programme.md").read_text(encoding="utf-8"))
    assert {type(b.kind) for b in plan.blocks} == {BlockKind}
    assert {type(s.kind) for s in scan(text)} == {BlockKind}


def test_parsed_units_carry_clause_kinds(fixtures_dir):
    ref = load_document(fixtures_dir / "reference" / "mini-resolution.md", doc_id="r", kind="reference",
                        level="central")
    assert ref.clauses and {type(c.kind) for c in ref.clauses} == {ClauseKind}
    assert ClauseKind.VIEWPOINT in {c.kind for c in ref.clauses}


def test_review_actions_are_the_four_decisions_of_the_vocabulary():
    assert REVIEW_ACTIONS == ("accept", "reject", "choose", "none")
    assert {type(a) for a in REVIEW_ACTIONS} == {ReviewAction} and ReviewAction.UNDO not in REVIEW_ACTIONS


def test_review_action_read_back_from_the_review_memory_equals_its_member(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite") as store:
        store.decide("p", "t1", "Làm A.", "nq57", ReviewAction.CHOOSE, "III.1", "An")
        (row,) = store.history("p")
    assert row.action == CHOOSE == "choose" and ReviewAction(row.action) is ReviewAction.CHOOSE
