import os
import stat
from contextlib import contextmanager

from align.output import write_atomic


@contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_write_atomic_honours_the_umask(tmp_path):
    with _umask(0o027):
        write_atomic(tmp_path / "report.md", "x")
    assert _mode(tmp_path / "report.md") == 0o640


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o604)
    with _umask(0o077):
        write_atomic(target, "new")
    assert _mode(target) == 0o604 and target.read_text(encoding="utf-8") == "new"
