"""The embedder contract every backend keeps.

`encode(texts, kind)` returns an (n, dim) float32 array of L2-normalised rows, so an
inner product is a cosine and FAISS can use an inner-product index directly.
`kind` is "query" for the text being looked up (a commune task) and "passage" for
the texts being searched (clauses); asymmetric models such as e5 use different
prefixes for the two.
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Iterator, Sequence

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("query", "passage")


class Embedder(ABC):
    """A text encoder with a stable id (for caches and index manifests) and a dimension."""

    model_id: str
    dim: int
    batch_size: int = 32

    @abstractmethod
    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Encode one batch; rows need not be normalised."""

    def encode(self, texts: Sequence[str], kind: str = "passage", progress: bool = False) -> np.ndarray:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        from align.progress import progress_bar

        with progress_bar(total=len(texts), label=f"Embedding ({self.model_id})", enabled=progress) as bar:
            for start, batch in _batches(texts, self.batch_size):
                out[start:start + len(batch)] = self._encode_batch(batch, kind)
                bar.advance(len(batch))
        return l2_normalise(out)


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def _batches(texts: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(texts), size):
        yield start, texts[start:start + size]
