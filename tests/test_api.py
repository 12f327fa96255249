"""align.PlanAlign: each job returns its record, whose JSON is the one the library's views give."""
from __future__ import annotations

import json
import re

import pytest

import align
from align.api import PlanAlign
from align.decide.assess import assess
from align.errors import CorpusError, EvalError
from align.reports.alignment import alignment_to_json
from align.reports.gaps import gap_report
from align.results import (AlignmentReport, CorpusListing, CoverageMatrix, DuplicateReport, GapReport, IndexInfo,
                           OrphanReport, ParsedDocument, Review, SearchResult)

from tests.conftest import MINI_CORPUS


def test_plan_align_is_exported_from_the_package():
    assert align.PlanAlign is PlanAlign and "PlanAlign" in align.__all__
    assert all(hasattr(align, name) for name in align.__all__)


def test_plan_align_constructor_builds_nothing(tmp_path):
    api = PlanAlign(tmp_path / "no-such-corpus")
    assert "session" not in api.__dict__
    with pytest.raises(CorpusError):
        api.documents()


def test_plan_align_parse_reads_a_file_without_a_corpus(tmp_path):
    result = PlanAlign(tmp_path / "no-such-corpus").parse(MINI_CORPUS / "communes" / "xa-an-phu.txt")
    assert isinstance(result, ParsedDocument) and result.to_json()["id"] == "xa-an-phu"
    assert len(result.rows()) == len(result.document.tasks) > 0


def test_plan_align_documents_lists_the_corpus(mini_api):
    listing = mini_api.documents()
    assert isinstance(listing, CorpusListing)
    assert [r["id"] for r in listing.rows()] == mini_api.corpus.ids


def test_plan_align_align_gives_the_alignment_json(mini_api):
    report = mini_api.align("xa-an-phu", top_k=2)
    assert isinstance(report, AlignmentReport)
    assert report.to_json() == {**alignment_to_json(report.alignment), "suggestions": []}
    assert {r["rank"] for r in report.rows()} == {1, 2}


def test_plan_align_gaps_gives_the_gaps_json(mini_api):
    report = mini_api.gaps("xa-an-phu")
    assert isinstance(report, GapReport) and report.assessment.ref.id == "ref-mini"
    assert report.to_json() == gap_report(assess(mini_api.session, "xa-an-phu", "ref-mini"))
    assert [d.clause_id for d in report.gaps] == [g["clause_id"] for g in sorted(
        report.to_json()["gaps"], key=lambda g: [c.id for c in report.assessment.ref.clauses].index(g["clause_id"]))]


def test_plan_align_gaps_sections_are_clauses_items_orphans(mini_api):
    titles = [title for title, _, _ in mini_api.gaps("xa-an-phu").sections()]
    assert re.match(r"xa-an-phu against ref-mini: \d+/\d+ applicable clauses covered", titles[0])
    assert titles[1:] == ["Items", "Orphan tasks"]


def test_plan_align_orphans_are_the_gap_reports_orphans(mini_api):
    report = mini_api.orphans("xa-an-phu")
    assert isinstance(report, OrphanReport)
    assert report.to_json()["orphans"] == mini_api.gaps("xa-an-phu").to_json()["orphans"]


def test_plan_align_duplicates_threshold_overrides_the_fitted_one(mini_api):
    strict = mini_api.duplicates("xa-an-phu", threshold=1.0)
    assert isinstance(strict, DuplicateReport) and strict.to_json()["threshold"] == 1.0
    assert len(strict.pairs) <= len(mini_api.duplicates("xa-an-phu", threshold=0.0).pairs)


def test_plan_align_search_returns_hits_best_first(mini_api):
    result = mini_api.search("tuyên truyền chuyển đổi số trên loa", top_k=3)
    assert isinstance(result, SearchResult) and len(result.hits) == 3
    assert [h["rank"] for h in result.to_json()["hits"]] == [1, 2, 3]


def test_plan_align_matrix_has_a_row_per_plan(mini_api):
    matrix = mini_api.matrix()
    assert isinstance(matrix, CoverageMatrix)
    assert [r["plan"] for r in matrix.rows()] == [p["plan"] for p in matrix.to_json()["plans"]]
    assert matrix.columns[0] == "plan" and matrix.columns[-1] == "total"


