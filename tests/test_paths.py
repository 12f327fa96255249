import os
import stat

import pytest

from align.paths import atomic_dir, cache_dir, models_root, umask


def test_cache_dir_prefers_plan_align_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("segment") == tmp_path / "mine" / "segment"


def test_cache_dir_falls_back_to_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAN_ALIGN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("segment") == tmp_path / "xdg" / "plan-align" / "segment"


def test_cache_dir_falls_back_to_home(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAN_ALIGN_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir("x") == tmp_path / ".cache" / "plan-align" / "x"


def test_cache_dir_creates_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "c"))
    assert cache_dir("a/b").is_dir()


def test_models_root_prefers_plan_align_models(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("PLAN_ALIGN_MODELS", str(tmp_path / "shared"))
    assert models_root() == tmp_path / "shared"


def test_models_root_defaults_to_the_caches_models(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ALIGN_CACHE", str(tmp_path / "c"))
    monkeypatch.delenv("PLAN_ALIGN_MODELS", raising=False)
    assert models_root() == tmp_path / "c" / "models"


def test_atomic_dir_replaces_existing_folder(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_text("old")
    with atomic_dir(tmp_path / "out") as tmp:
        (tmp / "new.txt").write_text("new")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_dir_keeps_target_on_error(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "out") as tmp:
            (tmp / "new.txt").write_text("new")
            raise RuntimeError("boom")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["out", "out/old.txt"]


def test_atomic_dir_honours_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "out") as tmp:
            (tmp / "new.txt").write_text("new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755


def test_umask_reads_the_process_umask():
    old = os.umask(0o037)
    try:
        assert umask() == 0o037
    finally:
        os.umask(old)
