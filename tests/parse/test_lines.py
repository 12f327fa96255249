"""The shared line pass: which lines make one block for both structural readers."""
from __future__ import annotations

from align.parse.lines import Marker, bold_text, line_blocks, md_heading, plain, read_marker


def spans(text: str) -> list[tuple[int, int]]:
    return [(b.first, b.last) for b in line_blocks(text)]


def test_line_blocks_join_a_sentence_broken_across_a_blank_line():
    (block,) = line_blocks("Tăng cường ứng dụng công nghệ\n\nthông tin trong quản lý.")
    assert (block.first, block.last, block.text) == (
        1, 3, "Tăng cường ứng dụng công nghệ thông tin trong quản lý.")


def test_line_blocks_do_not_join_after_a_finished_sentence():
    assert spans("Làm A.\nlàm B.") == [(1, 1), (2, 2)]


def test_line_blocks_do_not_join_a_lettered_point():
    assert spans("1. Nhiệm vụ chung\na) Làm A") == [(1, 1), (2, 2)]


def test_line_blocks_do_not_join_after_a_heading():
    assert spans("## Nhiệm vụ\nlàm A") == [(1, 1), (2, 2)]
    assert spans("NHIỆM VỤ TRỌNG TÂM\nlàm A") == [(1, 1), (2, 2)]


def test_line_blocks_join_after_an_all_caps_bullet():
    assert spans("- ỨNG DỤNG AI\ncho cán bộ xã") == [(1, 2)]


def test_line_blocks_do_not_join_a_closing_formula():
    assert spans("Giao các phòng thực hiện\ntrên đây là kế hoạch") == [(1, 1), (2, 2)]


def test_line_blocks_table_run_spans_blank_lines():
    (table,) = line_blocks("| a | b |\n\n| c | d |")
    assert (table.first, table.last, [n for n, _ in table.rows]) == (1, 3, [1, 3])


def test_line_blocks_rule_is_a_block_that_takes_no_continuation():
    blocks = line_blocks("---\nlàm A")
    assert [(b.first, b.last, b.rule) for b in blocks] == [(1, 1, True), (2, 2, False)]


def test_read_marker_reads_each_numbering_style():
    marks = [read_marker(t) for t in ("III. NHIỆM VỤ", "Điều 2. Hiệu lực", "1.2. Làm A", "b) Làm B",
                                       "(1) Làm C", "- Làm D")]
    assert [(m.style, m.number, m.printed, m.rest) for m in marks] == [
        ("roman", "III", "III.", "NHIỆM VỤ"), ("article", "Điều 2", "Điều 2.", "Hiệu lực"),
        ("arabic", "1.2", "1.2.", "Làm A"), ("letter", "b", "b)", "Làm B"), ("paren", "1", "(1)", "Làm C"),
        ("bullet", "-", "-", "Làm D")]


def test_read_marker_depth_counts_the_parts_of_an_arabic_number():
    assert [read_marker(t).depth for t in ("1. A", "1.2 B", "3.1.4. C", "II. D")] == [1, 2, 3, 1]


def test_read_marker_takes_a_dash_typed_without_a_space_as_a_bullet():
    assert read_marker("-Tăng cường") == Marker("bullet", "-", "-", "Tăng cường")
    assert read_marker("-5%") is None and read_marker("*nghiêng* chữ") is None


def test_read_marker_is_none_for_a_number_inside_a_word_or_figure():
    assert [read_marker(t) for t in ("12.5% dân số", "2026 năm", "1.2.3", "Làm A")] == [None] * 4


def test_bold_text_is_the_text_of_a_wholly_bold_line_only():
    assert [bold_text(t) for t in ("**II. NHIỆM VỤ**", "__Ghi chú__", "**a** và **b**", "Làm **A**")] == [
        "II. NHIỆM VỤ", "Ghi chú", None, None]


def test_md_heading_and_plain_drop_the_heading_mark_once_for_both_readers():
    assert md_heading("## **II. NHIỆM VỤ**") == (2, "**II. NHIỆM VỤ**") and md_heading("#hashtag") is None
    assert plain("## **II. NHIỆM VỤ**") == "II. NHIỆM VỤ"