def test_plan_align_review_names_its_reference_and_highlights_the_plan(mini_api, tmp_path):
    review = mini_api.review("xa-an-phu")
    data = review.to_json()
    assert isinstance(review, Review) and data["ref"] == "ref-mini" and data["refs"] == ["ref-mini"]
    assert len(data["tasks"]) == len(mini_api.corpus.document("xa-an-phu").tasks)
    assert [p["plan"] for p in data["matrix"]["plans"] if p["highlight"]] == ["xa-an-phu"]
    assert "duplicate_rows" not in json.loads(review.write(tmp_path / "r.json").read_text(encoding="utf-8"))


def test_plan_align_index_info_is_fresh_after_a_build(mini_api):
    built = mini_api.build_index()
    info = mini_api.index_info()
    assert isinstance(info, IndexInfo) and info.stale is None and info.directory == built.directory


def test_plan_align_evaluate_without_labels_is_a_clear_error(tmp_path):
    api = PlanAlign(MINI_CORPUS, eval_dir=tmp_path / "no-labels")
    with pytest.raises(EvalError, match="no labels directory"):
        api.evaluate()


@pytest.mark.corpus
def test_plan_align_review_heatmap_has_every_corpus_plan(real_api):
    from align.reports.review import review_tables
    from align.reports.templates.html import review_html

    review = real_api.review("binh-giang-khcn-2026")
    page = review_html(review.data, review_tables(review.data))
    rows = re.findall(r"<tr(?: class=\"this-plan\")?><th class=\"plan\"", page)
    assert len(rows) == len(real_api.corpus.plans()) == 5
    assert page.count('class="this-plan"') == 1 and review.data["refs"] == ["nq57", "nq03"]


def _review_binh_minh(clause="II.3.a"):
    """A reviewer's choice for Bình Minh's online-filing task, which An Phú repeats word for word (twice)."""
    from align.reviews import ReviewStore

    doc = _mini_document("xa-binh-minh")
    task = next(t for t in doc.tasks if "trực tuyến toàn trình" in t.text)
    with ReviewStore() as store:
        store.decide(doc.id, task.id, task.text, "ref-mini", "choose", clause, "Lan")


def _mini_document(doc_id):
    from align.corpus import Corpus

    return Corpus(MINI_CORPUS).document(doc_id)


def test_plan_align_suggestions_come_from_a_reviewed_near_repeat_in_another_plan(mini_api):
    _review_binh_minh()
    found = mini_api.suggestions("xa-an-phu").to_json()["suggestions"]
    repeats = [t.id for t in _mini_document("xa-an-phu").tasks if "trực tuyến toàn trình" in t.text]
    assert sorted(s["task_id"] for s in found if s["clause_id"] == "II.3.a") == sorted(repeats)
    assert all(s["origin"]["commune"] == "Bình Minh" and s["reason"].startswith("reviewed in Bình Minh") for s in found)


def test_plan_align_suggestions_are_none_without_reviews(mini_api):
    assert mini_api.suggestions("xa-an-phu").suggestions == ()


def test_plan_align_align_json_carries_the_suggestions_unless_told_not_to(mini_api):
    _review_binh_minh()
    assert mini_api.align("xa-an-phu", top_k=1).to_json()["suggestions"]
    assert mini_api.align("xa-an-phu", top_k=1, reviewed=False).to_json()["suggestions"] == []


def test_plan_align_review_shows_suggestions_in_its_tasks_and_tables(mini_api):
    _review_binh_minh()
    review = mini_api.review("xa-an-phu")
    assert review.data["summary"]["suggestions"] == 2
    assert any(t["suggestions"] for t in review.data["tasks"])
    assert "Gợi ý từ nhiệm vụ gần trùng đã rà soát ở kế hoạch khác" in [title for title, _, _ in review.sections()]


def _gap_of(api, plan):
    return next(c["clause_id"] for c in api.gaps(plan, reviewed=False).to_json()["clauses"] if c["status"] == "gap")


def test_plan_align_matrix_honours_a_reviewed_choice_and_marks_the_plan(mini_api):
    clause = _gap_of(mini_api, "xa-binh-minh")
    before = {p["plan"]: p for p in mini_api.matrix().to_json()["plans"]}
    _review_binh_minh(clause)
    after = {p["plan"]: p for p in mini_api.matrix().to_json()["plans"]}
    assert after["xa-binh-minh"]["covered"] == before["xa-binh-minh"]["covered"] + 1
    assert after["xa-binh-minh"]["reviewed"] and not after["xa-an-phu"]["reviewed"]


def test_plan_align_matrix_without_reviews_is_the_model_alone(mini_api):
    model = mini_api.matrix().to_json()
    _review_binh_minh(_gap_of(mini_api, "xa-binh-minh"))
    assert mini_api.matrix(reviewed=False).to_json() == model
