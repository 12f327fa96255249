"""The model registry: names, built directories in the cache, LOCO variants."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.errors import ModelError
from align.models import registry
from align.models.finetune import MANIFEST, TrainSettings
from tests.models.test_finetune import build_tiny_bert


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    """A private cache per test: registry tests write fake and tiny models into it."""
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("PLAN_ALIGN_MODELS", raising=False)  # models in the cache's models/, the default
    return tmp_path / "cache"


def _fake_built(directory: Path, manifest: dict) -> Path:
    directory.mkdir(parents=True)
    (directory / "modules.json").write_text("[]", encoding="utf-8")
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return directory


def test_resolve_model_unknown_name_raises(cache):
    with pytest.raises(ModelError, match="unknown model 'no-such-model'"):
        registry.resolve_model("no-such-model")


def test_resolve_model_returns_a_built_directory_as_is(cache):
    built = _fake_built(cache / "models" / "e5-small-st", {"model_id": "e5-small-st"})
    assert registry.resolve_model("e5-small-st") == built


def test_resolve_model_refuses_to_train_an_unbuilt_adapted_model(cache):
    with pytest.raises(ModelError, match=r"e5-plan is not built; train it with `plan-align models build --name e5-plan`"):
        registry.resolve_model("e5-plan")
    assert not (cache / "models" / "e5-plan").exists()


def test_resolve_model_refuses_to_train_an_unbuilt_variant(cache):
    with pytest.raises(ModelError, match=r"models build --name e5-plan"):
        registry.resolve_model("e5-plan-loco-binh-giang")


def test_canonical_name_maps_the_short_names():
    assert [registry.canonical_name(n) for n in ("e5", "e5-int8", "e5-fp32", "e5-plan")] == [
        "e5-small-onnx-int8-token", "e5-small-onnx-int8-token", "e5-small-onnx", "e5-plan"]


def test_slug_folds_vietnamese_names():
    assert [registry.slug(n) for n in ("Nguyễn Lương Bằng", "Vũ Dương", "Đông Hưng")] == [
        "nguyen-luong-bang", "vu-duong", "dong-hung"]


def test_loco_variants_none_for_models_without_variants(cache, tmp_path):
    plain = _fake_built(tmp_path / "plain", {"model_id": "plain"})
    assert registry.loco_variants("e5") is None
    assert registry.loco_variants(f"st:{plain}") is None


def test_loco_variants_none_for_an_st_directory_not_trained_leave_one_out(cache, tmp_path):
    model = _fake_built(tmp_path / "m", {"kind": "loco-variant", "held_out_commune": "An Phú"})
    assert registry.loco_variants(f"st:{model}") is None


def test_list_models_shows_registry_models_unbuilt_in_an_empty_cache(cache):
    rows = {r["name"]: r for r in registry.list_models()}
    assert {"e5-small-st", "e5-plan"} <= set(rows)
    assert not rows["e5-plan"]["built"] and rows["e5-small-st"]["kind"] == "base"


def test_list_models_names_engine_and_precision_of_unbuilt_exports(cache):
    rows = {r["name"]: r for r in registry.list_models()}
    int8 = rows["e5-small-onnx-int8-token"]
    assert (int8["engine"], int8["precision"], rows["e5-small-onnx"]["precision"]) == ("onnxruntime", "int8", "fp32")
    assert (rows["e5-small-st"]["engine"], rows["e5-plan"]["kind"]) == ("torch", "adapted")


def test_list_models_reads_figures_from_manifests(cache):
    _fake_built(cache / "models" / "e5-plan", {"kind": "adapted", "training": {"pairs": 12, "steps": 3,
                                                                               "train_seconds": 4.5}})
    row = next(r for r in registry.list_models() if r["name"] == "e5-plan")
    assert row["built"] and (row["pairs"], row["steps"], row["train_s"]) == (12, 3, 4.5)


def test_record_eval_keeps_the_rest_of_the_manifest(cache, tmp_path):
    model = _fake_built(tmp_path / "m", {"model_id": "m"})
    registry.record_eval(model, {"hybrid nq57": {"mrr": 0.5}})
    manifest = json.loads((model / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"model_id": "m", "eval": {"hybrid nq57": {"mrr": 0.5}}}


@pytest.mark.slow
@pytest.mark.corpus
def test_build_adapted_trains_one_variant_per_commune_with_pairs(cache, corpus_dir, tmp_path, monkeypatch):
    base = build_tiny_bert(tmp_path / "tiny", ["xã", "chuyển", "đổi", "số", "khoa", "học", "công", "nghệ"])
    base_dir = registry.model_dir("tiny-base")
    base.rename(base_dir)
    (base_dir / MANIFEST).write_text(json.dumps({"model_id": "tiny-base", "source_sha256": "abc"}),
                                     encoding="utf-8")
    settings = TrainSettings(max_steps=1, batch_size=4)
    monkeypatch.setitem(registry.REGISTRY, "tiny-base", registry.ModelSpec("tiny-base", "test base"))
    monkeypatch.setitem(registry.REGISTRY, "tiny-plan", registry.ModelSpec("tiny-plan", "test", "tiny-base",
                                                                           settings))
    manifest = registry.build_adapted("tiny-plan", corpus_dir=corpus_dir, settings=settings)
    assert manifest["loco"] == {"Bình Giang": "tiny-plan-loco-binh-giang",
                                "Nguyễn Lương Bằng": "tiny-plan-loco-nguyen-luong-bang",
                                "Bình Thành": "tiny-plan-loco-binh-thanh"}
    assert manifest["source_sha256"] == "abc"
    variant = json.loads((cache / "models" / "tiny-plan-loco-binh-giang" / MANIFEST).read_text(encoding="utf-8"))
    assert variant["held_out_commune"] == "Bình Giang" and variant["kind"] == "loco-variant"
    assert variant["training"]["pairs"] < manifest["training"]["pairs"]
    specs = registry.loco_variants("tiny-plan")
    assert specs["Vũ Dương"] == f"st:{cache / 'models' / 'tiny-plan'}"
    assert len(specs) == 4 and all(Path(s[3:]).is_dir() for s in specs.values())
    assert registry.resolve_model("tiny-plan-loco-binh-giang") == cache / "models" / "tiny-plan-loco-binh-giang"
