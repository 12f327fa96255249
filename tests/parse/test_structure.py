"""Structural parser: heading styles, bullets, joined page breaks, body points, tables."""
from __future__ import annotations

import logging

from hypothesis import given, settings
from hypothesis import strategies as st

from align.parse.structure import parse_blocks
from align.text.normalize import normalize_text
from align.types import BULLET, HEADING, PARAGRAPH, ROW

PREAMBLE = "KẾ HOẠCH\n\nThực hiện chuyển đổi số ở xã.\n\n"


def blocks(text: str, raw: str | None = None):
    return parse_blocks(normalize_text(text), raw)


def headings(text: str) -> list[tuple[str, int, str]]:
    return [(b.text, b.level, b.fields["style"]) for b in blocks(text) if b.kind == HEADING]


def find(text: str, prefix: str):
    return next(b for b in blocks(text) if b.text.startswith(prefix))


def test_parse_blocks_roman_headings_with_dot_and_dash():
    out = headings(PREAMBLE + "I- QUAN ĐIỂM\n\nMột đoạn.\n\nII. MỤC TIÊU\n\nĐoạn khác.")
    assert [(t, lvl) for t, lvl, _ in out if t.startswith(("I", "II"))] == [
        ("I- QUAN ĐIỂM", 1), ("II. MỤC TIÊU", 1)]


def test_parse_blocks_numbering_not_markdown_depth_sets_level():
    text = PREAMBLE + ("## **II. NHIỆM VỤ**\n\n### **1. Việc một**\n\n- Làm A.\n\n"
                       "## **2. Việc hai**\n\n- Làm B.\n\n#### **3. Việc ba**\n\n- Làm C.")
    assert [(t, lvl) for t, lvl, _ in headings(text) if t[0].isdigit()] == [
        ("1. Việc một", 2), ("2. Việc hai", 2), ("3. Việc ba", 2)]


def test_parse_blocks_decimal_heading_nests_under_its_parent():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n2. Dữ liệu\n\n2.1. Số hóa hộ tịch\n\n- Số hóa sổ cũ."
    bullet = find(text, "Số hóa sổ cũ")
    assert bullet.heading_path == ("I. NHIỆM VỤ", "2. Dữ liệu", "2.1. Số hóa hộ tịch")


def test_parse_blocks_letter_headings_including_d_stroke():
    text = PREAMBLE + "I. NHIỆM VỤ\n\nđ) Về viễn thông\n\n- Mở rộng vùng phủ sóng.\n\ne) Về bưu chính\n\n- Rà soát điểm phục vụ."
    assert [(t, s) for t, _, s in headings(text)][-2:] == [
        ("đ) Về viễn thông", "letter"), ("e) Về bưu chính", "letter")]


def test_parse_blocks_parenthesised_number_heading():
    text = PREAMBLE + "I. MỤC TIÊU\n\n(1) Kinh tế số\n\n- Đạt 20% giá trị."
    assert find(text, "Đạt 20%").heading_path == ("I. MỤC TIÊU", "(1) Kinh tế số")


def test_parse_blocks_whole_line_bold_is_heading():
    text = PREAMBLE + "**I. TỔ CHỨC THỰC HIỆN**\n\n1. Phòng Kinh tế\n\n- Bố trí kinh phí."
    assert headings(text)[-2][0] == "I. TỔ CHỨC THỰC HIỆN"


def test_parse_blocks_bold_lead_in_splits_heading_and_paragraph():
    text = PREAMBLE + "I. TỔ CHỨC THỰC HIỆN\n\n**3. Phòng Kinh tế xã:** Chủ trì bố trí kinh phí."
    out = blocks(text)
    heading, body = out[-2], out[-1]
    assert (heading.kind, heading.text, heading.fields["number"]) == (HEADING, "3. Phòng Kinh tế xã", "3.")
    assert (body.kind, body.text, body.parent) == (PARAGRAPH, "Chủ trì bố trí kinh phí.", heading.id)


def test_parse_blocks_bold_sentence_is_a_paragraph():
    out = blocks("**Chủ tịch đã ký ban hành kế hoạch của xã về chuyển đổi số năm nay.**")
    assert out[0].kind == PARAGRAPH


def test_parse_blocks_all_caps_line_is_a_part_heading():
    text = PREAMBLE + "I. NỘI DUNG\n\n- Làm A.\n\nTỔ CHỨC THỰC HIỆN\n\n- Làm B."
    part = find(text, "TỔ CHỨC THỰC HIỆN")
    assert (part.kind, part.fields["style"], part.level) == (HEADING, "part", 1)
    assert find(text, "Làm B").heading_path == ("TỔ CHỨC THỰC HIỆN",)


