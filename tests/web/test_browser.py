"""The workbench in a real browser: `plan-align serve` in a subprocess, Debian's chromium driven by selenium.

A reviewer opens Bình Thành's plan, accepts one proposal and rejects another with the keyboard,
chooses a clause through the search box, and sees the coverage page change.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.corpus

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PLAN = "binh-thanh-nq57-2026"
# The cache and models the run was started with, read when the module is collected (before the
# session's fixtures point them at temp dirs): a warm index for the server, when there is one.
STARTED_WITH = {k: os.environ.get(k) for k in ("PLAN_ALIGN_CACHE", "PLAN_ALIGN_MODELS")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(corpus: Path, data: Path, port: int, timeout: float = 600.0, cache: dict | None = None,
                 args: tuple[str, ...] = ()):
    """`plan-align serve` on `port` (with `cache`: those cache settings; `args`: more options); returns the
    process and its URL once it answers."""
    env = dict(os.environ, PLAN_ALIGN_DATA=str(data), PLAN_ALIGN_CORPUS=str(corpus), PYTHONPATH=str(ROOT))
    for key, value in (cache or {}).items():
        env.pop(key, None)
        if value is not None:
            env[key] = value
    proc = subprocess.Popen([sys.executable, "-m", "align.cli", "serve", "--port", str(port), "-q", *args],
                            env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    for line in proc.stderr:
        if "plan-align workbench: " in line:
            return proc, line.split("plan-align workbench: ", 1)[1].strip().rstrip("/")
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise AssertionError(f"plan-align serve did not start (exit {proc.wait()})")


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(str(DRIVER)), options=options)


def needs_chromium() -> None:
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install chromium "
                    "chromium-driver; .ci/run does it)")


@pytest.fixture(scope="module")
def server(corpus_dir, real_api, tmp_path_factory):
    needs_chromium()
    warm = STARTED_WITH if STARTED_WITH["PLAN_ALIGN_CACHE"] else None
    if warm is None:
        real_api.build_index()      # the run's index, shared with the server through the run's cache
    data = tmp_path_factory.mktemp("browser-data")
    proc, url = start_server(corpus_dir, data, free_port(), cache=warm)
    yield {"url": url, "data": data, "proc": proc}
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    needs_chromium()
    driver = chromium()
    yield driver
    driver.quit()


def coverage_state(browser, url) -> dict[str, tuple[str, str]]:
    browser.get(f"{url}/plan/{PLAN}/coverage")
    rows = browser.find_elements("css selector", "table.clauses tbody tr")
    return {r.get_attribute("id")[len("clause-"):]: (r.get_attribute("data-status"), r.get_attribute("data-reviewed"))
            for r in rows}


def wait_for(browser, css: str, timeout: float = 20.0):
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(ec.presence_of_element_located(("css selector", css)))


def keys(browser, text: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(text).perform()


def test_browser_review_changes_coverage(server, browser):
    url = server["url"]
    before = coverage_state(browser, url)
    browser.get(f"{url}/plan/{PLAN}")
    assert browser.find_element("tag name", "html").get_attribute("lang") == "vi"
    browser.find_element("id", "reviewer").send_keys("Người thử")
    browser.find_element("tag name", "h1").click()              # leave the field: keys go to the page

    tasks = browser.find_elements("css selector", "section.task")
    first = tasks[0].find_element("css selector", "form.ref li.proposal")
    accepted = first.get_attribute("data-clause")
    assert first.find_element("css selector", ".clause-text").text.strip()     # the text, sent once, shown here
    assert browser.find_elements("css selector", "li.proposal .clause-text mark")     # with shared terms marked
    keys(browser, "a")                                          # accept the selected (first) proposal
    wait_for(browser, f"#{tasks[0].get_attribute('id').replace('.', chr(92) + '.')} li.proposal.state-accept")

    keys(browser, "J")                                          # the next task; reject its first proposal
    keys(browser, "r")
    second_id = tasks[1].get_attribute("id").replace(".", "\\.")
    wait_for(browser, f"#{second_id} li.proposal.state-reject")
    assert re.match(r"2 / \d+ đã rà soát", browser.find_element("id", "progress").text)

    keys(browser, "J")                                          # the third task: choose a clause by search
    keys(browser, "/")
    search = browser.switch_to.active_element
    assert "clause-search" in search.get_attribute("class")
    search.send_keys("trung tâm dữ liệu")
    third_id = tasks[2].get_attribute("id").replace(".", "\\.")
    result = wait_for(browser, f"#{third_id} ul.results button.result")
    chosen = result.get_attribute("data-clause")
    search.send_keys("\n")                                      # Enter takes the first result
    wait_for(browser, f'#{third_id} li.proposal.state-choose[data-clause="{chosen}"]')

    after = coverage_state(browser, url)
    assert after[accepted][1] == "1" and after[chosen] == ("covered", "1")
    assert before[accepted][1] == "0" and before[chosen][1] == "0"
    assert "3 nhiệm vụ đã rà soát" in browser.find_element("id", "summary").text
    browser.get(f"{url}/")                                      # the heatmap counts the decisions too
    assert browser.find_element("css selector", f'tr[data-plan="{PLAN}"]').get_attribute("data-reviewed") == "1"

    server["proc"].kill()                                       # killed, not stopped: the decisions stay
    server["proc"].wait(timeout=20)
    from align.reviews import FILE, ReviewStore

    with ReviewStore(server["data"] / FILE) as store:
        assert sorted(d.action for d in store.current(PLAN).values()) == ["accept", "choose", "reject"]


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory):
    """`plan-align serve` over our own small corpus, with one decision already made in Xã An Phú: task
    II.1.b2, whose exact repeat is Xã Thử Nghiệm's I.1.b2, serves II.1.b."""
    from align.corpus import Corpus
    from align.reviews import FILE, ReviewStore
    from tests.web.conftest import write_corpus

    needs_chromium()
    work = tmp_path_factory.mktemp("browser-fixture")
    corpus = write_corpus(work / "corpus")
    (work / "data").mkdir()
    with ReviewStore(work / "data" / FILE) as store:
        text = next(t.text for t in Corpus(corpus).document("xa-an-phu").tasks if t.id == "II.1.b2")
        store.decide("xa-an-phu", "II.1.b2", text, "ref-mini", "choose", "II.1.b", "Lan")
    warm = STARTED_WITH if STARTED_WITH["PLAN_ALIGN_CACHE"] else None
    proc, url = start_server(corpus, work / "data", free_port(), cache=warm, args=("--index-dir", str(work / "index")))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_browser_suggestion_taken_with_one_key(fixture_server, browser):
    browser.get(f"{fixture_server}/plan/xa-thu-nghiem")
    browser.find_element("id", "reviewer").send_keys("Người thử")
    browser.find_element("tag name", "h1").click()
    suggestion = browser.find_element("css selector", "#task-I\\.1\\.b2 .suggestion")
    assert "Gợi ý: II.1.b — đã rà soát ở An Phú" in suggestion.text
    assert suggestion.find_element("css selector", ".clause-text").text.strip()      # with the clause's text
    keys(browser, "J")                                          # the second task, I.1.b2
    keys(browser, "g")                                          # takes the suggestion
    wait_for(browser, '#task-I\\.1\\.b2 .decision[data-action="choose"], '
                      '#task-I\\.1\\.b2 .decision[data-action="accept"]')
    assert "II.1.b" in browser.find_element("css selector", "#task-I\\.1\\.b2 .decision").text
