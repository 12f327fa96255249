"""Alignment over the real corpus: every plan, every task, both references."""
import pytest

from align.reports.alignment import alignment_to_json

pytestmark = pytest.mark.corpus
PLANS = ["binh-giang-khcn-2026", "binh-giang-nq57-2026", "nguyen-luong-bang-nq57-2026", "binh-thanh-nq57-2026",
         "vu-duong-bcd-2026"]


@pytest.mark.parametrize("plan", PLANS)
def test_align_every_task_of_real_plan_has_nq57_and_nq03_matches(real_api, real_session, plan):
    data = alignment_to_json(real_api.align(plan, top_k=3).alignment)
    assert len(data["tasks"]) == len(real_session.corpus.document(plan).tasks) > 0
    for task in data["tasks"]:
        assert [m["doc"] for m in task["matches"]] == ["nq57"] * 3 + ["nq03"] * 3


def test_align_real_scores_are_calibrated_probabilities(real_api):
    data = alignment_to_json(real_api.align("binh-giang-nq57-2026", top_k=5).alignment)
    scores = [m["score"] for t in data["tasks"] for m in t["matches"]]
    assert 0.0 <= min(scores) and max(scores) <= 1.0 and max(scores) > 0.5
