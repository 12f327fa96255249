import numpy as np

from align.retrieval.features import (PairInputs, UnitView, compute_features, item_max, neighbour_evidence,
                                      neighbours, rank_matrix, split_sentences, task_context)
from align.types import IndexRecord


def _view(text, context="", tokens=(), item="", kind="task"):
    return UnitView(text, context, tuple(tokens), tuple(context.lower().split()), (text,), item, kind)


def test_rank_matrix_ranks_highest_first():
    assert rank_matrix(np.array([[0.1, 0.9, 0.5]])).tolist() == [[3, 1, 2]]


def test_split_sentences_keeps_short_fragments_with_neighbour():
    text = "Xây dựng nền tảng số dùng chung. Ví dụ. Phát triển hệ thống giám sát điều hành thông minh."
    assert split_sentences(text) == ("Xây dựng nền tảng số dùng chung. Ví dụ.",
                                     "Phát triển hệ thống giám sát điều hành thông minh.")


def test_split_sentences_does_not_split_before_lower_case():
    assert len(split_sentences("Tăng cường giám sát, e.g. an toàn thông tin mạng; bảo đảm an ninh.")) == 1


def test_item_max_spreads_best_score_over_item():
    clauses = [_view("a", item="III.1"), _view("b", item="III.1"), _view("c", item="III.2")]
    assert item_max(np.array([[0.2, 0.7, 0.4]]), clauses).tolist() == [[0.7, 0.7, 0.4]]


def test_task_context_uses_nearest_headings_and_group():
    record = IndexRecord(uid="p#1", doc_id="p", id="1", kind="task", role="task", text="x",
                         heading_path=("KẾ HOẠCH", "II. NHIỆM VỤ", "3. Hạ tầng số"), fields={"group_title": "Nhóm A"})
    assert task_context(record) == "II. NHIỆM VỤ / 3. Hạ tầng số / Nhóm A"


def test_compute_features_shapes_and_bm25_normalised():
    tasks = [_view("t1", tokens=("số",)), _view("t2", kind="target")]
    clauses = [_view("c1", tokens=("số",)), _view("c2", kind="target"), _view("c3")]
    m = np.random.default_rng(0).random((2, 3)).astype(np.float32)
    raw_bm25 = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    feats = compute_features(PairInputs(m, m, m, m, raw_bm25, m, m), tasks, clauses, {"số": 1.0})
    assert all(v.shape == (2, 3) for v in feats.values())
    assert feats["bm25"].tolist() == [[1.0, 0.5, 0.0], [0.0, 0.0, 0.0]]
    assert feats["kind_match"].tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    assert feats["idf_overlap"][0, 0] == 1.0


def _task(uid, section, doc="p"):
    return IndexRecord(uid=f"{doc}#{uid}", doc_id=doc, id=uid, kind="task", role="task", text=uid,
                       heading_path=("KẾ HOẠCH", section))


def test_neighbours_stay_under_the_same_headings():
    records = [_task("a", "1. Hạ tầng số"), _task("b", "1. Hạ tầng số"), _task("c", "1. Hạ tầng số"),
               _task("d", "2. Dữ liệu số")]
    assert neighbours(records) == [(1,), (0, 2), (1,), ()]


def test_neighbours_do_not_cross_plans():
    records = [_task("a", "1. Hạ tầng số", doc="p"), _task("b", "1. Hạ tầng số", doc="q")]
    assert neighbours(records) == [(), ()]


def test_neighbour_evidence_averages_standardised_rows_of_neighbours():
    scores = np.array([[0.0, 1.0, 2.0], [4.0, 2.0, 0.0], [9.0, 9.0, 9.0]])
    out = neighbour_evidence(scores, [(1,), (0, 2), ()], [0, 1, 2])
    assert np.allclose(out[0], [1.2247, 0.0, -1.2247], atol=1e-3)
    assert np.allclose(out[1], [-0.6124, 0.0, 0.6124], atol=1e-3)
    assert out[2].tolist() == [0.0, 0.0, 0.0]


def test_compute_features_spreads_neighbour_evidence_over_item():
    tasks = [_view("t1")]
    clauses = [_view("c1", item="III.1"), _view("c2", item="III.1"), _view("c3", item="III.2")]
    m = np.zeros((1, 3), dtype=np.float32)
    near = np.array([[0.5, -1.0, 0.25]], dtype=np.float32)
    feats = compute_features(PairInputs(m, m, m, m, m, near, m), tasks, clauses, {})
    assert feats["neighbour_item"].tolist() == [[0.5, 0.5, 0.25]]


def test_applicable_prior_only_for_a_reference_mostly_closed_to_communes():
    from align.retrieval.features import applicable_prior

    assert applicable_prior([True, False, False, False]).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert applicable_prior([True, True, False]) is None
    assert applicable_prior([]) is None


def test_compute_features_applicable_is_zero_without_a_prior():
    tasks, clauses = [_view("t1")], [_view("c1"), _view("c2")]
    m = np.ones((1, 2), dtype=np.float32)
    feats = compute_features(PairInputs(m, m, m, m, m, m, m), tasks, clauses, {})
    assert not feats["applicable"].any() and not feats["xref_dense"].any()
