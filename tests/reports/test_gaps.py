import pytest

from align.reports.gaps import COMMUNE, NATIONAL, TASKS_SHOWN, clause_rows, gap_report
from align.types import COVERED, GAP, NOT_APPLICABLE, STATUSES, WEAK

from tests.handmade import CENTRAL, evidence_for, make_plan, make_ref

from .conftest import assessment


def _clause(report, clause_id):
    return next(c for c in report["clauses"] if c["clause_id"] == clause_id)


@pytest.fixture()
def report(small_assessment):
    return gap_report(small_assessment)


def test_gap_report_has_the_top_level_keys(report):
    assert {"plan", "ref", "method", "cuts", "threshold", "summary", "clauses", "items", "gaps", "orphans"} <= set(report)
    assert report["cuts"] == {"weak": 0.3, "covered": 0.6, "source": "test"}


def test_gap_report_clause_rows_have_the_json_contract(report):
    for clause in report["clauses"]:
        assert {"clause_id", "heading", "text", "covered", "status", "evidence", "reason", "best_score", "tasks",
                "peer_coverage"} <= set(clause)
        assert clause["status"] in STATUSES and isinstance(clause["covered"], bool) and clause["reason"]
        assert all(set(e) == {"task_id", "text", "score", "terms"} for e in clause["evidence"])


def test_gap_report_covered_is_true_for_covered_and_weak(report):
    states = {c["clause_id"]: (c["status"], c["covered"]) for c in report["clauses"]}
    assert states["III.1.1"] == (COVERED, True) and states["III.5.1"] == (WEAK, True)
    assert states["III.7.1"] == (GAP, False) and states[CENTRAL] == (NOT_APPLICABLE, False)


def test_gap_report_lists_evidence_best_first(report):
    evidence = _clause(report, "III.5.1")["evidence"]
    assert [(e["task_id"], e["score"]) for e in evidence[:2]] == [("t2", pytest.approx(0.3)), ("t1", pytest.approx(0.2))]


def test_gap_report_gap_keeps_its_nearest_evidence_but_no_serving_tasks(report):
    clause = _clause(report, "III.7.1")
    assert clause["tasks"] == [] and clause["evidence"] and clause["evidence"][0]["task_id"] in clause["reason"]


def test_gap_report_never_lists_a_central_body_clause_as_a_gap(report):
    clause = _clause(report, CENTRAL)
    assert CENTRAL not in [g["clause_id"] for g in report["gaps"]]
    assert clause["level"] == NATIONAL and clause["gap_rank"] is None


def test_gap_report_lists_the_gaps_a_commune_can_act_on(report):
    assert sorted(g["clause_id"] for g in report["gaps"]) == ["I.1", "III.1.2", "III.7.1"]
    assert {g["level"] for g in report["gaps"]} == {COMMUNE} and all(g["reason"] for g in report["gaps"])


def test_gap_report_peer_coverage_counts_only_other_communes(report):
    clause = _clause(report, "III.1.2")
    assert clause["peer_coverage"] == 1 and clause["peers"] == ["xa-b-2026"]
    assert clause["same_commune"] == ["xa-a-khac"]


def test_gap_report_ranks_the_most_peer_covered_gap_first(ref):
    plan = make_plan("p", ["Một việc khác hẳn."])
    evidence = {"p": evidence_for(plan, ref, {})}
    for i in range(3):      # III.1.2 covered by all three peers, III.5.1 by one, III.7.1 by none
        cells = {(0, "III.1.2"): 0.9} if i else {(0, "III.1.2"): 0.9, (0, "III.5.1"): 0.9}
        evidence[f"q{i}"] = evidence_for(make_plan(f"q{i}", ["Việc của xã bạn."]), ref, cells)
    report = gap_report(assessment(plan, evidence, {k: k for k in evidence}))
    ranked = [g["clause_id"] for g in report["gaps"]]
    assert ranked[:2] == ["III.1.2", "III.5.1"] and [g["peer_coverage"] for g in report["gaps"]][:2] == [3, 1]
    assert _clause(report, "III.1.2")["gap_rank"] == 1


