"""Scanned pages -> positioned words and ruled tables, with Tesseract's Vietnamese model.

A scanned PDF's pages are rendered with pypdfium2 (it comes with pdfplumber), images
(.png/.jpg/.tif, every frame of a multi-page TIFF) are read with Pillow; each page's
table rules are found and erased (align.ingest.grid), then `tesseract -l vie --psm 3
tsv` gives its words with their boxes, and align.ingest.layout lays them out like a
text PDF's. One Tesseract process per page, one OpenMP thread each: on two shared cores
a threaded Tesseract was about nine times slower (bench/RESULTS.md).

The pages are cached by the file's SHA-256 (with the engine's settings) in the cache dir,
page by page, so an interrupted OCR goes on where it stopped; a corrupt cache file is
moved aside with a warning and the OCR runs again.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from align.errors import InputError
from align.ingest.layout import Page, Table, Word

log = logging.getLogger(__name__)

LANG = "vie"
PSM = "3"
RENDER_DPI = 300             # scans are rendered (upsampled when coarser) at this resolution
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"
CACHE_FORMAT = 1
_TIMEOUT = 600
# Roman numerals of group rows and appendix titles, as Tesseract misreads them alone.
_ROMAN = {"|": "I", "H": "II", "IH": "III", "HI": "III", "Il": "II", "lI": "II"}


def ocr_pdf(path: str, numbers: Sequence[int]) -> dict[int, Page]:
    """The pages `numbers` (0-based) of a PDF, OCR'd."""
    return _ocr(path, list(numbers), lambda n: _render_pdf_page(path, n))


def ocr_image(path: str) -> list[Page]:
    """Every frame of an image file (.png/.jpg/.tif), OCR'd."""
    count = _frame_count(path)
    pages = _ocr(path, list(range(count)), lambda n: _image_frame(path, n))
    return [pages[n] for n in range(count)]


def _ocr(path: str, numbers: list[int], image_of: Callable[[int], tuple[Any, float]]) -> dict[int, Page]:
    from align.progress import progress_bar

    engine = _engine(path)
    cache = _Cache(path, engine)
    done = {n: page for n, page in cache.pages.items() if n in numbers}
    todo = [n for n in numbers if n not in done]
    if todo:
        log.info("%s: OCR of %d page(s)", path, len(todo))
    with progress_bar(len(todo), f"OCR {Path(path).name}") as bar:
        for n in todo:
            pixels, dpi = image_of(n)
            done[n] = _page(path, pixels, dpi)
            cache.put(n, done[n])
            bar.advance()
    return done


# --- Tesseract -------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _tesseract() -> tuple[str, str, tuple[str, ...]] | None:
    """(binary, version, languages), or None when Tesseract is not installed."""
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    first = (version.stdout or version.stderr).strip().split("\n")[0]
    return binary, first, tuple(line.strip() for line in langs.stdout.split("\n")[1:] if line.strip())


def _engine(path: str) -> dict[str, Any]:
    """The settings the OCR output depends on; InputError when Tesseract cannot run."""
    found = _tesseract()
    if found is None:
        raise InputError(path, f"no text layer, and OCR needs Tesseract, which is not installed ({INSTALL})")
    binary, version, langs = found
    if LANG not in langs:
        raise InputError(path, f"no text layer, and Tesseract has no Vietnamese model ({INSTALL})")
    return {"format": CACHE_FORMAT, "tesseract": version, "lang": LANG, "psm": PSM, "dpi": RENDER_DPI}


def _page(path: str, pixels: Any, dpi: float) -> Page:
    from align.ingest.grid import find_tables

    tables, cleaned = find_tables(pixels, dpi)
    words = [word for _, word in _tesseract_words(path, [cleaned], dpi)]
    words += _missed_cells(path, cleaned, dpi, tables, words)
    height, width = pixels.shape
    return Page(float(width), float(height), tuple(words), tuple(tables))


def _missed_cells(path: str, pixels: Any, dpi: float, tables: Sequence[Table], words: list[Word]) -> list[Word]:
    """Words of the cells that hold ink but got no word: a page's layout analysis skips
    small text alone in a narrow cell (the row numbers "3.", "II"). Those cells are cut
    out to their ink and read one by one (stacked in one image they were misread), by
    one Tesseract process that takes them all as a list of images."""
    import numpy as np

    inset = max(2, int(dpi / 50))
    crops = []
    for table in tables:
        for row in table.rows:
            for box in row:
                if box is None or any(box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2
                                      <= box[3] for w in words):
                    continue
                x0, y0, x1, y1 = (int(box[0]) + inset, int(box[1]) + inset, int(box[2]) - inset, int(box[3]) - inset)
                crop = pixels[y0:y1, x0:x1]
                ink = np.argwhere(crop < 160) if crop.size else np.zeros((0, 2))
                if len(ink) > dpi / 10:
                    (r0, c0), (r1, c1) = ink.min(axis=0), ink.max(axis=0) + 1
                    crops.append((x0 + c0, y0 + r0, crop[r0:r1, c0:c1]))
    if not crops:
        return []
    pad = int(dpi / 10)
    # Binarised here: Tesseract's own threshold, on a crop that is mostly white, turned "3." into "5.".
    images = [np.pad(np.where(crop < 128, 0, 255).astype(np.uint8), pad, constant_values=255) for _, _, crop in crops]
    found = []
    for number, w in _tesseract_words(path, images, dpi, psm="6"):
        x0, y0, _ = crops[number]
        found.append(Word(w.text, w.x0 + x0 - pad, w.top + y0 - pad, w.x1 + x0 - pad, w.bottom + y0 - pad))
    return found


