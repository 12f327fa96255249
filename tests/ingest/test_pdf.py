"""Text PDFs exported by LibreOffice from a Word plan, read through `plan-align parse FILE`."""
from __future__ import annotations

import pytest

from tests.ingest.conftest import needs_libreoffice, run_parse, units_of

pytestmark = needs_libreoffice


@pytest.fixture(scope="module")
def from_text(tmp_path_factory):
    from tests.ingest.conftest import PLAN_FIXTURE

    return units_of(run_parse(PLAN_FIXTURE, tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def from_pdf(tmp_path_factory, plan_pdf_file):
    return units_of(run_parse(plan_pdf_file, tmp_path_factory.mktemp("cache")))


def test_pdf_table_rows_become_the_appendix_tasks(from_text, from_pdf) -> None:
    appendix = {k: v for k, v in from_text.items() if k.startswith("PL")}
    assert len(appendix) == 7
    assert {k: from_pdf.get(k) for k in appendix} == appendix


def test_pdf_wrapped_lines_joined_into_one_task(from_text, from_pdf, plan_pdf_file) -> None:
    import pdfplumber

    with pdfplumber.open(plan_pdf_file) as pdf:
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    wrapped = [k for k, text in from_text.items() if not any(text in line for line in lines)]
    assert len(wrapped) >= 5                       # tasks the PDF shows on two or more lines
    assert {k: from_pdf.get(k) for k in wrapped} == {k: from_text[k] for k in wrapped}


def test_pdf_page_numbers_dropped(plan_pdf_file) -> None:
    from align.ingest.read import read_text

    lines = read_text(plan_pdf_file).text.split("\n")
    assert not [line for line in lines if line.strip().isdigit()]
