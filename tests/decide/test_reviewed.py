from align.i18n import reason_text
from align.decide import coverage, orphans, reviewed
from align.decide.actors import actor_masks
from align.types import ReviewDecision

from tests.handmade import MODEL, ORPHANS, applicability_of, evidence_for, make_plan, make_ref

TEXTS = ["Tuyên truyền về chuyển đổi số.", "Số hóa hồ sơ thủ tục hành chính.", "Sửa chữa trụ sở làm việc."]
CELLS = {(0, "III.1.1"): 0.9, (1, "III.5.1"): 0.7}


def _decision(task_id, action, clause_id=None, ref="ref"):
    return ReviewDecision("u-" + task_id + action, "p", task_id, "h", ref, action, clause_id, "An",
                          "2026-03-05T08:00:00+00:00")


def _decide(placed, ref_id="ref"):
    """What assess does with the placed decisions, on hand-made evidence."""
    plan = make_plan("p", TEXTS)
    ev = reviewed.override(evidence_for(plan, make_ref(ref_id), CELLS), placed)
    rules = applicability_of(ev.ref)
    pairs = reviewed.chosen_pairs(ev, placed)
    actors = reviewed.unmask(actor_masks(plan, ev.ref, rules), pairs)
    clauses = reviewed.mark_clauses(coverage.decide(ev, MODEL, rules, None, actors), ev, pairs)
    found = reviewed.mark_orphans(orphans.decide((ev,), ORPHANS), (ev,), placed)
    return {c.clause_id: c for c in clauses}, {o.task_id: o for o in found}


def test_override_chosen_clause_is_covered_and_marked_reviewed():
    clauses, found = _decide({(2, "ref"): _decision("t3", "choose", "III.7.1")})
    assert clauses["III.7.1"].status == "covered" and clauses["III.7.1"].reviewed
    assert "reviewed" in reason_text(clauses["III.7.1"].reason) and "t3" not in found


def test_override_rejected_task_no_longer_covers_its_clause():
    before, _ = _decide({})
    after, _ = _decide({(1, "ref"): _decision("t2", "reject", "III.5.1")})
    assert before["III.5.1"].status == "covered" and after["III.5.1"].status == "gap"


def test_override_serves_none_makes_a_reviewed_orphan():
    _, found = _decide({(0, "ref"): _decision("t1", "none")})
    assert found["t1"].reviewed and found["t1"].probability == 1.0


def test_override_model_orphan_without_a_decision_is_not_reviewed():
    _, found = _decide({})
    assert not found["t3"].reviewed


def test_override_ignores_decisions_of_another_reference():
    clauses, _ = _decide({(2, "nq03"): _decision("t3", "choose", "III.7.1", ref="nq03")})
    assert clauses["III.7.1"].status == "gap" and not clauses["III.7.1"].reviewed


def test_override_leaves_out_a_clause_the_reference_no_longer_has():
    clauses, _ = _decide({(2, "ref"): _decision("t3", "choose", "IX.9")})
    assert not any(c.reviewed for c in clauses.values())
