import pytest

from align.decide.assess import assess, assess_orphans, coverage_model
from align.errors import PlanAlignError
from align.types import STATUSES

REF = "ref-mini"


@pytest.fixture(scope="module")
def assessed(mini_session):
    return assess(mini_session, "xa-an-phu", REF)


def test_assess_decides_every_clause_in_reference_order(assessed):
    assert [d.clause_id for d in assessed.clauses] == [c.id for c in assessed.ref.clauses]
    assert {d.status for d in assessed.clauses} <= set(STATUSES)


def test_assess_gives_one_applicability_per_clause(assessed):
    assert [a.clause_id for a in assessed.applicability] == [c.id for c in assessed.ref.clauses]


def test_assess_scores_the_plan_against_every_reference_in_scope(assessed, mini_session):
    assert [ev.ref.id for ev in assessed.scope] == [r.id for r in mini_session.corpus.references()]
    assert assessed.evidence.scores.shape == (len(assessed.plan.tasks), len(assessed.ref.clauses))


def test_assess_takes_the_peers_from_the_whole_corpus(assessed):
    assert set(assessed.peers) == {"xa-an-phu", "xa-binh-minh"}
    assert assessed.communes == {"xa-an-phu": "An Phú", "xa-binh-minh": "Bình Minh"}


def test_assess_orphans_are_tasks_of_the_plan(assessed):
    assert {o.task_id for o in assessed.orphans} <= {t.id for t in assessed.plan.tasks}


def test_assess_orphans_equal_the_assessments_orphans(mini_session):
    # Bình Minh's plan has a task that names no subject of the references (a football match)
    assessed = assess(mini_session, "xa-binh-minh", REF)
    found = assess_orphans(mini_session, "xa-binh-minh", REF)
    assert found.orphans and found.orphans == assessed.orphans
    assert [ev.ref.id for ev in found.scope] == [ev.ref.id for ev in assessed.scope]


def test_assess_orphans_decides_no_clause_and_scores_no_peer(mini_session, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("orphans alone need neither clause states nor peer coverage")

    monkeypatch.setattr("align.decide.assess.corpus_coverage", refuse)
    monkeypatch.setattr("align.decide.coverage.decide", refuse)
    assert assess_orphans(mini_session, "xa-an-phu", REF).plan.id == "xa-an-phu"


def test_assess_adds_a_plan_outside_the_corpus_to_the_peers(mini_session, tmp_path):
    path = tmp_path / "xa-moi.txt"
    path.write_text("I. NHIỆM VỤ\n- Tuyên truyền chuyển đổi số trên loa truyền thanh.\n", encoding="utf-8")
    found = assess(mini_session, str(path), REF)
    assert found.plan.id == "xa-moi" and set(found.peers) == {"xa-an-phu", "xa-binh-minh", "xa-moi"}


def test_coverage_model_uses_the_sessions_decisions_without_a_cut(mini_session):
    model, source = coverage_model(mini_session, REF)
    assert model == mini_session.decisions.coverage_for(REF) and source in ("prior (unfitted)",
                                                                   "fitted on eval/coverage_labels.jsonl")


def test_coverage_model_cut_overrides_the_weak_cut(mini_session):
    model, source = coverage_model(mini_session, REF, 0.2)
    assert model.weak == 0.2 and model.covered >= 0.2 and source == "override"


def test_coverage_model_cut_above_the_covered_cut_raises_it_too(mini_session):
    model, _ = coverage_model(mini_session, REF, 1.0)
    assert model.weak == model.covered == 1.0


def test_coverage_model_rejects_a_cut_out_of_range(mini_session):
    with pytest.raises(PlanAlignError, match="between 0 and 1"):
        coverage_model(mini_session, REF, 1.5)


def test_assess_applies_a_reviewers_choice(mini_session, tmp_path):
    from align.reviews import ReviewStore

    plan = mini_session.corpus.document("xa-an-phu")
    task = plan.tasks[0]
    free = assess(mini_session, plan, REF)
    target = next(d.clause_id for d in free.clauses if d.status in ("gap", "weak"))
    with ReviewStore(tmp_path / "r.sqlite") as store:
        store.decide(plan.id, task.id, task.text, REF, "choose", target, "An")
        found = assess(mini_session, plan, REF, reviews=store.current(plan.id))
    decision = next(d for d in found.clauses if d.clause_id == target)
    assert decision.status == "covered" and decision.reviewed and found.reviewed == {task.id}
