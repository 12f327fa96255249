import logging

import numpy as np
import pytest

from align.i18n import reason_text
from align.corpus_index import task_records
from align.decide import pairs
from align.decide.pairs import words
from align.decide.duplicates import (CANDIDATE_FLOOR, EXACT, NEAR, PARAPHRASE, WITHIN_FLOOR,
                                     candidates, find_pairs, kind_of, mutual_rank, plan_duplicates, plan_ranks)
from align.decide.labels import PAIRS_FILE, read_pair_labels
from align.decide.logistic import Logistic
from align.decide.pairs import PairModel, PairText
from align.index import VectorStore
from align.paths import eval_dir

from tests.handmade import make_plan

LONG = "Tổ chức lớp bồi dưỡng kỹ năng số cho cán bộ, công chức và người dân tại nhà văn hóa các thôn trong xã"
CAMERA = ["Lắp camera an ninh ở trung tâm xã", "Trang bị thiết bị giám sát hình ảnh nơi công cộng"]


def _constant(same: bool) -> PairModel:
    """A pair model that takes every pair for one task, or none."""
    x = np.zeros((1, len(pairs.FEATURES)))
    return PairModel(Logistic.fit_or_constant(pairs.FEATURES, x, np.array([int(same)])), 0.5)


ACCEPT, REJECT = _constant(True), _constant(False)


def _unit(angle: float, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim, np.float32)
    v[0], v[1] = np.cos(angle), np.sin(angle)
    return v


def _find(texts, vectors, model, **options):
    records = task_records(make_plan("p", texts))
    vectors = np.stack(vectors)
    store = VectorStore.build(records, vectors, "m", approx=False)
    return find_pairs(records, vectors, store, options.pop("keep", lambda a, b: True), model, {}, **options)


def _pair_text(text: str) -> PairText:
    return PairText(tuple(words(text)), frozenset(), frozenset(), "")


def test_words_fold_case_and_drop_punctuation():
    assert words("Số hóa  HỒ SƠ, thủ tục.") == ["số", "hóa", "hồ", "sơ", "thủ", "tục"]


def test_kind_of_same_words_is_exact():
    assert kind_of(_pair_text("Số hóa hồ sơ."), _pair_text("số hóa hồ sơ"), 1.0) == EXACT


def test_kind_of_a_small_edit_is_near():
    assert kind_of(_pair_text(LONG), _pair_text(LONG.replace("Tổ chức", "Mở")), 0.9) == NEAR


def test_kind_of_other_words_is_paraphrase():
    assert kind_of(_pair_text(CAMERA[0]), _pair_text(CAMERA[1]), 0.1) == PARAPHRASE


def test_kind_of_follows_the_near_bound():
    a, b = _pair_text(LONG), _pair_text(LONG.replace("Tổ chức", "Mở"))
    assert kind_of(a, b, 0.8, near=0.85) == PARAPHRASE and kind_of(a, b, 0.8, near=0.75) == NEAR


def test_find_pairs_reports_an_exact_repeat_whatever_the_model_says():
    found = _find(["Một việc.", "Việc khác hẳn.", "một việc"], [_unit(0.0), _unit(1.5), _unit(0.0)], REJECT)
    assert [(p.a.id, p.b.id, p.kind) for p in found] == [("t1", "t3", EXACT)]
    assert reason_text(found[0].reason) == "the same words"


def test_find_pairs_drops_a_pair_the_model_rejects():
    assert _find(CAMERA, [_unit(0.0), _unit(0.0)], REJECT) == []


def test_find_pairs_keeps_a_pair_the_model_accepts_as_a_paraphrase():
    found = _find(CAMERA, [_unit(0.0), _unit(0.1)], ACCEPT)
    assert [p.kind for p in found] == [PARAPHRASE] and found[0].probability > 0.99 and "cosine" in reason_text(found[0].reason)


def test_find_pairs_calls_an_accepted_small_edit_near():
    assert [p.kind for p in _find([LONG, LONG.replace("Tổ chức", "Mở")], [_unit(0.0), _unit(0.3)], ACCEPT,
                                  floor=WITHIN_FLOOR)] == [NEAR]


def test_find_pairs_never_looks_below_the_floor():
    assert _find(CAMERA, [_unit(0.0), _unit(1.0)], ACCEPT, floor=CANDIDATE_FLOOR) == []     # cosine 0.54


def test_find_pairs_keep_filter_drops_pairs():
    assert _find(["Một việc.", "một việc"], [_unit(0.0), _unit(0.0)], ACCEPT,
                 keep=lambda a, b: a.doc_id != b.doc_id) == []


def test_find_pairs_lists_exact_repeats_first():
    found = _find(CAMERA + ["một việc", "Một việc."], [_unit(0.0), _unit(0.05), _unit(1.5), _unit(1.5)], ACCEPT)
    assert [p.kind for p in found] == [EXACT, PARAPHRASE]


def test_find_pairs_ranks_each_pair_within_its_own_plans():
    rng = np.random.default_rng(1)
    plans = [make_plan(p, [f"việc {p} số {i}" for i in range(5)]) for p in ("p", "q", "r")]
    records = [r for plan in plans for r in task_records(plan)]
    vectors = rng.standard_normal((15, 8)).astype(np.float32) + 2.0      # clustered: every pair is a candidate
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = VectorStore.build(records, vectors, "m")
    found = find_pairs(records[:5], vectors[:5], store, lambda a, b: a.doc_id != b.doc_id, ACCEPT, {}, floor=-1.0,
                       near=1.01)
    plan_of = {plan.id: vectors[5 * k:5 * k + 5] for k, plan in enumerate(plans)}
    expected = {(a.uid, b.uid): mutual_rank(vectors[i], vectors[j], vectors[:5], plan_of[b.doc_id], False)
                for i, a in enumerate(records[:5]) for j, b in enumerate(records[5:], start=5)}
    assert {(p.a.uid, p.b.uid): p.rank for p in found} == expected