def test_parse_blocks_bullet_markers():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n- Việc gạch ngang.\n\n• Việc chấm tròn.\n\n+ Việc dấu cộng."
    out = [b for b in blocks(text) if b.kind == BULLET]
    assert [(b.text, b.fields["marker"]) for b in out] == [
        ("Việc gạch ngang.", "-"), ("Việc chấm tròn.", "-"), ("Việc dấu cộng.", "+")]


def test_parse_blocks_dash_typed_without_a_space_is_a_bullet():
    out = [b for b in blocks(PREAMBLE + "I. NHIỆM VỤ\n\n-Việc gõ liền.") if b.kind == BULLET]
    assert [(b.text, b.fields["marker"]) for b in out] == [("Việc gõ liền.", "-")]


def test_parse_blocks_dash_line_over_plus_items_is_a_subheading():
    text = PREAMBLE + "I. MỤC TIÊU\n\n- Về hạ tầng số\n\n+ Phủ sóng 5G đạt 70%.\n\n+ Cáp quang tới 100% thôn."
    sub = find(text, "Về hạ tầng số")
    assert (sub.kind, sub.fields["style"]) == (HEADING, "dash")
    assert find(text, "Cáp quang").parent == sub.id


def test_parse_blocks_joins_paragraph_broken_mid_sentence():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n- Phối hợp với doanh nghiệp mở rộng vùng phủ sóng tới các\n\nthôn vùng sâu.\n\n- Việc khác."
    out = [b for b in blocks(text) if b.kind == BULLET]
    assert [b.text for b in out] == [
        "Phối hợp với doanh nghiệp mở rộng vùng phủ sóng tới các thôn vùng sâu.", "Việc khác."]
    assert out[0].lines == (7, 9)


def test_parse_blocks_does_not_join_after_a_finished_sentence():
    text = PREAMBLE + "I. NHIỆM VỤ\n\nMột câu đã xong.\n\ncâu sau viết thường."
    assert [b.text for b in blocks(text)][-2:] == ["Một câu đã xong.", "câu sau viết thường."]


def test_parse_blocks_does_not_join_a_lettered_heading():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n1. Hạ tầng số\n\na) Về viễn thông\n\n- Mở rộng 5G."
    assert [t for t, _, _ in headings(text)][-2:] == ["1. Hạ tầng số", "a) Về viễn thông"]


def test_parse_blocks_numbered_sentence_under_heading_is_a_body_point():
    text = PREAMBLE + ("III. NHIỆM VỤ\n\n1. Công tác lãnh đạo\n\n"
                       "1.1. Ủy ban nhân dân xã ban hành kế hoạch năm và đưa chỉ tiêu vào chương trình công tác.\n\n"
                       "1.2. Đẩy mạnh tuyên truyền.")
    point = find(text, "Ủy ban nhân dân xã ban hành")
    assert (point.kind, point.fields["number"]) == (PARAGRAPH, "1.1.")
    assert point.heading_path == ("III. NHIỆM VỤ", "1. Công tác lãnh đạo")


def test_parse_blocks_numbered_title_followed_by_body_is_a_heading():
    text = PREAMBLE + "III. NHIỆM VỤ\n\n7. An ninh mạng\n\n7.1. Bảo vệ dữ liệu cá nhân\n\n- Phân loại dữ liệu theo mức độ mật."
    assert (find(text, "7.1.").kind, find(text, "7.1.").fields["style"]) == (HEADING, "arabic2")


def test_parse_blocks_short_numbered_items_without_body_are_points():
    text = PREAMBLE + "III. NHIỆM VỤ\n\n1. Rà soát thủ tục\n\n2. Số hóa hồ sơ\n\nIV. TỔ CHỨC"
    out = blocks(text)
    assert [(b.kind, b.text) for b in out if b.text in ("Rà soát thủ tục", "Số hóa hồ sơ")] == [
        (PARAGRAPH, "Rà soát thủ tục"), (PARAGRAPH, "Số hóa hồ sơ")]


def test_parse_blocks_long_numbered_line_without_period_is_a_point():
    long_line = "4.2. " + " ".join(["Thực hiện rà soát bố trí cán bộ"] * 6)
    text = PREAMBLE + f"II. NHIỆM VỤ\n\n4. Nhân lực\n\n{long_line}\n\n- Một gạch đầu dòng."
    assert find(text, "Thực hiện rà soát").kind == PARAGRAPH


def test_parse_blocks_body_point_closes_a_sibling_heading():
    text = PREAMBLE + ("IV. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Kinh tế\n\n- Bố trí kinh phí.\n\n"
                       "2. Công an xã chủ trì bảo đảm an ninh mạng trên địa bàn.")
    assert find(text, "Công an xã chủ trì").heading_path == ("IV. TỔ CHỨC THỰC HIỆN",)


