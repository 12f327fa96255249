"""Vietnamese word segmentation (underthesea), cached by content hash in memory and on disk.

Segmenting is the slow step of lexical analysis (underthesea's CRF runs at a few hundred
sentences per second and takes seconds to load), and the same clauses and tasks are
analysed on every run; so each text is segmented once per content hash and the result
kept under the user cache. Multi-syllable words come back joined by "_" ("khoa_học").

The disk cache is one SQLite file per segmenter tag (format and underthesea version): one
file per text cost 4 kB blocks for ~460 bytes of tokens and one open() per warm lookup
(bench/RESULTS.md, finding 7). The cache is an optimisation only (align/sqlite_cache.py): a
corrupted file is moved aside and started again; if its folder is read-only or full,
segmentation logs one warning and goes on without it (or only reads it, when it can).
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

from align.sqlite_cache import CacheFile

log = logging.getLogger(__name__)

# Bump when the stored token format changes; the underthesea version is part of the tag too.
# 1: one JSON file per text; 2: one SQLite file, tokens joined by spaces.
FORMAT_VERSION = 2
CHUNK = 256         # texts tokenized between two writes, so a killed run keeps its work

Tokenizer = Callable[[str], list[str]]


# Pipelines underthesea's package __init__ imports that plan-align never uses; `translate` alone
# imports torch and transformers (1.9 s of the package's 2.2 s import on 2 cores), which every
# `plan-align search` for a new query paid to segment it.
_UNUSED_UNDERTHESEA = tuple(f"underthesea.{name}" for name in (
    "pipeline.translate", "pipeline.classification", "pipeline.sentiment", "pipeline.lang_detect",
    "pipeline.dependency_parse", "agent", "address"))


def underthesea_tokenize(text: str) -> list[str]:
    """underthesea.word_tokenize with the syllables of a word joined by "_"."""
    return [token.replace(" ", "_") for token in _word_tokenize()(text)]


def _word_tokenize():
    """underthesea's word_tokenize, imported without its unused pipelines.

    A module mapped to None in sys.modules fails to import, and underthesea leaves a
    failed optional pipeline out; the entries are removed again, so a caller that wants
    one of them can still import it afterwards.
    """
    if "underthesea" not in sys.modules:
        blocked = [name for name in _UNUSED_UNDERTHESEA if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            import underthesea  # noqa: F401
        finally:
            for name in blocked:
                if sys.modules.get(name) is None:
                    sys.modules.pop(name, None)
    from underthesea import word_tokenize

    return word_tokenize


def segmenter_tag() -> str:
    """Names the cache file: a new underthesea version starts a new cache."""
    try:
        version = metadata.version("underthesea")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"v{FORMAT_VERSION}-underthesea-{version}"


def text_key(text: str) -> bytes:
    """SHA-256 digest of the text (32 bytes: half the size of its hex form in the index)."""
    return hashlib.sha256(text.encode("utf-8")).digest()


_JSON_MARK = "\x1e"  # starts the rare entry stored as JSON; JSON escapes it inside


def _encode(tokens: list[str]) -> str:
    """Tokens joined by spaces (underthesea's words hold "_", never " "): a quarter smaller
    than JSON and faster to read; other token lists (empty, or a token with a space) as JSON."""
    if tokens and all(t and " " not in t and _JSON_MARK not in t for t in tokens):
        return " ".join(tokens)
    return _JSON_MARK + json.dumps(tokens, ensure_ascii=False)


def _decode(stored: object) -> list[str] | None:
    if not isinstance(stored, str) or not stored:
        return None
    if not stored.startswith(_JSON_MARK):
        return stored.split(" ")
    try:
        tokens = json.loads(stored[1:])
    except ValueError:
        return None
    if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens):
        return tokens
    return None


class SegmentStore:
    """The SQLite file: key -> tokens (align.sqlite_cache.CacheFile: a corrupted file is moved
    aside and started again, a read-only or full one only read, each with one warning)."""

    def __init__(self, path: str | Path, timeout: float = 60.0) -> None:
        # A rowid table: rows (~330 bytes) fill its pages in insertion order and only the
        # small key index takes the random inserts of hashes (13% smaller than WITHOUT
        # ROWID on 26,000 task texts, measured).
        self.file = CacheFile(path, ("CREATE TABLE IF NOT EXISTS segments (key BLOB PRIMARY KEY, "
                                     "tokens TEXT NOT NULL)",), "segmentation cache", timeout)
        self.path = self.file.path

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, list[str]]:
        """The stored tokens of those `keys` the file holds (malformed rows left out)."""
        found: dict[bytes, list[str]] = {}
        malformed = 0
        for key, stored in self.file.select("SELECT key, tokens FROM segments WHERE key IN ({keys})", keys):
            tokens = _decode(stored)
            if tokens is None:
                malformed += 1
            else:
                found[bytes(key)] = tokens
        if malformed:
            log.warning("segmentation cache %s: %d malformed entries, segmenting them again",
                        self.path, malformed)
        return found

    def put_many(self, items: Sequence[tuple[bytes, list[str]]]) -> None:
        self.file.write("INSERT OR REPLACE INTO segments (key, tokens) VALUES (?, ?)",
                        [(key, _encode(tokens)) for key, tokens in items])

    def close(self) -> None:
        self.file.close()


class SegmentCache:
    """Segmentations in memory (LRU of `maxsize` texts) and in one SQLite file under
    `directory` (default: the user cache's "segment" folder).

    `computed` counts texts actually sent to the tokenizer (the cache misses);
    `disk_hits` and `memory_hits` count distinct texts found on disk and in memory.
    """

    def __init__(self, directory: str | Path | None = None, maxsize: int = 8192,
                 tokenizer: Tokenizer | None = None) -> None:
        if directory is None:
            from align.paths import cache_root

            directory = cache_root() / "segment"
        self.directory = Path(directory)
        self.path = self.directory / f"{segmenter_tag()}.sqlite"
        self.maxsize = maxsize
        self._store = SegmentStore(self.path)
        self._tokenizer = tokenizer or underthesea_tokenize
        self._memory: OrderedDict[bytes, list[str]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0
        self.disk_hits = 0
        self.memory_hits = 0
        self._note_old_layout()

    def _note_old_layout(self) -> None:
        """Format 1 kept a folder of JSON files per tag here: say it can go (1 GB nationally)."""
        try:
            old = [p for p in self.directory.glob("v1-*") if p.is_dir()]
        except OSError:
            return
        for path in old:
            log.info("%s: old segmentation cache, no longer read; it can be deleted", path)

    def _recall(self, key: bytes) -> list[str] | None:
        with self._lock:
            tokens = self._memory.get(key)
            if tokens is not None:
                self._memory.move_to_end(key)
                self.memory_hits += 1
            return tokens

    def _remember(self, key: bytes, tokens: list[str]) -> None:
        with self._lock:
            self._memory[key] = tokens
            self._memory.move_to_end(key)
            while len(self._memory) > self.maxsize:
                self._memory.popitem(last=False)

    def _tokenize(self, text: str) -> list[str]:
        tokens = self._tokenizer(text)
        self.computed += 1
        return tokens

    def segment(self, text: str) -> list[str]:
        """Tokens of `text`, from memory, then disk, then the tokenizer."""
        if not text.strip():
            return []
        key = text_key(text)
        tokens = self._recall(key)
        if tokens is None:
            tokens = self._store.get_many([key]).get(key)
            if tokens is not None:
                self.disk_hits += 1
            else:
                tokens = self._tokenize(text)
                self._store.put_many([(key, tokens)])
            self._remember(key, tokens)
        return list(tokens)

    def segment_many(self, texts: Sequence[str], progress: bool = False) -> list[list[str]]:
        """Tokens of each text, in order. The texts not in memory are looked up on disk
        together; only the rest are tokenized, and stored CHUNK at a time as they come."""
        from align.progress import progress_bar

        keys = [text_key(t) if t.strip() else None for t in texts]
        wanted = {key: text for key, text in zip(keys, texts) if key is not None}
        found: dict[bytes, list[str]] = {}
        for key in wanted:
            tokens = self._recall(key)
            if tokens is not None:
                found[key] = tokens
        in_memory = set(found)
        on_disk = self._store.get_many([k for k in wanted if k not in found])
        self.disk_hits += len(on_disk)
        found.update(on_disk)
        missing = [(k, t) for k, t in wanted.items() if k not in found]
        pending: list[tuple[bytes, list[str]]] = []
        with progress_bar(len(missing), "Segmenting", enabled=progress) as bar:
            try:
                for key, text in missing:
                    pending.append((key, self._tokenize(text)))
                    bar.advance()
                    if len(pending) >= CHUNK:
                        self._store.put_many(pending)
                        found.update(pending)
                        pending = []
            finally:  # an interrupted run keeps what it tokenized
                self._store.put_many(pending)
                found.update(pending)
        for key in wanted:
            if key not in in_memory:
                self._remember(key, found[key])
        return [list(found[key]) if key is not None else [] for key in keys]

    def close(self) -> None:
        """Close the SQLite connection (reopened if the cache is used again)."""
        self._store.close()


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


def segment_many(texts: Sequence[str], progress: bool = False) -> list[list[str]]:
    return default_cache().segment_many(texts, progress=progress)
