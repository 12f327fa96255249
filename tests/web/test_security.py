"""The workbench's guard: token, CSRF, host names, headers, binding."""
from __future__ import annotations

from align.reviews import ReviewStore
from align.web.app import review_file
from align.web.security import bind_token, is_loopback
from tests.web.conftest import SCRIPT_PLAN_ID, csrf_of, first_task, make_client


def _post_decision(client, api, csrf):
    data = {"task_id": first_task(api).id, "ref": "ref-mini", "action": "none", "reviewer": "Lan"}
    if csrf is not None:
        data["csrf"] = csrf
    return client.post(f"/plan/{SCRIPT_PLAN_ID}/decide", data=data, follow_redirects=False)


def test_csrf_missing_refused(client, api):
    csrf_of(client)
    assert _post_decision(client, api, None).status_code == 403
    assert not review_file(api).exists()


def test_csrf_forged_refused(client, api):
    good = csrf_of(client)
    nonce = good.split(".")[0]
    assert _post_decision(client, api, f"{nonce}.{'0' * 32}").status_code == 403
    assert not review_file(api).exists()


def test_csrf_of_another_process_refused(client, api):
    other = make_client(api)
    field = csrf_of(other)
    client.cookies.set("pa_csrf", field.split(".")[0])
    assert _post_decision(client, api, field).status_code == 403


def test_csrf_good_accepted(client, api):
    assert _post_decision(client, api, csrf_of(client)).status_code == 303
    with ReviewStore(review_file(api)) as store:
        assert len(store.history(SCRIPT_PLAN_ID)) == 1


def test_token_refused_without_it(api):
    client = make_client(api, token="s3cret-token")
    assert client.get("/").status_code == 401
    assert client.get("/static/workbench.css").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong-token"}).status_code == 401


def test_token_accepted_once_then_by_cookie(api):
    client = make_client(api, token="s3cret-token")
    first = client.get("/?token=s3cret-token", follow_redirects=False)
    assert first.status_code == 303 and "token" not in first.headers["location"]
    assert client.get("/").status_code == 200


def test_token_accepted_as_bearer(api):
    client = make_client(api, token="s3cret-token")
    assert client.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_bind_token_loopback_needs_none():
    assert bind_token("127.0.0.1", None) == (None, []) and is_loopback("::1") and is_loopback("localhost")


def test_bind_token_other_host_never_open(api):
    token, warnings = bind_token("0.0.0.0", None)
    assert token and any(token in w for w in warnings) and warnings[0].startswith("Warning")
    client = make_client(api, token=token)
    assert client.get("/").status_code == 401


def test_foreign_host_name_refused(client):
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 421


def test_security_headers_on_every_answer(client):
    for path in ("/", "/static/workbench.js", "/plan/nope"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_loopback_host_names_answered(client):
    for host in ("localhost:8765", "127.0.0.1:8765", "[::1]:8765"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
