import pytest

from align.decide.peers import summarise
from align.errors import PlanAlignError
from align.reports.matrix import coverage_matrix, matrix_columns, matrix_rows, reference_items

from tests.handmade import MODEL, applicability_of


def _matrix(small_corpus, ref, highlight=None):
    plan, evidence, communes = small_corpus
    plans = {pid: summarise(ev, applicability_of(ref)) for pid, ev in evidence.items()}
    return coverage_matrix(plans, ref, MODEL, applicability_of(ref), communes, highlight)


def _rows(matrix):
    return {p["plan"]: p for p in matrix["plans"]}


def test_reference_items_follow_document_order(ref):
    assert [i["item"] for i in reference_items(ref)] == ["I", "III.1", "III.5", "III.7", "IV"]


def test_reference_items_count_the_clauses_a_commune_can_act_on(ref):
    items = {i["item"]: i for i in reference_items(ref, applicability_of(ref))}
    assert (items["IV"]["clauses"], items["IV"]["applicable"]) == (1, 0) and items["III.1"]["applicable"] == 2


def test_coverage_matrix_gives_share_of_applicable_clauses_covered(small_corpus, ref):
    rows = _rows(_matrix(small_corpus, ref))
    assert rows["xa-a-2026"]["items"]["III.1"] == pytest.approx(0.5)
    assert rows["xa-b-2026"]["items"]["III.7"] == 1.0 and rows["xa-a-2026"]["items"]["III.7"] == 0.0
    assert rows["xa-a-2026"]["items"]["IV"] is None


def test_coverage_matrix_counts_weak_coverage_apart(small_corpus, ref):
    row = _rows(_matrix(small_corpus, ref))["xa-a-2026"]
    assert row["covered_items"]["III.5"] == 1 and row["weak_items"]["III.5"] == 1
    assert row["weak_items"]["III.1"] == 0 and (row["covered"], row["weak"], row["clauses"]) == (2, 1, 5)


def test_coverage_matrix_highlights_the_reviewed_plan(small_corpus, ref):
    plan, _, _ = small_corpus
    assert [p["plan"] for p in _matrix(small_corpus, ref, plan.id)["plans"] if p["highlight"]] == [plan.id]


def test_coverage_matrix_rejects_an_empty_corpus(ref):
    with pytest.raises(PlanAlignError):
        coverage_matrix({}, ref, MODEL, applicability_of(ref), {})


def test_matrix_rows_show_covered_over_applicable_with_weak_apart(small_corpus, ref):
    row = next(r for r in matrix_rows(_matrix(small_corpus, ref)) if r["plan"] == "xa-a-2026")
    assert row["III.1"] == "1/2" and row["III.5"] == "1/1 (1 weak)" and row["total"] == "2/5 (1 weak)"


def test_matrix_columns_leave_out_items_no_commune_acts_on(small_corpus, ref):
    assert matrix_columns(_matrix(small_corpus, ref)) == ("plan", "commune", "I", "III.1", "III.5", "III.7", "total")


def test_coverage_matrix_marks_the_plans_whose_reviews_count(small_corpus, ref):
    plan, evidence, communes = small_corpus
    plans = {pid: summarise(ev, applicability_of(ref)) for pid, ev in evidence.items()}
    matrix = coverage_matrix(plans, ref, MODEL, applicability_of(ref), communes, reviewed={"xa-b-2026": 2})
    rows = _rows(matrix)
    assert (rows["xa-b-2026"]["reviewed"], rows["xa-b-2026"]["reviewed_tasks"]) == (True, 2)
    assert rows["xa-a-2026"]["reviewed"] is False and matrix_columns(matrix)[-1] == "reviewed"
    assert {r["plan"]: r["reviewed"] for r in matrix_rows(matrix)}["xa-b-2026"] == "yes"


def test_matrix_columns_have_no_reviewed_column_without_reviews(small_corpus, ref):
    assert "reviewed" not in matrix_columns(_matrix(small_corpus, ref))
