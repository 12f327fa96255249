"""Commune plan -> tasks and targets: sections, ids, leads, appendix rows (fixture and corpus)."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.parse.plan import (
    APPENDIX, BODY, IMPLEMENTATION, TARGETS, extract_tasks, office_in_text, office_of_heading,
    section_role, target_value,
)
from align.parse.structure import parse_blocks
from align.text.normalize import normalize_text
from align.types import DEADLINE, GROUP, LEAD, NUMBER, OUTPUT, PARTNERS, RESPONSIBLE, TARGET, TASK, UNIT, VALUE

FIXTURE = Path(__file__).resolve().parents[2] / "corpus" / "fixtures" / "plans" / "xa-an-hoa-2026.txt"


@lru_cache(maxsize=None)
def plan_tasks(path: str) -> tuple:
    raw = Path(path).read_text(encoding="utf-8")
    return tuple(extract_tasks(parse_blocks(normalize_text(raw), raw), Path(path).stem))


def fixture_tasks() -> dict:
    return {t.id: t for t in plan_tasks(str(FIXTURE))}


def tasks_of(text: str):
    return extract_tasks(parse_blocks(normalize_text(text)), "t")


# --- fixture plan -------------------------------------------------------------------------

def test_extract_tasks_fixture_ids_in_order():
    assert list(fixture_tasks()) == [
        "II.2.b1", "II.2.b2", "II.2.b3",
        "III.1.1", "III.1.2", "III.2.1.b1", "III.2.1.b2", "III.2.2", "III.3.a.b1", "III.3.b.p1",
        "IV.1.b1", "IV.1.b2", "IV.2.p1", "IV.3",
        "PL1.1", "PL1.2", "PL1.3", "PL1.3.a", "PL1.3.b", "PL2.1", "PL2.2"]


def test_extract_tasks_fixture_sections_and_kinds():
    tasks = fixture_tasks().values()
    assert Counter(t.section for t in tasks) == {TARGETS: 5, BODY: 7, IMPLEMENTATION: 4, APPENDIX: 5}
    assert Counter(t.kind for t in tasks) == {TASK: 17, TARGET: 4}


def test_extract_tasks_skips_purpose_general_objectives_and_pointer():
    texts = " ".join(t.text for t in fixture_tasks().values())
    assert "Bám sát Công văn" not in texts          # I.1 Mục đích
    assert "Phân công rõ người" not in texts        # I.2 Yêu cầu
    assert "Nâng cao chất lượng phục vụ" not in texts  # II.1 Mục tiêu chung
    assert "Chi tiết tại Phụ lục" not in texts


def test_extract_tasks_skips_closing_recipients_and_signature():
    texts = [t.text for t in fixture_tasks().values()]
    assert not any(t.startswith("Trên đây") or t.endswith("/.") for t in texts)
    assert not any(t in ("UBND tỉnh;", "Lưu: VT.", "CHỦ TỊCH", "Trần Văn Minh") for t in texts)


def test_extract_tasks_numeric_objectives_are_targets_with_value():
    tasks = fixture_tasks()
    assert (tasks["II.2.b1"].kind, tasks["II.2.b1"].fields[VALUE]) == (TARGET, "Tối thiểu 85%")
    assert (tasks["II.2.b2"].kind, tasks["II.2.b2"].fields[VALUE]) == (TARGET, "ít nhất 02")
    assert (tasks["II.2.b3"].kind, tasks["II.2.b3"].section) == (TASK, TARGETS)


def test_extract_tasks_numbered_point_keeps_printed_number_and_heading_path():
    task = fixture_tasks()["III.1.1"]
    assert task.fields[NUMBER] == "1.1."
    assert task.heading_path == ("III. NHIỆM VỤ, GIẢI PHÁP", "1. Hạ tầng số")


def test_extract_tasks_point_broken_by_page_break_is_one_task():
    task = fixture_tasks()["III.1.2"]
    assert task.text.endswith("tới các thôn vùng sâu trong năm 2026.")
    assert task.lines == (40, 42)


def test_extract_tasks_office_heading_is_the_lead():
    assert fixture_tasks()["IV.1.b1"].fields[LEAD] == "Văn phòng HĐND và UBND xã"


def test_extract_tasks_office_named_in_the_text_is_the_lead():
    tasks = fixture_tasks()
    assert tasks["IV.1.b2"].fields[LEAD] == "Hội Nông dân"
    assert tasks["IV.3"].fields[LEAD] == "Công an xã"


def test_extract_tasks_bold_lead_in_office_is_the_lead():
    task = fixture_tasks()["IV.2.p1"]
    assert (task.text, task.fields[LEAD]) == ("Chủ trì bố trí kinh phí thực hiện Kế hoạch.", "Phòng Kinh tế")


def test_extract_tasks_appendix_row_fields_and_group():
    task = fixture_tasks()["PL1.1"]
    assert (task.section, task.kind, task.text) == (APPENDIX, TASK, "Thay thế máy tính cũ cho bộ phận một cửa")
    assert task.fields == {NUMBER: "1", LEAD: "Văn phòng HĐND và UBND xã", PARTNERS: "Phòng Kinh tế",
                           OUTPUT: "Máy tính mới", DEADLINE: "Quý II/2026", GROUP: "I"}
    assert task.heading_path == ("PHỤ LỤC I: DANH MỤC NHIỆM VỤ NĂM 2026", "I. Hạ tầng số")


def test_extract_tasks_appendix_row_continued_after_page_break():
    tasks = fixture_tasks()
    assert tasks["PL1.2"].text == "Nâng cấp đường truyền internet tại trụ sở và nhà văn hóa các thôn"
    assert not any(t.text.startswith("nhà văn hóa") for t in tasks.values())


def test_extract_tasks_sub_rows_point_to_their_row():
    tasks = fixture_tasks()
    assert [(tasks[i].parent, tasks[i].fields[LEAD]) for i in ("PL1.3.a", "PL1.3.b")] == [
        ("PL1.3", "Công chức tư pháp"), ("PL1.3", "Công chức địa chính")]
    assert tasks["PL1.3"].parent is None


def test_extract_tasks_targets_table_rows_are_targets():
    task = fixture_tasks()["PL2.2"]
    assert (task.section, task.kind) == (TARGETS, TARGET)
    assert task.fields == {NUMBER: "2.", UNIT: "%", VALUE: "100", LEAD: "Văn phòng HĐND và UBND xã"}


def test_extract_tasks_is_stable_across_runs():
    raw = FIXTURE.read_text(encoding="utf-8")
    first = extract_tasks(parse_blocks(normalize_text(raw), raw), "x")
    second = extract_tasks(parse_blocks(normalize_text(raw), raw), "x")
    assert first == second


def test_extract_tasks_repeated_heading_number_gets_unique_ids():
    text = "KẾ HOẠCH\n\nI. NHIỆM VỤ\n\nd) Việc một\n\n- Làm A.\n\nd) Việc hai\n\n- Làm B."
    assert [t.id for t in tasks_of(text)] == ["I.d.b1", "I.d.b1-2"]


def test_extract_tasks_skips_funding_section_and_replacement_note():
    text = ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n- Làm A.\n\nII. KINH PHÍ THỰC HIỆN\n\n- Ngân sách xã.\n\n"
            "III. TỔ CHỨC THỰC HIỆN\n\n1. Kế hoạch này thay thế Kế hoạch số 3/KH-UBND.\n\n"
            "2. Phòng Kinh tế là đầu mối theo dõi.")
    assert [(t.id, t.section) for t in tasks_of(text)] == [("I.b1", BODY), ("III.2", IMPLEMENTATION)]


def test_section_role_from_titles():
    assert [section_role(t) for t in (
        "I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, CHỈ TIÊU", "II. MỤC TIÊU, NHIỆM VỤ",
        "III. NHIỆM VỤ, GIẢI PHÁP", "III. KINH PHÍ THỰC HIỆN", "IV. Tổ chức thực hiện")] == [
        "purpose", "objectives", BODY, BODY, "funding", IMPLEMENTATION]


def test_target_value_finds_percent_and_minimum_count():
    assert target_value("Tỷ lệ hồ sơ trực tuyến: 100%.") == "100%"
    assert target_value("phấn đấu đạt 17.5% GRDP") == "đạt 17.5%"
    assert target_value("Áp dụng ít nhất 01 mô hình mới") == "ít nhất 01"
    assert target_value("Triển khai Đề án 06/CP trên địa bàn") is None


def test_office_in_text_stops_at_the_verb():
    assert office_in_text("Phòng Văn hóa - Xã hội là cơ quan thường trực.") == "Phòng Văn hóa - Xã hội"
    assert office_in_text("Đề nghị Ủy ban Mặt trận Tổ quốc xã phát huy vai trò.") == "Ủy ban Mặt trận Tổ quốc xã"
    assert office_in_text("Hội Liên hiệp Phụ nữ vận động hội viên.") == "Hội Liên hiệp Phụ nữ"


def test_office_in_text_ignores_sentences_not_opening_with_an_office():
    assert office_in_text("Hội nghị trực tuyến được tổ chức hằng quý.") is None
    assert office_in_text("Chủ trì, phối hợp với Phòng Kinh tế.") is None
    assert office_in_text("Ban hành quy chế phối hợp.") is None


def test_office_of_heading_strips_verbs_and_notes():
    assert office_of_heading("Giao Phòng Văn hóa Xã hội") == "Phòng Văn hóa Xã hội"
    assert office_of_heading("Phòng Văn hóa - Xã hội (Cơ quan thường trực)") == "Phòng Văn hóa - Xã hội"


# --- real plans ---------------------------------------------------------------------------

def corpus_tasks(corpus_dir: Path, name: str) -> dict:
    return {t.id: t for t in plan_tasks(str(corpus_dir / "communes" / f"{name}.txt"))}


@pytest.mark.corpus
@pytest.mark.parametrize("name, body, implementation", [
    ("binh-giang-khcn-2026", 36, 11),
    ("binh-giang-nq57-2026", 28, 6),
    ("nguyen-luong-bang-nq57-2026", 34, 35),
    ("binh-thanh-nq57-2026", 39, 3),
    ("vu-duong-bcd-2026", 0, 29),
])
def test_corpus_body_and_implementation_task_counts(corpus_dir, name, body, implementation):
    sections = Counter(t.section for t in corpus_tasks(corpus_dir, name).values())
    assert (sections[BODY], sections[IMPLEMENTATION]) == (body, implementation)


@pytest.mark.corpus
@pytest.mark.parametrize("name, items, targets", [
    ("binh-giang-khcn-2026", 9, 6), ("vu-duong-bcd-2026", 19, 15), ("binh-thanh-nq57-2026", 10, 10)])
def test_corpus_targets_section_counts(corpus_dir, name, items, targets):
    in_section = [t for t in corpus_tasks(corpus_dir, name).values() if t.section == TARGETS]
    assert (len(in_section), sum(t.kind == TARGET for t in in_section)) == (items, targets)


@pytest.mark.corpus
def test_corpus_binh_giang_khcn_eight_appendix_tasks_with_lead(corpus_dir):
    appendix = [t for t in corpus_tasks(corpus_dir, "binh-giang-khcn-2026").values() if t.section == APPENDIX]
    assert [t.id for t in appendix] == [f"PL1.{i}" for i in range(1, 9)]
    assert all(t.fields.get(LEAD) for t in appendix)
    assert appendix[7].fields[LEAD] == "Phòng Kinh tế"


@pytest.mark.corpus
def test_corpus_nguyen_luong_bang_appendix_i_has_20_tasks_two_sub_rows(corpus_dir):
    tasks = [t for t in corpus_tasks(corpus_dir, "nguyen-luong-bang-nq57-2026").values() if t.id.startswith("PL1.")]
    assert len(tasks) == 20
    assert [t.id for t in tasks if t.parent] == ["PL1.12.a", "PL1.12.b"]
    assert {t.parent for t in tasks if t.parent} == {"PL1.12"}


@pytest.mark.corpus
def test_corpus_nguyen_luong_bang_appendix_ii_has_24_tasks(corpus_dir):
    tasks = [t for t in corpus_tasks(corpus_dir, "nguyen-luong-bang-nq57-2026").values() if t.id.startswith("PL2.")]
    assert [t.id for t in tasks] == [f"PL2.{i}" for i in range(1, 25)]


@pytest.mark.corpus
def test_corpus_nguyen_luong_bang_row_4_joined_across_page_break(corpus_dir):
    tasks = corpus_tasks(corpus_dir, "nguyen-luong-bang-nq57-2026")
    row = tasks["PL1.4"]
    assert "đổi mới phương thức điều hành" in row.text
    assert not any(t.text.startswith("mới phương thức") for t in tasks.values())
    assert (row.fields[RESPONSIBLE], row.fields[DEADLINE], row.fields[GROUP]) == (
        "Chánh Văn phòng HĐND và UBND", "Quý I/2026", "II")


@pytest.mark.corpus
def test_corpus_nguyen_luong_bang_implementation_leads(corpus_dir):
    tasks = corpus_tasks(corpus_dir, "nguyen-luong-bang-nq57-2026")
    assert tasks["IV.4.b1"].fields[LEAD] == "Văn phòng HĐND và UBND xã"
    assert tasks["IV.9.b2"].fields[LEAD] == "Hội Nông dân"
    assert tasks["II.3.2"].heading_path[-1].startswith("3. Tăng cường đầu tư")


@pytest.mark.corpus
def test_corpus_binh_thanh_targets_and_appendix(corpus_dir):
    tasks = corpus_tasks(corpus_dir, "binh-thanh-nq57-2026")
    targets = [t for t in tasks.values() if t.kind == TARGET]
    appendix = [t for t in tasks.values() if t.section == APPENDIX]
    assert [t.id for t in targets] == [f"PL1.{i}" for i in range(1, 11)]
    assert [t.id for t in appendix] == [f"PL2.{i}" for i in range(1, 7)]
    assert appendix[2].fields[LEAD] == "Văn phòng HĐND và UBND xã"
    assert (targets[8].fields[UNIT], targets[8].fields[VALUE]) == ("%", "≥98")


@pytest.mark.corpus
def test_corpus_binh_thanh_sub_heading_points(corpus_dir):
    tasks = corpus_tasks(corpus_dir, "binh-thanh-nq57-2026")
    assert tasks["III.7.1.b1"].heading_path[-1].startswith("7.1. Thực hiện nghiêm")
    assert tasks["IV.3"].fields[LEAD].startswith("Ủy ban Mặt trận Tổ quốc")


@pytest.mark.corpus
def test_corpus_bold_lead_in_office(corpus_dir):
    assert corpus_tasks(corpus_dir, "binh-giang-nq57-2026")["III.3.p1"].fields[LEAD] == "Phòng Kinh tế xã"


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["binh-giang-khcn-2026", "binh-giang-nq57-2026", "nguyen-luong-bang-nq57-2026",
                                  "binh-thanh-nq57-2026", "vu-duong-bcd-2026"])
def test_corpus_no_closing_or_recipient_lines_become_tasks(corpus_dir, name):
    texts = [t.text for t in corpus_tasks(corpus_dir, name).values()]
    assert not any(t.endswith("/.") or t.startswith(("Trên đây", "Lưu:")) for t in texts)


@given(st.lists(st.sampled_from([
    "", "I. NHIỆM VỤ", "II. TỔ CHỨC THỰC HIỆN", "III. MỤC TIÊU", "1. Phòng Kinh tế", "1.1. Rà soát thiết bị.",
    "a) Về cán bộ", "d) Về dữ liệu", "- Làm việc A.", "+ Đạt 90%.", "Đoạn văn.", "Nơi nhận:", "PHỤ LỤC I",
    "TT\tNội dung\tCơ quan chủ trì\tThời gian", "1\tViệc\tPhòng A\tQuý I", "\tViệc con\tPhòng B\tQuý II",
    "I\tNhóm\t\t"]), max_size=40))
@settings(max_examples=150, deadline=None)
def test_extract_tasks_ids_are_unique_for_any_layout(lines):
    tasks = tasks_of("\n".join(lines))
    ids = [t.id for t in tasks]
    assert len(ids) == len(set(ids))
    assert all(t.parent in ids for t in tasks if t.parent)


def test_extract_tasks_sub_row_parent_follows_deduplicated_row_id():
    header = "TT\tNội dung\tCơ quan chủ trì\tThời gian"
    text = (f"KẾ HOẠCH\n\nPHỤ LỤC I\n\n{header}\n1\tViệc một\tPhòng A\tQuý I\n\nGhi chú giữa hai bảng.\n\n"
            f"{header}\n1\tViệc khác:\tPhòng B\tQuý II\n\tViệc con\tPhòng C\tQuý III")
    assert [(t.id, t.parent) for t in tasks_of(text)] == [("PL1.1", None), ("PL1.1-2", None), ("PL1.1.a", "PL1.1-2")]


def test_extract_tasks_table_inside_a_section_gets_section_ids():
    text = ("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n1. Hạ tầng\n\n"
            "TT\tNội dung\tCơ quan chủ trì\tThời gian\n3\tThay máy tính\tVăn phòng\tQuý I")
    (task,) = tasks_of(text)
    assert (task.id, task.section, task.fields[LEAD]) == ("I.1.r3", BODY, "Văn phòng")
