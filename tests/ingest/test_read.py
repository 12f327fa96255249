"""read_text: files on disk -> SourceText, and the one-line errors for bad inputs."""
from __future__ import annotations

import os
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from align.errors import InputError
from align.ingest.read import SourceText, read_text
from align.text.normalize import normalize_text

ENCODED = [
    ("plan-utf8-bom.txt", "utf-8-sig"),
    ("plan-utf16le-bom.txt", "utf-16"),
    ("plan-utf16be-bom.txt", "utf-16"),
    ("plan-utf16le-nobom.txt", "utf-16"),
    ("plan-cp1258.txt", "windows-1258"),
    ("plan-tcvn3.txt", "tcvn3"),
    ("plan-vni.txt", "vni"),
    ("plan-tcvn3-in-utf8.txt", "tcvn3"),
]


def problem_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        read_text(path, **kwargs)
    assert caught.value.path == str(path)
    assert "\n" not in str(caught.value)
    return caught.value.problem


def test_read_text_utf8_plan(ingest_dir: Path, plan_text: str) -> None:
    source = read_text(ingest_dir / "plan.txt")
    assert isinstance(source, SourceText)
    assert (source.format, source.encoding) == ("txt", "utf-8")
    assert source.raw == plan_text


@pytest.mark.parametrize(("name", "encoding"), ENCODED)
def test_read_text_encoded_plan_decodes_to_source(ingest_dir: Path, plan_text: str, name: str, encoding: str) -> None:
    source = read_text(ingest_dir / name)
    assert source.encoding == encoding
    assert source.raw == plan_text


@pytest.mark.parametrize(("name", "encoding"), ENCODED)
def test_read_text_hash_independent_of_encoding(ingest_dir: Path, name: str, encoding: str) -> None:
    assert read_text(ingest_dir / name).content_hash == read_text(ingest_dir / "plan.txt").content_hash


def test_read_text_text_is_normalised_raw_keeps_tags(ingest_dir: Path) -> None:
    source = read_text(ingest_dir / "plan.txt")
    assert "<b>1</b>\tSố hóa" in source.raw
    assert "1\tSố hóa" in source.text and "<b>" not in source.text
    assert '"sản phẩm OCOP"' in source.text


def test_read_text_raw_and_text_same_line_count(tmp_path: Path) -> None:
    path = tmp_path / "breaks.txt"
    path.write_bytes("dòng một\r\ndòng hai\rdòng ba\u2028dòng bốn\x0cdòng năm <b\nx>\n".encode("utf-8"))
    source = read_text(path)
    assert source.raw.split("\n") == ["dòng một", "dòng hai", "dòng ba", "dòng bốn", "dòng năm <b", "x>", ""]
    assert len(source.text.split("\n")) == len(source.raw.split("\n"))


def test_read_text_content_hash_is_sha256_of_text(ingest_dir: Path) -> None:
    import hashlib

    source = read_text(ingest_dir / "plan.txt")
    assert source.content_hash == hashlib.sha256(source.text.encode("utf-8")).hexdigest()


