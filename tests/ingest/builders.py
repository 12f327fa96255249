"""Plans as reviewers receive them, built from a plan's text in a temp dir (never committed).

- `plan_docx`: a Word file shaped like the ones communes write (Times New Roman 13 pt,
  justified, first-line indent, 6 pt after each paragraph, page numbers in the header):
  each text line a paragraph (Markdown headings as Word headings, `**` as bold), each run of
  tab-separated lines a real bordered Word table.
- `office_convert`: LibreOffice headless (.docx -> .pdf or .doc), with a private profile so
  parallel runs do not share one.
- `scan_pdf`: a PDF rasterised with pdftoppm and wrapped back as one grey image per page,
  as a scanner gives it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_TEXT_WIDTH_CM = 16.5
LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TESSERACT = shutil.which("tesseract")
PDFTOPPM = shutil.which("pdftoppm")


def plan_docx(lines: Iterable[str], path: Path) -> Path:
    """Write `lines` (a plan's text) as a Word document with real tables."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = docx.Document()
    _page_setup(document, Cm, Pt)
    rows: list[list[str]] = []
    for line in [*lines, ""]:
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            _add_table(document, rows)
            rows = []
        if line.strip():
            _add_paragraph(document, line.strip(), WD_ALIGN_PARAGRAPH)
    document.save(str(path))
    return path


def _page_setup(document, Cm, Pt) -> None:
    """A4, the margins and font of Vietnamese administrative documents, page numbers on top."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    normal.paragraph_format.space_after = Pt(6)
    for level in range(1, 7):
        style = document.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb = "Times New Roman", Pt(13), None
    _page_number_header(section.header.paragraphs[0])


def _page_number_header(paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_paragraph(document, line: str, align) -> None:
    from docx.shared import Cm

    heading = _HEADING.match(line)
    if heading:
        paragraph = document.add_heading(level=min(len(heading.group(1)), 6))
        line = heading.group(2)
    else:
        paragraph = document.add_paragraph()
        paragraph.alignment = align.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
    for k, piece in enumerate(_BOLD.split(line)):
        if piece:
            paragraph.add_run(piece).bold = bool(k % 2)


def _add_table(document, rows: list[list[str]]) -> None:
    """A bordered table, its columns as wide as their texts are long (as authors set them)."""
    from docx.shared import Cm

    width = max(len(row) for row in rows)
    rows = [[_BOLD.sub(r"\1", re.sub(r"</?b>", "", v)).strip() for v in row] + [""] * (width - len(row))
            for row in rows]
    weights = [max(8.0, sum(len(row[c]) for row in rows) / len(rows)) ** 0.6 for c in range(width)]
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for c, column in enumerate(table.columns):
        size = Cm(_TEXT_WIDTH_CM * weights[c] / sum(weights))
        column.width = size
        for cell in column.cells:
            cell.width = size
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value


def office_convert(source: Path, fmt: str, out_dir: Path, timeout: float = 240) -> Path:
    """`soffice --headless --convert-to FMT` into out_dir; the converted file's path."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([LIBREOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=timeout)
    return out_dir / f"{source.stem}.{fmt}"


def scan_pdf(pdf: Path, out: Path, dpi: int = 150, first: int | None = None, last: int | None = None) -> Path:
    """Rasterise `pdf` (pages first..last) at `dpi` in grey and wrap the pages as an image-only PDF."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
        subprocess.run([PDFTOPPM, "-r", str(dpi), "-gray", "-png", *pages, str(pdf), f"{tmp}/p"],
                       check=True, capture_output=True)
        images = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]
        images[0].save(out, save_all=True, append_images=images[1:], resolution=float(dpi))
    return out
