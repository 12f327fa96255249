"""FAISS vector stores persisted as plain directories.

A `VectorStore` holds the records of one kind of unit (reference clauses, or commune
tasks), their L2-normalised vectors and a FAISS inner-product index over them:
exact (`IndexFlatIP`) up to `APPROX_THRESHOLD` vectors (a national corpus stays exact: bench/RESULTS.md), HNSW above it or on request,
with its recall@10 against exact measured at build time and kept in the manifest.

Directory layout (fixed names): manifest.json, records.jsonl, vectors.npy, faiss.index.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

import numpy as np

from align import __version__
from align.errors import IndexStoreError
from align.paths import atomic_dir
from align.types import IndexRecord

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
APPROX_THRESHOLD = 1_000_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256
RECALL_SAMPLE = 500


class VectorStore:
    """Records + vectors + a FAISS index. Row i of `vectors` is `records[i]`."""

    def __init__(self, records: Sequence[IndexRecord], vectors: np.ndarray, model_id: str,
                 faiss_index=None, approx: bool = False, recall_at_10: float | None = None) -> None:
        if len(records) != len(vectors):
            raise ValueError(f"{len(records)} records but {len(vectors)} vectors")
        self.records = list(records)
        self.vectors = vectors
        self.model_id = model_id
        self.approx = approx
        self.recall_at_10 = recall_at_10
        self._faiss = faiss_index
        self._row = {r.uid: i for i, r in enumerate(self.records)}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, uid: str) -> bool:
        return uid in self._row

    def row(self, uid: str) -> int:
        return self._row[uid]

    # -- building -----------------------------------------------------------------
    @classmethod
    def build(cls, records: Sequence[IndexRecord], vectors: np.ndarray, model_id: str,
              approx: bool | None = None) -> "VectorStore":
        """Index `vectors`; `approx=None` chooses HNSW above APPROX_THRESHOLD vectors."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if approx is None:
            approx = len(vectors) > APPROX_THRESHOLD
        index = _make_faiss(vectors, approx)
        recall = measure_recall(index, vectors) if approx else None
        if recall is not None:
            log.info("HNSW index over %d vectors: recall@10 against exact = %.4f", len(vectors), recall)
        return cls(records, vectors, model_id, index, approx, recall)

    def add(self, records: Sequence[IndexRecord], vectors: np.ndarray) -> None:
        """Append units (one new plan) without touching the vectors already indexed."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        start = len(self.records)
        self.records.extend(records)
        self.vectors = np.concatenate([np.asarray(self.vectors), vectors]) if start else vectors
        self._row.update({r.uid: start + i for i, r in enumerate(records)})
        self._index().add(vectors)

    # -- searching ----------------------------------------------------------------
    def _index(self):
        if self._faiss is None:
            self._faiss = _make_faiss(np.ascontiguousarray(self.vectors, dtype=np.float32), self.approx)
        return self._faiss

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows by inner product for each query row: (scores, rows); rows are -1 past the end."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, len(self.records)))
        if not self.records:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        return self._index().search(queries, k)

    def range_search(self, queries: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
        """All (query row, store row, score) with score >= threshold, from FAISS range search."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        index = self._index()
        if self.approx:  # HNSW has no range search: top-k then filter
            scores, rows = index.search(queries, min(100, len(self.records)))
            return [(q, int(r), float(s)) for q in range(len(queries))
                    for s, r in zip(scores[q], rows[q]) if r >= 0 and s >= threshold]
        lims, dists, rows = index.range_search(queries, float(threshold))
        return [(q, int(rows[j]), float(dists[j])) for q in range(len(queries)) for j in range(lims[q], lims[q + 1])]

    # -- persistence --------------------------------------------------------------
    def manifest(self) -> dict:
        return {"format_version": FORMAT_VERSION, "package_version": __version__, "model_id": self.model_id,
                "dimension": self.dim, "metric": "inner_product", "count": len(self.records),
                "index_type": "hnsw" if self.approx else "flat", "recall_at_10": self.recall_at_10}

    def save(self, directory: str | Path) -> None:
        """Write the store into `directory` atomically (it must not exist yet or is replaced)."""
        import faiss

        directory = Path(directory)
        with atomic_dir(directory) as tmp:
            np.save(tmp / "vectors.npy", np.asarray(self.vectors, dtype=np.float32))
            faiss.write_index(self._index(), str(tmp / "faiss.index"))
            with open(tmp / "records.jsonl", "w", encoding="utf-8") as out:
                for record in self.records:
                    out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            _write_json(tmp / "manifest.json", self.manifest())

    @classmethod
    def load(cls, directory: str | Path, mmap: bool = True) -> "VectorStore":
        import faiss

        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise IndexStoreError(f"{directory}: index format {manifest.get('format_version')} "
                                      f"is not {FORMAT_VERSION}; rebuild it")
            records = [_record(json.loads(line)) for line in
                       (directory / "records.jsonl").read_text(encoding="utf-8").splitlines() if line]
            vectors = np.load(directory / "vectors.npy", mmap_mode="r" if mmap else None)
            index = faiss.read_index(str(directory / "faiss.index"),
                                     faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0)
        except IndexStoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexStoreError(f"{directory}: corrupted index ({type(exc).__name__}: {exc}); "
                                  "rebuild it with `plan-align index build`") from exc
        if len(records) != manifest.get("count") or len(vectors) != len(records) or index.ntotal != len(records):
            raise IndexStoreError(f"{directory}: corrupted index (counts disagree); rebuild it")
        if manifest.get("index_type") == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(records, vectors, manifest["model_id"], index, manifest.get("index_type") == "hnsw",
                   manifest.get("recall_at_10"))


def _record(data: dict) -> IndexRecord:
    data["heading_path"] = tuple(data.get("heading_path") or ())
    return IndexRecord(**data)


def _make_faiss(vectors: np.ndarray, approx: bool):
    import faiss

    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    if approx:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def measure_recall(index, vectors: np.ndarray, k: int = 10, sample: int = RECALL_SAMPLE, seed: int = 0) -> float:
    """recall@k of `index` against exact inner-product search, on a sample of the indexed vectors."""
    import faiss

    if len(vectors) == 0:
        return 1.0
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    queries = np.ascontiguousarray(vectors[rows])
    k = min(k, len(vectors))
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, k)
    _, found = index.search(queries, k)
    hits = sum(len(set(t) & set(f)) for t, f in zip(truth, found))
    return hits / float(truth.size)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
