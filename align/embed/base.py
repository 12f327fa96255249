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
    batch_tokens: int | None = None  # padded size (texts x longest) a batch may reach; None: no bound
    workers: int = 1  # batches run at once (a backend whose calls release the GIL and run on one thread each)

    @abstractmethod
    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Encode one batch; rows need not be normalised."""

    def encode(self, texts: Sequence[str], kind: str = "passage", progress: bool = False,
               advance: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors of `texts`, in their order; `advance(n)` is told of each batch done (for a caller's bar).

        Texts are batched by length, so a batch pads its short texts to a similar length
        instead of to the longest text of the call (4x the throughput on the corpus's mix of
        short tasks and long clauses, bench/RESULTS.md). A backend that knows the model's
        lengths (tokens) measures with them (`_prepare`) and bounds a batch's padded size
        (`batch_tokens`): long texts then go in small batches, and padding costs little.
        With `workers` > 1, that many batches run at once, each on one thread.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        from align.progress import progress_bar

        items, lengths = self._prepare(texts, kind)
        groups = list(batches(lengths, self.batch_size, self.batch_tokens))
        with progress_bar(total=len(texts), label=f"Embedding ({self.model_id})", enabled=progress) as bar:
            for rows, vectors in zip(groups, _mapped(lambda rows: self._encode_items([items[i] for i in rows], kind),
                                                     groups, self.workers)):
                out[rows] = vectors
                bar.advance(len(rows))
                if advance is not None:
                    advance(len(rows))
        return l2_normalise(out)

    def _prepare(self, texts: list[str], kind: str) -> tuple[list, np.ndarray]:
        """What batches are made of (here the texts) and the length of each, to order them by."""
        return texts, np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))

    def _encode_items(self, items: list, kind: str) -> np.ndarray:
        """Encode one batch of what `_prepare` made."""
        return self._encode_batch(items, kind)


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32, copy=False)


def _mapped(function: Callable, groups: list, workers: int) -> Iterator:
    """`function` of each group, in order; with several workers, that many at once on threads."""
    if workers <= 1 or len(groups) <= 1:
        return map(function, groups)
    from concurrent.futures import ThreadPoolExecutor

    def ordered() -> Iterator:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(function, groups)
    return ordered()


def batches(lengths: np.ndarray, size: int, padded: int | None = None) -> Iterator[np.ndarray]:
    """Positions by increasing length (stable: equal lengths keep their order), in batches of at most `size` whose padded size (count x
    longest) stays within `padded` (a longer text than `padded` goes alone)."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    batch: list[int] = []
    for position in order.tolist():
        if batch and (len(batch) >= size or (padded is not None and (len(batch) + 1) * lengths[position] > padded)):
            yield np.array(batch, dtype=np.int64)
            batch = []
        batch.append(position)
    if batch:
        yield np.array(batch, dtype=np.int64)
