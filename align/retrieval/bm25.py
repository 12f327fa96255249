"""Okapi BM25 over analysed documents, as a sparse matrix so it scales to 300k documents.

The lexical half of hybrid retrieval: it catches the exact terms (document numbers,
"cơ_sở_dữ_liệu", "định_danh") that embeddings blur. Term weights are precomputed once per
(document, term), so scoring a query is one sparse column slice and a product.
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from align.errors import IndexStoreError
from align.paths import atomic_dir

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST, VOCAB, IDS, MATRIX = "manifest.json", "vocab.json", "ids.jsonl", "tf.npz"


class BM25Index:
    """Okapi BM25 with Lucene's non-negative idf: log(1 + (N - df + 0.5) / (df + 0.5))."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self._tf = sp.csr_matrix((0, 0), dtype=np.float32)
        self._weights = sp.csc_matrix((0, 0), dtype=np.float32)
        self._idf = np.zeros(0, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.ids)

    def fit(self, docs: list[list[str]], ids: list[str]) -> "BM25Index":
        """Index `docs` (analysed terms) under `ids` (one per doc, unique)."""
        if len(docs) != len(ids):
            raise ValueError(f"{len(docs)} documents but {len(ids)} ids")
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        for row, doc in enumerate(docs):
            for term, count in Counter(doc).items():
                rows.append(row)
                cols.append(vocab.setdefault(term, len(vocab)))
                counts.append(count)
        tf = sp.csr_matrix((np.asarray(counts, dtype=np.float32), (rows, cols)),
                           shape=(len(docs), len(vocab)), dtype=np.float32)
        self._set(tf, vocab, list(ids))
        return self

    def take(self, rows) -> "BM25Index":
        """The documents at `rows` (in that order) as a new index; idf is recomputed over them."""
        rows = np.asarray(rows, dtype=np.int64)
        tf = self._tf[rows]
        used = np.unique(tf.indices)  # drop the terms only the left-out documents had
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        index = BM25Index(self.k1, self.b)
        index._set(tf[:, used], {terms[c]: i for i, c in enumerate(used)}, [self.ids[r] for r in rows])
        return index

    @classmethod
    def concat(cls, parts: list["BM25Index"], k1: float = 1.2, b: float = 0.75) -> "BM25Index":
        """One index over the documents of `parts`, in order (an incremental build joins old and new)."""
        vocab: dict[str, int] = {}
        blocks = []
        for part in parts:
            terms = sorted(part.vocab, key=part.vocab.__getitem__)
            remap = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), dtype=np.int64, count=len(terms))
            tf = part._tf.tocoo()
            blocks.append((tf.row, remap[tf.col] if len(remap) else tf.col, tf.data, tf.shape[0]))
        offsets = np.cumsum([0] + [n for *_, n in blocks])
        rows = np.concatenate([r + off for (r, _, _, _), off in zip(blocks, offsets)]) if blocks else []
        cols = np.concatenate([c for _, c, _, _ in blocks]) if blocks else []
        data = np.concatenate([d for _, _, d, _ in blocks]) if blocks else []
        tf = sp.csr_matrix((np.asarray(data, np.float32), (rows, cols)), shape=(int(offsets[-1]), len(vocab)),
                           dtype=np.float32)
        ids = [i for part in parts for i in part.ids]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        index = cls(k1, b)
        index._set(tf, vocab, ids)
        return index

    def _set(self, tf: sp.csr_matrix, vocab: dict[str, int], ids: list[str]) -> None:
        """Install a term-frequency matrix and precompute the BM25 weights."""
        self.ids, self.vocab, self._tf = ids, vocab, tf.tocsr()
        n_docs = tf.shape[0]
        df = np.bincount(self._tf.indices, minlength=tf.shape[1]).astype(np.float64)
        self._idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        lengths = np.asarray(self._tf.sum(axis=1)).ravel().astype(np.float64)
        avgdl = lengths.mean() if n_docs and lengths.mean() > 0 else 1.0
        norm = self.k1 * (1.0 - self.b + self.b * lengths / avgdl)
        weights = self._tf.copy().astype(np.float64)
        row_of = np.repeat(np.arange(n_docs), np.diff(weights.indptr))
        freq = weights.data
        weights.data = (self._idf[weights.indices] * freq * (self.k1 + 1.0)
                        / (freq + norm[row_of])).astype(np.float32)
        self._weights = weights.tocsc()
        log.debug("BM25 index: %d documents, %d terms, avgdl %.1f", n_docs, len(vocab), avgdl)

    def score(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document (float32, in fit order); repeated query terms count again."""
        counts = Counter(t for t in query if t in self.vocab)
        scores = np.zeros(len(self.ids), dtype=np.float32)
        if not counts:
            return scores
        cols = np.fromiter((self.vocab[t] for t in counts), dtype=np.int64, count=len(counts))
        qtf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        scores += np.asarray(self._weights[:, cols] @ qtf).ravel()
        return scores

    def search(self, query: list[str], k: int = 10,
               mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best documents with a positive score, best first (ties: fit order).

        `mask` (bool, one per document) limits the search to the documents it marks.
        """
        if k <= 0:
            return []
        scores = self.score(query)
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != scores.shape:
                raise ValueError(f"mask has shape {mask.shape}, expected {scores.shape}")
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if k < len(candidates):
            top = np.argpartition(-scores[candidates], k - 1)[:k]
            threshold = scores[candidates[top]].min()
            candidates = candidates[scores[candidates] >= threshold]
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [(self.ids[i], float(scores[i])) for i in order]

    def idf(self) -> dict[str, float]:
        """Term -> idf, for key_terms() and explanations."""
        return {term: float(self._idf[col]) for term, col in self.vocab.items()}

    def save(self, directory: str | Path) -> None:
        """Write the index folder atomically (temp folder, then rename)."""
        manifest = {"format_version": FORMAT_VERSION, "k1": self.k1, "b": self.b,
                    "n_docs": len(self.ids), "n_terms": len(self.vocab),
                    "nnz": int(self._tf.nnz)}
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        with atomic_dir(directory) as tmp:
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            (tmp / VOCAB).write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
            with open(tmp / IDS, "w", encoding="utf-8") as out:
                for doc_id in self.ids:
                    out.write(json.dumps(doc_id, ensure_ascii=False) + "\n")
            sp.save_npz(tmp / MATRIX, self._tf, compressed=True)

    @classmethod
    def load(cls, directory: str | Path) -> "BM25Index":
        directory = Path(directory)
        try:
            manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
            terms = json.loads((directory / VOCAB).read_text(encoding="utf-8"))
            lines = [line for line in (directory / IDS).read_text(encoding="utf-8").split("\n") if line.strip()]
            ids = json.loads("[" + ",".join(lines) + "]")  # one parse, not one per line: 343k ids at national scale
            tf = sp.load_npz(directory / MATRIX).tocsr()
        except (OSError, ValueError) as exc:
            raise IndexStoreError(f"{directory}: cannot read BM25 index ({exc})") from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexStoreError(f"{directory}: BM25 index format "
                                  f"{manifest.get('format_version')}, expected {FORMAT_VERSION}")
        if tf.shape != (len(ids), len(terms)) or manifest.get("n_docs") != len(ids):
            raise IndexStoreError(f"{directory}: BM25 index files disagree "
                                  f"(matrix {tf.shape}, {len(ids)} ids, {len(terms)} terms)")
        index = cls(k1=float(manifest["k1"]), b=float(manifest["b"]))
        index._set(tf, {term: col for col, term in enumerate(terms)}, ids)
        return index