def test_mutual_rank_is_the_worse_side():
    a_plan = np.stack([_unit(0.0), _unit(0.05)])          # a and a near twin of a in a's plan
    b_plan = np.stack([_unit(0.1), _unit(0.2)])           # b is a's nearest in b's plan
    assert mutual_rank(a_plan[0], b_plan[0], a_plan, b_plan, same_plan=False) == 2


def test_plan_ranks_agree_with_mutual_rank():
    rng = np.random.default_rng(0)
    a_plan, b_plan = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in rng.standard_normal((2, 6, 8)))
    ia, jb = np.repeat(np.arange(6), 6), np.tile(np.arange(6), 6)
    expected = [mutual_rank(a_plan[i], b_plan[j], a_plan, b_plan, False) for i, j in zip(ia, jb)]
    assert plan_ranks(a_plan @ b_plan.T, ia, jb, False).tolist() == expected


def test_candidates_range_search_is_not_truncated():
    vectors = np.stack([_unit(0.001 * i) for i in range(300)])           # 300 neighbours above the floor
    store = VectorStore.build(task_records(make_plan("p", ["x"] * 300)), vectors, "m", approx=False)
    _, rows, _ = candidates(store, vectors[:1], CANDIDATE_FLOOR)
    assert len(rows) == 300


def test_candidates_on_an_hnsw_store_warn(caplog):
    vectors = np.stack([_unit(0.01 * i) for i in range(20)])
    store = VectorStore.build(task_records(make_plan("p", ["x"] * 20)), vectors, "m", approx=True)
    with caplog.at_level(logging.WARNING, logger="align.decide.duplicates"):
        _, rows, _ = candidates(store, vectors[:1], CANDIDATE_FLOOR)
    assert "approximate" in caplog.text and len(rows) == 20


def test_plan_duplicates_finds_the_repeated_task_of_the_mini_plan(mini_session):
    found = plan_duplicates(mini_session, mini_session.corpus.document("xa-an-phu"))
    assert [p.kind for p in found if p.kind == EXACT] == [EXACT]


def test_plan_duplicates_across_only_pairs_other_plans(mini_session):
    found = plan_duplicates(mini_session, mini_session.corpus.document("xa-an-phu"), across=True, model=ACCEPT)
    assert found and {p.b.doc_id for p in found} == {"xa-binh-minh"}
    assert all(p.a.doc_id == "xa-an-phu" for p in found)


# -- the real corpus ---------------------------------------------------------------------------
def _labelled(session, keep):
    from align.evaluate import find_task

    out = []
    for label in read_pair_labels(eval_dir() / PAIRS_FILE):
        if label.duplicate and keep(label):
            tasks = [find_task(session.corpus.document(plan).tasks, anchor, occ) for plan, anchor, occ in
                     (label.a, label.b)]
            out.append((label, *tasks))
    return out


@pytest.mark.corpus
def test_nguyen_luong_bang_repeats_between_appendices_are_found(real_session):
    plan = real_session.corpus.document("nguyen-luong-bang-nq57-2026")
    found = {frozenset((p.a.id, p.b.id)): p.kind for p in plan_duplicates(real_session, plan)}
    wanted = [(label, a, b) for label, a, b in _labelled(real_session, lambda l: l.a[0] == l.b[0] == plan.id)
              if label.kind in (EXACT, NEAR) and {a.section, b.section} == {"appendix"}
              and a.heading_path[:1] != b.heading_path[:1]]
    kinds = [(label.kind, found.get(frozenset((a.id, b.id)))) for label, a, b in wanted]
    assert {label.kind for label, _, _ in wanted} == {EXACT, NEAR}
    assert all(got is not None for _, got in kinds) and (EXACT, EXACT) in kinds and (NEAR, NEAR) in kinds


@pytest.mark.corpus
def test_across_finds_tasks_binh_giang_and_nguyen_luong_bang_share(real_session):
    plan = real_session.corpus.document("binh-giang-nq57-2026")
    other = "nguyen-luong-bang-nq57-2026"
    found = {(p.a.id, p.b.id) for p in plan_duplicates(real_session, plan, across=True) if p.b.doc_id == other}
    shared = [(a.id, b.id) for _, a, b in _labelled(real_session, lambda l: (l.a[0], l.b[0]) == (plan.id, other))]
    hits = [pair for pair in shared if pair in found]
    assert len(shared) >= 10 and len(hits) >= 0.7 * len(shared)


def test_floor_for_an_int8_engine_is_below_the_fp32_floor_by_its_margin():
    from types import SimpleNamespace

    from align.decide.duplicates import FLOOR_MARGIN, floor_for

    fp32, int8 = SimpleNamespace(precision="fp32"), SimpleNamespace(precision="int8")
    assert (floor_for(fp32, True), floor_for(fp32, False)) == (WITHIN_FLOOR, CANDIDATE_FLOOR)
    assert floor_for(int8, False) == pytest.approx(CANDIDATE_FLOOR - FLOOR_MARGIN["int8"])
    assert floor_for(object(), True) == WITHIN_FLOOR    # an engine that names no precision is fp32
