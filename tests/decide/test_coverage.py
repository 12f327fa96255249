import dataclasses

import numpy as np
import pytest

from align.i18n import reason_text
from align.decide.coverage import EVIDENCE_SHOWN, SUPPORTING, CoverageModel, decide, decision_json, support
from align.types import COVERED, GAP, NOT_APPLICABLE, WEAK, Elsewhere

from tests.handmade import (CENTRAL, CENTRAL_REASON, COVERED_CUT, MODEL, WEAK_CUT, applicability_of, evidence_for,
                            make_plan)


def _column(ref, clause_id):
    return next(j for j, c in enumerate(ref.clauses) if c.id == clause_id)


def _decisions(ev):
    return {d.clause_id: d for d in decide(ev, MODEL, applicability_of(ev.ref))}


def test_coverage_model_status_is_gap_below_the_weak_cut():
    assert MODEL.status(WEAK_CUT - 0.01, True) == GAP


def test_coverage_model_status_is_weak_between_the_cuts():
    assert MODEL.status(WEAK_CUT, True) == WEAK and MODEL.status(COVERED_CUT - 0.01, True) == WEAK


def test_coverage_model_status_is_covered_from_the_upper_cut():
    assert MODEL.status(COVERED_CUT, True) == COVERED


@pytest.mark.parametrize("value", [0.0, 0.5, 1.0])
def test_coverage_model_status_not_applicable_whatever_the_support(value):
    assert MODEL.status(value, False) == NOT_APPLICABLE


def test_coverage_model_round_trips_through_json():
    assert CoverageModel.from_json(MODEL.to_json()) == MODEL


def test_support_is_the_noisy_or_of_the_best_tasks(ref):
    plan = make_plan("p", ["Một.", "Hai.", "Ba."])
    ev = evidence_for(plan, ref, {(0, "III.5.1"): 0.5, (1, "III.5.1"): 0.5}, base=0.0)
    assert support(ev)[_column(ref, "III.5.1")] == pytest.approx(0.75)


def test_support_counts_only_the_supporting_best_tasks(ref):
    plan = make_plan("p", [f"Việc {i}." for i in range(SUPPORTING + 2)])
    ev = evidence_for(plan, ref, {(i, "III.5.1"): 0.5 for i in range(SUPPORTING + 2)}, base=0.0)
    assert support(ev)[_column(ref, "III.5.1")] == pytest.approx(1 - 0.5 ** SUPPORTING)


def test_support_of_a_plan_without_tasks_is_zero(ref):
    assert support(evidence_for(make_plan("p", []), ref, {})).tolist() == [0.0] * len(ref.clauses)


def test_support_gives_both_clauses_of_a_task_that_serves_two_a_high_value(ref):
    plan = make_plan("p", ["Tuyên truyền và số hóa thủ tục.", "Sửa trụ sở."])
    values = support(evidence_for(plan, ref, {(0, "III.1.1"): 0.8, (0, "III.5.1"): 0.7}))
    assert values[_column(ref, "III.1.1")] > COVERED_CUT and values[_column(ref, "III.5.1")] > COVERED_CUT
    assert values[_column(ref, "III.7.1")] < WEAK_CUT


def test_support_reads_the_serves_probabilities_not_the_rankers(ref):
    """A task ranks III.1.1 first (the ranker gives III.5.1 little) yet serves both."""
    plan = make_plan("p", ["Tuyên truyền và số hóa thủ tục."])
    ev = evidence_for(plan, ref, {(0, "III.1.1"): 0.9, (0, "III.5.1"): 0.05},
                      serves={(0, "III.1.1"): 0.9, (0, "III.5.1"): 0.8})
    assert support(ev)[_column(ref, "III.5.1")] == pytest.approx(0.8)


def test_support_of_a_viewpoint_inherits_from_its_linked_clauses(ref):
    links = tuple((_column(ref, "III.1.1"),) if c.id == "I.1" else () for c in ref.clauses)
    ev = evidence_for(make_plan("p", ["Tuyên truyền."]), ref, {(0, "III.1.1"): 0.9}, links=links)
    assert support(ev)[_column(ref, "I.1")] == pytest.approx(0.9)


def test_decide_covers_both_clauses_of_a_task_that_serves_two(ref):
    plan = make_plan("p", ["Tuyên truyền và số hóa thủ tục.", "Sửa trụ sở."])
    found = _decisions(evidence_for(plan, ref, {(0, "III.1.1"): 0.8, (0, "III.5.1"): 0.7}))
    assert found["III.1.1"].status == COVERED and found["III.5.1"].status == COVERED


def test_decide_gives_one_decision_per_clause_in_reference_order(ref):
    found = decide(evidence_for(make_plan("p", ["Một."]), ref, {}), MODEL, applicability_of(ref))
    assert [d.clause_id for d in found] == [c.id for c in ref.clauses]


def test_decide_lists_evidence_best_score_first(ref):
    plan = make_plan("p", [f"Việc số {i}." for i in range(EVIDENCE_SHOWN + 2)])
    ev = evidence_for(plan, ref, {(i, "III.5.1"): 0.1 + 0.1 * i for i in range(EVIDENCE_SHOWN + 2)})
    evidence = _decisions(ev)["III.5.1"].evidence
    scores = [e.score for e in evidence]
    assert len(evidence) == EVIDENCE_SHOWN and scores == sorted(scores, reverse=True)
    assert evidence[0].task_id == f"t{EVIDENCE_SHOWN + 2}"


