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
from typing import Callable, Iterator, Sequence

import numpy as np

log = logging.getLogger(__name__)

KINDS = ("query", "passage")


class Embedder(ABC):
    """A text encoder with a stable id (for caches and index manifests), a dimension and an engine name."""

    model_id: str
    dim: int
    engine: str = ""
    batch_size: int = 32

    @abstractmethod
    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Encode one batch; rows need not be normalised."""

    def encode(self, texts: Sequence[str], kind: str = "passage", progress: bool = False,
               advance: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors of `texts`, in their order; `advance(n)` is told of each batch done (for a caller's bar).

        Texts are batched by length, so a batch pads its short texts to a similar length
        instead of to the longest text of the call (4x the throughput on the corpus's mix of
        short tasks and long clauses, bench/RESULTS.md).
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        from align.progress import progress_bar

        with progress_bar(total=len(texts), label=f"Embedding ({self.model_id})", enabled=progress) as bar:
            for rows in _batches(length_order(texts), self.batch_size):
                out[rows] = self._encode_batch([texts[i] for i in rows], kind)
                bar.advance(len(rows))
                if advance is not None:
                    advance(len(rows))
        return l2_normalise(out)


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Positions of `texts` from shortest to longest (stable: equal lengths keep their order)."""
    return np.argsort(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)), kind="stable")


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def _batches(order: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(order), size):
        yield order[start:start + size]
