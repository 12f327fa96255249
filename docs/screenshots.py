"""Screenshots of the workbench for the README: corpus, plan review and coverage pages (PNG, in docs/).

The pages show our own fixture documents (corpus/fixtures/: fictional communes, written for the
tests), never the real corpus, which is third-party data and stays out of the repository.
Starts `plan-align serve` on a free port over a temp copy of them, with a throw-away review
memory and index, one decision already made in Xã An Phú (so that its near-repeat in An Hòa gets a
suggestion), makes two decisions in headless chromium, and saves four pages:

    python docs/screenshots.py            # needs chromium and chromium-driver

The models come from the usual cache ($PLAN_ALIGN_CACHE), built on first use.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.test_browser import chromium, free_port, keys, start_server, wait_for  # noqa: E402

FIXTURES = ROOT / "corpus" / "fixtures"
PLAN = "xa-an-hoa-2026"


def fixture_corpus(target: Path) -> Path:
    """The mini corpus with the richer fixture plan of Xã An Hòa added."""
    shutil.copytree(FIXTURES / "mini", target)
    shutil.copy(FIXTURES / "plans" / f"{PLAN}.txt", target / "communes" / f"{PLAN}.txt")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": PLAN, "path": f"communes/{PLAN}.txt", "kind": "commune-plan",
                                  "level": "commune", "commune": "An Hòa", "parents": ["ref-mini"],
                                  "title": "Kế hoạch chuyển đổi số xã An Hòa năm 2026 (văn bản thử nghiệm)"})
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return target


def seed_review(corpus: Path, data: Path) -> None:
    """A reviewer's decision in Xã An Phú: its task III.1.b1 (following up the plan) serves III.1."""
    from align.corpus import Corpus
    from align.reviews import FILE, ReviewStore

    data.mkdir(parents=True, exist_ok=True)
    task = next(t for t in Corpus(corpus).document("xa-an-phu").tasks if t.id == "III.1.b1")
    with ReviewStore(data / FILE) as store:
        store.decide("xa-an-phu", task.id, task.text, "ref-mini", "choose", "III.1", "Trần Văn Minh")


def shoot(url: str) -> None:
    browser = chromium()
    try:
        browser.set_window_size(1400, 1050)
        browser.get(f"{url}/plan/{PLAN}")
        browser.find_element("id", "reviewer").send_keys("Nguyễn Thị Lan")
        browser.find_element("tag name", "h1").click()
        keys(browser, "a")
        wait_for(browser, "li.proposal.state-accept")
        keys(browser, "J")
        keys(browser, "j")
        keys(browser, "r")
        wait_for(browser, "li.proposal.state-reject")
        browser.execute_script("window.scrollTo(0, 0)")
        browser.save_screenshot(str(ROOT / "docs" / "workbench-review.png"))
        browser.execute_script("document.querySelector('.suggestion').closest('section').scrollIntoView()")
        browser.save_screenshot(str(ROOT / "docs" / "workbench-suggestion.png"))
        browser.get(f"{url}/plan/{PLAN}/coverage")
        browser.save_screenshot(str(ROOT / "docs" / "workbench-coverage.png"))
        browser.get(f"{url}/")
        browser.save_screenshot(str(ROOT / "docs" / "workbench-corpus.png"))
    finally:
        browser.quit()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="plan-align-shots-") as tmp:
        work = Path(tmp)
        corpus = fixture_corpus(work / "corpus")
        seed_review(corpus, work / "data")
        proc, url = start_server(corpus, work / "data", free_port(), args=("--index-dir", str(work / "index")))
        try:
            shoot(url)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print("docs/workbench-corpus.png, docs/workbench-review.png, docs/workbench-suggestion.png, "
          "docs/workbench-coverage.png")


if __name__ == "__main__":
    main()
