"""ONNX export: the model directory and its manifest, on the real e5 and on a tiny BERT."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.errors import ModelError
from align.embed.model_dir import DATA_FILE, MANIFEST, ONNX_FILE, TOKENIZER_FILE, load_manifest, save_manifest
from align.models.export import export_onnx
from align.embed.vocabulary import FILES as VOCABULARY_FILES
from align.checksums import sha256_file
from align.models.e5file import bundled_model_path
from align.types import EngineManifest
from tests.models.test_finetune import build_tiny_bert

WORDS = ["xã", "chuyển", "đổi", "số", "khoa", "học", "công", "nghệ", "tập", "huấn", "dữ", "liệu"]
SENTENCES = ["xã chuyển đổi số", "khoa học công nghệ", "tập huấn dữ liệu số", "công nghệ số xã"]

MANIFEST_EXAMPLE = EngineManifest(
    name="e5-small-onnx", model_id="e5-small-onnx:1571fc98", dimension=384, engine="onnxruntime", precision="fp32",
    source_sha256="1571fc98" + "0" * 56, base="e5-small-st", max_length=512, pad_id=1,
    prompts={"query": "query: ", "passage": "passage: "}, built_at="2026-12-01T00:00:00+00:00", build_seconds=12.5,
    verification={"sentences": 64, "cosine_min": 0.9999, "cosine_mean": 0.99993})


def test_manifest_round_trip(tmp_path):
    save_manifest(tmp_path, MANIFEST_EXAMPLE)
    assert load_manifest(tmp_path) == MANIFEST_EXAMPLE


def test_manifest_of_another_kind_of_model_is_refused(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps({"format_version": 1, "model_id": "e5-small-st"}), encoding="utf-8")
    with pytest.raises(ModelError, match="not an exported model"):
        load_manifest(tmp_path)


def test_manifest_missing_a_field_is_refused(tmp_path):
    save_manifest(tmp_path, MANIFEST_EXAMPLE)
    record = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    del record["dimension"]
    (tmp_path / MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="incomplete model manifest"):
        load_manifest(tmp_path)


def test_default_engine_manifest_names_model_engine_precision_and_source(e5):
    manifest = load_manifest(e5.directory)
    assert (manifest.dimension, manifest.engine, manifest.precision, manifest.base) == (
        384, "onnxruntime", "int8", "e5-small-st")
    assert manifest.source_sha256 == sha256_file(bundled_model_path())
    assert manifest.model_id == e5.model_id == f"e5-small-onnx-int8-token:{manifest.source_sha256[:8]}"
    assert manifest.verification["cosine_min"] >= 0.995


def test_default_engine_directory_holds_graph_weights_tokenizer_and_manifest(e5):
    assert sorted(p.name for p in Path(e5.directory).iterdir()) == sorted(
        [ONNX_FILE, DATA_FILE, TOKENIZER_FILE, MANIFEST, *VOCABULARY_FILES])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, object]:
    """A tiny BERT sentence-transformers model with a base manifest, and the model itself as reference."""
    from sentence_transformers import SentenceTransformer

    directory = build_tiny_bert(tmp_path_factory.mktemp("tiny"), WORDS)
    (directory / "plan_align_model.json").write_text(json.dumps({"dim": 32, "source_sha256": "ab" * 32}),
                                                     encoding="utf-8")
    return directory, SentenceTransformer(str(directory), device="cpu")


def _passages(model):
    return lambda sentences: model.encode(sentences, prompt_name="passage", convert_to_numpy=True)


@pytest.mark.parametrize("precision, floor", [("fp32", 0.99999), ("int8", 0.97)])
def test_export_onnx_matches_the_torch_model(tiny, tmp_path, precision, floor):
    from align.embed.onnx_runtime import OnnxEmbedder

    base, model = tiny
    manifest = export_onnx(base, tmp_path / "tiny-onnx", precision, SENTENCES, reference=_passages(model))
    assert (manifest.precision, manifest.dimension, manifest.model_id) == (precision, 32, "tiny-onnx:abababab")
    ours = OnnxEmbedder(tmp_path / "tiny-onnx").encode(SENTENCES, kind="passage")
    theirs = _passages(model)(SENTENCES)
    assert np.sum(ours * theirs, axis=1).min() >= floor


def test_export_onnx_that_fails_its_check_leaves_nothing(tiny, tmp_path):
    base, model = tiny
    other = lambda sentences: -_passages(model)(sentences)  # noqa: E731 - a reference the export cannot match
    with pytest.raises(ModelError, match="too far from its reference"):
        export_onnx(base, tmp_path / "tiny-onnx", "fp32", SENTENCES, reference=other)
    assert list(tmp_path.iterdir()) == []


def test_export_onnx_unknown_precision_is_refused(tiny, tmp_path):
    with pytest.raises(ModelError, match="unknown precision"):
        export_onnx(tiny[0], tmp_path / "x", "int4", SENTENCES)

