"""Vietnamese word segmentation (underthesea), cached on disk by content hash.

Segmenting is the slow step of lexical analysis (underthesea's CRF runs at a few hundred
sentences per second and takes seconds to load), and the same clauses and tasks are
analysed on every run; so each text is segmented once per content hash and the result
kept under the user cache. Multi-syllable words come back joined by "_" ("khoa_học").
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

# Bump when the stored token format changes; the underthesea version is part of the key too.
FORMAT_VERSION = 1

Tokenizer = Callable[[str], list[str]]


def underthesea_tokenize(text: str) -> list[str]:
    """underthesea.word_tokenize with the syllables of a word joined by "_"."""
    from underthesea import word_tokenize

    return [token.replace(" ", "_") for token in word_tokenize(text)]


def _segmenter_tag() -> str:
    try:
        version = metadata.version("underthesea")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"v{FORMAT_VERSION}-underthesea-{version}"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SegmentCache:
    """Segmentations in memory (LRU) and on disk, one JSON file per text hash.

    Files are written to a temporary name and renamed into place, so two processes
    segmenting the same text at once both succeed and readers never see half a file.
    `computed` counts texts actually sent to the tokenizer (the cache misses).
    """

    def __init__(self, directory: str | Path | None = None, maxsize: int = 8192,
                 tokenizer: Tokenizer | None = None) -> None:
        if directory is None:
            from align.paths import cache_dir

            directory = cache_dir("segment") / _segmenter_tag()
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.maxsize = maxsize
        self._tokenizer = tokenizer or underthesea_tokenize
        self._memory: OrderedDict[str, list[str]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0
        self.disk_hits = 0
        self.memory_hits = 0

    def path_for(self, text: str) -> Path:
        """The file that holds (or will hold) the segmentation of `text`."""
        return self._path(text_key(text))

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _remember(self, key: str, tokens: list[str]) -> None:
        with self._lock:
            self._memory[key] = tokens
            self._memory.move_to_end(key)
            while len(self._memory) > self.maxsize:
                self._memory.popitem(last=False)

    def _read(self, path: Path) -> list[str] | None:
        try:
            tokens = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable segmentation cache file %s: %s", path, exc)
            return None
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            log.warning("ignoring malformed segmentation cache file %s", path)
            return None
        return tokens

    def _write(self, path: Path, tokens: list[str]) -> None:
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(tokens, out, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only or full cache must not stop the analysis
            log.warning("cannot write segmentation cache file %s: %s", path, exc)
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)

    def segment(self, text: str) -> list[str]:
        """Tokens of `text`, from memory, then disk, then the tokenizer."""
        if not text.strip():
            return []
        key = text_key(text)
        with self._lock:
            tokens = self._memory.get(key)
            if tokens is not None:
                self._memory.move_to_end(key)
                self.memory_hits += 1
                return list(tokens)
        path = self._path(key)
        tokens = self._read(path)
        if tokens is not None:
            self.disk_hits += 1
        else:
            tokens = self._tokenizer(text)
            self.computed += 1
            self._write(path, tokens)
        self._remember(key, tokens)
        return list(tokens)

    def segment_many(self, texts: list[str], progress: bool = False) -> list[list[str]]:
        from align.progress import progress_bar

        out: list[list[str]] = []
        with progress_bar(len(texts), "Segmenting", enabled=progress) as bar:
            for text in texts:
                out.append(self.segment(text))
                bar.advance()
        return out


_default: SegmentCache | None = None
_default_lock = threading.Lock()


def default_cache() -> SegmentCache:
    """The process-wide cache under the user cache folder (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SegmentCache()
        return _default


def set_default_cache(cache: SegmentCache | None) -> None:
    """Use `cache` for segment()/segment_many(); None: a fresh one under the cache folder
    on next use (after $PLAN_ALIGN_CACHE changed, say)."""
    global _default
    with _default_lock:
        _default = cache


def segment(text: str) -> list[str]:
    """Word tokens of `text`, multi-syllable words joined by "_"; cached."""
    return default_cache().segment(text)


def segment_many(texts: list[str], progress: bool = False) -> list[list[str]]:
    return default_cache().segment_many(texts, progress=progress)
