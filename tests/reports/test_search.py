from align.reports.search import hit_rows, search_to_json
from align.search import search

QUERY = "phát thanh tuyên truyền chuyển đổi số trên loa của xã"


def test_search_to_json_has_plan_heading_path_and_score(mini_session):
    hits = search(mini_session, QUERY, top_k=2)
    data = search_to_json(QUERY, "task", None, hits)
    assert data["query"] == QUERY and len(data["hits"]) == 2
    assert set(data["hits"][0]) >= {"plan", "commune", "id", "text", "heading_path", "score"}
    assert [r["rank"] for r in hit_rows(hits)] == [1, 2]
