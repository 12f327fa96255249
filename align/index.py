"""FAISS vector stores persisted as plain directories.

A `VectorStore` holds the records of one kind of unit (reference clauses, or commune
tasks), their L2-normalised vectors and a FAISS inner-product index over them:
exact (`IndexFlatIP`) up to `APPROX_THRESHOLD` vectors (a national corpus stays exact: bench/RESULTS.md), HNSW above it or on request,
with its recall@10 against exact measured at build time and kept in the manifest.

Directory layout (fixed names): manifest.json, records.jsonl + columns.json (align.records),
vectors.npy, and faiss.index for an HNSW store (a flat index is built from vectors.npy on
first search).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Sequence

import numpy as np

from align.version import __version__
from align.errors import REBUILD_HINT, IndexStoreError
from align.paths import atomic_dir
from align.records import COLUMNS, RECORDS, RecordTable
from align.types import IndexRecord

log = logging.getLogger(__name__)

FORMAT_VERSION = 3
APPROX_THRESHOLD = 1_000_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256
RECALL_SAMPLE = 500
SIZED_FILES = (RECORDS, COLUMNS)  # sizes kept in the manifest: truncation is caught at load
TIE_TOLERANCE = 1e-3            # scores this close to the exact k-th are ties, not misses


class VectorStore:
    """Records + vectors + a FAISS index. Row i of `vectors` is `records[i]`."""

    def __init__(self, records: Sequence[IndexRecord] | RecordTable, vectors: np.ndarray, model_id: str,
                 faiss_index=None, approx: bool = False, recall_at_10: float | None = None) -> None:
        if len(records) != len(vectors):
            raise ValueError(f"{len(records)} records but {len(vectors)} vectors")
        self.records = records if isinstance(records, RecordTable) else RecordTable.from_records(records)
        self.vectors = vectors
        self.model_id = model_id
        self.approx = approx
        self.recall_at_10 = recall_at_10
        self._faiss = faiss_index
        self._row_of: dict[str, int] | None = None
        self._doc_rows: dict[str, np.ndarray] | None = None

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def __len__(self) -> int:
        return len(self.records)

    @property
    def _row(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = {uid: i for i, uid in enumerate(self.records.uids)}
        return self._row_of

    def __contains__(self, uid: str) -> bool:
        return uid in self._row

    def row(self, uid: str) -> int:
        return self._row[uid]

    @property
    def doc_ids(self) -> list[str]:
        """The document id of every row (no record is decoded)."""
        return self.records.doc_ids

    def doc_rows(self, doc_id: str) -> np.ndarray:
        """Rows of one document, in order (grouped in one pass over the column, on first use)."""
        if self._doc_rows is None:
            groups: dict[str, list[int]] = {}
            for row, doc in enumerate(self.records.doc_ids):
                groups.setdefault(doc, []).append(row)
            self._doc_rows = {doc: np.asarray(rows, dtype=np.int64) for doc, rows in groups.items()}
        return self._doc_rows.get(doc_id, np.zeros(0, dtype=np.int64))

    # -- building -----------------------------------------------------------------
    @classmethod
    def build(cls, records: Sequence[IndexRecord] | RecordTable, vectors: np.ndarray, model_id: str,
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
        records = list(records)
        self.records.extend(records)
        self.vectors = np.concatenate([np.asarray(self.vectors), vectors]) if start else vectors
        self._row.update({r.uid: start + i for i, r in enumerate(records)})
        self._doc_rows = None
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
        """Write the store into `directory` atomically (it must not exist yet or is replaced).

        A flat index is vectors.npy itself, so only an HNSW graph is written as faiss.index
        (a flat copy doubled the size of a national index: bench/RESULTS.md).
        """
        faiss = _faiss()

        directory = Path(directory)
        with atomic_dir(directory) as tmp:
            np.save(tmp / "vectors.npy", np.asarray(self.vectors, dtype=np.float32))
            if self.approx:
                faiss.write_index(self._index(), str(tmp / "faiss.index"))
            self.records.save(tmp)
            sizes = {name: (tmp / name).stat().st_size for name in SIZED_FILES}
            _write_json(tmp / "manifest.json", dict(self.manifest(), file_sizes=sizes))

    @classmethod
    def load(cls, directory: str | Path, mmap: bool = True) -> "VectorStore":
        faiss = _faiss()

        directory = Path(directory)
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise IndexStoreError(f"{directory}: index format {manifest.get('format_version')} "
                                      f"is not {FORMAT_VERSION}", REBUILD_HINT)
            sizes = {name: (directory / name).stat().st_size for name in SIZED_FILES}
            if sizes != manifest.get("file_sizes"):
                raise IndexStoreError(f"{directory}: corrupted index (file sizes differ from the manifest)",
                                      REBUILD_HINT)
            records = RecordTable.load(directory)
            vectors = np.load(directory / "vectors.npy", mmap_mode="r" if mmap else None)
            approx = manifest.get("index_type") == "hnsw"
            index = faiss.read_index(str(directory / "faiss.index"),
                                     faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0) if approx else None
        except IndexStoreError:
            raise
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise IndexStoreError(f"{directory}: corrupted index ({type(exc).__name__}: {exc})",
                                  REBUILD_HINT) from exc
        if (len(records) != manifest.get("count") or len(vectors) != len(records) or vectors.ndim != 2
                or (index is not None and index.ntotal != len(records))):
            raise IndexStoreError(f"{directory}: corrupted index (counts disagree)", REBUILD_HINT)
        if index is not None:
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(records, vectors, manifest["model_id"], index, approx, manifest.get("recall_at_10"))


def _faiss():
    """The faiss module, with OpenMP's settings applied before it first loads (align.embed.runtime)."""
    from align.embed.runtime import prepare_native

    prepare_native()
    import faiss

    return faiss


def _make_faiss(vectors: np.ndarray, approx: bool):
    faiss = _faiss()

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


def measure_recall(index, vectors: np.ndarray, k: int = 10, sample: int = RECALL_SAMPLE, seed: int = 0,
                   tie: float = TIE_TOLERANCE) -> float:
    """recall@k of `index` against exact inner-product search, on a sample of the indexed vectors.

    A neighbour found counts when it is one of the exact top k or scores within `tie` of the
    exact k-th: copies of one sentence tie, and which of them comes back is arbitrary
    (bench/RESULTS.md, finding 4).
    """
    faiss = _faiss()

    if len(vectors) == 0:
        return 1.0
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)
    queries = np.ascontiguousarray(vectors[rows])
    k = min(k, len(vectors))
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth_scores, truth = exact.search(queries, k)
    _, found = index.search(queries, k)
    hits = 0
    for query, kth, true_ids, found_ids in zip(queries, truth_scores[:, -1], truth, found):
        found_ids = found_ids[found_ids >= 0]
        exact_ids = set(true_ids.tolist())
        scores = vectors[found_ids] @ query
        hits += sum(1 for f, s in zip(found_ids.tolist(), scores) if f in exact_ids or s >= kth - tie)
    return hits / float(truth.size)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
