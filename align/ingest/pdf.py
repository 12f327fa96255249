"""PDF -> positioned words and ruled tables, page by page (pdfplumber).

pdfplumber was chosen over pypdf on measurement (bench/RESULTS.md, "Input formats"):
pypdf's text comes without positions or tables, so a plan's appendix rows were read
as loose lines and its paragraphs split at every wrapped line. Here each page gives its
words with boxes and the tables its ruling lines draw; align.ingest.layout turns them
into paragraphs and tab-separated rows.

A page with no text at all but with images is a scanned page: `pdf_pages` leaves it as
None for OCR (align.ingest.ocr). Encrypted PDFs are read when they open without a
password (owner-password-only files), and refused otherwise.
"""
from __future__ import annotations

import logging
import zlib
from typing import Any

from align.errors import InputError
from align.ingest.layout import Page, Table, Word

log = logging.getLogger(__name__)

NO_TEXT = "PDF has no text layer (scanned image?)"


def pdf_pages(path: str) -> list[Page | None]:
    """Each page's words and tables; None for a page that is an image only (a scan)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(path, password="") as pdf:
            return [_page(page) for page in pdf.pages]
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(exc, PDFPasswordIncorrect) or isinstance(cause, PDFPasswordIncorrect):
            raise InputError(path, "encrypted PDF (password required)") from None
        if _is_cipher_problem(exc):
            raise InputError(path, "encrypted PDF (its cipher cannot be opened here)") from None
        if not isinstance(exc, _broken_types()):
            raise
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"unreadable .pdf: {detail}") from None


def _is_cipher_problem(exc: Exception) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError

    return isinstance(exc, PDFEncryptionError) or isinstance(exc.__cause__, PDFEncryptionError)


def _broken_types() -> tuple[type[BaseException], ...]:
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    return (PdfminerException, MalformedPDFException, PDFException, PSException, ValueError, KeyError,
            TypeError, IndexError, AttributeError, AssertionError, RecursionError, zlib.error, EOFError)


def _page(page: Any) -> Page | None:
    if not page.chars:
        return None if page.images else Page(float(page.width), float(page.height), ())
    words = tuple(Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
                  for w in page.extract_words(keep_blank_chars=False, use_text_flow=False))
    tables = tuple(t for t in (_table(found) for found in page.find_tables()) if t is not None)
    return Page(float(page.width), float(page.height), words, tables)


def _table(found: Any) -> Table | None:
    """A found table, unless it is a single framed box (a paragraph in a border)."""
    rows = tuple(tuple(tuple(map(float, c)) if c else None for c in row.cells) for row in found.rows)
    if all(sum(c is not None for c in row) <= 1 for row in rows) and len(rows) <= 1:
        return None
    return Table(rows)
