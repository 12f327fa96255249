"""A frozen, content-addressed table of vectors that travels with an index build.

Besides each unit's own vector, alignment embeds a few derived texts per unit
("heading: task", the heading alone, each sentence of a clause). An index build
embeds them once and keeps them here, so aligning an indexed plan calls no model,
and a copied index works without the user's embedding cache.

Rows are addressed by a 128-bit hash of (kind, text) and kept sorted, so a lookup is a binary
search over a memory-mapped array: nothing is decoded at load.

Files (fixed names): manifest.json, keys.npy (n hex keys, sorted), vectors.npy (n x dim).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from align.errors import REBUILD_HINT, IndexStoreError
from align.paths import atomic_dir

FORMAT_VERSION = 1
KEY_DTYPE = "S32"


def table_key(kind: str, text: str) -> bytes:
    """128-bit hash as hex (numpy's bytes dtype would strip a raw digest's trailing zero bytes)."""
    return hashlib.blake2b(f"{kind}\0{text}".encode("utf-8"), digest_size=16).hexdigest().encode("ascii")


class EmbeddingTable:
    """Sorted keys and their vectors; read-only once built."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray, model_id: str) -> None:
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys but {len(vectors)} vectors")
        self.keys = keys
        self.vectors = vectors
        self.model_id = model_id

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def empty(cls, model_id: str, dim: int) -> "EmbeddingTable":
        return cls(np.zeros(0, KEY_DTYPE), np.zeros((0, dim), np.float32), model_id)

    def rows(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        """Row of each text, -1 where the table does not hold it."""
        wanted = np.array([table_key(kind, t) for t in texts], dtype=KEY_DTYPE)
        if not len(self.keys) or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        pos = np.searchsorted(self.keys, wanted).clip(max=len(self.keys) - 1)
        return np.where(self.keys[pos] == wanted, pos, -1).astype(np.int64)

    def missing(self, kind: str, texts: Sequence[str]) -> list[str]:
        """The distinct texts the table does not hold, in first-seen order."""
        texts = list(dict.fromkeys(texts))
        return [t for t, row in zip(texts, self.rows(kind, texts)) if row < 0]

    def merged(self, kind: str, texts: Sequence[str], vectors: np.ndarray) -> "EmbeddingTable":
        """A new table with these (text, vector) pairs added (existing keys keep their vector)."""
        if not len(texts):
            return self
        fresh: Mapping[bytes, int] = {table_key(kind, t): i for i, t in enumerate(texts)}
        held = set(np.asarray(self.keys).tolist())
        new_keys = np.array([k for k in fresh if k not in held], dtype=KEY_DTYPE)
        if not len(new_keys):
            return self
        keys = np.concatenate([np.asarray(self.keys), new_keys])
        rows = np.concatenate([np.asarray(self.vectors, dtype=np.float32),
                               np.asarray(vectors, dtype=np.float32)[[fresh[k] for k in new_keys.tolist()]]])
        order = np.argsort(keys, kind="stable")
        return EmbeddingTable(keys[order], rows[order], self.model_id)

    # -- persistence --------------------------------------------------------------
    def save(self, directory: str | Path) -> None:
        with atomic_dir(Path(directory)) as tmp:
            np.save(tmp / "keys.npy", np.asarray(self.keys, dtype=KEY_DTYPE))
            np.save(tmp / "vectors.npy", np.asarray(self.vectors, dtype=np.float32))
            (tmp / "manifest.json").write_text(json.dumps(
                {"format_version": FORMAT_VERSION, "model_id": self.model_id,
                 "dimension": int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0, "count": len(self)},
                ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> "EmbeddingTable":
        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            keys = np.load(directory / "keys.npy", mmap_mode="r")
            vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"{directory}: corrupted embedding table ({type(exc).__name__}: {exc})",
                                  REBUILD_HINT) from exc
        if (manifest.get("format_version") != FORMAT_VERSION or len(keys) != manifest.get("count")
                or len(vectors) != len(keys) or keys.dtype != np.dtype(KEY_DTYPE)):
            raise IndexStoreError(f"{directory}: corrupted embedding table (files disagree)", REBUILD_HINT)
        return cls(keys, vectors, manifest["model_id"])