def test_decide_evidence_carries_the_task_text_and_shared_terms(ref):
    plan = make_plan("p", ["Tuyên truyền chuyển đổi số cho người dân."])
    best = _decisions(evidence_for(plan, ref, {(0, "III.1.1"): 0.9}))["III.1.1"].evidence[0]
    assert best.text == plan.tasks[0].text and "tuyên" in best.terms


def test_decide_evidence_of_a_viewpoint_comes_from_its_linked_clause(ref):
    links = tuple((_column(ref, "III.1.1"),) if c.id == "I.1" else () for c in ref.clauses)
    plan = make_plan("p", ["Một việc.", "Tuyên truyền chuyển đổi số."])
    decision = _decisions(evidence_for(plan, ref, {(1, "III.1.1"): 0.9}, links=links))["I.1"]
    assert decision.status == COVERED and decision.evidence[0].task_id == "t2" and "III.1.1" in reason_text(decision.reason)


def test_decide_reason_of_a_covered_clause_names_the_best_task(ref):
    plan = make_plan("p", ["Một việc.", "Tuyên truyền chuyển đổi số."])
    decision = _decisions(evidence_for(plan, ref, {(0, "III.1.1"): 0.2, (1, "III.1.1"): 0.9}))["III.1.1"]
    assert decision.status == COVERED and "t2" in reason_text(decision.reason)


def test_decide_reason_of_a_weak_clause_names_the_nearest_task(ref):
    decision = _decisions(evidence_for(make_plan("p", ["Một việc."]), ref, {(0, "III.5.1"): 0.45}))["III.5.1"]
    assert decision.status == WEAK and decision.covered and "t1" in reason_text(decision.reason)


def test_decide_reason_of_a_gap_names_the_nearest_task(ref):
    decision = _decisions(evidence_for(make_plan("p", ["Một việc.", "Việc khác."]), ref,
                                       {(1, "III.7.1"): 0.1}))["III.7.1"]
    assert decision.status == GAP and not decision.covered and "t2" in reason_text(decision.reason)


def test_decide_reason_of_a_gap_names_where_another_commune_carries_it_out(ref):
    ev = evidence_for(make_plan("p", ["Một việc.", "Việc khác."]), ref, {(1, "III.7.1"): 0.1})
    found = Elsewhere("Bình Minh", "xa-binh-minh", "II.3", 0.91)
    ev = dataclasses.replace(ev, elsewhere=tuple(found if c.id == "III.7.1" else None for c in ev.ref.clauses))
    decision = _decisions(ev)["III.7.1"]
    assert "in Bình Minh, task II.3 carries it out" in reason_text(decision.reason)
    assert "ở Bình Minh, nhiệm vụ II.3" in reason_text(decision.reason, "vi")


def test_decide_not_applicable_clause_takes_its_reason_from_the_table(ref):
    decision = _decisions(evidence_for(make_plan("p", ["Rà soát pháp luật."]), ref, {(0, CENTRAL): 0.95}))[CENTRAL]
    assert decision.status == NOT_APPLICABLE and CENTRAL_REASON in reason_text(decision.reason)


def test_decide_of_a_plan_without_tasks_has_no_evidence(ref):
    found = decide(evidence_for(make_plan("p", []), ref, {}), MODEL, applicability_of(ref))
    assert all(d.evidence == () for d in found) and {d.status for d in found} == {GAP, NOT_APPLICABLE}


def test_decision_json_has_the_contract_fields(ref):
    ev = evidence_for(make_plan("p", ["Tuyên truyền chuyển đổi số."]), ref, {(0, "III.1.1"): 0.9})
    data = decision_json(_decisions(ev)["III.1.1"])
    assert {"status", "covered", "support", "reason", "evidence", "applicability"} <= set(data)
    assert set(data["evidence"][0]) == {"task_id", "text", "score", "terms"}
    assert isinstance(data["evidence"][0]["terms"], list) and np.isclose(data["support"], 0.9)


def test_decide_not_applicable_reason_in_vietnamese_names_the_bodies(ref):
    decision = _decisions(evidence_for(make_plan("p", ["Rà soát pháp luật."]), ref, {(0, CENTRAL): 0.95}))[CENTRAL]
    assert reason_text(decision.reason, "vi") == "không thuộc cấp xã: giao cho Đảng đoàn Quốc hội"


def _by_plan(ref, clause_id):
    return [dataclasses.replace(a, by_plan=True) if a.clause_id == clause_id else a for a in applicability_of(ref)]


def test_support_of_a_clause_carried_out_by_the_plan_itself_is_certain(ref):
    ev = evidence_for(make_plan("p", ["Một việc."]), ref, {(0, "III.7.1"): 0.05})
    assert support(ev, (), _by_plan(ref, "III.7.1"))[_column(ref, "III.7.1")] == 1.0


def test_decide_covers_a_clause_carried_out_by_the_plan_itself_and_says_why(ref):
    ev = evidence_for(make_plan("p", ["Một việc."]), ref, {(0, "III.7.1"): 0.05})
    decision = {d.clause_id: d for d in decide(ev, MODEL, _by_plan(ref, "III.7.1"))}["III.7.1"]
    assert decision.status == COVERED and "Kế hoạch p" in reason_text(decision.reason)
    assert "kế hoạch triển khai" in reason_text(decision.reason, "vi")


def test_decide_never_covers_a_central_clause_by_the_plan_itself(ref):
    rules = [dataclasses.replace(a, by_plan=True) if a.clause_id == CENTRAL else a for a in applicability_of(ref)]
    ev = evidence_for(make_plan("p", ["Một việc."]), ref, {})
    assert {d.clause_id: d for d in decide(ev, MODEL, rules)}[CENTRAL].status == NOT_APPLICABLE
