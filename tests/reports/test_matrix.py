import pytest

from align.errors import PlanAlignError
from align.reports.matrix import coverage_matrix, matrix_columns, matrix_rows, reference_items

from .conftest import summaries


def test_reference_items_follow_document_order(ref):
    assert [i["item"] for i in reference_items(ref)] == ["I", "III.1", "III.5", "III.7", "IV"]


def test_coverage_matrix_gives_share_of_item_clauses_covered(small_corpus, ref):
    _, scores, communes = small_corpus
    rows = {p["plan"]: p for p in coverage_matrix(summaries(scores), ref, 0.5, communes)["plans"]}
    assert rows["xa-a-2026"]["items"]["III.1"] == pytest.approx(0.5)
    assert rows["xa-a-2026"]["items"]["III.5"] == 1.0
    assert rows["xa-b-2026"]["items"]["III.7"] == 1.0 and rows["xa-a-2026"]["items"]["III.7"] == 0.0


def test_coverage_matrix_highlights_the_reviewed_plan(small_corpus, ref):
    plan, scores, communes = small_corpus
    plans = coverage_matrix(summaries(scores), ref, 0.5, communes, highlight=plan.id)["plans"]
    assert [p["plan"] for p in plans if p["highlight"]] == [plan.id]


def test_coverage_matrix_rejects_an_empty_corpus(ref):
    with pytest.raises(PlanAlignError):
        coverage_matrix({}, ref, 0.5, {})


def test_matrix_rows_show_covered_over_clauses(small_corpus, ref):
    _, scores, communes = small_corpus
    data = coverage_matrix(summaries(scores), ref, 0.5, communes)
    row = next(r for r in matrix_rows(data) if r["plan"] == "xa-a-2026")
    assert row["III.1"] == "1/2" and row["total"] == "2/6"
    assert matrix_columns(data) == ("plan", "commune", "I", "III.1", "III.5", "III.7", "IV", "total")
