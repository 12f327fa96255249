"""The ONNX Runtime engine on the real exported e5-small (built once per test run)."""
import numpy as np
import pytest

from align.embed.base import batches
from align.embed.onnx_runtime import OnnxEmbedder
from align.errors import ModelError

TEXTS = ["Tập huấn kỹ năng số", "Xây dựng cơ sở dữ liệu dân cư và đất đai dùng chung của xã năm 2026",
         "Hỗ trợ hợp tác xã ứng dụng công nghệ mới vào sản xuất nông nghiệp, bán hàng trên sàn điện tử"]


def test_onnx_embedder_returns_normalised_float32(e5):
    vectors = e5.encode(TEXTS, kind="passage")
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_onnx_embedder_padding_does_not_change_a_vector(e5):
    together = e5.encode(TEXTS, kind="query")
    alone = np.vstack([e5.encode([t], kind="query") for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)


def test_onnx_embedder_query_and_passage_prefixes_differ(e5):
    assert not np.allclose(e5.encode(TEXTS[:1], kind="query"), e5.encode(TEXTS[:1], kind="passage"))


def test_onnx_embedder_truncates_text_longer_than_the_model(e5):
    long_text = " ".join(["chuyển đổi số"] * 600)
    vector = e5.encode([long_text])
    assert vector.shape == (1, 384) and np.isfinite(vector).all()


def test_onnx_embedder_directory_without_manifest_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no readable model manifest"):
        OnnxEmbedder(tmp_path)


def test_onnx_embedder_broken_model_file_is_a_model_error(e5, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(e5.directory, broken, ignore=shutil.ignore_patterns("model.onnx.data"))
    (broken / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot load the ONNX model"):
        OnnxEmbedder(broken)


def test_onnx_embedder_batches_by_token_count_within_the_bound(e5):
    tokens, lengths = e5._prepare(TEXTS * 20, "passage")
    assert lengths.tolist() == [len(t) for t in tokens]
    for rows in batches(lengths, e5.batch_size, e5.batch_tokens):
        assert len(rows) == 1 or len(rows) * lengths[rows].max() <= e5.batch_tokens

