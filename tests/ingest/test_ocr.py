"""Scans (a PDF of page images, a .png) read through `plan-align parse FILE` with Tesseract."""
from __future__ import annotations

import difflib
import json
import subprocess

import pytest

from tests.ingest.conftest import PLAN_FIXTURE, needs_libreoffice, needs_tesseract, run_parse, units_of


def similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, " ".join(a.lower().split()), " ".join(b.lower().split())).ratio()


@pytest.fixture(scope="module")
def short_plan(tmp_path_factory) -> tuple:
    """Our fixture plan without its implementation section: two pages, one with the appendix."""
    from tests.ingest.builders import office_convert, plan_docx

    lines = PLAN_FIXTURE.read_text(encoding="utf-8").split("\n")
    cut, appendix = lines.index("**IV. TỔ CHỨC THỰC HIỆN**"), lines.index("PHỤ LỤC I: DANH MỤC NHIỆM VỤ NĂM 2026")
    work = tmp_path_factory.mktemp("short")
    (work / "short.txt").write_text("\n".join(lines[:cut] + lines[appendix:]), encoding="utf-8")
    pdf = office_convert(plan_docx(lines[:cut] + lines[appendix:], work / "short.docx"), "pdf", work)
    return work / "short.txt", pdf


@pytest.fixture(scope="module")
def scan(short_plan, tmp_path_factory):
    from tests.ingest.builders import scan_pdf

    return scan_pdf(short_plan[1], tmp_path_factory.mktemp("scan") / "scan.pdf", dpi=150)


@pytest.fixture(scope="module")
def scan_run(scan, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return cache, run_parse(scan, cache)


@needs_libreoffice
@needs_tesseract
def test_ocr_scanned_pdf_keeps_the_tasks_and_table_rows(short_plan, scan_run, tmp_path) -> None:
    truth = units_of(run_parse(short_plan[0], tmp_path))
    found = units_of(scan_run[1])
    assert any(k.startswith("PL1.") for k in truth)
    kept = [k for k, text in truth.items() if similar(text, found.get(k, "")) >= 0.85]
    assert len(kept) >= 0.9 * len(truth), sorted(set(truth) - set(kept))


@needs_libreoffice
@needs_tesseract
def test_ocr_cache_serves_the_second_parse(scan, scan_run) -> None:
    cache, first = scan_run
    (entry,) = (cache / "ocr").glob("*.json")
    stamp = entry.stat().st_mtime_ns
    again = run_parse(scan, cache)
    assert again.stdout == first.stdout
    assert entry.stat().st_mtime_ns == stamp


@needs_libreoffice
@needs_tesseract
def test_ocr_cache_file_gets_the_umask_mode(scan_run) -> None:
    from align.paths import umask

    cache, _ = scan_run
    (entry,) = (cache / "ocr").glob("*.json")
    assert entry.stat().st_mode & 0o777 == 0o666 & ~umask()


@needs_libreoffice
@needs_tesseract
def test_ocr_corrupt_cache_moved_aside_and_rebuilt(scan, scan_run, tmp_path) -> None:
    import shutil

    cache = tmp_path / "cache"
    shutil.copytree(scan_run[0], cache)
    (entry,) = (cache / "ocr").glob("*.json")
    entry.write_bytes(b'{"engine": {"format": 1}, "pages": {"0": [nul')
    again = run_parse(scan, cache)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["tasks"] == json.loads(scan_run[1].stdout)["tasks"]
    assert "OCR cache" in again.stderr and "corrupt" in again.stderr
    assert len(list((cache / "ocr").glob("*.corrupt-*"))) == 1
    assert json.loads(entry.read_text(encoding="utf-8"))["pages"]


@needs_libreoffice
@needs_tesseract
def test_ocr_png_image_is_read(short_plan, tmp_path) -> None:
    from tests.ingest.builders import PDFTOPPM

    subprocess.run([PDFTOPPM, "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(short_plan[1]), str(tmp_path / "page")], check=True)
    texts = units_of(run_parse(tmp_path / "page.png", tmp_path / "cache")).values()
    assert any(similar(text, "Tối thiểu 85% hồ sơ được tiếp nhận trực tuyến.") >= 0.85 for text in texts)


def test_ocr_without_tesseract_says_how_to_install_it(tmp_path) -> None:
    from tests.robustness.bad_files import image_only_pdf

    result = run_parse(image_only_pdf(tmp_path / "scan.pdf"), tmp_path / "cache", path_env=str(tmp_path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Tesseract" in lines[0] and "apt-get install tesseract-ocr tesseract-ocr-vie" in lines[0]
