"""Pairwise evidence that a commune task serves a reference clause.

For every (task, clause) pair of one reference document we compute a few scores,
each a T x C matrix, so fusion can weigh them:

- `dense`: cosine of the task (query) and clause (passage) embeddings;
- `dense_ctx`: cosine of the task's section heading and the clause's item heading
  (commune plans mirror NQ 57's items in their headings; 03/NQ-CP groups mirror them too);
- `bm25`: Okapi BM25 of the task's words against the clause, divided by the task's best;
- `rrf_dense`, `rrf_bm25`: reciprocal-rank transforms of the two rankings (1 / (60 + rank));
- `ctx_overlap`: share of the heading's content words found in the clause heading.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.types import IndexRecord

FEATURES = ("dense", "dense_ctx", "bm25", "rrf_dense", "rrf_bm25", "ctx_overlap")
RRF_K = 60.0
# Headings at these depths say nothing about the topic (document title, "III. NHIỆM VỤ...").
CONTEXT_DEPTH = 2


@dataclass(frozen=True)
class UnitView:
    """The texts of a task or clause that the features look at."""

    text: str
    context: str
    tokens: tuple[str, ...]
    context_tokens: tuple[str, ...]


def task_context(record: IndexRecord) -> str:
    """The nearest headings above a task (its section title, appendix group)."""
    parts = list(record.heading_path[-CONTEXT_DEPTH:])
    group = record.fields.get("group_title") if record.fields else None
    if group and group not in parts:
        parts.append(group)
    return " / ".join(parts)


def clause_context(record: IndexRecord) -> str:
    return record.heading or " / ".join(record.heading_path[-1:])


def make_views(records: Sequence[IndexRecord], role: str) -> list[UnitView]:
    from align.text.analyze import analyze

    views = []
    for r in records:
        context = task_context(r) if role == "task" else clause_context(r)
        views.append(UnitView(r.text, context, tuple(analyze(r.text)), tuple(analyze(context))))
    return views


def rank_matrix(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each column within its row (highest score = 1)."""
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(scores.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, scores.shape[1] + 1)[None, :]
    return ranks


def overlap_matrix(tasks: Sequence[UnitView], clauses: Sequence[UnitView]) -> np.ndarray:
    out = np.zeros((len(tasks), len(clauses)), dtype=np.float32)
    clause_sets = [set(c.context_tokens) for c in clauses]
    for i, t in enumerate(tasks):
        words = set(t.context_tokens)
        if not words:
            continue
        for j, c in enumerate(clause_sets):
            out[i, j] = len(words & c) / len(words)
    return out


def compute_features(task_vecs: np.ndarray, clause_vecs: np.ndarray, task_ctx_vecs: np.ndarray,
                     clause_ctx_vecs: np.ndarray, bm25_scores: np.ndarray,
                     tasks: Sequence[UnitView], clauses: Sequence[UnitView]) -> dict[str, np.ndarray]:
    """All feature matrices (T x C) for the tasks against one document's clauses."""
    dense = task_vecs @ clause_vecs.T
    dense_ctx = task_ctx_vecs @ clause_ctx_vecs.T
    best = bm25_scores.max(axis=1, keepdims=True)
    bm25 = np.divide(bm25_scores, best, out=np.zeros_like(bm25_scores), where=best > 0)
    return {
        "dense": dense.astype(np.float32),
        "dense_ctx": dense_ctx.astype(np.float32),
        "bm25": bm25.astype(np.float32),
        "rrf_dense": (RRF_K / (RRF_K + rank_matrix(dense))).astype(np.float32),
        "rrf_bm25": np.where(bm25_scores > 0, RRF_K / (RRF_K + rank_matrix(bm25_scores)), 0).astype(np.float32),
        "ctx_overlap": overlap_matrix(tasks, clauses),
    }


def stack(features: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """(T*C) x F design matrix in row-major pair order."""
    return np.stack([features[n].ravel() for n in names], axis=1)
