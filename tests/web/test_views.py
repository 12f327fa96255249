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


def test_review_page_sends_each_clause_text_once(client, api):
    page = client.get("/plan/xa-an-phu").text
    texts = re.findall(r'<div class="clause-full" id="(c-[^"]+)"', page)
    assert texts and len(texts) == len(set(texts))
    proposed = re.findall(r'<li class="proposal [^"]+" data-clause="([^"]+)"', page)
    assert len(proposed) > len(texts) and {f"c-ref-mini-{c}" for c in proposed} == set(texts)
    assert re.search(r'data-terms="[^"|]+', page)          # the terms the script marks in each text


def test_review_page_shows_suggestion_from_reviewed_near_repeat(client, api):
    decide(client, "xa-an-phu", "II.1.b2", "choose", "II.1.b")        # its exact repeat is xa-thu-nghiem I.1.b2
    page = client.get(f"/plan/{SCRIPT_PLAN_ID}").text
    assert "Gợi ý: II.1.b — đã rà soát ở" in page
    assert re.search(r'<button name="act" value="(accept|choose) II.1.b" class="take">Nhận gợi ý</button>', page)
    assert 'id="c-ref-mini-II.1.b"' in page                            # with the clause's text


def test_review_page_suggestion_gone_once_taken(client, api):
    decide(client, "xa-an-phu", "II.1.b2", "choose", "II.1.b")
    take = re.search(r'<button name="act" value="([^"]+)" class="take">', client.get(f"/plan/{SCRIPT_PLAN_ID}").text)
    answer = client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data={"task_id": "I.1.b2", "ref": "ref-mini",
                         "act": take.group(1), "reviewer": "Lan", "csrf": csrf_of(client)},
                         headers={"Accept": "application/json"})
    assert answer.json()["clause_id"] == "II.1.b"
    assert 'class="take"' not in client.get(f"/plan/{SCRIPT_PLAN_ID}").text


def test_coverage_page_reasons_in_vietnamese_with_decimal_comma(client):
    page = client.get("/plan/xa-an-phu/coverage").text
    reasons = re.findall(r'<p class="reason">([^<]+)</p>', page)
    assert reasons and any(re.search(r"xác suất \d,\d\d", r) for r in reasons)
    assert not any("probability" in r or re.search(r"\d\.\d", r) for r in reasons)
    assert re.search(r'<td class="num">\d,\d\d</td>', page)


def test_coverage_page_reasons_in_english_with_lang_en(api):
    page = make_client(api, lang="en").get("/plan/xa-an-phu/coverage").text
    assert re.search(r'<p class="reason">[^<]*probability \d\.\d\d', page)


def test_corpus_heatmap_reflects_review_decisions(client, api):
    def row(page):
        return re.search(rf'<tr class="[^"]*" data-plan="{SCRIPT_PLAN_ID}" data-reviewed="(\d)">(.*?)</tr>', page, re.S)

    before = row(client.get("/").text)
    decide(client, SCRIPT_PLAN_ID, "I.2.b1", "choose", "II.4.a")       # item II.4: nothing of this plan before
    after = row(client.get("/").text)
    assert before.group(1) == "0" and after.group(1) == "1" and "✓ đã rà soát" in after.group(2)
    assert re.findall(r'>(\d)/1<', before.group(2))[-2:] != re.findall(r'>(\d)/1<', after.group(2))[-2:]


def test_coverage_page_shows_reviewed_decision(client, api):
    task = first_task(api)
    clause = api.corpus.document("ref-mini").clauses[-1].id
    assert f'id="clause-{clause}" class="row-gap"' in client.get(f"/plan/{SCRIPT_PLAN_ID}/coverage").text
    client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data={"task_id": task.id, "ref": "ref-mini", "action": "choose",
                                                     "clause_id": clause, "reviewer": "Lan",
                                                     "csrf": csrf_of(client)})
    row = re.search(rf'<tr id="clause-{re.escape(clause)}" class="([^"]+)"', client.get(
        f"/plan/{SCRIPT_PLAN_ID}/coverage").text)
    assert "reviewed" in row.group(1) and "row-covered" in row.group(1)


def test_duplicates_page_reasons_in_vietnamese(client):
    page = client.get("/plan/xa-an-phu/duplicates").text
    assert '<p class="reason">trùng nguyên văn</p>' in page


def decide(client, plan, task_id, action, clause, ref="ref-mini"):
    return client.post(f"/plan/{plan}/decide", data={"task_id": task_id, "ref": ref, "action": action,
                                                     "clause_id": clause, "reviewer": "Lan", "csrf": csrf_of(client)})


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
