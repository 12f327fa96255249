import shutil
import subprocess

import pytest

from align.reports.review import write_review

from .conftest import HOSTILE

LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture()
def docx_path(review, tmp_path):
    return write_review(review, tmp_path / "review.docx")


def _document(path):
    from docx import Document

    return Document(str(path))


def test_review_docx_is_a4_with_administrative_margins(docx_path):
    section = _document(docx_path).sections[0]
    cm = [round(x.cm, 1) for x in (section.page_width, section.page_height, section.left_margin,
                                   section.right_margin, section.top_margin, section.bottom_margin)]
    assert cm == [21.0, 29.7, 3.0, 1.5, 2.0, 2.0]


def test_review_docx_uses_times_new_roman_13(docx_path):
    style = _document(docx_path).styles["Normal"]
    assert style.font.name == "Times New Roman" and style.font.size.pt == 13


def test_review_docx_headings_use_times_new_roman_not_a_theme_font(docx_path):
    fonts = _document(docx_path).styles["Heading 2"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}asciiTheme") is None
    assert _document(docx_path).styles["Heading 2"].font.name == "Times New Roman"


def test_review_docx_is_vietnamese_by_default(docx_path):
    text = "\n".join(p.text for p in _document(docx_path).paragraphs)
    assert "BÁO CÁO RÀ SOÁT KẾ HOẠCH" in text and "Nội dung còn thiếu" in text and "Gaps" not in text


def test_review_docx_in_english_has_english_headings(review, tmp_path):
    text = "\n".join(p.text for p in _document(write_review(review, tmp_path / "r.docx", "en")).paragraphs)
    assert "REVIEW OF THE PLAN" in text and "Gaps, most peer-covered first" in text


def test_review_docx_dates_read_dd_mm_yyyy(review, docx_path):
    day = review["generated"][:10].split("-")
    assert f"{day[2]}/{day[1]}/{day[0]}" in "\n".join(p.text for p in _document(docx_path).paragraphs)


def test_review_docx_tables_repeat_their_header_row(docx_path):
    tables = _document(docx_path).tables
    assert len(tables) == 6
    for table in tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_review_docx_lists_every_task_with_its_best_clause(review, docx_path):
    tasks = _document(docx_path).tables[-1]
    assert [row.cells[0].text for row in tasks.rows[1:]] == [t["id"] for t in review["tasks"]]
    assert tasks.rows[1].cells[2].text == "III.1.1 (0,90)"


def test_review_docx_keeps_document_text_as_text(docx_path):
    cells = [c.text for table in _document(docx_path).tables for row in table.rows for c in row.cells]
    assert HOSTILE in cells


def test_review_docx_shows_states_in_words(docx_path):
    items = _document(docx_path).tables[1]
    assert {row.cells[1].text for row in items.rows[1:]} <= {"đã đáp ứng", "cần xem lại", "còn thiếu",
                                                             "đáp ứng một phần", "không thuộc cấp xã"}


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice is not installed (CI installs libreoffice-writer)")
def test_review_docx_converts_to_pdf_with_libreoffice(docx_path, tmp_path):
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path / "pdf"), str(docx_path)], capture_output=True, timeout=300)
    pdf = tmp_path / "pdf" / "review.pdf"
    assert done.returncode == 0 and pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
