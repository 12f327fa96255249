"""Old Word .doc (Word 97-2003) -> text, through LibreOffice headless.

No Python library reads .doc reliably, and many communes still send them. LibreOffice
converts the file to .docx in a temp dir (with a private profile, so a LibreOffice the
user has open, or a parallel conversion, does not block it), and align.ingest.word
reads that like any .docx. Without LibreOffice the error names the package to install.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from align.errors import InputError
from align.ingest.word import docx_text

log = logging.getLogger(__name__)

INSTALL = "apt-get install libreoffice-writer"
_TIMEOUT = 300


def libreoffice() -> str | None:
    """The LibreOffice binary on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def doc_text(path: str) -> str:
    """The text of a .doc file (a .docx given the old name is read as what it is)."""
    if zipfile.is_zipfile(path):
        return docx_text(path)
    binary = libreoffice()
    if binary is None:
        raise InputError(path, f"an old Word .doc file: reading it needs LibreOffice, which is not installed ({INSTALL})")
    with tempfile.TemporaryDirectory(prefix="plan-align-doc-") as tmp:
        source = Path(tmp) / "input.doc"
        shutil.copyfile(path, source)
        out = Path(tmp) / "out"
        command = [binary, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
                   "--convert-to", "docx", "--outdir", str(out), str(source)]
        log.info("%s: converting with LibreOffice", path)
        try:
            done = subprocess.run(command, capture_output=True, timeout=_TIMEOUT)
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputError(path, f"unreadable .doc: LibreOffice failed ({type(exc).__name__})") from None
        converted = out / "input.docx"
        if done.returncode != 0 or not converted.is_file():
            raise InputError(path, "unreadable .doc: LibreOffice could not convert it")
        return docx_text(str(converted))
