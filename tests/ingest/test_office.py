"""Old Word .doc files, converted through LibreOffice headless by `plan-align parse FILE`."""
from __future__ import annotations

from tests.ingest.conftest import needs_libreoffice, run_parse, units_of


@needs_libreoffice
def test_doc_read_like_the_docx_it_was_saved_from(plan_docx_file, tmp_path) -> None:
    from tests.ingest.builders import office_convert

    doc = office_convert(plan_docx_file, "doc", tmp_path)
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    from_doc = units_of(run_parse(doc, tmp_path / "cache"))
    assert from_doc == units_of(run_parse(plan_docx_file, tmp_path / "cache"))
    assert len(from_doc) > 15


def test_doc_without_libreoffice_names_the_package(tmp_path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = run_parse(path, tmp_path / "cache", path_env=str(tmp_path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "LibreOffice" in lines[0] and "libreoffice-writer" in lines[0]
