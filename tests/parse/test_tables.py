"""Tables: tab and pipe rows, headers, page breaks, sub-rows, group rows."""
from __future__ import annotations

from align.parse.tables import (
    GROUP_ROW, ROW, SUBROW, TARGETS, TASKS, header_columns, is_table_line, parse_table, split_cells,
)
from align.types import DEADLINE, GROUP, LEAD, OUTPUT, PARTNERS, RESPONSIBLE, UNIT, VALUE

HEADER = "TT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tKết quả\tThời gian hoàn thành"


def rows(lines: list[str], raw: list[str] | None = None):
    return parse_table(lines, raw).rows


def test_is_table_line_accepts_tab_and_pipe_rows():
    assert is_table_line("1\tViệc\tPhòng A")
    assert is_table_line("\ttiếp theo\t\t\t")
    assert is_table_line("| 1 | Việc |")


def test_is_table_line_rejects_prose_with_one_tab():
    assert not is_table_line("\tMột đoạn văn thụt đầu dòng.")
    assert not is_table_line("Một câu bình thường.")


def test_split_cells_pipe_drops_outer_bars():
    assert split_cells("| 1. | Việc A | Phòng B |") == ["1.", "Việc A", "Phòng B"]


def test_header_columns_maps_task_table_headers():
    cells = ["STT", "Tên nhiệm vụ", "Người đứng đầu chịu trách nhiệm", "Đơn vị chủ trì",
             "Đơn vị phối hợp", "Kết quả, sản phẩm", "Thời gian thực hiện", "Ghi chú"]
    assert header_columns(cells) == (
        "number", "text", RESPONSIBLE, LEAD, PARTNERS, OUTPUT, DEADLINE, "note")


def test_header_columns_result_is_value_in_targets_table():
    cells = ["TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"]
    assert header_columns(cells) == ("number", "text", UNIT, VALUE, LEAD)


def test_header_columns_rejects_a_data_row():
    cells = ["1", "Xây dựng kế hoạch", "Phòng Kinh tế", "Các phòng", "Báo cáo kết quả", "Quý I"]
    assert header_columns(cells) is None


def test_parse_table_maps_cells_to_fields():
    row = rows([HEADER, "1\tLập kế hoạch\tPhòng Kinh tế\tCác thôn\tKế hoạch\tQuý I/2026"])[0]
    assert (row.key, row.number, row.text) == ("1", "1", "Lập kế hoạch")
    assert row.fields == {LEAD: "Phòng Kinh tế", PARTNERS: "Các thôn", OUTPUT: "Kế hoạch",
                          DEADLINE: "Quý I/2026"}


def test_parse_table_drops_header_repeated_after_page_break():
    table = parse_table([HEADER, "1\tViệc một\tPhòng A\t\tX\tQuý I", "", HEADER,
                         "2\tViệc hai\tPhòng B\t\tY\tQuý II"])
    assert [r.key for r in table.rows] == ["1", "2"]
    assert table.dropped_headers == 1


def test_parse_table_joins_row_broken_by_page_break():
    table = parse_table([HEADER, "4\tSửa quy chế làm việc theo hướng ứng dụng công nghệ, đổi\tVăn phòng\t\t"
                         "Quy chế\tQuý I", "", HEADER, "\tmới cách điều hành\t\t\t\t",
                         "5\tViệc năm\tPhòng A\t\tX\tQuý II"])
    assert [r.key for r in table.rows] == ["4", "5"]
    assert table.rows[0].text.endswith("công nghệ, đổi mới cách điều hành")
    assert table.rows[0].lines == (2, 5)


def test_parse_table_joins_every_cell_of_a_broken_row():
    broken = "7\tLồng ghép tuyên truyền\tThủ trưởng các phòng,\tCác phòng\tỦy ban Mặt trận\tNội dung trong chương\tQuý I"
    header = "TT\tNội dung\tNgười đứng đầu chịu trách nhiệm\tCơ quan chủ trì\tCơ quan phối hợp\tKết quả\tThời gian"
    row = rows([header, broken, "", header, "\ttrong các cuộc họp\tban, đơn vị\t\txã\ttrình công tác\t"])[0]
    assert row.text == "Lồng ghép tuyên truyền trong các cuộc họp"
    assert row.fields[RESPONSIBLE] == "Thủ trưởng các phòng, ban, đơn vị"
    assert row.fields[PARTNERS] == "Ủy ban Mặt trận xã"
    assert row.fields[OUTPUT] == "Nội dung trong chương trình công tác"


