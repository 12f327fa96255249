"""Builders for the Word and PDF files the ingest tests read (made in tmp_path)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

import pytest

INGEST = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "ingest"


@pytest.fixture(scope="session")
def ingest_dir() -> Path:
    return INGEST


@pytest.fixture(scope="session")
def plan_text() -> str:
    """The text every encoded plan fixture decodes to."""
    return (INGEST / "plan.txt").read_text(encoding="utf-8")


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def minimal_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF written by hand: each page shows its ASCII lines in Helvetica."""
    count = len(pages)
    font_id = 3 + 2 * count
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{3 + 2 * i} 0 R" for i in range(count)), count),
    ]
    for i, lines in enumerate(pages):
        body = "BT /F1 12 Tf 72 720 Td 16 TL " + " T* ".join(f"{_pdf_string(line)} Tj" for line in lines) + " ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(body)} >>\nstream\n{body}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(pages: Sequence[Sequence[str]], name: str = "doc.pdf") -> Path:
        path = tmp_path / name
        path.write_bytes(minimal_pdf(pages))
        return path

    return make


@pytest.fixture
def make_encrypted_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(user_password: str, name: str = "locked.pdf") -> Path:
        from pypdf import PdfReader, PdfWriter

        source = tmp_path / "plain.pdf"
        source.write_bytes(minimal_pdf([["Secret plan for the commune"]]))
        writer = PdfWriter()
        writer.append(PdfReader(source))
        writer.encrypt(user_password=user_password, owner_password="owner-pass", algorithm="RC4-128")
        path = tmp_path / name
        with open(path, "wb") as handle:
            writer.write(handle)
        return path

    return make


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    """A Word file: heading, paragraphs, then a table with a two-paragraph cell,
    a horizontal merge and a vertical merge, then a closing paragraph."""

    def make(name: str = "plan.docx") -> Path:
        import docx

        document = docx.Document()
        document.add_heading("Kế hoạch số hóa xã Tân Hòa", level=1)
        document.add_paragraph("I. Mục tiêu")
        document.add_paragraph("Hoàn thành cơ sở dữ liệu dân cư trong quý III.")
        table = document.add_table(rows=4, cols=3)
        rows = [("TT", "Nhiệm vụ", "Chủ trì"),
                ("1", "Tập huấn kỹ năng số", "Văn phòng"),
                ("2", "Lắp đặt wifi miễn phí", ""),
                ("Ghi chú", "", "")]
        for row, values in zip(table.rows, rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
        table.cell(1, 1).add_paragraph("cho cán bộ thôn")
        table.cell(1, 2).merge(table.cell(2, 2))   # vertical: "Văn phòng" leads both
        table.cell(3, 0).merge(table.cell(3, 2))   # horizontal: one note across the row
        document.add_paragraph("II. Tổ chức thực hiện")
        path = tmp_path / name
        document.save(str(path))
        return path

    return make


# --- plans as received: Word, LibreOffice PDF, scan (tests/ingest/builders.py) -----------
PLAN_FIXTURE = INGEST.parent / "plans" / "xa-an-hoa-2026.txt"
needs_libreoffice = pytest.mark.skipif(
    __import__("tests.ingest.builders", fromlist=["LIBREOFFICE"]).LIBREOFFICE is None,
    reason="LibreOffice is not installed (CI installs libreoffice-writer)")
needs_tesseract = pytest.mark.skipif(
    __import__("tests.ingest.builders", fromlist=["TESSERACT"]).TESSERACT is None
    or __import__("tests.ingest.builders", fromlist=["PDFTOPPM"]).PDFTOPPM is None,
    reason="Tesseract or pdftoppm is not installed (CI installs tesseract-ocr, tesseract-ocr-vie, poppler-utils)")


@pytest.fixture(scope="session")
def plan_lines() -> list[str]:
    """Our own fixture plan (paragraphs, wrapped sentences, appendix tables), as lines."""
    return PLAN_FIXTURE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def plan_docx_file(tmp_path_factory, plan_lines) -> Path:
    from tests.ingest.builders import plan_docx

    return plan_docx(plan_lines, tmp_path_factory.mktemp("plan-docx") / "xa-an-hoa.docx")


@pytest.fixture(scope="session")
def plan_pdf_file(tmp_path_factory, plan_docx_file) -> Path:
    """The fixture plan's .docx exported to PDF by LibreOffice headless."""
    from tests.ingest.builders import office_convert

    return office_convert(plan_docx_file, "pdf", tmp_path_factory.mktemp("plan-pdf"))


def run_parse(path: Path, cache: Path, *extra: str, path_env: str | None = None):
    """`plan-align parse PATH --format json` in a subprocess with its own cache (and PATH)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PLAN_ALIGN_CACHE=str(cache), PYTHONPATH=str(INGEST.parents[2]))
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run([sys.executable, "-m", "align.cli", "parse", str(path), "--format", "json", *extra],
                          capture_output=True, text=True, env=env, timeout=600)


def units_of(result) -> dict[str, str]:
    """id -> text of the units a successful `parse --format json` printed."""
    import json

    assert result.returncode == 0, result.stderr
    return {unit["id"]: unit["text"] for unit in json.loads(result.stdout)["tasks"]}