def _tesseract_words(path: str, images: Sequence[Any], dpi: float, psm: str = PSM) -> list[tuple[int, Word]]:
    """(image index, word) for the words Tesseract reads on the grey images, one process."""
    from PIL import Image

    binary = _tesseract()[0]  # type: ignore[index]
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    with tempfile.TemporaryDirectory(prefix="plan-align-ocr-") as tmp:
        names = []
        for k, pixels in enumerate(images):
            names.append(str(Path(tmp) / f"image-{k}.png"))
            Image.fromarray(pixels).save(names[-1], dpi=(dpi, dpi))
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        try:
            done = subprocess.run([binary, str(listing), "stdout", "-l", LANG, "--psm", psm, "--dpi", str(int(dpi)),
                                   "tsv"], capture_output=True, env=env, timeout=_TIMEOUT * max(1, len(images) // 10))
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputError(path, f"OCR failed ({type(exc).__name__})") from None
    if done.returncode != 0:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[:120]
        raise InputError(path, f"OCR failed (tesseract: {detail})")
    return list(_tsv_words(done.stdout.decode("utf-8", "replace")))


def _tsv_words(tsv: str) -> Iterator[tuple[int, Word]]:
    """(image index, word) of Tesseract's TSV output (level 5 rows with text)."""
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        text = _ROMAN.get(text, text)
        left, top, width, height = (float(row[k]) for k in ("left", "top", "width", "height"))
        yield int(row["page_num"]) - 1, Word(text, left, top, left + width, top + height)


# --- page images ------------------------------------------------------------------
def _render_pdf_page(path: str, number: int) -> tuple[Any, float]:
    import numpy as np
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        bitmap = pdf[number].render(scale=RENDER_DPI / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
    finally:
        pdf.close()
    return np.asarray(image), float(RENDER_DPI)


def _frame_count(path: str) -> int:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputError(path, f"unreadable image ({type(exc).__name__})") from None


def _image_frame(path: str, number: int) -> tuple[Any, float]:
    """A frame in grey, upsampled to RENDER_DPI when its resolution is coarser."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        image.seek(number)
        dpi = float((image.info.get("dpi") or (0, 0))[0] or 0) or 150.0
        grey = image.convert("L")
    if dpi < RENDER_DPI:
        scale = RENDER_DPI / dpi
        grey = grey.resize((round(grey.width * scale), round(grey.height * scale)), Image.LANCZOS)
        dpi = float(RENDER_DPI)
    return np.asarray(grey), dpi


# --- cache ------------------------------------------------------------------------
class _Cache:
    """One JSON file per input file (by SHA-256), rewritten atomically after each page."""

    def __init__(self, path: str, engine: dict[str, Any]):
        from align.paths import cache_dir

        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        self.file = cache_dir("ocr") / f"{digest}.json"
        self.engine = engine
        self.pages: dict[int, Page] = self._load()

    def _load(self) -> dict[int, Page]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return self._set_aside(exc)
        try:
            if data.get("engine") != self.engine:
                return {}
            return {int(n): _page_from_json(p) for n, p in data["pages"].items()}
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            return self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> dict[int, Page]:
        aside = self.file.with_name(f"{self.file.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.file, aside)
        except OSError:
            aside = None
        log.warning("OCR cache %s is corrupt (%s); %s, OCR runs again", self.file, type(exc).__name__,
                    f"moved aside to {aside.name}" if aside else "left in place")
        return {}

    def put(self, number: int, page: Page) -> None:
        self.pages[number] = page
        data = {"engine": self.engine, "pages": {str(n): _page_to_json(p) for n, p in sorted(self.pages.items())}}
        from align.output import write_atomic

        try:  # write_atomic gives the file the umask's mode, not tempfile's 0600
            write_atomic(self.file, json.dumps(data, ensure_ascii=False))
        except OSError as exc:
            log.warning("OCR cache %s not written (%s)", self.file, exc)


def _page_to_json(page: Page) -> dict[str, Any]:
    return {"width": page.width, "height": page.height,
            "words": [[w.text, w.x0, w.top, w.x1, w.bottom] for w in page.words],
            "tables": [[[list(c) if c else None for c in row] for row in t.rows] for t in page.tables]}


def _page_from_json(data: dict[str, Any]) -> Page:
    words = tuple(Word(str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in data["words"])
    tables = tuple(Table(tuple(tuple(tuple(map(float, c)) if c else None for c in row) for row in t))
                   for t in data["tables"])
    return Page(float(data["width"]), float(data["height"]), words, tables)
