"""Screenshots of the workbench for the README: corpus, plan review and coverage pages (PNG, in docs/).

Starts `plan-align serve` on a free port with a throw-away review memory (the user's own is
never touched), makes three decisions on Bình Thành's plan in headless chromium, and saves:

    python docs/screenshots.py            # needs the corpus, chromium and chromium-driver

The index and models come from the usual cache ($PLAN_ALIGN_CACHE), built on first use.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.test_browser import PLAN, chromium, free_port, keys, start_server, wait_for  # noqa: E402


def main() -> None:
    from align.corpus import locate_corpus

    corpus = locate_corpus(os.environ.get("PLAN_ALIGN_CORPUS"))
    with tempfile.TemporaryDirectory(prefix="plan-align-shots-") as data:
        proc, url = start_server(corpus, Path(data), free_port())
        browser = chromium()
        try:
            browser.set_window_size(1400, 1050)
            browser.get(f"{url}/")
            browser.save_screenshot(str(ROOT / "docs" / "workbench-corpus.png"))
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
            browser.get(f"{url}/plan/{PLAN}/coverage")
            browser.save_screenshot(str(ROOT / "docs" / "workbench-coverage.png"))
        finally:
            browser.quit()
            proc.terminate()
            proc.wait(timeout=20)
    print("docs/workbench-corpus.png, docs/workbench-review.png, docs/workbench-coverage.png")


if __name__ == "__main__":
    main()
