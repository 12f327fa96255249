"""The shared line pass: which lines make one block for both structural readers."""
from __future__ import annotations

from align.parse.lines import line_blocks


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
