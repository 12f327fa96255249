"""What the pages show, computed from the library's results."""
from __future__ import annotations

from align.web.pages import heatmap, highlight


def test_highlight_marks_whole_terms_any_case():
    assert highlight("Số hóa hồ sơ, số hóa dữ liệu", ["số hóa"]) == [
        ("Số hóa", True), (" hồ sơ, ", False), ("số hóa", True), (" dữ liệu", False)]


def test_highlight_leaves_parts_of_words():
    assert highlight("hóa đơn", ["hó"]) == [("hóa đơn", False)]


def test_heatmap_colours_by_share():
    matrix = {"items": [{"item": "I", "heading": "h", "clauses": 2, "applicable": 2},
                        {"item": "II", "heading": "h", "clauses": 1, "applicable": 0}],
              "plans": [{"plan": "p", "title": "t", "commune": "X", "share": 0.5, "items": {"I": 0.5, "II": None},
                         "covered_items": {"I": 1, "II": 0}, "weak_items": {"I": 1, "II": 0}}]}
    cells = heatmap(matrix, "vi")["rows"][0]["cells"]
    assert [(c["css"], c["text"], c["weak"]) for c in cells] == [("heat-5", "1/2", True), ("na", "–", False)]
