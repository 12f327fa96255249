import json
import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.corpus_index import task_records
from align.errors import EvalError
from align.index import VectorStore
from align.reports.duplicates import (CANDIDATE_FLOOR, EXACT, MUTUAL_RANK, NEAR, PARAPHRASE, LabelledPair, ScoredPair,
                                      candidates, classify, duplicates_to_json, find_pairs, leave_one_out,
                                      mutual_rank, plan_duplicates, plan_ranks, precision_recall, read_pair_labels,
                                      similarity_bound, text_similarity, word_similarity)

from .conftest import make_plan

LONG = "Tổ chức lớp bồi dưỡng kỹ năng số cho cán bộ, công chức và người dân tại nhà văn hóa các thôn trong xã"


def _unit(angle: float, dim: int = 8) -> np.ndarray:
    v = np.zeros(dim, np.float32)
    v[0], v[1] = np.cos(angle), np.sin(angle)
    return v


def test_text_similarity_is_one_for_same_words():
    assert text_similarity("Số hóa hồ sơ.", "số hóa  hồ sơ") == 1.0


def test_classify_exact_ignores_case_spacing_and_punctuation():
    assert classify("Số hóa hồ sơ, thủ tục.", "số hóa hồ sơ thủ tục", 0.5)[0] == EXACT


def test_classify_near_for_a_small_edit():
    assert classify(LONG, LONG.replace("Tổ chức", "Mở"), 0.5)[0] == NEAR


def test_classify_paraphrase_needs_threshold_and_mutual_rank():
    a, b = "Lắp camera an ninh ở trung tâm xã", "Trang bị thiết bị giám sát hình ảnh nơi công cộng"
    assert classify(a, b, 0.95, threshold=0.93, rank=1)[0] == PARAPHRASE
    assert classify(a, b, 0.92, threshold=0.93, rank=1)[0] is None
    assert classify(a, b, 0.95, threshold=0.93, rank=4)[0] is None


def test_mutual_rank_is_the_worse_side():
    a_plan = np.stack([_unit(0.0), _unit(0.05)])          # a and a near twin of a in a's plan
    b_plan = np.stack([_unit(0.1), _unit(0.2)])           # b is a's nearest in b's plan
    assert mutual_rank(a_plan[0], b_plan[0], a_plan, b_plan, same_plan=False) == 2


def test_find_pairs_reports_each_pair_once_in_plan_order():
    plan = make_plan("p", ["Một việc.", "Việc khác hẳn.", "một việc"])
    records = task_records(plan)
    vectors = np.stack([_unit(0.0), _unit(1.5), _unit(0.0)])
    pairs = find_pairs(records, vectors, VectorStore.build(records, vectors, "m"), lambda a, b: True)
    assert [(p.a.id, p.b.id, p.kind) for p in pairs] == [("t1", "t3", EXACT)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcde"), max_size=12), st.lists(st.sampled_from("abcde"), max_size=12),
       st.floats(0.0, 1.0))
def test_similarity_bound_is_never_below_the_similarity(wa, wb, cutoff):
    assert similarity_bound(wa, wb, cutoff) >= word_similarity(wa, wb)


def test_plan_ranks_agree_with_mutual_rank():
    rng = np.random.default_rng(0)
    a_plan, b_plan = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in rng.standard_normal((2, 6, 8)))
    ia, jb = np.repeat(np.arange(6), 6), np.tile(np.arange(6), 6)
    expected = [mutual_rank(a_plan[i], b_plan[j], a_plan, b_plan, False) for i, j in zip(ia, jb)]
    assert plan_ranks(a_plan @ b_plan.T, ia, jb, False).tolist() == expected


def test_find_pairs_ranks_each_pair_within_its_own_plans():
    rng = np.random.default_rng(1)
    plans = [make_plan(p, [f"việc {p} số {i}" for i in range(5)]) for p in ("p", "q", "r")]
    records = [r for plan in plans for r in task_records(plan)]
    vectors = rng.standard_normal((15, 8)).astype(np.float32) + 2.0      # clustered: every pair is a candidate
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    mine = records[:5]
    store = VectorStore.build(records, vectors, "m")
    pairs = find_pairs(mine, vectors[:5], store, lambda a, b: a.doc_id != b.doc_id, threshold=-1.0, near=1.01)
    found = {(p.a.uid, p.b.uid): p.rank for p in pairs}
    plan_of = {plan.id: vectors[5 * k:5 * k + 5] for k, plan in enumerate(plans)}
    expected = {(a.uid, b.uid): rank for i, a in enumerate(mine) for j, b in enumerate(records[5:], start=5)
                if (rank := mutual_rank(vectors[i], vectors[j], vectors[:5], plan_of[b.doc_id], False)) <= MUTUAL_RANK}
    assert found == expected


def test_find_pairs_keep_filter_drops_pairs():
    plan = make_plan("p", ["Một việc.", "một việc"])
    records = task_records(plan)
    vectors = np.stack([_unit(0.0), _unit(0.0)])
    store = VectorStore.build(records, vectors, "m")
    assert find_pairs(records, vectors, store, lambda a, b: a.doc_id != b.doc_id) == []


