import numpy as np
import pytest

from align.errors import IndexStoreError
from align.index import VectorStore, measure_recall
from align.types import IndexRecord


def _records(n: int, role: str = "task") -> list[IndexRecord]:
    return [IndexRecord(uid=f"d#{i}", doc_id="d", id=str(i), kind="task", role=role, text=f"nhiệm vụ {i}",
                        heading_path=("I. Mục tiêu",), fields={"lead": "UBND xã"}) for i in range(n)]


def _vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_vector_store_search_finds_itself_first():
    vectors = _vectors(50)
    store = VectorStore.build(_records(50), vectors, "m")
    scores, rows = store.search(vectors[:5], k=3)
    assert list(rows[:, 0]) == [0, 1, 2, 3, 4]
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)


def test_vector_store_save_load_round_trip(tmp_path):
    vectors = _vectors(40)
    store = VectorStore.build(_records(40), vectors, "m")
    store.save(tmp_path / "s")
    loaded = VectorStore.load(tmp_path / "s")
    assert loaded.records == store.records and loaded.model_id == "m" and loaded.dim == 32
    assert np.array_equal(loaded.search(vectors[:3], 5)[1], store.search(vectors[:3], 5)[1])


def test_vector_store_records_keep_vietnamese_unescaped(tmp_path):
    VectorStore.build(_records(2), _vectors(2), "m").save(tmp_path / "s")
    assert "nhiệm vụ 1" in (tmp_path / "s" / "records.jsonl").read_text(encoding="utf-8")


def test_vector_store_approx_measures_recall(tmp_path):
    store = VectorStore.build(_records(600), _vectors(600), "m", approx=True)
    assert store.approx and store.recall_at_10 is not None and store.recall_at_10 > 0.9
    store.save(tmp_path / "s")
    assert VectorStore.load(tmp_path / "s").manifest()["index_type"] == "hnsw"


def test_vector_store_range_search_returns_pairs_above_threshold():
    vectors = _vectors(30)
    vectors[7] = vectors[3]
    store = VectorStore.build(_records(30), vectors, "m")
    pairs = store.range_search(vectors[[3]], 0.99)
    assert {row for _, row, _ in pairs} == {3, 7}


def test_vector_store_add_appends_without_reindexing_old_rows():
    vectors = _vectors(20)
    store = VectorStore.build(_records(10), vectors[:10], "m")
    extra = [IndexRecord(uid=f"e#{i}", doc_id="e", id=str(i), kind="task", role="task", text="x")
             for i in range(10)]
    store.add(extra, vectors[10:])
    assert len(store) == 20 and store.search(vectors[15:16], 1)[1][0, 0] == 15 and "e#5" in store


def test_vector_store_load_corrupted_hnsw_raises_index_error(tmp_path):
    VectorStore.build(_records(5), _vectors(5), "m", approx=True).save(tmp_path / "s")
    (tmp_path / "s" / "faiss.index").write_bytes(b"garbage")
    with pytest.raises(IndexStoreError, match="corrupted"):
        VectorStore.load(tmp_path / "s")


def test_vector_store_load_truncated_records_raises_index_error(tmp_path):
    VectorStore.build(_records(5), _vectors(5), "m").save(tmp_path / "s")
    path = tmp_path / "s" / "records.jsonl"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(IndexStoreError, match="corrupted"):
        VectorStore.load(tmp_path / "s")


def test_vector_store_flat_writes_no_faiss_file_and_searches_after_load(tmp_path):
    vectors = _vectors(20)
    VectorStore.build(_records(20), vectors, "m").save(tmp_path / "s")
    store = VectorStore.load(tmp_path / "s")
    assert not (tmp_path / "s" / "faiss.index").exists()
    assert store.search(vectors[7:8], 1)[1][0, 0] == 7


def test_vector_store_load_missing_raises_index_error(tmp_path):
    with pytest.raises(IndexStoreError):
        VectorStore.load(tmp_path / "none")


def test_measure_recall_of_exact_index_is_one():
    import faiss

    vectors = _vectors(100)
    index = faiss.IndexFlatIP(32)
    index.add(vectors)
    assert measure_recall(index, vectors) == 1.0


class _OtherCopies:
    """An approximate search that returns other copies of the query's vector than exact search does."""

    def __init__(self, n_copies: int) -> None:
        self.n_copies = n_copies

    def search(self, queries, k):
        rows = np.tile(np.arange(self.n_copies - k, self.n_copies), (len(queries), 1))
        return np.ones(rows.shape, np.float32), rows


def test_measure_recall_counts_tied_copies_as_found():
    vectors = np.tile(_vectors(1), (30, 1))   # 30 copies: every top 10 is as good as any other
    assert measure_recall(_OtherCopies(30), vectors, sample=5) == 1.0
    assert measure_recall(_OtherCopies(30), vectors, sample=5, tie=-1.0) < 1.0
