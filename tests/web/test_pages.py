"""What the pages show, computed from the library's results."""
from __future__ import annotations

from align.web.pages import coverage_rows, heatmap, highlight, review_tasks


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


def _alignment(*tasks):
    return {"tasks": [{"id": tid, "kind": "task", "text": "t", "heading_path": ["h"],
                       "matches": [{"doc": "nq57", "clause_id": cid, "heading": "H", "text": "Số hóa hồ sơ",
                                    "score": 0.14, "terms": ["số hóa"]} for cid in clauses]}
                      for tid, clauses in tasks]}


def _no_text(ref, clause_id):
    raise AssertionError(f"{ref} {clause_id}: the alignment has its text")


def test_review_tasks_send_each_clause_text_once():
    tasks, clauses = review_tasks(_alignment(("1", ["II.1", "II.2"]), ("2", ["II.1"])), ["nq57"], {}, {}, _no_text,
                                  "vi")
    assert [c["key"] for c in clauses] == ["c-nq57-II.1", "c-nq57-II.2"]
    assert tasks[1]["refs"][0]["proposals"][0] == {"clause_id": "II.1", "score": 0.14, "terms": "số hóa",
                                                   "status": "", "status_label": "", "state": "open"}


SUGGESTION = {"task_id": "1", "ref": "nq57", "clause_id": "III.3.1", "reason_code": "suggested", "reason": "x",
              "reason_params": {"commune": "Bình Giang", "task": "II.2", "plan": "bg", "ref": "nq57",
                                "clause": "III.3.1", "reviewer": "Lan", "date": "05/03/2026"}}


def test_review_tasks_show_suggestion_in_the_language():
    texts = {("nq57", "III.3.1"): ("Heading", "Clause text")}
    tasks, clauses = review_tasks(_alignment(("1", ["II.1"])), ["nq57"], {}, {}, lambda r, c: texts[(r, c)], "vi",
                                  {("1", "nq57"): SUGGESTION})
    s = tasks[0]["refs"][0]["suggestion"]
    assert s["label"].startswith("Gợi ý: III.3.1 — đã rà soát ở Bình Giang: nhiệm vụ II.2 của bg")
    assert s["act"] == "choose III.3.1" and clauses[-1]["text"] == "Clause text"


def test_review_tasks_suggestion_of_a_proposed_clause_is_accepted():
    tasks, _ = review_tasks(_alignment(("1", ["III.3.1"])), ["nq57"], {}, {}, _no_text, "en",
                            {("1", "nq57"): SUGGESTION})
    assert tasks[0]["refs"][0]["suggestion"]["act"] == "accept III.3.1"


def test_heatmap_marks_reviewed_plans():
    matrix = {"items": [{"item": "I", "heading": "h", "clauses": 1, "applicable": 1}],
              "plans": [{"plan": p, "title": "t", "share": 1.0, "items": {"I": 1.0}, "covered_items": {"I": 1},
                         "weak_items": {}, "reviewed": p == "b", "reviewed_tasks": 2 if p == "b" else 0}
                        for p in ("a", "b")]}
    heat = heatmap(matrix, "vi")
    assert [r["reviewed"] for r in heat["rows"]] == [False, True] and heat["reviewed"]
    assert "2 nhiệm vụ" in heat["rows"][1]["reviewed_tip"]


def test_coverage_rows_reason_in_the_language():
    clause = {"clause_id": "II.1", "heading": "h", "text": "t", "status": "gap", "support": 0.42, "reason": "x",
              "reason_code": "gap", "reason_params": {"via": "", "task": "II.3.b1", "probability": 0.42}}
    row = coverage_rows({"clauses": [clause]}, "vi")[0]
    assert row["reason"] == "không nhiệm vụ nào đáp ứng mục này: gần nhất là II.3.b1, xác suất 0,42"
    assert row["support"] == 0.42