def test_candidates_range_search_is_not_truncated():
    vectors = np.stack([_unit(0.001 * i) for i in range(300)])           # 300 neighbours above the floor
    store = VectorStore.build(task_records(make_plan("p", ["x"] * 300)), vectors, "m", approx=False)
    _, rows, _ = candidates(store, vectors[:1], CANDIDATE_FLOOR)
    assert len(rows) == 300


def test_candidates_on_an_hnsw_store_warn(caplog):
    vectors = np.stack([_unit(0.01 * i) for i in range(20)])
    store = VectorStore.build(task_records(make_plan("p", ["x"] * 20)), vectors, "m", approx=True)
    with caplog.at_level(logging.WARNING, logger="align.reports.duplicates"):
        _, rows, _ = candidates(store, vectors[:1], CANDIDATE_FLOOR)
    assert "approximate" in caplog.text and len(rows) == 20


def test_find_pairs_finds_a_near_repeat_below_the_paraphrase_threshold():
    plan = make_plan("p", [LONG, LONG.replace("Tổ chức", "Mở")])
    records = task_records(plan)
    vectors = np.stack([_unit(0.0), _unit(0.3)])                         # cosine 0.955
    pairs = find_pairs(records, vectors, VectorStore.build(records, vectors, "m"), lambda a, b: True, threshold=0.99)
    assert [p.kind for p in pairs] == [NEAR]


def test_duplicates_to_json_has_the_contract_keys():
    plan = make_plan("p", ["Một việc.", "một việc"])
    records = task_records(plan)
    vectors = np.stack([_unit(0.0), _unit(0.0)])
    pairs = find_pairs(records, vectors, VectorStore.build(records, vectors, "m"), lambda a, b: True)
    data = duplicates_to_json(plan, pairs, False, 0.93, 0.7)
    assert set(data) >= {"plan", "pairs"} and data["plan"]["id"] == "p"
    pair = data["pairs"][0]
    assert set(pair) >= {"a", "b", "score", "kind"} and set(pair["a"]) >= {"id", "text", "plan"}


def _scored(duplicate: bool, score: float) -> ScoredPair:
    label = LabelledPair(("p", "x", None), ("p", "y", None), duplicate)
    return ScoredPair(label, f"việc {score}", "nhiệm vụ khác", score, 1)


def test_precision_recall_counts_outcomes():
    scored = [_scored(True, 0.96), _scored(True, 0.90), _scored(False, 0.95), _scored(False, 0.80)]
    result = precision_recall(scored, 0.93)
    assert (result["tp"], result["fp"], result["fn"]) == (1, 1, 1)
    assert result["precision"] == 0.5 and result["recall"] == 0.5


def test_leave_one_out_never_sees_the_judged_pair():
    scored = [_scored(True, 0.96), _scored(True, 0.95), _scored(False, 0.91), _scored(False, 0.90)]
    assert leave_one_out(scored, [0.9, 0.92, 0.94])["precision"] == 1.0


def test_read_pair_labels_reads_occurrence(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"a": {"plan": "p", "anchor": "x", "occurrence": 2}, "b": {"plan": "q", "anchor": "y"},
                                "duplicate": True, "kind": "exact"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_pair_labels(path) == [LabelledPair(("p", "x", 2), ("q", "y", None), True, "exact")]


def test_read_pair_labels_rejects_malformed_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": {"plan": "p"}}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="pairs.jsonl:1"):
        read_pair_labels(path)


def test_plan_duplicates_finds_the_repeated_task_of_the_mini_plan(mini_session):
    pairs = plan_duplicates(mini_session, mini_session.corpus.document("xa-an-phu"))
    assert [p.kind for p in pairs if p.kind == EXACT] == [EXACT]


def test_plan_duplicates_across_only_pairs_other_plans(mini_session):
    pairs = plan_duplicates(mini_session, mini_session.corpus.document("xa-an-phu"), across=True)
    assert pairs and {p.b.doc_id for p in pairs} == {"xa-binh-minh"}
    assert all(p.a.doc_id == "xa-an-phu" for p in pairs)


# -- the real corpus ---------------------------------------------------------------------------
def _labelled(session, keep):
    from align.evaluate import find_task

    out = []
    for label in read_pair_labels():
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
    assert {label.kind for label, _, _ in wanted} == {EXACT, NEAR}
    kinds = [(label.kind, found.get(frozenset((a.id, b.id)))) for label, a, b in wanted]
    assert all(got is not None for _, got in kinds)
    assert (EXACT, EXACT) in kinds and (NEAR, NEAR) in kinds


@pytest.mark.corpus
def test_across_finds_tasks_binh_giang_and_nguyen_luong_bang_share(real_session):
    plan = real_session.corpus.document("binh-giang-nq57-2026")
    other = "nguyen-luong-bang-nq57-2026"
    found = {(p.a.id, p.b.id) for p in plan_duplicates(real_session, plan, across=True) if p.b.doc_id == other}
    shared = [(a.id, b.id) for _, a, b in _labelled(real_session, lambda l: (l.a[0], l.b[0]) == (plan.id, other))]
    hits = [pair for pair in shared if pair in found]
    assert len(shared) >= 10 and len(hits) >= 0.7 * len(shared)
