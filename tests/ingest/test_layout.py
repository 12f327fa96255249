"""pages_text: positioned words and ruled tables -> paragraphs and tab-separated rows.

Pages are laid out here by hand: a text column from x=100 to x=500, words 10 units high,
a line every 14 units; one unit per character keeps the arithmetic visible.
"""
from __future__ import annotations

from align.ingest.layout import Page, Table, Word, pages_text

LEFT, RIGHT, HEIGHT, PITCH = 100.0, 500.0, 10.0, 14.0


def line(text: str, top: float, x0: float = LEFT, right: float | None = None) -> list[Word]:
    """Words of `text` from x0, 6 units a character, spaces of 4, stretched to end at `right`."""
    words, x = [], x0
    pieces = text.split()
    widths = [6.0 * len(p) for p in pieces]
    space = 4.0
    if right is not None and len(pieces) > 1:
        space = (right - x0 - sum(widths)) / (len(pieces) - 1)
    for piece, width in zip(pieces, widths):
        words.append(Word(piece, x, top, x + width, top + HEIGHT))
        x += width + space
    return words


def page(*lines: list[Word], tables: tuple[Table, ...] = (), height: float = 800.0) -> Page:
    return Page(600.0, height, tuple(w for ws in lines for w in ws), tables)


def full(text: str, top: float, x0: float = LEFT) -> list[Word]:
    """A justified line that reaches the right margin."""
    return line(text, top, x0, right=RIGHT)


def test_pages_text_wrapped_lines_joined_into_one_paragraph() -> None:
    text = pages_text([page(full("Rà soát máy tính của các phòng và thay thế thiết bị đã cũ để bảo đảm", 100, 130),
                            line("làm việc trên môi trường mạng.", 114),
                            line("Dòng ngắn.", 128, 130))])
    assert text.split("\n") == [
        "Rà soát máy tính của các phòng và thay thế thiết bị đã cũ để bảo đảm làm việc trên môi trường mạng.",
        "Dòng ngắn."]


def test_pages_text_short_line_ends_its_paragraph() -> None:
    text = pages_text([page(line("I. MỤC TIÊU", 100), line("Nâng cao chất lượng phục vụ.", 114),
                            full("filler line that fills the whole column width of the page here", 128))])
    assert text.split("\n")[:2] == ["I. MỤC TIÊU", "Nâng cao chất lượng phục vụ."]


def test_pages_text_indented_line_after_a_sentence_starts_a_paragraph() -> None:
    text = pages_text([page(full("Câu thứ nhất của đoạn văn này kết thúc ở cuối dòng và hết câu.", 100),
                            full("Đoạn hai thụt đầu dòng bắt đầu ở đây và tiếp tục đến cuối dòng", 114, 130),
                            line("rồi kết thúc.", 128))])
    assert text.split("\n") == ["Câu thứ nhất của đoạn văn này kết thúc ở cuối dòng và hết câu.",
                                "Đoạn hai thụt đầu dòng bắt đầu ở đây và tiếp tục đến cuối dòng rồi kết thúc."]


def test_pages_text_hanging_indent_continues_the_item() -> None:
    text = pages_text([page(full("- Phối hợp với doanh nghiệp viễn thông mở rộng vùng phủ sóng tới", 100),
                            line("các thôn vùng sâu.", 114, 112))])
    assert text == "- Phối hợp với doanh nghiệp viễn thông mở rộng vùng phủ sóng tới các thôn vùng sâu."


def test_pages_text_list_mark_after_a_sentence_starts_an_item() -> None:
    text = pages_text([page(full("- Số hóa toàn bộ sổ hộ tịch lưu tại xã theo kế hoạch của tỉnh đề ra.", 100),
                            line("- Cập nhật dữ liệu.", 114))])
    assert text.split("\n") == ["- Số hóa toàn bộ sổ hộ tịch lưu tại xã theo kế hoạch của tỉnh đề ra.",
                                "- Cập nhật dữ liệu."]


def test_pages_text_paragraph_gap_ends_a_paragraph() -> None:
    text = pages_text([page(full("Một đoạn văn dài kín dòng nhưng sau nó là khoảng cách đoạn", 100),
                            line("kết thúc", 114), full("Đoạn khác bắt đầu sau khoảng trống lớn hơn một dòng", 150),
                            line("ở đây", 164))])
    assert text.split("\n") == ["Một đoạn văn dài kín dòng nhưng sau nó là khoảng cách đoạn kết thúc",
                                "Đoạn khác bắt đầu sau khoảng trống lớn hơn một dòng ở đây"]