def test_read_text_markdown_escapes_removed_in_text_only(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("**I. Quan điểm**\n1\\. Đổi mới \\- sáng tạo\n", encoding="utf-8")
    source = read_text(path)
    assert source.format == "md"
    assert source.raw.split("\n")[1] == "1\\. Đổi mới \\- sáng tạo"
    assert source.text.split("\n")[1] == "1. Đổi mới - sáng tạo"


def test_read_text_decomposed_input_becomes_nfc(tmp_path: Path) -> None:
    path = tmp_path / "nfd.txt"
    path.write_text("Vie\u0323\u0302t Nam", encoding="utf-8")
    assert read_text(path).raw == "Việt Nam"


def test_read_text_accepts_pathlike_and_str(ingest_dir: Path) -> None:
    assert read_text(str(ingest_dir / "plan.txt")).text == read_text(ingest_dir / "plan.txt").text


# --- Word ------------------------------------------------------------------
def test_read_text_docx_paragraphs_and_tables_in_order(make_docx) -> None:
    source = read_text(make_docx())
    assert (source.format, source.encoding) == ("docx", "docx")
    assert source.text.split("\n") == [
        "Kế hoạch số hóa xã Tân Hòa",
        "I. Mục tiêu",
        "Hoàn thành cơ sở dữ liệu dân cư trong quý III.",
        "TT\tNhiệm vụ\tChủ trì",
        "1\tTập huấn kỹ năng số cho cán bộ thôn\tVăn phòng",
        "2\tLắp đặt wifi miễn phí\t",
        "Ghi chú",
        "II. Tổ chức thực hiện",
    ]


def test_read_text_docx_sniffed_without_extension(make_docx, tmp_path: Path) -> None:
    renamed = tmp_path / "plan.bin"
    shutil.copy(make_docx(), renamed)
    assert read_text(renamed).format == "docx"


def test_read_text_broken_docx(ingest_dir: Path) -> None:
    assert problem_of(ingest_dir / "broken.docx") == "unreadable .docx: not a valid Word document"


def test_read_text_docx_that_is_text(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("chỉ là văn bản", encoding="utf-8")
    assert problem_of(path) == "unreadable .docx: not a valid Word document"


def test_read_text_encrypted_office_file_named_docx_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "Word 97-2003 .doc" in problem_of(path)


# --- PDF -------------------------------------------------------------------
def test_read_text_pdf_pages_joined_by_newlines(make_pdf) -> None:
    source = read_text(make_pdf([["Ke hoach nam 2026", "Muc tieu (chung)"], ["Phu luc"]]))
    assert (source.format, source.encoding) == ("pdf", "pdf")
    assert source.text.split("\n") == ["Ke hoach nam 2026", "Muc tieu (chung)", "Phu luc"]


def test_read_text_pdf_sniffed_without_extension(make_pdf) -> None:
    assert read_text(make_pdf([["Ke hoach"]], name="scan.dat")).format == "pdf"


def test_read_text_pdf_of_blank_pages_has_no_text(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "blank.pdf"
    with open(path, "wb") as handle:
        writer.write(handle)
    assert problem_of(path) == "PDF has no text layer (scanned image?)"


def test_read_text_encrypted_pdf_refused(make_encrypted_pdf) -> None:
    assert problem_of(make_encrypted_pdf("secret")) == "encrypted PDF (password required)"


def test_read_text_pdf_with_owner_password_only_is_read(make_encrypted_pdf) -> None:
    assert read_text(make_encrypted_pdf("")).text == "Secret plan for the commune"


def test_read_text_truncated_pdf(make_pdf, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(make_pdf([["Ke hoach"]]).read_bytes()[:60])
    assert problem_of(path).startswith("unreadable .pdf")


def test_read_text_pdf_extension_on_text_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_text("kế hoạch", encoding="utf-8")
    assert problem_of(path) == "unreadable .pdf: not a PDF file"


# --- bad files -------------------------------------------------------------
def test_read_text_empty_file(ingest_dir: Path) -> None:
    assert problem_of(ingest_dir / "empty.txt") == "empty file"


def test_read_text_whitespace_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n", encoding="utf-8")
    assert problem_of(path).startswith("empty file")


def test_read_text_binary_file(ingest_dir: Path) -> None:
    assert problem_of(ingest_dir / "binary.bin") == "binary file (not text)"


def test_read_text_zip_named_txt_says_what_it_is(make_docx, tmp_path: Path) -> None:
    renamed = tmp_path / "plan.txt"
    shutil.copy(make_docx(), renamed)
    assert problem_of(renamed).startswith("binary file (not text): a ZIP archive")


def test_read_text_missing_file(tmp_path: Path) -> None:
    assert problem_of(tmp_path / "nothing.txt") == "file not found"


def test_read_text_directory(tmp_path: Path) -> None:
    assert problem_of(tmp_path) == "is a directory, not a file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_read_text_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("bí mật", encoding="utf-8")
    path.chmod(0)
    assert problem_of(path) == "permission denied"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_text_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert problem_of(path) == "not a regular file"


def test_read_text_too_large_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk used
    tracemalloc.start()
    try:
        problem = problem_of(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problem == "file too large (200.0 MB, limit 50 MB)"
    assert peak < 5 * 1024 * 1024


def test_read_text_size_limit_is_a_parameter(ingest_dir: Path) -> None:
    assert problem_of(ingest_dir / "plan.txt", max_bytes=100).startswith("file too large")


def test_read_text_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("计划的目标是发展数字经济和科学技术。".encode("gbk") * 3)
    assert problem_of(path).startswith("not valid UTF-8/UTF-16/Windows-1258/TCVN3/VNI text (")


def test_read_text_normalises_like_normalize_text(ingest_dir: Path) -> None:
    source = read_text(ingest_dir / "plan-vni.txt")
    assert source.text == "\n".join(normalize_text(line) for line in source.raw.split("\n"))


def test_read_text_docx_with_zip_but_no_word_part_sniffed_as_binary(tmp_path: Path) -> None:
    path = tmp_path / "archive.dat"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes/readme.xml", "<a/>" * 50)
    assert problem_of(path).startswith("binary file (not text)")


def test_read_text_docx_typed_in_legacy_font_converted(tmp_path: Path) -> None:
    import docx

    from align.ingest.legacy import encode_vni

    document = docx.Document()
    document.add_paragraph(encode_vni("Phát triển khoa học và đổi mới sáng tạo").decode("cp1252"))
    path = tmp_path / "vni.docx"
    document.save(str(path))
    assert read_text(path).text == "Phát triển khoa học và đổi mới sáng tạo"