def test_parse_blocks_preamble_blocks_have_no_heading_path():
    out = blocks("Số: 5/KH-UBND\n\nKẾ HOẠCH\n\nVề chuyển đổi số\n\nI. MỤC TIÊU\n\n- Đạt 90%.")
    assert [(b.text, b.fields.get("role"), b.heading_path) for b in out[:3]] == [
        ("Số: 5/KH-UBND", "preamble", ()), ("KẾ HOẠCH", "preamble", ()), ("Về chuyển đổi số", "preamble", ())]
    assert out[-1].heading_path == ("I. MỤC TIÊU",)


def test_parse_blocks_recipients_and_signature():
    text = PREAMBLE + ("I. NHIỆM VỤ\n\n- Làm A.\n\nNơi nhận:\n\n- UBND huyện;\n- Lưu: VT.\n\n"
                       "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn Bình")
    out = blocks(text)
    recipients = find(text, "Nơi nhận")
    assert recipients.fields["role"] == "recipients"
    assert find(text, "UBND huyện").parent == recipients.id
    assert [b.fields.get("role") for b in out[-3:]] == ["signature"] * 3


def test_parse_blocks_signature_written_t_slash_m_is_a_signature():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n- Làm A.\n\nT/M ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert [b.fields.get("role") for b in blocks(text)[-2:]] == ["signature"] * 2


def test_parse_blocks_appendix_label_takes_title_line():
    text = PREAMBLE + "I. NHIỆM VỤ\n\n- Làm A.\n\nPhụ lục II\n\nDANH MỤC NHIỆM VỤ\n\nGhi chú kèm theo."
    appendix = find(text, "Phụ lục II")
    assert (appendix.text, appendix.fields["appendix"], appendix.lines) == (
        "Phụ lục II: DANH MỤC NHIỆM VỤ", "2", (9, 11))


def test_parse_blocks_table_rows_under_group_headings():
    raw = (PREAMBLE + "PHỤ LỤC I\n\nTT\tNội dung\tCơ quan chủ trì\tCơ quan phối hợp\n"
           "<b>I</b>\t<b>Hạ tầng</b>\t\t\n1\tThay máy tính\tVăn phòng\tPhòng Kinh tế")
    out = parse_blocks(normalize_text(raw), raw)
    group, row = out[-2], out[-1]
    assert (group.kind, group.text, group.fields["style"]) == (HEADING, "I. Hạ tầng", "group")
    assert (row.kind, row.text, row.parent) == (ROW, "Thay máy tính", group.id)
    assert row.heading_path == ("PHỤ LỤC I", "I. Hạ tầng")
    assert row.fields["lead"] == "Văn phòng"


def test_parse_blocks_ids_are_sequential_and_lines_one_based():
    out = blocks("KẾ HOẠCH\n\nI. MỤC TIÊU\n- Đạt 90%.")
    assert [(b.id, b.lines) for b in out] == [("b1", (1, 1)), ("b2", (3, 3)), ("b3", (4, 4))]


def test_parse_blocks_ignores_raw_with_other_line_count(caplog):
    with caplog.at_level(logging.WARNING):
        out = parse_blocks("I. MỤC TIÊU\n- Đạt 90%.", "một dòng")
    assert len(out) == 2
    assert "ignoring raw" in caplog.text


_LINES = ["", "KẾ HOẠCH", "I. NHIỆM VỤ", "II- MỤC TIÊU", "## **1. Hạ tầng**", "1.1. Rà soát thiết bị.",
          "2.1. Số hóa hồ sơ", "a) Về cán bộ", "(1) Kinh tế số", "- Làm việc A", "+ Đạt 90%.",
          "thôn vùng sâu.", "**2. Phòng Kinh tế:** Chủ trì.", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN",
          "Nguyễn Văn An", "PHỤ LỤC I", "Phụ lục II", "TT\tNội dung\tCơ quan chủ trì\tThời gian",
          "<b>I</b>\t<b>Nhóm</b>\t\t", "1\tViệc\tPhòng A\tQuý I", "\ttiếp theo\t\t", "\tViệc con\tPhòng B\tQuý II",
          "| TT | Nội dung | Cơ quan chủ trì |", "|---|---|---|", "| 1. | Việc | Bộ A |", "Đoạn văn thường."]


@given(st.lists(st.sampled_from(_LINES), max_size=40))
@settings(max_examples=150, deadline=None)
def test_parse_blocks_any_mix_of_lines_gives_a_consistent_tree(lines):
    raw = "\n".join(lines)
    out = parse_blocks(normalize_text(raw), raw)
    assert [b.id for b in out] == [f"b{i}" for i in range(1, len(out) + 1)]
    seen = {}
    for b in out:
        assert 1 <= b.lines[0] <= b.lines[1] <= max(len(lines), 1)
        if b.parent is not None:
            assert seen[b.parent].kind == HEADING
            assert b.heading_path[-1] == seen[b.parent].text
        seen[b.id] = b