def test_pages_text_paragraph_continues_on_the_next_page() -> None:
    first = page(line("1", 40, 295), full("Phối hợp với doanh nghiệp viễn thông mở rộng vùng phủ sóng di", 700))
    second = page(line("2", 40, 295), line("động tới các thôn.", 100))
    assert pages_text([first, second]) == "Phối hợp với doanh nghiệp viễn thông mở rộng vùng phủ sóng di động tới các thôn."


def test_pages_text_page_numbers_dropped() -> None:
    pages = [page(line(f"- {n} -", 40, 280), line(f"Nội dung trang {n}.", 300)) for n in (1, 2, 3)]
    assert pages_text(pages).split("\n") == ["Nội dung trang 1.", "Nội dung trang 2.", "Nội dung trang 3."]


def test_pages_text_running_header_and_footer_dropped() -> None:
    pages = [page(line("Kế hoạch số 12/KH-UBND", 40), line(f"Nội dung trang {n}.", 300),
                  line(f"Trang {n}/3", 760, 400)) for n in (1, 2, 3)]
    assert pages_text(pages).split("\n") == ["Nội dung trang 1.", "Nội dung trang 2.", "Nội dung trang 3."]


def test_pages_text_text_at_the_top_of_one_page_only_is_kept() -> None:
    pages = [page(line("ỦY BAN NHÂN DÂN", 40), line("Nội dung.", 100)), page(line("Tiếp theo.", 100))]
    assert pages_text(pages).split("\n") == ["ỦY BAN NHÂN DÂN", "Nội dung.", "Tiếp theo."]


def grid(xs: list[float], ys: list[float]) -> Table:
    return Table(tuple(tuple((x0, y0, x1, y1) for x0, x1 in zip(xs, xs[1:])) for y0, y1 in zip(ys, ys[1:])))


def test_pages_text_table_rows_are_tab_separated_cells() -> None:
    table = grid([100, 150, 400, 500], [100, 130, 160])
    words = [*line("TT", 110, 105), *line("Nội dung", 110, 155), *line("Chủ trì", 110, 405),
             *line("1", 140, 105), *line("Tập huấn kỹ năng số", 135, 155), *line("cho cán bộ", 147, 155),
             *line("Văn phòng", 140, 405)]
    text = pages_text([Page(600, 800, tuple(words), (table,))])
    assert text.split("\n") == ["TT\tNội dung\tChủ trì", "1\tTập huấn kỹ năng số cho cán bộ\tVăn phòng"]


def test_pages_text_vertically_merged_cell_is_empty_below() -> None:
    merged = Table((((100, 100, 150, 130), (150, 100, 400, 130), (400, 100, 500, 160)),
                    ((100, 130, 150, 160), (150, 130, 400, 160), None)))
    words = [*line("1", 110, 105), *line("Lắp wifi", 110, 155), *line("Văn phòng", 125, 405),
             *line("2", 140, 105), *line("Tập huấn", 140, 155)]
    text = pages_text([Page(600, 800, tuple(words), (merged,))])
    assert text.split("\n") == ["1\tLắp wifi\tVăn phòng", "2\tTập huấn\t"]


def test_pages_text_row_cut_by_a_page_break_joined() -> None:
    first = Page(600, 800, tuple([*line("1", 710, 105), *line("Nâng cấp đường truyền tại", 710, 155),
                                  *line("Văn phòng", 710, 405)]), (grid([100, 150, 400, 500], [700, 760]),))
    second = Page(600, 800, tuple(line("trụ sở xã", 60, 155)), (grid([100, 150, 400, 500], [50, 80]),))
    assert pages_text([first, second]) == "1\tNâng cấp đường truyền tại trụ sở xã\tVăn phòng"


def test_pages_text_word_cut_by_a_narrow_cell_joined() -> None:
    table = grid([100, 160, 400], [100, 160])
    words = [*line("HĐN", 105, 105), *line("D và UBND", 120, 105), *line("Nội dung", 105, 165)]
    words[0] = Word("HĐN", 105, 105, 154, 115)          # the piece fills the cell to its padding
    text = pages_text([Page(600, 800, tuple(words), (table,))])
    assert text == "HĐND và UBND\tNội dung"


def test_pages_text_words_apart_in_a_narrow_cell_stay_apart() -> None:
    table = grid([100, 160, 400], [100, 160])
    words = [Word("Phòng", 105, 105, 154, 115), *line("Văn hóa", 120, 105), *line("Nội dung", 105, 165)]
    assert pages_text([Page(600, 800, tuple(words), (table,))]) == "Phòng Văn hóa\tNội dung"


def test_pages_text_line_cut_after_a_hyphen_glued() -> None:
    text = pages_text([page(full("Triển khai Nghị quyết số 57- thực hiện trên địa bàn toàn xã nhà", 100)[:-1]
                            + [Word("57-", 470, 100, 500, 110)], line("NQ/TW năm nay.", 114))])
    assert "57-NQ/TW năm nay." in text
