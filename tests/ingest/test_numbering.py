"""Word automatic numbering rendered as text labels."""
from __future__ import annotations

from pathlib import Path

import pytest

from align.ingest.numbering import format_number
from align.ingest.read import read_text

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ABSTRACT = f"""<w:abstractNum {W} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>"""


def numbered_docx(path: Path, items: list[tuple[str, int, str]], restart_num: bool = False) -> Path:
    """A .docx whose paragraphs use numId 90/91 (both on abstract 90; 91 restarts at 1)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(ABSTRACT))
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {W} w:numId="91"><w:abstractNumId w:val="90"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
    for text, level, num_id in items:
        paragraph = document.add_paragraph(text)
        paragraph._p.insert(0, parse_xml(
            f'<w:pPr {W}><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'))
    document.save(str(path))
    return path


@pytest.mark.parametrize(("n", "fmt", "expected"), [
    (4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (2, "lowerLetter", "b"),
    (27, "lowerLetter", "aa"), (3, "upperLetter", "C"), (7, "decimalZero", "07"), (12, "decimal", "12"),
])
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


def test_numbering_levels_count_and_reset(tmp_path: Path) -> None:
    path = numbered_docx(tmp_path / "n.docx", [
        ("Mục tiêu", 0, "90"), ("Chung", 1, "90"), ("Cụ thể", 1, "90"), ("Chỉ tiêu", 2, "90"),
        ("Nhiệm vụ", 0, "90"), ("Hạ tầng số", 1, "90"),
    ])
    assert read_text(path).text.split("\n") == [
        "I. Mục tiêu", "1. Chung", "2. Cụ thể", "a) Chỉ tiêu", "II. Nhiệm vụ", "1. Hạ tầng số",
    ]


def test_numbering_start_override_restarts_list(tmp_path: Path) -> None:
    path = numbered_docx(tmp_path / "n.docx", [("Một", 0, "90"), ("Hai", 0, "90"), ("Lại một", 0, "91")])
    assert read_text(path).text.split("\n") == ["I. Một", "II. Hai", "I. Lại một"]


def test_numbering_from_list_styles_and_bullets(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Tập huấn", style="List Number")
    document.add_paragraph("cho cán bộ", style="List Bullet")
    document.add_paragraph("Số hóa", style="List Number")
    path = tmp_path / "styles.docx"
    document.save(str(path))
    assert read_text(path).text.split("\n") == ["1. Tập huấn", "- cho cán bộ", "2. Số hóa"]
