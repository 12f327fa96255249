"""Render a review report (HTML) in headless Chromium and save a PNG, to look at it.

Usage:
  python bench/screenshot_report.py REPORT.html [--png OUT.png] [--section tasks]
  python bench/screenshot_report.py --plan binh-giang-khcn-2026 [--png OUT.png] [--corpus DIR] [--index-dir DIR]

With --plan, the report is built first (plan-align report) into a temporary folder. Chromium
(Debian package `chromium`) runs with networking features off and a fresh profile, so the
screenshot shows exactly what the self-contained file holds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT_S = 120
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("chromium not found: apt-get install -y chromium")


def only_section(html: Path, section: str, out: Path) -> Path:
    """A copy of the report showing one <section> only (headless Chromium ignores #fragments)."""
    style = f"<style>body > h1, body > p.meta, body > header, section:not(#{section}) {{ display: none; }}</style>"
    out.write_text(html.read_text(encoding="utf-8").replace("</head>", style + "</head>", 1), encoding="utf-8")
    return out


def screenshot(html: Path, png: Path, width: int = 1400, height: int = 2000) -> Path:
    """Run Chromium on `html` and write `png`; raise if Chromium fails or writes nothing."""
    png = png.resolve()
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
                   f"--window-size={width},{height}", html.resolve().as_uri()]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)   # Chromium's own process group, started above
            process.communicate()
            raise RuntimeError(f"chromium did not finish in {TIMEOUT_S} s")
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot (exit {process.returncode}): {err.decode()[-500:]}")
    return png


def build_report(plan: str, out: Path, corpus: str | None, index_dir: str | None) -> Path:
    from align import PlanAlign

    return PlanAlign(corpus, index_dir=index_dir).review(plan).write(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="?", help="An HTML report to render.")
    parser.add_argument("--plan", help="Build the report of this plan first.")
    parser.add_argument("--png", default="review.png", help="Where to save the screenshot.")
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--index-dir", default=None)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--section", default="", help="Show only this section: matrix, items, gaps, tasks, "
                        "orphans, duplicates.")
    args = parser.parse_args()
    if bool(args.html) == bool(args.plan):
        parser.error("give either an HTML file or --plan")
    with tempfile.TemporaryDirectory(prefix="review-") as tmp:
        html = Path(args.html) if args.html else build_report(args.plan, Path(tmp) / "review.html", args.corpus,
                                                               args.index_dir)
        shown = only_section(html, args.section, Path(tmp) / "section.html") if args.section else html
        png = screenshot(shown, Path(args.png), args.width, args.height)
    print(f"{png} ({png.stat().st_size} bytes) from {html}")


if __name__ == "__main__":
    main()
