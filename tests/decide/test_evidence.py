import numpy as np

from align.decide import serves as serves_features
from align.decide.logistic import Logistic
from align.decide.serves import ServesModel

from align.decide.evidence import LINKS, score_plans, viewpoint_links

from tests.handmade import evidence_for, make_plan

METHOD = "hybrid"


def test_plan_evidence_best_is_zero_for_a_plan_without_tasks(ref):
    assert np.array_equal(evidence_for(make_plan("e", []), ref, {}).best, np.zeros(len(ref.clauses)))


def test_plan_evidence_best_is_each_clauses_best_task(ref):
    ev = evidence_for(make_plan("p", ["Một.", "Hai."]), ref, {(0, "III.1.1"): 0.4, (1, "III.1.1"): 0.7})
    assert np.isclose(ev.best[1], 0.7) and np.isclose(ev.best[0], ev.scores[0, 0])


def test_viewpoint_links_join_each_viewpoint_to_its_nearest_task_clauses(ref):
    vectors = np.eye(len(ref.clauses), dtype=np.float32)
    vectors[0] = [0.0, 0.6, 0.0, 0.8, 0.0, 0.0]           # I.1 nearest III.5.1, then III.1.1
    links = viewpoint_links(ref, vectors)
    assert links[0][:2] == (3, 1) and len(links[0]) == LINKS and links[1:] == ((),) * (len(ref.clauses) - 1)


def test_plan_evidence_terms_are_the_shared_words(ref):
    ev = evidence_for(make_plan("p", ["Hợp tác với đối tác nước ngoài."]), ref, {})
    assert set(ev.terms(0, 4)) == {"hợp", "tác", "với", "đối", "nước", "ngoài"}


def test_score_plans_in_one_chunk_matches_each_plan_alone(mini_session):
    ref = mini_session.corpus.references()[0]
    plans = mini_session.corpus.plans()
    together = score_plans(mini_session.aligner, plans, ref, METHOD, mini_session.decisions.serves)
    for plan in plans:
        alone = score_plans(mini_session.aligner, [plan], ref, METHOD, mini_session.decisions.serves)[plan.id]
        assert np.allclose(together[plan.id].scores, alone.scores, atol=1e-5)


def test_score_plans_serves_do_not_depend_on_the_plans_scored_together(mini_session):
    names = serves_features.GENERAL_FEATURES   # the mini reference has no coverage labels
    reads_standing = ServesModel(Logistic(names, (0.0,) * len(names), (1.0,) * len(names),
                                          tuple(1.0 if n == "dense_in_plan" else 0.0 for n in names), 0.0))
    ref = mini_session.corpus.references()[0]
    plans = mini_session.corpus.plans()
    together = score_plans(mini_session.aligner, plans, ref, METHOD, reads_standing)
    for plan in plans:
        alone = score_plans(mini_session.aligner, [plan], ref, METHOD, reads_standing)[plan.id]
        assert np.allclose(together[plan.id].serves, alone.serves, atol=1e-5)


def test_score_plans_columns_follow_the_reference_clauses(mini_session):
    ref = mini_session.corpus.references()[0]
    plan = mini_session.corpus.document("xa-an-phu")
    scores = score_plans(mini_session.aligner, [plan], ref, METHOD, mini_session.decisions.serves)[plan.id].scores
    alignment = mini_session.aligner.align(plan, [ref], top_k=1)
    best = [item.matches[ref.id][0].clause_id for item in alignment.tasks]
    assert best == [ref.clauses[j].id for j in scores.argmax(axis=1)]


def test_score_plans_gives_every_matrix_the_plans_shape(mini_session):
    ref = mini_session.corpus.references()[0]
    plan = mini_session.corpus.document("xa-binh-minh")
    ev = score_plans(mini_session.aligner, [plan], ref, METHOD, mini_session.decisions.serves)[plan.id]
    shape = (len(plan.tasks), len(ref.clauses))
    assert {m.shape for m in (ev.scores, ev.serves, ev.dense)} == {shape}
    assert len(ev.task_tokens) == len(plan.tasks) and len(ev.clause_tokens) == len(ref.clauses)
