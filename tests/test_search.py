import pytest

from align.errors import PlanAlignError
from align.search import search

QUERY = "phát thanh tuyên truyền chuyển đổi số trên loa của xã"


def test_search_puts_the_matching_tasks_first(mini_session):
    hits = search(mini_session, QUERY, top_k=2)
    assert {h.record.doc_id for h in hits} == {"xa-an-phu", "xa-binh-minh"}
    assert all("loa" in h.record.text for h in hits)


def test_search_scores_are_sorted_best_first(mini_session):
    scores = [h.score for h in search(mini_session, QUERY, top_k=5)]
    assert scores == sorted(scores, reverse=True)


def test_search_top_k_limits_the_hits(mini_session):
    assert len(search(mini_session, QUERY, top_k=3)) == 3


def test_search_commune_filter_keeps_that_commune_only(mini_session):
    hits = search(mini_session, QUERY, commune="bình minh", top_k=5)
    assert hits and {h.record.doc_id for h in hits} == {"xa-binh-minh"}
    assert {h.commune for h in hits} == {"Bình Minh"}


def test_search_commune_filter_needs_no_diacritics(mini_session):
    hits = search(mini_session, QUERY, commune="binh minh", top_k=5)
    assert hits and {h.commune for h in hits} == {"Bình Minh"}


def test_search_commune_filter_prefers_the_exact_spelling():
    from align.search import _commune_mask

    mask = _commune_mask(["a", "b"], {"a": "Bình Giang", "b": "Bính Giang"}, "Bính Giang")
    assert mask.tolist() == [False, True]


def test_search_commune_filter_takes_the_word_xa_before_the_name():
    from align.search import _commune_mask

    communes = {"a": "Bình Giang", "b": "Bình Thành"}
    assert _commune_mask(["a", "b"], communes, "xã Bình Thành").tolist() == [False, True]
    assert _commune_mask(["a", "b"], communes, "Xa binh giang").tolist() == [True, False]


def test_search_unknown_commune_is_an_error(mini_session):
    with pytest.raises(PlanAlignError, match="no plan of commune"):
        search(mini_session, QUERY, commune="Xã Không Có")


def test_search_clause_kind_returns_reference_clauses(mini_session):
    hits = search(mini_session, QUERY, kind="clause", top_k=3)
    assert hits and {h.record.role for h in hits} == {"clause"}


def test_search_dense_only_score_is_the_cosine(mini_session):
    hits = search(mini_session, QUERY, top_k=3, lexical=False)
    assert all(h.score == h.dense and h.lexical == 0.0 for h in hits)


def test_search_rejects_empty_text(mini_session):
    with pytest.raises(PlanAlignError, match="empty"):
        search(mini_session, "   ")
