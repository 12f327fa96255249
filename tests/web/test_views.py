"""The workbench's pages, through FastAPI's test client over our own small corpus."""
from __future__ import annotations

import re

from tests.web.conftest import SCRIPT_PLAN_ID, csrf_of, first_task, make_client


def test_corpus_page_in_vietnamese(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "Các kế hoạch trong kho" in page.text and SCRIPT_PLAN_ID in page.text


def test_corpus_page_heatmap_has_a_cell_per_plan_and_item(client, api):
    page = client.get("/")
    items = len(api.matrix().to_json()["items"])
    plans = len([e for e in api.corpus.entries if e.kind == "commune-plan"])
    assert len(re.findall(r'<td class="cell ', page.text)) == items * plans


def test_pages_in_english_with_lang_en(api):
    page = make_client(api, lang="en").get("/")
    assert '<html lang="en">' in page.text and "Plans in the corpus" in page.text


def test_review_page_escapes_task_text(client):
    page = client.get(f"/plan/{SCRIPT_PLAN_ID}")
    assert page.status_code == 200
    assert '<script>alert("x")</script>' not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text


def test_review_page_shows_progress_and_proposals(client, api):
    page = client.get(f"/plan/{SCRIPT_PLAN_ID}")
    tasks = len(api.corpus.document(SCRIPT_PLAN_ID).tasks)
    assert f"0 / {tasks} đã rà soát" in page.text
    assert page.text.count('class="proposal state-open"') >= tasks


def test_review_page_marks_shared_terms(client):
    assert "<mark>" in client.get("/plan/xa-an-phu").text


def test_coverage_page_shows_reviewed_decision(client, api):
    task = first_task(api)
    clause = api.corpus.document("ref-mini").clauses[-1].id
    client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data={"task_id": task.id, "ref": "ref-mini", "action": "choose",
                                                     "clause_id": clause, "reviewer": "Lan",
                                                     "csrf": csrf_of(client)})
    row = re.search(rf'<tr id="clause-{re.escape(clause)}" class="([^"]+)"', client.get(
        f"/plan/{SCRIPT_PLAN_ID}/coverage").text)
    assert "reviewed" in row.group(1) and "row-covered" in row.group(1)


def test_search_commune_without_diacritics(client):
    page = client.get("/search", params={"q": "loa truyền thanh", "commune": "binh minh"})
    plans = re.findall(r'<tr class="hit"><td class="num">\d+</td><td>([^<]+)</td>', page.text)
    assert plans and set(plans) == {"xa-binh-minh"}


def test_clause_search_finds_words_without_diacritics(client, api):
    found = client.get("/api/clauses", params={"ref": "ref-mini", "q": "truc tuyen"}).json()
    assert found and all("trực tuyến" in f"{c['heading']} {c['text']}".lower() for c in found[:1])


def test_export_formats_stream_the_review(client):
    magic = {"docx": b"PK", "xlsx": b"PK", "html": b"<!DOCTYPE html"}
    for fmt, start in magic.items():
        answer = client.get(f"/plan/xa-an-phu/export.{fmt}")
        assert answer.status_code == 200 and answer.content.startswith(start), fmt


def test_duplicates_page_lists_the_exact_repeat(client):
    page = client.get("/plan/xa-an-phu/duplicates")
    assert 'data-a="II.3.b1" data-b="II.3.b3"' in page.text


def test_path_like_ids_rejected(client):
    for path in ("/plan/..%2F..%2Fetc%2Fpasswd", "/plan/%2Fetc%2Fpasswd", "/plan/communes%2Fxa-an-phu.txt",
                 "/plan/ref-mini", "/plan/xa-an-phu/export.json", "/plan/..%2Fmanifest/coverage"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/clauses", params={"ref": "../manifest.json", "q": "x"}).status_code == 404


def test_search_query_escaped(client):
    page = client.get("/search", params={"q": '"><script>alert(1)</script>'})
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
