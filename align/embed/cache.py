"""On-disk embedding cache keyed by model id, kind and text hash.

A second run over the same corpus embeds nothing again, and adding one plan to a
national corpus embeds only that plan. SQLite gives atomic, concurrent-safe writes
with nothing to install; a damaged file costs a warning and the embeddings it held.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from align.embed.base import Embedder
from align.sqlite_cache import CacheFile

log = logging.getLogger(__name__)

CHUNK = 256  # texts embedded between two cache writes


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors stored as float32 blobs in one SQLite file (align.sqlite_cache.CacheFile: a
    corrupted file is moved aside and started again, an unwritable one only read)."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            from align.paths import cache_root

            path = cache_root() / "embeddings" / "vectors.sqlite"
        self.file = CacheFile(path, ("CREATE TABLE IF NOT EXISTS vectors (model TEXT, kind TEXT, key TEXT, "
                                     "vec BLOB, PRIMARY KEY (model, kind, key))",), "embedding cache")
        self.path = self.file.path

    def get_many(self, model: str, kind: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        rows = self.file.select("SELECT key, vec FROM vectors WHERE model=? AND kind=? AND key IN ({keys})",
                                keys, (model, kind))
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def put_many(self, model: str, kind: str, items: dict[str, np.ndarray]) -> None:
        self.file.write("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                        [(model, kind, key, np.asarray(vec, np.float32).tobytes()) for key, vec in items.items()])

    def close(self) -> None:
        self.file.close()


def encode_cached(embedder: Embedder, texts: Sequence[str], kind: str = "passage",
                  cache: EmbeddingCache | None = None, progress: bool = False, stage: str | None = None) -> np.ndarray:
    """`embedder.encode` that only computes the texts the cache does not hold.

    Misses are embedded and stored CHUNK texts at a time, shortest first (so each chunk's
    batches hold texts of similar length), so a long build that is killed keeps what it
    computed and the next run resumes from there. `stage` names the step on the bar.
    """
    texts = list(texts)
    if cache is None:
        return embedder.encode(texts, kind=kind, progress=progress)
    keys = [text_key(t) for t in texts]
    known = cache.get_many(embedder.model_id, kind, sorted(set(keys)))
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items(), key=lambda kt: (len(kt[1]), kt[0]))
    if missing:
        from align.progress import progress_bar

        log.info("embedding %d of %d texts (%d cached)%s", len(missing), len(texts), len(texts) - len(missing),
                 f": {stage}" if stage else "")
        with progress_bar(total=len(missing), label=f"embedding {len(missing)} texts ({embedder.model_id})",
                          enabled=progress, stage=stage) as bar:
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start:start + CHUNK]
                vectors = embedder.encode([t for _, t in chunk], kind=kind, advance=bar.advance)
                fresh = {k: v for (k, _), v in zip(chunk, vectors)}
                cache.put_many(embedder.model_id, kind, fresh)
                known.update(fresh)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for row, key in enumerate(keys):
        out[row] = known[key]
    return out
