"""read_text over the real corpus (read in place, never copied)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from align.ingest.read import read_text

pytestmark = pytest.mark.corpus


def corpus_files(corpus_dir: Path) -> list[Path]:
    files = sorted(corpus_dir.glob("reference/*.md")) + sorted(corpus_dir.glob("communes/*.txt"))
    assert files, f"no documents under {corpus_dir}"
    return files


def test_read_text_corpus_decodes_as_utf8(corpus_dir: Path) -> None:
    encodings = {path.name: read_text(path).encoding for path in corpus_files(corpus_dir)}
    assert set(encodings.values()) == {"utf-8"}, encodings


def test_read_text_corpus_raw_and_text_same_line_count(corpus_dir: Path) -> None:
    for path in corpus_files(corpus_dir):
        source = read_text(path)
        assert len(source.raw.splitlines()) == len(source.text.splitlines()), path.name
        assert source.raw.count("\n") == source.text.count("\n"), path.name


def test_read_text_corpus_raw_is_the_file_in_nfc(corpus_dir: Path) -> None:
    # Nothing is taken for legacy font text or dropped as a control character.
    for path in corpus_files(corpus_dir):
        content = path.read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert read_text(path).raw == unicodedata.normalize("NFC", content), path.name
