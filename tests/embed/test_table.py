import numpy as np
import pytest

from align.embed.table import EmbeddingTable
from align.errors import IndexStoreError


def _vectors(n: int) -> np.ndarray:
    return np.arange(n * 4, dtype=np.float32).reshape(n, 4)


def test_embedding_table_finds_what_it_holds_by_kind():
    table = EmbeddingTable.empty("m", 4).merged("query", ["an ninh", "hạ tầng"], _vectors(2))
    rows = table.rows("query", ["hạ tầng", "khác", "an ninh"])
    assert rows[1] == -1
    np.testing.assert_array_equal(table.vectors[rows[[0, 2]]], _vectors(2)[[1, 0]])
    assert (table.rows("passage", ["an ninh"]) == -1).all()


def test_embedding_table_missing_lists_new_texts_once():
    table = EmbeddingTable.empty("m", 4).merged("query", ["an ninh"], _vectors(1))
    assert table.missing("query", ["an ninh", "số hóa", "số hóa"]) == ["số hóa"]


def test_embedding_table_merged_keeps_existing_vectors():
    table = EmbeddingTable.empty("m", 4).merged("query", ["a"], _vectors(1))
    again = table.merged("query", ["a", "b"], _vectors(2) + 100)
    assert len(again) == 2
    np.testing.assert_array_equal(again.vectors[again.rows("query", ["a"])[0]], _vectors(1)[0])


def test_embedding_table_round_trip(tmp_path):
    texts = [f"câu số {i}" for i in range(300)]
    EmbeddingTable.empty("m", 4).merged("passage", texts, _vectors(300)).save(tmp_path / "t")
    loaded = EmbeddingTable.load(tmp_path / "t")
    assert loaded.model_id == "m" and len(loaded) == 300
    np.testing.assert_array_equal(loaded.vectors[loaded.rows("passage", texts)], _vectors(300))


def test_embedding_table_load_truncated_raises(tmp_path):
    EmbeddingTable.empty("m", 4).merged("query", ["a", "b"], _vectors(2)).save(tmp_path / "t")
    (tmp_path / "t" / "vectors.npy").write_bytes(b"\x93NUMPY junk")
    with pytest.raises(IndexStoreError, match="corrupted"):
        EmbeddingTable.load(tmp_path / "t")
