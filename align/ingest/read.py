"""Files on disk -> SourceText: the one entry point from bytes to clean Unicode text.

Every problem with an input file (missing, too large, empty, binary, undecodable,
broken Word or PDF file) is an InputError naming the file and the problem.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from align.errors import InputError
from align.ingest.decode import BINARY, decode_bytes, repair_legacy_lines
from align.ingest.pdf import NO_TEXT, pdf_pages
from align.ingest.layout import pages_text
from align.ingest.office import doc_text
from align.ingest.word import NOT_WORD, docx_text
from align.text.normalize import normalize_text

__all__ = ["MAX_BYTES", "SUFFIXES", "SourceText", "decode_bytes", "read_text"]

MAX_BYTES = 50 * 1024 * 1024
_MB = 1024 * 1024
_FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".pdf": "pdf",
            ".doc": "doc", ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image"}
SUFFIXES = tuple(_FORMATS)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_PROBLEM = "a Word 97-2003 .doc or encrypted Office file: not supported (save it as .docx)"
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


@dataclass(frozen=True)
class SourceText:
    """A document's text. `text` is normalised (normalize_text); `raw` is the
    decoded text before normalisation (NFC only: HTML tags and Markdown escapes
    kept) with exactly the same lines, so line numbers in one hold in the other."""

    path: str
    text: str
    format: str          # txt | md | docx | doc | pdf | image
    encoding: str        # utf-8, utf-8-sig, utf-16, windows-1258, tcvn3, vni, docx, pdf, ocr
    content_hash: str    # sha256 hex of `text`
    raw: str


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> SourceText:
    """Read a .txt/.md/.docx/.doc/.pdf/.png/.jpg/.tif file (other names are sniffed) into a SourceText.

    Files above `max_bytes` are refused before anything is read into memory.
    """
    name = os.fspath(path)
    _check_file(name, max_bytes)
    fmt = _FORMATS.get(Path(name).suffix.lower()) or _sniff(name)
    if fmt == "docx":
        _expect_magic(name, _ZIP, NOT_WORD)
        decoded, encoding = repair_legacy_lines(docx_text(name))[0], "docx"
    elif fmt == "pdf":
        _expect_magic(name, b"%PDF", "unreadable .pdf: not a PDF file")
        text, encoding = _pdf_text(name)
        decoded = repair_legacy_lines(text)[0]
    elif fmt == "image":
        decoded, encoding = _image_text(name), "ocr"
    elif fmt == "doc":
        decoded, encoding = repair_legacy_lines(doc_text(name))[0], "doc"
    else:
        decoded, encoding = _decode_text_file(name, max_bytes)
    raw = _raw(decoded)
    text = "\n".join(normalize_text(line) for line in raw.split("\n"))
    if not text.strip():
        raise InputError(name, "empty document (no text)")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceText(path=name, text=text, format=fmt, encoding=encoding, content_hash=digest, raw=raw)


def _pdf_text(name: str) -> tuple[str, str]:
    """The text of a PDF, with its scanned pages OCR'd: (text, "pdf" or "ocr")."""
    from align.ingest.ocr import ocr_pdf

    pages = pdf_pages(name)
    scanned = [n for n, page in enumerate(pages) if page is None]
    if scanned:
        for n, page in ocr_pdf(name, scanned).items():
            pages[n] = page
    if not any(page.words for page in pages if page is not None):
        raise InputError(name, "scanned PDF: OCR found no text" if scanned else NO_TEXT)
    return pages_text([page for page in pages if page is not None]), "ocr" if scanned else "pdf"


def _image_text(name: str) -> str:
    from align.ingest.ocr import ocr_image

    pages = ocr_image(name)
    if not any(page.words for page in pages):
        raise InputError(name, "image: OCR found no text")
    return pages_text(pages)


def _check_file(name: str, max_bytes: int) -> None:
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputError(name, "file not found") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot open file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, "not a regular file")
    if info.st_size > max_bytes:
        raise InputError(name, f"file too large ({info.st_size / _MB:.1f} MB, limit {max_bytes / _MB:g} MB)")
    if info.st_size == 0:
        raise InputError(name, "empty file")


def _read_bytes(name: str, limit: int) -> bytes:
    """At most `limit` bytes (the file may have grown since it was checked)."""
    data = _peek(name, limit + 1)
    if len(data) > limit:
        raise InputError(name, f"file too large (over the {limit / _MB:g} MB limit)")
    return data


def _peek(name: str, size: int) -> bytes:
    """The first `size` bytes of a file."""
    try:
        with open(name, "rb") as handle:
            return handle.read(size)
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read file ({exc.strerror or exc})") from None


def _sniff(name: str) -> str:
    """Format of a file whose name does not tell: Word (zip with word/document.xml),
    PDF (%PDF header) or else text."""
    head = _peek(name, 1024)
    if head.startswith(_ZIP) and _is_docx_zip(name):
        return "docx"
    if head.lstrip().startswith(b"%PDF"):
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(_OLE):
        return "doc"
    return "txt"


def _is_docx_zip(name: str) -> bool:
    try:
        with zipfile.ZipFile(name) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _expect_magic(name: str, magic: bytes, problem: str) -> None:
    """Refuse early a .docx/.pdf whose first bytes are not what its name says."""
    head = _peek(name, 1024)
    if head.startswith(_OLE):
        raise InputError(name, _OLE_PROBLEM)
    found = magic in head if magic == b"%PDF" else head.startswith(magic)
    if not found:
        raise InputError(name, problem)


def _decode_text_file(name: str, max_bytes: int) -> tuple[str, str]:
    data = _read_bytes(name, max_bytes)
    try:
        return decode_bytes(data, name)
    except InputError as error:
        if error.problem == BINARY:
            hint = _binary_hint(data)
            if hint:
                raise InputError(name, f"{BINARY}: {hint}") from None
        raise


def _binary_hint(data: bytes) -> str | None:
    """Name the kind of a binary file that was given a text name."""
    if data.startswith(_OLE):
        return _OLE_PROBLEM
    if data.startswith(_ZIP):
        return "a ZIP archive (a .docx? give it the .docx extension)"
    if data.lstrip().startswith(b"%PDF"):
        return "a PDF (give it the .pdf extension)"
    return None


def _raw(decoded: str) -> str:
    """NFC text with every line break as \\n and no stray control characters."""
    text = _LINE_BREAKS.sub("\n", decoded.lstrip("\ufeff"))
    return unicodedata.normalize("NFC", _STRAY_CONTROLS.sub("", text))
