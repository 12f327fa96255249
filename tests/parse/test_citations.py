"""Citations: numbered document references in the preamble and purpose part."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from align.parse.citations import (
    DEFAULT_KNOWN, extract_citations, find_citations, known_from_manifest, number_key,
)
from align.parse.structure import parse_blocks
from align.text.normalize import normalize_text

FIXTURE = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "plans" / "xa-an-hoa-2026.txt"


def one(text: str, known=None):
    (citation,) = find_citations(text, known)
    return citation


def test_find_citations_plan_with_date_and_issuer():
    c = one("Thực hiện Kế hoạch số 77/KH-UBND ngày 15/01/2026 của Ủy ban nhân dân tỉnh Thanh Sơn về chuyển đổi số;")
    assert (c.type, c.number, c.date, c.issuer) == ("KH", "77/KH-UBND", "2026-01-15", "Ủy ban nhân dân tỉnh Thanh Sơn")


def test_find_citations_long_date_form():
    c = one("Căn cứ Nghị quyết số 19-NQ/TU ngày 7 tháng 5 năm 2025 của Tỉnh ủy về chuyển đổi số", {"19-NQ/TU": "tu-19"})
    assert (c.type, c.date, c.issuer, c.doc_id) == ("NQ", "2025-05-07", "Tỉnh ủy", "tu-19")


def test_find_citations_type_from_document_name():
    c = one("Thực hiện Công văn số 410/STTTT-CĐS ngày 3/2/2026 của Sở Thông tin và Truyền thông,")
    assert (c.type, c.number, c.date, c.issuer) == ("CV", "410/STTTT-CĐS", "2026-02-03", "Sở Thông tin và Truyền thông")


def test_find_citations_type_from_code_without_name():
    assert one("theo 15-KH/TU của Tỉnh ủy").type == "KH"


def test_find_citations_joins_number_split_by_spaces():
    assert one("Kế hoạch hành động số 31- KH/TU, ngày 14/3/2025").number == "31-KH/TU"


def test_find_citations_number_with_year():
    c = one("Nghị quyết số 131/2024/QH15 của Quốc hội về thí điểm một số chính sách")
    assert (c.number, c.issuer) == ("131/2024/QH15", "Quốc hội")


def test_find_citations_issuer_stops_before_lower_case_and():
    c = one("Kế hoạch số 9/KH-UBND ngày 1/3/2026 của UBND thành phố Bắc Sơn và các văn bản có liên quan.")
    assert c.issuer == "UBND thành phố Bắc Sơn"


def test_find_citations_issuer_keeps_and_inside_a_name():
    assert one("Công văn số 5/BKHCN ngày 2/1/2026 của Bộ Khoa học và Công nghệ;").issuer == "Bộ Khoa học và Công nghệ"


def test_find_citations_uses_known_mapping():
    assert one("Nghị quyết số 03/NQ-CP ngày 09/01/2025").doc_id == DEFAULT_KNOWN["03/NQ-CP"]
    assert one("Kế hoạch số 77/KH-UBND", {"77/KH-UBND": "tinh-77"}).doc_id == "tinh-77"
    assert one("Nghị quyết số 57-NQ/TW", {}).doc_id is None


def test_find_citations_ignores_dates_and_plain_numbers():
    assert find_citations("Ngày 30/12/2025, 100% hồ sơ và 24/7 trực tuyến; Đề án 06 của Chính phủ.") == []


def test_number_key_ignores_spaces_and_case():
    assert number_key("12- KH/tu") == number_key("12-KH/TU")


def fixture_citations():
    raw = FIXTURE.read_text(encoding="utf-8")
    return extract_citations(parse_blocks(normalize_text(raw), raw))


def test_extract_citations_preamble_and_purpose_in_order():
    assert [(c.type, c.number, c.date, c.doc_id) for c in fixture_citations()] == [
        ("KH", "77/KH-UBND", "2026-01-15", None),
        ("NQ", "57-NQ/TW", "2024-12-22", "nq57"),
        ("CV", "345/STTTT-CĐS", "2026-01-10", None)]


def test_extract_citations_skip_own_number_and_appendix_note():
    assert "12/KH-UBND" not in [c.number for c in fixture_citations()]


def test_extract_citations_text_is_the_citing_sentence():
    assert fixture_citations()[0].text.startswith("Thực hiện Kế hoạch số 77/KH-UBND")


def test_extract_citations_ignore_body_sections():
    text = ("KẾ HOẠCH\n\nThực hiện Kế hoạch số 1/KH-UBND ngày 2/1/2026.\n\nI. NHIỆM VỤ\n\n"
            "- Triển khai Nghị quyết số 9/NQ-HĐND của Hội đồng nhân dân xã.")
    assert [c.number for c in extract_citations(parse_blocks(text))] == ["1/KH-UBND"]


def test_extract_citations_merge_repeats_and_keep_first_date():
    text = ("KẾ HOẠCH\n\nThực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị.\n\n"
            "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024.\n\nI. MỤC TIÊU")
    (c,) = extract_citations(parse_blocks(text))
    assert (c.date, c.issuer) == ("2024-12-22", "Bộ Chính trị")


def test_extract_citations_drop_the_document_itself():
    text = "# Nghị quyết số 57-NQ/TW\n\nBộ Chính trị ban hành Nghị quyết số 57-NQ/TW ngày 22/12/2024.\n\nI- QUAN ĐIỂM"
    assert extract_citations(parse_blocks(text), doc_id="nq57") == []


def test_known_from_manifest_maps_numbers_to_ids():
    manifest = {"documents": [{"id": "a", "number": "1/NQ-CP"}, {"id": "b"}]}
    assert known_from_manifest(manifest) == {"1/NQ-CP": "a"}


_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


@pytest.mark.corpus
@pytest.mark.parametrize("doc_id", ["nq03", "binh-giang-khcn-2026", "binh-giang-nq57-2026",
                                    "nguyen-luong-bang-nq57-2026", "binh-thanh-nq57-2026", "vu-duong-bcd-2026"])
def test_corpus_every_manifest_parent_is_cited(corpus_dir, doc_id):
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = next(d for d in manifest["documents"] if d["id"] == doc_id)
    ids = {d["id"] for d in manifest["documents"]}
    raw = (corpus_dir / entry["path"]).read_text(encoding="utf-8")
    found = extract_citations(parse_blocks(normalize_text(raw), raw), known=known_from_manifest(manifest),
                              doc_id=doc_id)
    for parent in entry["parents"]:
        if parent in ids:
            assert any(c.doc_id == parent for c in found), parent
            continue
        number = parent.split()[0]
        match = [c for c in found if number_key(c.number) == number_key(number)]
        assert match, parent
        date = _DATE.search(parent)
        if date:
            day, month, year = (int(x) for x in date.groups())
            assert match[0].date == f"{year:04d}-{month:02d}-{day:02d}", parent


@pytest.mark.corpus
def test_corpus_nq57_cites_no_parent(corpus_dir):
    raw = (corpus_dir / "reference" / "nq57-tw-2024.md").read_text(encoding="utf-8")
    assert extract_citations(parse_blocks(normalize_text(raw), raw), doc_id="nq57") == []
