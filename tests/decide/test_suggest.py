"""align.decide.suggest: reviewed clauses offered to near-repeats in other plans."""
from align.corpus import Corpus
from align.corpus_index import task_records
from align.decide.suggest import from_pairs, in_force_by_plan, reviewed_tasks
from align.i18n import reason_text
from align.types import DuplicatePair, Reason, ReviewDecision

from tests.conftest import MINI_CORPUS
from tests.handmade import make_plan

PLAN = make_plan("xa-a", ["Lắp camera an ninh ở trung tâm xã.", "Sửa trụ sở."])
OTHER = make_plan("xa-b", ["Lắp đặt camera an ninh tại trung tâm xã.", "Lắp camera ở chợ."])


def _decision(plan, task, action="choose", clause="III.1.1", ref="nq57", uid=None, time="2026-03-05T08:00:00+00:00"):
    return ReviewDecision(uid or f"{plan}-{task}-{action}", plan, task, "h", ref, action, clause, "Lan", time)


def _pair(a, b, probability=0.95, kind="near"):
    return DuplicatePair(a, b, 0.96, 0.8, kind, 1, probability, Reason("same_words"))


def test_from_pairs_offers_the_reviewed_clause_with_where_it_was_reviewed():
    mine, other = task_records(PLAN), task_records(OTHER)
    [found] = from_pairs(PLAN, [_pair(mine[0], other[0])], {("xa-b", "t1"): [_decision("xa-b", "t1")]},
                         {"xa-b": "Bình Giang"})
    assert (found.task_id, found.ref, found.clause_id, found.commune) == ("t1", "nq57", "III.1.1", "Bình Giang")
    assert reason_text(found.reason, "vi").startswith("đã rà soát ở Bình Giang")
    assert reason_text(found.reason, "en").startswith("reviewed in Bình Giang")


def test_from_pairs_gives_nothing_to_a_task_with_its_own_decision():
    mine, other = task_records(PLAN), task_records(OTHER)
    own = {("t1", "nq57"): _decision("xa-a", "t1", "reject")}
    assert from_pairs(PLAN, [_pair(mine[0], other[0])], {("xa-b", "t1"): [_decision("xa-b", "t1")]}, {}, own) == []


def test_from_pairs_keeps_the_most_probable_near_repeat():
    mine, other = task_records(PLAN), task_records(OTHER)
    reviewed = {("xa-b", "t1"): [_decision("xa-b", "t1", clause="III.1.1")],
                ("xa-b", "t2"): [_decision("xa-b", "t2", clause="III.5.1")]}
    [found] = from_pairs(PLAN, [_pair(mine[0], other[1], 0.85), _pair(other[0], mine[0], 0.97)], reviewed, {})
    assert found.clause_id == "III.1.1" and found.probability == 0.97


def test_from_pairs_ignores_a_pair_inside_the_plan():
    mine = task_records(PLAN)
    assert from_pairs(PLAN, [_pair(mine[0], mine[1])], {("xa-a", "t2"): [_decision("xa-a", "t2")]}, {}) == []


def test_in_force_by_plan_replays_each_plan_apart():
    rows = [_decision("xa-a", "t1", "choose", uid="1"), _decision("xa-b", "t1", "choose", uid="2"),
            _decision("xa-a", "t1", "reject", uid="3", time="2026-03-06T08:00:00+00:00")]
    found = in_force_by_plan(rows)
    assert found["xa-a"][("t1", "nq57")].action == "reject" and found["xa-b"][("t1", "nq57")].action == "choose"


def test_reviewed_tasks_keeps_only_choices_of_other_plans():
    corpus = Corpus(MINI_CORPUS)
    doc = corpus.document("xa-binh-minh")
    first, second = doc.tasks[0], doc.tasks[1]
    from align.reviews import text_hash

    def decided(task, action, clause):
        return ReviewDecision(f"{task.id}{action}", doc.id, task.id, text_hash(task.text), "ref-mini", action, clause,
                              "Lan", "2026-03-05T08:00:00+00:00")

    decisions = {doc.id: {(first.id, "ref-mini"): decided(first, "choose", "II.1.a"),
                          (second.id, "ref-mini"): decided(second, "reject", "II.3.a")}}
    assert list(reviewed_tasks(corpus, decisions, "xa-an-phu")) == [(doc.id, first.id)]
    assert reviewed_tasks(corpus, decisions, doc.id) == {}
