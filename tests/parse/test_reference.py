"""Clause extraction from reference documents: fixtures we wrote, then the real corpus."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.parse.lines import line_blocks
from align.parse.reference import detect_reference_scheme, parse_reference
from align.parse.reference_scan import DOTTED, PARA, scan, title_like
from align.text.normalize import normalize_text
from align.types import Clause

FIXTURES = ("mini-resolution.md", "mini-programme.md", "mini-plan.txt", "outline-province.md", "task-table.txt")


def _text(path: Path) -> str:
    return normalize_text(path.read_text(encoding="utf-8"))


def _fixture(fixtures_dir: Path, name: str) -> str:
    return _text(fixtures_dir / "reference" / name)


def _by_id(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.id: c for c in clauses}


@pytest.fixture
def resolution(fixtures_dir: Path) -> list[Clause]:
    return parse_reference(_fixture(fixtures_dir, "mini-resolution.md"), "res")


@pytest.fixture
def programme(fixtures_dir: Path) -> list[Clause]:
    return parse_reference(_fixture(fixtures_dir, "mini-programme.md"), "prog")


@pytest.fixture
def plan(fixtures_dir: Path) -> list[Clause]:
    return parse_reference(_fixture(fixtures_dir, "mini-plan.txt"), "plan")


# --- scheme detection -------------------------------------------------------------------

@pytest.mark.parametrize("name, scheme", [
    ("mini-resolution.md", "nq57"), ("mini-programme.md", "nq03"), ("mini-plan.txt", "generic"),
])
def test_detect_reference_scheme_reads_layout(fixtures_dir: Path, name: str, scheme: str) -> None:
    assert detect_reference_scheme(_fixture(fixtures_dir, name)) == scheme


def test_detect_reference_scheme_programme_without_tables_is_generic(fixtures_dir: Path) -> None:
    text = _fixture(fixtures_dir, "mini-programme.md").split("PHỤ LỤC I")[0]
    assert detect_reference_scheme(text) == "generic"


def test_detect_reference_scheme_empty_text_is_generic() -> None:
    assert detect_reference_scheme("") == "generic"


def test_parse_reference_ignores_doc_id(fixtures_dir: Path) -> None:
    clauses = parse_reference(_fixture(fixtures_dir, "mini-resolution.md"), "nq03-cp-2025")
    assert clauses[0].id == "I.1" and clauses[0].doc_id == "nq03-cp-2025"


# --- nq57 layout ------------------------------------------------------------------------

def test_parse_reference_nq57_ids(resolution: list[Clause]) -> None:
    assert [c.id for c in resolution] == [
        "I.1", "I.2", "II.1.1", "II.1.2", "II.2", "III.1.1", "III.1.2",
        "III.2.1", "III.2.2", "III.2.3", "III.3.1", "IV.1", "IV.2",
    ]


def test_parse_reference_nq57_opening_paragraph_is_first_block(resolution: list[Clause]) -> None:
    assert _by_id(resolution)["III.2.1"].text.startswith("Rà soát các quy định hiện hành")


def test_parse_reference_nq57_lone_vision_paragraph_is_the_target(resolution: list[Clause]) -> None:
    clause = _by_id(resolution)["II.2"]
    assert (clause.kind, clause.heading) == ("target", "Tầm nhìn đến năm 2040")


def test_parse_reference_nq57_kinds_follow_sections(resolution: list[Clause]) -> None:
    kinds = {c.id.split(".")[0]: c.kind for c in resolution}
    assert kinds == {"I": "viewpoint", "II": "target", "III": "task", "IV": "implementation"}


def test_parse_reference_nq57_heading_path_is_section_then_item(resolution: list[Clause]) -> None:
    clause = _by_id(resolution)["III.2.3"]
    assert clause.heading_path == ("NHIỆM VỤ, GIẢI PHÁP", "Hoàn thiện cơ chế, chính sách")
    assert clause.heading == "Hoàn thiện cơ chế, chính sách"


def test_parse_reference_nq57_lines_point_at_source(fixtures_dir: Path,
                                                    resolution: list[Clause]) -> None:
    lines = _fixture(fixtures_dir, "mini-resolution.md").split("\n")
    clause = _by_id(resolution)["III.1.2"]
    assert "Tổ chức ngày hội đọc sách" in lines[clause.lines[0] - 1]


def test_parse_reference_nq57_leaves_out_preamble_and_closing(resolution: list[Clause]) -> None:
    texts = " ".join(c.text for c in resolution)
    assert "phổ biến tới các chi bộ" not in texts and "Thư viện số là nền tảng" not in texts


# --- nq03 layout ------------------------------------------------------------------------

def test_parse_reference_nq03_lettered_task_ids(programme: list[Clause]) -> None:
    assert [c.id for c in programme if c.id.startswith("P.")] == [
        "P.II.1.a", "P.II.1.b", "P.II.1.c",
        "P.II.2.a", "P.II.2.b", "P.II.2.c", "P.II.2.d", "P.II.2.đ",
    ]


def test_parse_reference_nq03_bullets_belong_to_their_letter(programme: list[Clause]) -> None:
    clause = _by_id(programme)["P.II.1.b"]
    assert clause.text.endswith("- Đưa tiêu chí đọc sách vào bình xét gia đình văn hóa")
    assert clause.lines == (42, 44)


def test_parse_reference_nq03_lettered_heading_is_programme_item(programme: list[Clause]) -> None:
    clause = _by_id(programme)["P.II.2.c"]
    assert clause.heading_path == ("NHIỆM VỤ CỤ THỂ", "Phát triển hạ tầng thư viện số")


def test_parse_reference_nq03_pl1_rows_are_targets(programme: list[Clause]) -> None:
    rows = [c for c in programme if c.id.startswith("PL1.")]
    assert [c.id for c in rows] == ["PL1.1", "PL1.2", "PL1.2.1", "PL1.2.2", "PL1.3"]
    assert {c.kind for c in rows} == {"target"}


def test_parse_reference_nq03_pl1_sub_row_sits_under_its_parent(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL1.2.1"]
    assert clause.heading == "Chỉ tiêu về người đọc" and clause.fields["parent"] == "2"


def test_parse_reference_nq03_pl2_ids_and_groups(programme: list[Clause]) -> None:
    rows = [(c.id, c.fields["group"]) for c in programme if c.id.startswith("PL2.")]
    assert rows == [
        ("PL2.1", "I"), ("PL2.2", "I"), ("PL2.3", "II"), ("PL2.4", "II"), ("PL2.5", "II")]


def test_parse_reference_nq03_pl2_heading_is_group_title(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL2.4"]
    assert clause.heading == clause.fields["group_title"] == "Phát triển hạ tầng thư viện số"


@pytest.mark.parametrize("cid, expected", [
    ("PL1.2.2", {"unit": "Lượt", "value": "≥ 100000", "lead": "Thư viện tỉnh", "group": "I"}),
    ("PL2.1", {"lead": "Đài Truyền thanh", "partners": "Sở Văn hóa", "output": "Chuyên mục",
               "deadline": "2026", "group": "I"}),
])
def test_parse_reference_nq03_columns_become_fields(programme: list[Clause], cid: str,
                                                    expected: dict[str, str]) -> None:
    fields = _by_id(programme)[cid].fields
    assert {name: fields[name] for name in expected} == expected


def test_parse_reference_nq03_continuation_row_joins_cells(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL2.3"]
    assert clause.text.endswith("cho thư viện tỉnh và các thư viện huyện cũ")
    assert clause.fields["partners"] == "Sở Khoa học và Công nghệ"
    assert clause.fields["output"] == "Hệ thống máy chủ"


def test_parse_reference_nq03_repeated_fragment_is_dropped(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL2.5"]
    assert clause.text.count("cho người dân") == 1 and clause.lines == (100, 101)


def test_parse_reference_nq03_stray_cell_of_group_row_is_dropped(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL2.2"]
    assert clause.fields["deadline"] == "2026 và các năm tiếp theo" and clause.lines == (94, 94)


def test_parse_reference_nq03_repeated_header_is_not_a_task(programme: list[Clause]) -> None:
    assert not any(c.text == "Tên nhiệm vụ" for c in programme)


def test_parse_reference_nq03_footnote_and_number_spaces_removed(programme: list[Clause]) -> None:
    clause = _by_id(programme)["PL2.2"]
    assert clause.text == "Sửa đổi quy chế thi đua" and clause.fields["number"] == "2"


# --- generic layout ---------------------------------------------------------------------

def test_parse_reference_generic_ids(plan: list[Clause]) -> None:
    assert [c.id for c in plan] == [
        "I.1.1", "I.1.2", "I.2.1", "II.1.a", "II.1.b", "II.2.1", "II.2.2", "III.1", "III.2",
        "PL1.1", "PL1.2",
    ]


def test_parse_reference_generic_skips_preamble_and_signature(plan: list[Clause]) -> None:
    texts = " ".join(c.text for c in plan)
    for words in ("Thực hiện Nghị quyết", "Trên đây là", "Như trên", "CHỦ TỊCH"):
        assert words not in texts


def test_parse_reference_generic_sentence_point_keeps_its_bullets(plan: list[Clause]) -> None:
    clause = _by_id(plan)["II.1.b"]
    assert clause.text.endswith("gồm: - Máy tính tra cứu; - Máy đọc mã vạch.")


def test_parse_reference_generic_title_point_heads_its_bullets(plan: list[Clause]) -> None:
    clause = _by_id(plan)["II.2.2"]
    assert clause.heading_path == ("NHIỆM VỤ, GIẢI PHÁP", "Về nguồn nhân lực")


def test_parse_reference_generic_tab_table_rows(plan: list[Clause]) -> None:
    fields = _by_id(plan)["PL1.2"].fields
    assert (fields["lead"], fields["deadline"]) == ("UBND xã", "Quý III/2026")


def test_parse_reference_generic_dotted_points_nest() -> None:
    text = "I. NHIỆM VỤ\n1. Về hạ tầng\n1.1. Lắp đặt mạng.\n1.2. Mua máy chủ.\n"
    assert [c.id for c in parse_reference(text, "d")] == ["I.1.1", "I.1.2"]


def test_parse_reference_generic_intro_before_points_is_numbered_apart() -> None:
    text = "I. NHIỆM VỤ\nCác cơ quan thực hiện những việc sau.\n1. Lắp đặt mạng.\n2. Mua máy chủ.\n"
    assert [c.id for c in parse_reference(text, "d")] == ["I.p1", "I.1", "I.2"]


@pytest.fixture
def outline(fixtures_dir: Path) -> list[Clause]:
    return parse_reference(_fixture(fixtures_dir, "outline-province.md"), "outline")


def test_parse_reference_outline_table_rows_are_numbered_by_position(outline: list[Clause]) -> None:
    ids = [c.id for c in outline if ".t" in c.id]
    assert ids == ["I.2.t1", "I.2.t2", "I.2.t3", "III.t1", "III.t2"]


def test_parse_reference_outline_header_row_is_not_a_clause(outline: list[Clause]) -> None:
    assert not [c for c in outline if c.text in ("Chỉ số", "Nhóm chỉ số")]


def test_parse_reference_outline_group_column_heads_its_rows(outline: list[Clause]) -> None:
    rows = _by_id(outline)
    assert rows["I.2.t2"].heading_path[-1] == "Hạ tầng số" and rows["I.2.t3"].heading_path[-1] == "Dịch vụ số"


def test_parse_reference_outline_indicator_rows_are_targets(outline: list[Clause]) -> None:
    assert {c.kind for c in outline if ".t" in c.id} == {"target"}


def test_parse_reference_task_table_document_ids_are_its_row_numbers(fixtures_dir: Path) -> None:
    clauses = parse_reference(_fixture(fixtures_dir, "task-table.txt"), "tasks")
    assert [c.id for c in clauses] == ["1", "2", "3"] and clauses[0].fields["lead"] == "Công an tỉnh"
    assert clauses[0].heading_path == ("DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ NĂM 2026 CỦA TỈNH",)


def test_parse_reference_table_ids_stay_when_a_row_is_added(fixtures_dir: Path) -> None:
    text = _fixture(fixtures_dir, "outline-province.md")
    grown = text.replace("| Dịch vụ số | Tỷ lệ hồ sơ nộp trực tuyến | 80% |",
                         "| Dịch vụ số | Tỷ lệ hồ sơ nộp trực tuyến | 80% |\n| Dịch vụ số | Tỷ lệ thanh toán số | 60% |")
    before = {c.id: c.text for c in parse_reference(text, "a")}
    after = {c.id: c.text for c in parse_reference(grown, "a")}
    assert {k: after[k] for k in before} == before and after["I.2.t4"] == "Tỷ lệ thanh toán số"


def test_parse_reference_repeated_unknown_header_is_dropped() -> None:
    text = ("I. CHỈ SỐ\n\nNhóm\tChỉ số\tĐầu mối\nHạ tầng\tTỷ lệ thôn có cáp quang\tSở A\n"
            "Nhóm\tChỉ số\tĐầu mối\nDịch vụ\tTỷ lệ hồ sơ trực tuyến\tSở B\n")
    assert [(c.id, c.text) for c in parse_reference(text, "x")] == [
        ("I.t1", "Tỷ lệ thôn có cáp quang"), ("I.t2", "Tỷ lệ hồ sơ trực tuyến")]


def test_parse_reference_repeated_numbering_gets_suffix() -> None:
    text = "I. NHIỆM VỤ\n1. Lắp đặt mạng.\nNơi nhận:\n- Lưu.\nI. NHIỆM VỤ\n1. Mua máy chủ.\n"
    assert [c.id for c in parse_reference(text, "d")] == ["I.1", "I.1-2"]


# --- all layouts ------------------------------------------------------------------------

@pytest.mark.parametrize("name", FIXTURES)
def test_parse_reference_text_is_one_clean_line(fixtures_dir: Path, name: str) -> None:
    for clause in parse_reference(_fixture(fixtures_dir, name), "x"):
        assert clause.text == " ".join(clause.text.split())
        assert "**" not in clause.text and "\\" not in clause.text
        assert not clause.text.startswith(("- ", "a) ", "1. "))


@pytest.mark.parametrize("name", FIXTURES)
def test_parse_reference_ids_unique(fixtures_dir: Path, name: str) -> None:
    ids = [c.id for c in parse_reference(_fixture(fixtures_dir, name), "x")]
    assert len(ids) == len(set(ids))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "I. NHIỆM VỤ", "II- MỤC TIÊU", "**1. Về hạ tầng**", "1. Làm việc A.", "1.1. Việc B",
    "a) Việc C:", "- gạch đầu dòng", "Đoạn văn.", "tiếp theo dòng", "", "Nơi nhận:", "PHỤ LỤC II",
    "| TT | Tên nhiệm vụ | Cơ quan chủ trì |", "| **I.** | Nhóm |  |", "| 1. | Việc D | Sở A |",
    "|  | nối tiếp | |", "| 1. | Việc E | |",
]), max_size=25))
def test_parse_reference_any_layout_gives_unique_ids(lines: list[str]) -> None:
    clauses = parse_reference("\n".join(lines), "h")
    assert len({c.id for c in clauses}) == len(clauses)
    assert all(c.text for c in clauses)


# --- helpers ----------------------------------------------------------------------------

def test_scan_joins_line_broken_by_page_break(fixtures_dir: Path) -> None:
    blocks = scan(_fixture(fixtures_dir, "mini-programme.md"))
    broken = next(b for b in blocks if b.text.startswith("Các sở, ngành xây dựng kế hoạch"))
    assert broken.text.endswith("trước ngày 30 tháng 6 năm 2026.")
    assert broken.last == broken.first + 2


def test_scan_bold_unnumbered_line_is_styled_paragraph() -> None:
    (block,) = scan("**Nhóm nhiệm vụ trọng tâm**")
    assert (block.kind, block.styled, block.text) == (PARA, True, "Nhóm nhiệm vụ trọng tâm")


def test_parse_reference_of_given_line_blocks_equals_its_own_reading(fixtures_dir: Path) -> None:
    text = _fixture(fixtures_dir, "mini-programme.md")
    assert parse_reference(text, "p", line_blocks(text)) == parse_reference(text, "p")


def test_scan_reads_article_and_parenthesised_marks_as_paragraph_text() -> None:
    blocks = scan("Điều 2. Nghị quyết có hiệu lực.\n\n(1) Chuyển đổi số")
    assert [(b.kind, b.token, b.text) for b in blocks] == [
        (PARA, "", "Điều 2. Nghị quyết có hiệu lực."), (PARA, "", "(1) Chuyển đổi số")]


def test_scan_dotted_number_is_a_dotted_point_with_its_token() -> None:
    (block,) = scan("2.3. Phát triển hạ tầng số")
    assert (block.kind, block.token, block.text) == (DOTTED, "2.3", "Phát triển hạ tầng số")


@pytest.mark.parametrize("text, expected", [
    ("Về hạ tầng", True), ("Về hạ tầng:", True),
    ("Trang bị thiết bị cho thư viện các xã, gồm:", False), ("Mua máy chủ.", False),
])
def test_title_like_tells_titles_from_sentences(text: str, expected: bool) -> None:
    assert title_like(text) is expected


# --- the real corpus --------------------------------------------------------------------

NQ57_IDS = (
    ["I.1", "I.2", "I.3", "I.4", "I.5", "II.1.1", "II.1.2", "II.1.3", "II.1.4", "II.1.5", "II.2"]
    + [f"III.{item}.{k}" for item, n in ((1, 2), (2, 5), (3, 6), (4, 3), (5, 3), (6, 4), (7, 1))
       for k in range(1, n + 1)]
    + [f"IV.{k}" for k in range(1, 7)]
)
PL2_GROUPS = {"I": 13, "II": 29, "III": 34, "IV": 12, "V": 28, "VI": 15, "VII": 9}
PROGRAMME_ITEMS = {"1": 15, "2": 14, "3": 18, "4": 15, "5": 20, "6": 16, "7": 4}


@pytest.fixture(scope="module")
def nq57_text(corpus_dir: Path) -> str:
    return _text(corpus_dir / "reference" / "nq57-tw-2024.md")


@pytest.fixture(scope="module")
def nq03_text(corpus_dir: Path) -> str:
    return _text(corpus_dir / "reference" / "nq03-cp-2025.md")


@pytest.fixture(scope="module")
def nq57(nq57_text: str) -> dict[str, Clause]:
    return _by_id(parse_reference(nq57_text, "nq57-tw-2024"))


@pytest.fixture(scope="module")
def nq03(nq03_text: str) -> list[Clause]:
    return parse_reference(nq03_text, "nq03-cp-2025")


@pytest.mark.corpus
def test_corpus_schemes_detected(nq57_text: str, nq03_text: str) -> None:
    schemes = (detect_reference_scheme(nq57_text), detect_reference_scheme(nq03_text))
    assert schemes == ("nq57", "nq03")


@pytest.mark.corpus
def test_corpus_nq57_clause_ids(nq57: dict[str, Clause]) -> None:
    assert len(NQ57_IDS) == 41 and list(nq57) == NQ57_IDS


@pytest.mark.corpus
@pytest.mark.parametrize("cid, prefix", [
    ("I.1", "Phát triển khoa học, công nghệ, đổi mới"),
    ("II.2", "Khoa học, công nghệ, đổi mới sáng tạo"),
    ("III.2.1", "Tiếp tục thể chế hóa đầy đủ"),
    ("III.2.2", "Khẩn trương sửa đổi, bổ sung"),
    ("III.7.1", "Tập trung đẩy mạnh hợp tác nghiên cứu"),
    ("IV.6", "Văn phòng Trung ương Đảng phối hợp"),
])
def test_corpus_nq57_clause_texts(nq57: dict[str, Clause], cid: str, prefix: str) -> None:
    assert nq57[cid].text.startswith(prefix)


@pytest.mark.corpus
@pytest.mark.parametrize("cid, section, heading", [
    ("I.3", "QUAN ĐIỂM CHỈ ĐẠO", "QUAN ĐIỂM CHỈ ĐẠO"),
    ("II.1.4", "MỤC TIÊU", "Đến năm 2030"),
    ("III.5.2", "NHIỆM VỤ, GIẢI PHÁP", "Đẩy mạnh chuyển đổi số, ứng dụng"),
    ("IV.1", "TỔ CHỨC THỰC HIỆN", "TỔ CHỨC THỰC HIỆN"),
])
def test_corpus_nq57_headings(nq57: dict[str, Clause], cid: str, section: str,
                              heading: str) -> None:
    clause = nq57[cid]
    assert clause.heading_path[0] == section and clause.heading.startswith(heading)


@pytest.mark.corpus
def test_corpus_nq03_pl2_ids_in_order(nq03: list[Clause]) -> None:
    assert [c.id for c in nq03 if c.id.startswith("PL2.")] == [f"PL2.{n}" for n in range(1, 141)]


@pytest.mark.corpus
def test_corpus_nq03_pl2_group_counts(nq03: list[Clause]) -> None:
    groups = Counter(c.fields["group"] for c in nq03 if c.id.startswith("PL2."))
    assert dict(groups) == PL2_GROUPS


@pytest.mark.corpus
def test_corpus_nq03_programme_tasks_per_item(nq03: list[Clause]) -> None:
    items = Counter(c.id.split(".")[2] for c in nq03 if c.id.startswith("P.II."))
    assert dict(items) == PROGRAMME_ITEMS


@pytest.mark.corpus
def test_corpus_nq03_pl1_targets(nq03: list[Clause]) -> None:
    ids = [c.id for c in nq03 if c.id.startswith("PL1.")]
    assert len(ids) == 57 and {"PL1.1", "PL1.11.3", "PL1.23.3", "PL1.41"} <= set(ids)


@pytest.mark.corpus
def test_corpus_nq03_bullets_join_lettered_task(nq03: list[Clause]) -> None:
    clause = _by_id(nq03)["P.II.2.đ"]
    assert clause.text.count(" - ") == 3 and clause.lines == (111, 114)


@pytest.mark.corpus
def test_corpus_nq03_continuation_rows_joined(nq03: list[Clause]) -> None:
    clauses = _by_id(nq03)
    assert "(11) Mô hình điểm" in clauses["PL2.108"].text
    assert clauses["PL2.108"].fields["partners"] == ""
    assert clauses["PL2.110"].text.endswith("từ phần mềm của cơ sở khám chữa bệnh")
    assert clauses["PL2.128"].text.count("định kỳ tổ chức đánh giá") == 1


@pytest.mark.corpus
def test_corpus_nq03_stray_group_cell_not_joined(nq03: list[Clause]) -> None:
    clause = _by_id(nq03)["PL2.76"]
    assert clause.fields["deadline"] == "2025 và những năm tiếp theo" and clause.lines == (470, 470)


@pytest.mark.corpus
def test_corpus_nq03_no_footnote_markers(nq03: list[Clause]) -> None:
    assert not any("¹" in c.text for c in nq03)


@pytest.mark.corpus
def test_corpus_nq03_ids_unique(nq03: list[Clause]) -> None:
    assert len({c.id for c in nq03}) == len(nq03) == 140 + 57 + sum(PROGRAMME_ITEMS.values())
