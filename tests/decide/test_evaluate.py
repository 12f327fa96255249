"""align.decide.evaluate with reviewed decisions as extra labels: never for the commune being scored."""
import dataclasses

import numpy as np
import pytest

from align.decide.evaluate import load_corpus, orphan_cut, review_labels
from align.decide.labels import CoverageLabel
from align.evaluate import Label
from align.reviews import text_hash
from align.types import ReviewDecision

REF = "ref-mini"
LABELS = [Label("xa-an-phu", "loa truyền thanh xã hằng tuần", {REF: ("II.1.a",)}),
          Label("xa-an-phu", "lớp học kỹ năng số", {REF: ("II.1.b",)}),
          Label("xa-an-phu", "trạm phát sóng", {REF: ("II.2.a",)}),
          Label("xa-binh-minh", "phát thanh về chuyển đổi số", {REF: ("II.1.a",)}),
          Label("xa-binh-minh", "diệt virus", {REF: ("II.4.a",)}),
          Label("xa-binh-minh", "thanh toán trực tuyến", {REF: ("II.3.a",)}),
          Label("xa-binh-minh", "giải bóng đá", {REF: ()})]


@pytest.fixture(scope="module")
def labelled(mini_session):
    return load_corpus(mini_session, LABELS, ["xa-an-phu", "xa-binh-minh"])



def _choice(corpus, plan, anchor, clause):
    task = next(t for t in corpus.plans[plan].tasks if anchor in t.text)
    return {plan: {(task.id, REF): ReviewDecision(f"{plan}-{task.id}", plan, task.id, text_hash(task.text), REF,
                                                  "choose", clause, "Lan", "2026-03-05T08:00:00+00:00")}}


def _scores(corpus, reviews, held_out="An Phú", plan="xa-an-phu"):
    """The held-out plan's serves probabilities, from the models fitted without its commune."""
    corpus = dataclasses.replace(corpus, reviewed=review_labels(corpus, reviews), _models={})
    ref = next(r for r in corpus.refs if r.id == REF)
    return corpus.evidence(frozenset({held_out}), plan, ref).serves


def test_review_labels_judge_only_the_reviewed_pair(labelled):
    [(key, (said, told))] = review_labels(labelled, _choice(labelled, "xa-binh-minh", "bóng đá", "II.1.a")).items()
    assert key == ("xa-binh-minh", REF) and told.sum() == 1 and said.sum() == 1


def test_training_labels_write_a_review_over_the_hand_label(labelled):
    corpus = dataclasses.replace(labelled, reviewed=review_labels(
        labelled, _choice(labelled, "xa-binh-minh", "bóng đá", "II.1.a")))
    labels, judged = corpus.training_labels("xa-binh-minh", REF)
    before, _ = labelled.training_labels("xa-binh-minh", REF)
    assert labels.sum() == before.sum() + 1 and judged.sum() == labelled.training_labels("xa-binh-minh", REF)[1].sum()


def _covering(labelled, labels):
    fresh = load_corpus(labelled.session, LABELS, list(labelled.plans), labels)
    return fresh.training_labels("xa-binh-minh", REF), labelled.training_labels("xa-binh-minh", REF)


def test_training_labels_take_a_coverage_labels_named_task_as_serving(labelled):
    label = CoverageLabel("xa-binh-minh", "II.2.a", "covered", (("giải bóng đá", None),), ref=REF)
    (labels, _), (before, _) = _covering(labelled, [label])
    assert labels.sum() == before.sum() + 1


def test_training_labels_judge_every_task_on_a_gap_clause(labelled):
    label = CoverageLabel("xa-binh-minh", "II.2.a", "gap", ref=REF)
    (labels, judged), (before, judged_before) = _covering(labelled, [label])
    tasks = len(labelled.plans["xa-binh-minh"].tasks)
    assert labels.sum() == before.sum() and judged.sum() == judged_before.sum() + (tasks - 4)


def test_training_labels_ignore_coverage_labels_of_another_reference(labelled):
    label = CoverageLabel("xa-binh-minh", "II.2.a", "gap", ref="another")
    (_, judged), (_, judged_before) = _covering(labelled, [label])
    assert judged.sum() == judged_before.sum()


def _held_out_serves(labelled, coverage_labels):
    """An Phú's serves probabilities from the models fitted without it, with these coverage labels."""
    corpus = load_corpus(labelled.session, LABELS, list(labelled.plans), coverage_labels)
    ref = next(r for r in corpus.refs if r.id == REF)
    return corpus.evidence(frozenset({"An Phú"}), "xa-an-phu", ref).serves


def test_load_corpus_remembers_the_tasks_a_coverage_label_names(labelled):
    label = CoverageLabel("xa-binh-minh", "II.3.a", "covered", (("diệt virus", None),), ref=REF)
    corpus = load_corpus(labelled.session, LABELS, list(labelled.plans), [label])
    [entry] = [e for e in corpus.memory.entries if e.covers]
    assert entry.plan == "xa-binh-minh" and entry.covers == {REF: ("II.3.a",)}


def test_loco_serves_of_a_plan_ignore_its_own_coverage_labels(labelled):
    own = CoverageLabel("xa-an-phu", "II.3.a", "covered", (("trạm phát sóng", None),), ref=REF)
    assert np.array_equal(_held_out_serves(labelled, [own]), _held_out_serves(labelled, []))


