"""PDF with a text layer -> plain text, one page after another.

Scanned PDFs (images only) have no text to align; we say so instead of
returning an empty document. Encrypted PDFs are read when they open without a
password (owner-password-only files), and refused otherwise.
"""
from __future__ import annotations

import zlib

from align.errors import InputError

NO_TEXT = "PDF has no text layer (scanned image?)"


def pdf_text(path: str) -> str:
    """The text of a PDF, pages joined by newlines; InputError when there is none."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError):
                raise InputError(path, "encrypted PDF (its cipher cannot be opened here)") from None
            if not opened:
                raise InputError(path, "encrypted PDF (password required)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError, zlib.error) as exc:
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"unreadable .pdf: {detail}") from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(path, NO_TEXT)
    return text