def test_parse_table_keeps_unnumbered_sub_rows():
    table = rows([HEADER, "12\tỨng dụng công nghệ trong trường học:\tCác trường\t\tX\tNăm 2026",
                  "\tCấp học bạ số cho học sinh\tPhòng Văn hóa\tCác trường\tHọc bạ số\tQuý III",
                  "\tTuyển sinh trực tuyến\tPhòng Văn hóa\tCác trường\tHệ thống\tQuý II"])
    assert [(r.key, r.kind, r.parent) for r in table] == [
        ("12", ROW, None), ("12.a", SUBROW, "12"), ("12.b", SUBROW, "12")]
    assert table[1].fields[LEAD] == "Phòng Văn hóa"


def test_parse_table_bold_group_rows_from_raw():
    lines = [HEADER, "I\tHạ tầng số\t\t\t\t", "1\tViệc một\tPhòng A\t\tX\tQuý I"]
    raw = [HEADER, "<b>I</b>\t<b>Hạ tầng số</b>\t\t\t\t", lines[2]]
    group, row = rows(lines, raw)
    assert (group.kind, group.key, group.text) == (GROUP_ROW, "I", "Hạ tầng số")
    assert (row.group, row.fields[GROUP]) == ("I", "I")


def test_parse_table_roman_row_with_filled_cells_is_not_a_group():
    row = rows([HEADER, "V\tViệc có số La Mã\tPhòng A\t\tX\tQuý I"])[0]
    assert row.kind == ROW


def test_parse_table_reads_pipe_table():
    table = parse_table([
        "| TT | Chỉ tiêu | Đơn vị | Kết quả | Cơ quan chủ trì theo dõi, đánh giá |",
        "| --- | --- | --- | --- | --- |",
        "| **I** | **Đến năm 2030** | | | |",
        "| 11 | Dịch vụ công trực tuyến | | | |",
        "| 11.1 | Tỉ lệ hồ sơ trực tuyến | % | ≥ 80 | Văn phòng |",
    ])
    assert table.kind == TARGETS
    assert [(r.kind, r.key, r.parent) for r in table.rows] == [
        (GROUP_ROW, "I", None), (ROW, "11", None), (ROW, "11.1", "11")]
    assert table.rows[2].fields == {UNIT: "%", VALUE: "≥ 80", LEAD: "Văn phòng", GROUP: "I"}


def test_parse_table_joins_continuation_with_only_text_after_semicolon():
    table = rows(["| TT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả | Thời gian hoàn thành |",
                  "|---|---|---|---|---|---|",
                  "| 8. | Hoàn thành các việc: (1) định danh; | Bộ A | | Báo cáo | 2025 |",
                  "| | (2) Sàn giao dịch việc làm | | | | |"])
    assert len(table) == 1
    assert table[0].text == "Hoàn thành các việc: (1) định danh; (2) Sàn giao dịch việc làm"


def test_parse_table_drops_fragment_the_row_already_ends_with():
    table = rows(["| TT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả | Thời gian hoàn thành |",
                  "| 9. | Xây dựng công cụ đánh giá trực tuyến và công bố kết quả hằng năm. | Bộ A | | X | 2025 |",
                  "| | trực tuyến và công bố kết quả hằng năm. | | | | |"])
    assert table[0].text == "Xây dựng công cụ đánh giá trực tuyến và công bố kết quả hằng năm."


def test_parse_table_kind_tasks_and_line_span():
    table = parse_table(["", HEADER, "1\tViệc\tPhòng A\t\tX\tQuý I"], first_line=40)
    assert table.kind == TASKS
    assert table.lines == (41, 42)
    assert table.rows[0].lines == (42, 42)
