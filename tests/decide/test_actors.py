import dataclasses

import pytest

from align.decide.actors import actor_masks
from align.decide.coverage import support
from align.types import LEAD, Applicability, Clause, Task

from tests.handmade import applicability_of, evidence_for, make_plan, make_ref

FRONT = Clause("ref", "IV.4", "Mặt trận Tổ quốc và các đoàn thể vận động nhân dân tham gia chuyển đổi số.",
               "Tổ chức thực hiện", kind="implementation")
TEXTS = ["Tuyên truyền chuyển đổi số trên loa truyền thanh.", "Hội Nông dân xã vận động hội viên dùng ví điện tử.",
         "Vận động đoàn viên tham gia tổ công nghệ số."]


def _ref_with_front():
    ref = make_ref()
    return dataclasses.replace(ref, clauses=ref.clauses + (FRONT,))


def _rules(ref, actors=("Mặt trận Tổ quốc", "Hội Nông dân")):
    return [*applicability_of(ref)[:-1], Applicability("IV.4", "communes", True, "the Front and mass organisations",
                                                       actors, "table")]


def _plan():
    plan = make_plan("p", TEXTS)
    third = dataclasses.replace(plan.tasks[2], fields={LEAD: "Đoàn Thanh niên xã"})
    return dataclasses.replace(plan, tasks=(plan.tasks[0], plan.tasks[1], third))


def test_actor_masks_pick_the_tasks_of_the_mass_organisations():
    ref = _ref_with_front()
    masks = actor_masks(_plan(), ref, _rules(ref))
    assert masks[-1].tolist() == [False, True, True]


def test_actor_masks_leave_other_clauses_to_their_text():
    ref = _ref_with_front()
    assert actor_masks(_plan(), ref, _rules(ref))[:-1] == (None,) * len(make_ref().clauses)


def test_actor_masks_leave_a_clause_naming_no_mass_organisation_to_its_text():
    ref = _ref_with_front()
    assert actor_masks(_plan(), ref, _rules(ref, actors=("Ủy ban nhân dân các cấp",)))[-1] is None


def test_actor_masks_read_the_heading_of_a_task():
    ref = _ref_with_front()
    task = Task("p", "t1", "Vận động hội viên học kỹ năng số.", heading_path=("Hội Liên hiệp Phụ nữ",))
    plan = dataclasses.replace(make_plan("p", []), tasks=(task,))
    assert actor_masks(plan, ref, _rules(ref))[-1].tolist() == [True]


@pytest.mark.parametrize("front_task, expected", [(0, 0.0), (1, 0.9)])
def test_support_of_a_front_clause_counts_only_the_fronts_tasks(front_task, expected):
    """Propaganda by the commune (t1) does not carry out the Front's clause; the Farmers' Union (t2) does."""
    ref = _ref_with_front()
    plan = _plan()
    ev = evidence_for(plan, ref, {(front_task, "IV.4"): 0.9}, base=0.0)
    values = support(ev, actor_masks(plan, ref, _rules(ref)))
    assert values[-1] == pytest.approx(expected)
