import pytest

from align.i18n import reason_text
from align.decide.orphans import OrphanModel, decide, names_subject, none_probability, orphan_scores
from align.types import Task

from tests.handmade import ORPHANS, evidence_for, make_plan, make_ref

# None names a subject of the references: what decides is the evidence.
TEXTS = ["Sửa chữa trụ sở làm việc.", "Sửa đường giao thông nông thôn.", "Tổ chức hội nghị đầu năm."]


def _scope(plan):
    """t1 serves nothing; t2 serves a clause of the second reference only; t3 a clause of the first."""
    return (evidence_for(plan, make_ref("ref"), {(2, "III.1.1"): 0.9}),
            evidence_for(plan, make_ref("ref2"), {(1, "III.5.1"): 0.85}))


def test_orphan_model_flags_a_task_low_against_every_reference():
    assert "t1" in {o.task_id for o in decide(_scope(make_plan("p", TEXTS)), ORPHANS)}


def test_orphan_model_spares_a_task_that_serves_the_second_reference_only():
    assert {o.task_id for o in decide(_scope(make_plan("p", TEXTS)), ORPHANS)} == {"t1"}


def test_orphan_decide_is_stricter_with_fewer_references_in_scope():
    first, _ = _scope(make_plan("p", TEXTS))
    assert {o.task_id for o in decide((first,), ORPHANS)} == {"t1", "t2"}


def test_orphan_decide_names_the_nearest_clause_of_each_reference():
    orphan = decide(_scope(make_plan("p", TEXTS)), ORPHANS)[0]
    assert [n[0] for n in orphan.nearest] == ["ref", "ref2"]
    assert "ref" in reason_text(orphan.reason) and "ref2" in reason_text(orphan.reason)


def test_orphan_decide_without_evidence_finds_nothing():
    assert decide((), ORPHANS) == []


def test_orphan_decide_of_a_plan_without_tasks_finds_nothing():
    plan = make_plan("p", [])
    assert decide((evidence_for(plan, make_ref("ref"), {}), evidence_for(plan, make_ref("ref2"), {})), ORPHANS) == []


def test_none_probability_multiplies_the_chances_over_every_reference():
    plan = make_plan("p", ["Một việc."])
    scope = (evidence_for(plan, make_ref("ref"), {(0, "III.1.1"): 0.5}, base=0.0),
             evidence_for(plan, make_ref("ref2"), {(0, "III.7.1"): 0.2}, base=0.0))
    assert none_probability(scope)[0] == pytest.approx(0.5 * 0.8)


def test_none_probability_is_never_zero_for_a_certain_clause():
    plan = make_plan("p", ["Một việc.", "Việc khác."])
    values = none_probability((evidence_for(plan, make_ref(), {(0, "III.1.1"): 1.0}),))
    assert 0.0 < values[0] < values[1]


def test_orphan_model_round_trips_through_json():
    assert OrphanModel.from_json(ORPHANS.to_json()) == ORPHANS


def test_names_subject_finds_a_subject_of_nq57_in_the_text():
    assert names_subject(Task("p", "t1", "Ứng dụng công nghệ thông tin trong trường học."))


def test_names_subject_finds_the_digital_sense_of_so():
    assert names_subject(Task("p", "t1", "Nâng cao kỹ năng số cho người dân."))


def test_names_subject_does_not_read_mot_so_as_digital():
    assert not names_subject(Task("p", "t1", "Kiểm tra một số cơ sở kinh doanh."))


def test_names_subject_looks_at_the_headings_the_task_sits_under():
    task = Task("p", "t1", "Bố trí kinh phí thực hiện.", heading_path=("II. NHIỆM VỤ", "2. Về chuyển đổi số"))
    assert names_subject(task)


def test_names_subject_counts_the_plan_itself():
    assert names_subject(Task("p", "t1", "Bố trí kinh phí thực hiện Kế hoạch này."))


def test_names_subject_is_false_for_work_outside_the_references():
    assert not names_subject(Task("p", "t1", "Triển khai áp dụng hệ thống quản lý chất lượng TCVN ISO 9001."))


def test_orphan_decide_never_flags_a_task_that_names_a_subject():
    plan = make_plan("p", ["Sửa chữa trụ sở làm việc.", "Tuyên truyền chuyển đổi số."])
    scope = (evidence_for(plan, make_ref("ref"), {}),)
    assert orphan_scores(scope)[1] == 0.0
    assert {o.task_id for o in decide(scope, ORPHANS)} == {"t1"}


def test_orphan_decide_keeps_a_task_with_no_evidence_at_all_whatever_its_words():
    plan = make_plan("p", ["Tuyên truyền chuyển đổi số."])
    assert [o.task_id for o in decide((evidence_for(plan, make_ref("ref"), {}, base=0.0),), ORPHANS)] == ["t1"]