def test_gap_report_counts_a_weakly_covering_peer(ref):
    plan = make_plan("p", ["Một việc."])
    evidence = {"p": evidence_for(plan, ref, {}),
                "q": evidence_for(make_plan("q", ["Việc."]), ref, {(0, "III.7.1"): 0.4})}
    assert _clause(gap_report(assessment(plan, evidence, {"p": "p", "q": "q"})), "III.7.1")["peer_coverage"] == 1


def test_gap_report_lists_orphan_tasks_with_a_reason(report):
    orphans = report["orphans"]
    assert [o["id"] for o in orphans] == ["t3"] and orphans[0]["best_score"] == pytest.approx(0.01)
    assert orphans[0]["reason"] and orphans[0]["nearest"][0]["ref"] == "ref"


def test_gap_report_orphan_rows_take_the_best_clause_of_the_reviewed_reference(small_corpus):
    plan, evidence, communes = small_corpus
    other = evidence_for(plan, make_ref("ref2"), {(2, "III.7.1"): 0.05})
    orphan = gap_report(assessment(plan, evidence, communes, (other,)))["orphans"][0]
    assert orphan["best_clause"] != "III.7.1" and [n["ref"] for n in orphan["nearest"]] == ["ref", "ref2"]


def test_gap_report_summary_counts_each_state(report):
    s = report["summary"]
    assert (s["covered"], s["clear"], s["weak"], s["gaps"], s["not_applicable"]) == (2, 1, 1, 3, 1)
    assert s["applicable"] == 5 and s["orphans"] == 1 and s["peer_plans"] == 1


def test_gap_report_rolls_up_items_with_share_and_status(report):
    items = {i["item"]: i for i in report["items"]}
    assert (items["III.1"][COVERED], items["III.1"]["clauses"], items["III.1"]["status"]) == (1, 2, "partial")
    assert items["III.1"]["share"] == pytest.approx(0.5)
    assert items["III.5"][WEAK] == 1 and items["III.5"]["share"] == 1.0 and items["III.7"]["status"] == GAP


def test_gap_report_item_of_central_clauses_only_is_not_applicable(report):
    item = next(i for i in report["items"] if i["item"] == "IV")
    assert item["status"] == NOT_APPLICABLE and item["share"] is None and item["applicable"] == 0


def test_gap_report_of_a_plan_without_tasks_covers_nothing(ref):
    empty = make_plan("empty", [])
    report = gap_report(assessment(empty, {"empty": evidence_for(empty, ref, {})}, {}))
    assert report["summary"]["covered"] == 0 and report["orphans"] == [] and report["summary"]["gaps"] == 5


def test_clause_rows_show_the_best_tasks_as_id_and_score(ref):
    plan = make_plan("p", [f"Việc số {i}." for i in range(TASKS_SHOWN + 2)])
    cells = {(i, "III.1.1"): 0.9 - i / 100 for i in range(TASKS_SHOWN + 2)}
    rows = clause_rows(gap_report(assessment(plan, {"p": evidence_for(plan, ref, cells)}, {})))
    row = next(r for r in rows if r["clause_id"] == "III.1.1")
    assert row["tasks"][0] == "t1 (0.90)" and len(row["tasks"]) == TASKS_SHOWN


def test_clause_rows_spell_the_states_for_reading(report):
    statuses = {r["clause_id"]: r["status"] for r in clause_rows(report)}
    assert statuses[CENTRAL] == "not applicable" and statuses["III.7.1"] == GAP


# -- the real corpus ------------------------------------------------------------------------------------
def _real_report(session, plan_id, ref="nq57"):
    from align.decide.assess import assess

    return gap_report(assess(session, plan_id, ref))


@pytest.mark.corpus
def test_binh_thanh_gaps_leave_out_the_clauses_addressed_to_central_bodies(real_session):
    report = _real_report(real_session, "binh-thanh-nq57-2026")
    central = {c["clause_id"] for c in report["clauses"] if c["applicability"]["commune"] is False}
    assert {"IV.3", "IV.5"} <= central and not central & {g["clause_id"] for g in report["gaps"]}


@pytest.mark.corpus
def test_binh_giang_science_plan_peers_are_the_other_communes(real_session):
    report = _real_report(real_session, "binh-giang-khcn-2026")
    assert report["summary"]["peer_plans"] == 3
    assert all("binh-giang-nq57-2026" not in c["peers"] for c in report["clauses"])
    assert max(c["peer_coverage"] for c in report["clauses"]) <= 3