def test_loco_serves_of_a_plan_learn_from_other_communes_coverage_labels(labelled):
    other = CoverageLabel("xa-binh-minh", "II.3.a", "covered", (("diệt virus", None),), ref=REF)
    assert not np.allclose(_held_out_serves(labelled, [other]), _held_out_serves(labelled, []))


def test_loco_scores_of_a_plan_ignore_its_own_reviews(labelled):
    review = _choice(labelled, "xa-an-phu", "Mua sắm máy tính", "II.1.a")
    assert np.array_equal(_scores(labelled, review), _scores(labelled, {}))


def test_loco_scores_of_a_plan_learn_from_other_communes_reviews(labelled):
    review = _choice(labelled, "xa-binh-minh", "bóng đá", "II.1.a")
    assert not np.allclose(_scores(labelled, review), _scores(labelled, {}))


def test_orphan_cut_stays_above_every_task_that_serves_something():
    rows = [("p", True, 0.30), ("p", False, 0.20), ("p", True, 0.10), ("p", False, 0.05)]
    cut = orphan_cut(rows)
    assert 0.20 < cut <= 0.30


def test_orphan_cut_flags_nothing_without_orphans_to_learn_from():
    rows = [("p", False, 0.2), ("p", False, 0.1)]
    assert orphan_cut(rows) > 0.2


def test_orphan_cut_ignores_tasks_that_name_a_subject():
    rows = [("p", True, 0.3), ("p", False, 0.0), ("p", False, 0.1)]
    assert 0.1 < orphan_cut(rows) <= 0.3


def _relabelled(corpus, plan, anchor, clause):
    """The corpus with one hand label of `plan` moved to another clause (memory and fitted models anew)."""
    from align.evaluate import collect_samples, label_memory

    labels = [dataclasses.replace(l, refs={REF: (clause,)}) if l.plan == plan and l.anchor == anchor else l
              for l in LABELS]
    fresh = load_corpus(corpus.session, labels, list(corpus.plans))
    samples, _ = collect_samples(corpus.session, labels)
    return dataclasses.replace(fresh, memory=label_memory(corpus.session.embedder.model_id, samples))


def test_loco_scores_of_a_plan_ignore_its_own_labels_in_the_memory(labelled):
    moved = _relabelled(labelled, "xa-an-phu", "trạm phát sóng", "II.4.a")
    assert np.array_equal(_scores(moved, {}), _scores(labelled, {}))


def test_loco_scores_of_a_plan_remember_other_communes_labels(labelled):
    moved = _relabelled(labelled, "xa-binh-minh", "diệt virus", "II.2.a")
    assert not np.allclose(_scores(moved, {}), _scores(labelled, {}))


def test_remember_reviews_add_a_reviewed_task_to_the_memory(labelled):
    from align.evaluate import remember_reviews

    review = _choice(labelled, "xa-binh-minh", "bóng đá", "II.1.a")
    memory = remember_reviews(labelled.memory, labelled.session, review)
    added = [e for e in memory.entries if e not in labelled.memory.entries]
    assert len(memory) == len(labelled.memory) + 1 and dict(added[0].serves) == {REF: ("II.1.a",)}


def test_remember_reviews_never_score_the_reviewed_commune(labelled):
    from align.evaluate import remember_reviews

    review = _choice(labelled, "xa-an-phu", "Mua sắm máy tính", "II.1.a")
    moved = dataclasses.replace(labelled, memory=remember_reviews(labelled.memory, labelled.session, review),
                                _models={}, _scored={})
    assert np.array_equal(_scores(moved, {}), _scores(labelled, {}))


def _ranking_run(session):
    from align.evaluate import evaluate_session

    return evaluate_session(session, LABELS)["ranked"]


def test_load_corpus_with_the_ranking_run_decides_as_without_it(labelled):
    lent = load_corpus(labelled.session, LABELS, list(labelled.plans), ranked=_ranking_run(labelled.session))
    ref = next(r for r in labelled.refs if r.id == REF)
    for without in (frozenset(), frozenset({"An Phú"})):
        a, b = lent.evidence(without, "xa-an-phu", ref), labelled.evidence(without, "xa-an-phu", ref)
        assert np.allclose(a.serves, b.serves) and np.allclose(a.scores, b.scores)


def test_load_corpus_with_the_ranking_run_reuses_its_fusions_without_changing_them(labelled):
    run = _ranking_run(labelled.session)
    lent = load_corpus(labelled.session, LABELS, list(labelled.plans), ranked=run)
    fusion, _ = lent.models(frozenset({"An Phú"}))
    assert fusion.scorers is run.fusions[frozenset({"An Phú"})].scorers
    assert fusion is not run.fusions[frozenset({"An Phú"})] and run.fusions[frozenset({"An Phú"})].contexts == {}


def test_models_of_a_copy_with_other_covers_share_the_fitted_fusion(labelled):
    without = frozenset({"An Phú"})
    fusion, _ = labelled.models(without)
    general = dataclasses.replace(labelled, memory=labelled.memory.with_covers({}), _models={}, _scored={})
    assert general.models(without)[0].scorers is fusion.scorers
