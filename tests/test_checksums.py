import os
import shutil

from align.checksums import VERIFIED, record, verify


def _build(tmp_path):
    build = tmp_path / "build"
    (build / "tasks").mkdir(parents=True)
    (build / "tasks" / "vectors.npy").write_bytes(bytes(range(256)) * 40)
    (build / "manifest.json").write_text("{}", encoding="utf-8")
    return build


def _overwrite_middle(path, size=1000):
    """Zeros over part of a file: the same size, a new mtime."""
    with open(path, "r+b") as handle:
        handle.seek(2000)
        handle.write(b"\0" * size)


def test_record_lists_every_file_but_the_manifest(tmp_path):
    files = record(_build(tmp_path))
    assert list(files) == ["tasks/vectors.npy"] and files["tasks/vectors.npy"]["size"] == 10240


def test_verify_accepts_an_intact_build(tmp_path):
    build = _build(tmp_path)
    assert verify(build, record(build)) is None


def test_verify_finds_same_size_damage(tmp_path):
    build = _build(tmp_path)
    files = record(build)
    _overwrite_middle(build / "tasks" / "vectors.npy")
    assert "tasks/vectors.npy differs from its checksum" in verify(build, files)


def test_verify_finds_a_truncated_file_by_its_size(tmp_path):
    build = _build(tmp_path)
    files = record(build)
    os.truncate(build / "tasks" / "vectors.npy", 100)
    assert "100 bytes" in verify(build, files)


def test_verify_finds_a_missing_file(tmp_path):
    build = _build(tmp_path)
    files = record(build)
    (build / "tasks" / "vectors.npy").unlink()
    assert "missing" in verify(build, files)


def test_verify_remembers_files_hashed_under_a_new_mtime(tmp_path):
    build = _build(tmp_path)
    files = record(build)
    copy = tmp_path / "copy"
    shutil.copytree(build, copy, copy_function=shutil.copyfile)   # times not kept: every file is hashed once
    assert verify(copy, files) is None and (copy / VERIFIED).is_file()


def test_verify_finds_damage_after_a_verified_copy(tmp_path):
    build = _build(tmp_path)
    files = record(build)
    copy = tmp_path / "copy"
    shutil.copytree(build, copy, copy_function=shutil.copyfile)
    verify(copy, files)
    _overwrite_middle(copy / "tasks" / "vectors.npy")
    os.utime(copy / "tasks" / "vectors.npy", ns=(0, 12345))
    assert "differs from its checksum" in verify(copy, files)
