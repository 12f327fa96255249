import json
import re
from html.parser import HTMLParser

import pytest

from align.errors import PlanAlignError
from align.reports.review import render_review, review_markdown, review_tables, write_review
from align.reports.templates.html import review_html

from .conftest import HOSTILE


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.links, self.ids, self.scripts = [], [], set(), 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        self.links += [v for k, v in attrs.items() if k in {"src", "href"} and v]
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.scripts += tag == "script"


def _parsed(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    return parser


def test_assemble_review_lists_each_task_with_best_clause_of_both_refs(review):
    task = review["tasks"][0]
    assert task["best"]["ref"]["clause_id"] == "III.1.1" and task["best"]["ref2"]["clause_id"] == "III.7.1"
    assert task["best"]["ref2"]["score"] == pytest.approx(0.3)
    assert task["lead"] == "UBND xã" and task["deadline"] == "Quý I" and review["refs"] == ["ref", "ref2"]


def test_assemble_review_summary_counts_duplicates_and_orphans(review):
    assert review["summary"]["duplicates"] == 1 and review["summary"]["orphans"] == 3


def test_assemble_review_flags_the_orphan_tasks(review):
    assert [t["id"] for t in review["tasks"] if t["orphan"]] == ["t3", "t4", "t5"]


def test_assemble_review_keeps_each_clause_state(review):
    states = {c["clause_id"]: c["status"] for c in review["clauses"]}
    assert (states["III.1.1"], states["III.5.1"], states["III.7.1"], states["IV.2"]) == (
        "covered", "weak", "gap", "not_applicable")


def test_review_html_parses_and_is_self_contained(review):
    page = review_html(review, review_tables(review))
    parser = _parsed(page)
    assert parser.tags[0] == "html" and "style" in parser.tags and parser.scripts == 1
    assert not [link for link in parser.links if re.match(r"(?i)(https?:)?//", link)]
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?(https?:)?//", page)


def test_review_html_contains_heatmap_with_plan_highlighted(review):
    page = review_html(review, review_tables(review))
    assert "heatmap" in _parsed(page).ids
    assert re.search(r'<tr class="this-plan"><th[^>]*>Xã A', page)


def test_review_html_escapes_document_text(review):
    page = review_html(review, review_tables(review))
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page


def test_review_html_declares_utf8_and_keeps_vietnamese(review):
    page = review_html(review, review_tables(review))
    assert '<meta charset="utf-8">' in page and "thôn Đông" in page


def test_review_html_shows_each_state_as_a_tag_in_vietnamese(review):
    page = review_html(review, review_tables(review))
    for css, shown in (("covered", "đã đáp ứng"), ("weak", "cần xem lại"), ("gap", "còn thiếu"),
                       ("not_applicable", "không thuộc cấp xã")):
        assert f'<span class="tag {css}">{shown}</span>' in page


def test_review_html_in_english_shows_english_states(review):
    page = review_html(review, review_tables(review, "en"), "en")
    assert '<html lang="en">' in page and '<span class="tag not_applicable">not applicable</span>' in page


def test_review_html_is_vietnamese_by_default(review):
    page = review_html(review, review_tables(review))
    assert '<html lang="vi">' in page and "Nội dung còn thiếu" in page and ">Gaps" not in page


def test_review_html_marks_heatmap_cells_with_weak_coverage(review):
    assert 'class="cell has-weak"' in review_html(review, review_tables(review))


def test_review_markdown_in_vietnamese_translates_titles_headers_and_dates(review):
    text = review_markdown(review)
    assert "## Tổng hợp" in text and "| Mục | Trạng thái |" in text and "còn thiếu" in text
    assert re.search(r"lập ngày \d\d/\d\d/\d{4} \d\d:\d\d", text)


def test_review_markdown_in_english_has_every_section(review):
    text = review_markdown(review, "en")
    for title in ("Summary", "Coverage of REF by item", "Gaps", "Every REF clause: state and evidence",
                  "Orphan tasks", "Duplicate tasks", "Coverage matrix"):
        assert f"## {title}" in text


def test_render_review_json_round_trips(review):
    data = json.loads(render_review(review, "json"))
    assert data["plan"]["id"] == "xa-a-2026" and "duplicate_rows" not in data
    assert {"summary", "tasks", "gaps", "clauses", "orphans", "duplicates", "matrix", "cuts"} <= set(data)


def test_write_review_xlsx_has_one_sheet_per_table(review, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_review(review, tmp_path / "r.xlsx", "en"))
    assert book.sheetnames == ["Summary", "Items", "Tasks", "Gaps", "Clauses", "Orphans", "Duplicates", "Matrix"]
    assert book["Tasks"].cell(row=1, column=2).value == "Task"
    assert HOSTILE in [c.value for c in book["Tasks"]["B"]]


def test_write_review_xlsx_is_vietnamese_by_default(review, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(write_review(review, tmp_path / "r.xlsx"))
    assert book.sheetnames[:3] == ["Tổng hợp", "Theo nhóm", "Nhiệm vụ"]
    clauses = book["Từng mục"]
    assert clauses.cell(row=1, column=2).value == "Trạng thái"
    assert {c.value for c in clauses["B"][1:]} == {"đã đáp ứng", "cần xem lại", "còn thiếu", "không thuộc cấp xã"}


def test_write_review_xlsx_summary_gives_the_plan_and_the_date_as_dd_mm_yyyy(review, tmp_path):
    from openpyxl import load_workbook

    sheet = load_workbook(write_review(review, tmp_path / "r.xlsx"))["Tổng hợp"]
    year, month, day = review["generated"][:10].split("-")
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert facts["Kế hoạch"] == "xa-a-2026" and facts["Ngày lập"] == f"{day}/{month}/{year}"


def test_write_review_xlsx_fills_states_with_their_colours(review, tmp_path):
    from openpyxl import load_workbook

    from align.reports.colours import STATE_COLOURS

    clauses = load_workbook(write_review(review, tmp_path / "r.xlsx", "en"))["Clauses"]
    fills = {c.value: c.fill.fgColor.rgb[-6:].lower() for c in clauses["B"][1:]}
    assert fills["gap"] == STATE_COLOURS["gap"] and fills["covered"] == STATE_COLOURS["covered"]


def test_write_review_xlsx_paints_the_matrix_like_the_heatmap(review, tmp_path):
    from openpyxl import load_workbook

    from align.reports.colours import heat_hex

    sheet = load_workbook(write_review(review, tmp_path / "r.xlsx", "en"))["Matrix"]
    headers = [c.value for c in sheet[1]]
    plan = review["matrix"]["plans"][0]
    column = headers.index("III.1") + 1
    assert sheet.cell(row=2, column=column).fill.fgColor.rgb[-6:].lower() == heat_hex(plan["items"]["III.1"])


def test_write_review_leaves_no_temp_file(review, tmp_path):
    write_review(review, tmp_path / "r.html")
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_write_review_rejects_an_unknown_language(review, tmp_path):
    with pytest.raises(PlanAlignError, match="unknown language"):
        write_review(review, tmp_path / "r.md", "fr")


def test_write_review_rejects_unknown_suffix(review, tmp_path):
    with pytest.raises(PlanAlignError, match="unknown report format"):
        write_review(review, tmp_path / "r.pdf")


def test_review_markdown_in_vietnamese_gives_the_reasons_in_vietnamese(review):
    text = review_markdown(review)
    assert "không nhiệm vụ nào đáp ứng mục này" in text and "trùng nguyên văn" in text
    assert "no task serves it" not in text and "the same words" not in text


def test_review_markdown_in_english_gives_the_reasons_in_english(review):
    text = review_markdown(review, "en")
    assert "no task serves it" in text and "không nhiệm vụ nào" not in text


def test_review_docx_gives_the_gap_reasons_in_vietnamese(review):
    import io

    from docx import Document

    from align.reports.review import render_review

    document = Document(io.BytesIO(render_review(review, "docx")))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert any(c.startswith("không nhiệm vụ nào đáp ứng mục này") for c in cells)


def test_review_markdown_in_vietnamese_writes_numbers_with_a_decimal_comma(review):
    text = review_markdown(review)
    assert re.search(r"\| 0,\d{3} \|", text) and not re.search(r"\| 0\.\d{3} \|", text)


def _with_suggestion(small_corpus):
    from align.decide.suggest import from_pairs
    from align.types import DuplicatePair, Reason, ReviewDecision

    from align.corpus_index import task_records
    from align.reports.gaps import gap_report
    from align.reports.review import assemble_review

    from tests.reports.conftest import assessment

    plan, evidence, communes = small_corpus
    a = assessment(plan, evidence, communes)
    peer = next(pid for pid in evidence if pid != plan.id and communes[pid] != communes[plan.id])
    other = task_records(evidence[peer].plan)[0]
    pair = DuplicatePair(task_records(plan)[1], other, 0.97, 0.9, "near", 1, 0.96, Reason("same_words"))
    decision = ReviewDecision("u1", peer, other.id, "h", "ref", "choose", "III.5.1", "Lan", "2026-03-05T08:00:00+00:00")
    found = from_pairs(plan, [pair], {(peer, other.id): [decision]}, communes)
    return assemble_review(gap_report(a), a, [], {"ref": "ref", "items": [], "plans": []}, "m", found)


def test_assemble_review_puts_a_suggestion_under_its_task(small_corpus):
    data = _with_suggestion(small_corpus)
    tasks = {t["id"]: t for t in data["tasks"]}
    assert [s["clause_id"] for s in tasks["t2"]["suggestions"]] == ["III.5.1"] and tasks["t1"]["suggestions"] == []
    assert data["summary"]["suggestions"] == 1


def test_review_markdown_lists_suggestions_with_where_they_were_reviewed(small_corpus):
    text = review_markdown(_with_suggestion(small_corpus))
    assert "## Gợi ý từ nhiệm vụ gần trùng đã rà soát ở kế hoạch khác" in text and "đã rà soát ở Xã B" in text


def test_review_markdown_has_no_suggestions_table_without_suggestions(review):
    assert "Gợi ý từ nhiệm vụ gần trùng" not in review_markdown(review)
