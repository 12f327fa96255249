"""Pairwise evidence that a commune task serves a reference clause.

For every (task, clause) pair of one reference document we compute a few scores,
each a T x C matrix, so fusion can weigh them:

- `dense`: cosine of the task (query) and clause (passage) embeddings;
- `dense_sent`: the best cosine between the task and one sentence of the clause
  (NQ 57 bullets pack several tasks into one clause; a commune task echoes one of them);
- `dense_joint`: cosine of "section heading: task" and "item heading: clause";
- `dense_ctx`: cosine of the task's section heading and the clause's item heading
  (commune plans mirror NQ 57's items in their headings; 03/NQ-CP groups mirror them too);
- `item_dense`: the best `dense_sent` of any clause in the same item (evidence for the item);
- `bm25`: Okapi BM25 of the task's words against the clause, divided by the task's best;
- `idf_overlap`: share of the task's idf mass found in the clause;
- `rrf_dense`, `rrf_bm25`: reciprocal-rank transforms of the two rankings (1 / (60 + rank));
- `ctx_overlap`: share of the heading's content words found in the clause heading;
- `kind_match`: 1 when the clause is of the task's kind (a task serves a task clause, a
  target a target), 0 otherwise (viewpoints and implementation clauses are rarely served);
- `neighbour`: the mean standardised `dense_sent` of the tasks just before and after the task
  under the same headings (plans list related tasks together, so a short or generic task
  borrows the topic of the ones around it);
- `neighbour_item`: the best `neighbour` of any clause in the same item (neighbours tend to
  serve the same item, not always the same bullet);
- `neighbour_bm25`: the same evidence from the neighbours' BM25 scores (their words);
- `xref_dense`, `xref_bm25`: what the other references say (`align.retrieval.crossref`): the
  task's best standardised `dense_sent` / BM25 on the other reference's clauses under the
  same item heading (03/NQ-CP's items mirror NQ 57's III.1-7);
- `applicable`: 1 when a commune can act on the clause, from the reference's curated
  applicability table, in a reference most of whose clauses only other bodies can act on
  (03/NQ-CP: 215 of its 299 clauses are other bodies' work, and a commune does not serve a
  ministry's task by using its result); 0 everywhere else. The ranker adds it on top of
  the other features (`fusion.PRIOR_FEATURES`).
- `mem_max`, `mem_vote`: what readers said of similar tasks of other communes
  (`align.retrieval.memory`): the best cosine to a labelled task serving the clause, and the
  clause's share of a kernel vote of the labelled tasks. Added by the aligner after the others
  (`PairScores.remembered`), since which communes may be remembered depends on who is scored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from align.retrieval.memory import MEMORY_FEATURES
from align.types import IndexRecord

FEATURES = ("dense", "dense_sent", "dense_joint", "dense_ctx", "item_dense", "bm25", "idf_overlap",
            "rrf_dense", "rrf_bm25", "ctx_overlap", "kind_match", "neighbour", "neighbour_item",
            "neighbour_bm25", "xref_dense", "xref_bm25", "applicable", *MEMORY_FEATURES)
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
    sentences: tuple[str, ...] = ()
    item: str = ""
    kind: str = ""

    @property
    def joint(self) -> str:
        return joint_text(self.context, self.text)


def joint_text(context: str, text: str) -> str:
    return f"{context}: {text}" if context else text


@dataclass
class PairInputs:
    """The similarity matrices (T x C unless noted) that features are derived from."""

    dense: np.ndarray
    dense_sent: np.ndarray
    dense_joint: np.ndarray
    dense_ctx: np.ndarray
    bm25: np.ndarray           # raw BM25 scores
    neighbour: np.ndarray      # mean standardised dense_sent of each task's neighbours (see `neighbour_evidence`)
    neighbour_bm25: np.ndarray  # the same from raw BM25 scores
    cross_dense: np.ndarray | None = None   # `crossref.cross_evidence` of the other references' dense_sent
    cross_bm25: np.ndarray | None = None    # ... and of their raw BM25 (None: no other reference)
    applicable: np.ndarray | None = None    # (C,) 1 = a commune can act on the clause (None: no prior)


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
MIN_SENTENCE_WORDS = 4


def applicable_prior(flags: Sequence[bool] | None, max_open_share: float = 0.5) -> np.ndarray | None:
    """The `applicable` feature of a reference's clauses from its curated commune flags: only
    when at most `max_open_share` of them are open to communes (None: no table, or a reference
    addressed to every level, where the labels serve national clauses too, e.g. NQ 57's
    budget target)."""
    if not flags:
        return None
    vector = np.asarray(flags, dtype=np.float32)
    return vector if vector.mean() <= max_open_share else None


def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences of a clause worth matching on their own (short fragments join the one before)."""
    pieces: list[str] = []
    for piece in (p.strip() for p in _SENTENCE_END.split(text)):
        if not piece:
            continue
        if pieces and (len(piece.split()) < MIN_SENTENCE_WORDS or not piece[:1].isupper()
                       or len(pieces[-1].split()) < MIN_SENTENCE_WORDS):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return tuple(pieces) or (text,)


def task_context(record: IndexRecord) -> str:
    """The nearest headings above a task (its section title, appendix group)."""
    parts = list(record.heading_path[-CONTEXT_DEPTH:])
    group = record.fields.get("group_title") if record.fields else None
    if group and group not in parts:
        parts.append(group)
    return " / ".join(parts)


def clause_context(record: IndexRecord) -> str:
    return record.heading or " / ".join(record.heading_path[-1:])


def embedded_texts(records: Sequence[IndexRecord], role: str) -> list[str]:
    """The texts alignment embeds for these units besides their own: "context: text", the
    context (or the text) and, for clauses, each sentence. An index build embeds them ahead."""
    texts = []
    for r in records:
        context = task_context(r) if role == "task" else clause_context(r)
        texts += [joint_text(context, r.text), context or r.text]
        if role == "clause":
            texts += split_sentences(r.text)
    return texts


def make_views(records: Sequence[IndexRecord], role: str) -> list[UnitView]:
    from align.text.analyze import analyze
    from align.types import clause_item

    views = []
    for r in records:
        context = task_context(r) if role == "task" else clause_context(r)
        sentences = split_sentences(r.text) if role == "clause" else (r.text,)
        item = clause_item(r.id, r.fields) if role == "clause" else ""
        views.append(UnitView(r.text, context, tuple(analyze(r.text)), tuple(analyze(context)), sentences, item,
                              r.kind))
    return views


def neighbours(records: Sequence[IndexRecord]) -> list[tuple[int, ...]]:
    """For tasks in document order, the positions of the tasks just before and after each one
    under the same headings (a new section starts a new topic)."""
    contexts = [(r.doc_id, task_context(r)) for r in records]
    return [tuple(j for j in (i - 1, i + 1) if 0 <= j < len(records) and contexts[j] == contexts[i])
            for i in range(len(records))]


def neighbour_evidence(scores: np.ndarray, near: Sequence[Sequence[int]], rows: Sequence[int]) -> np.ndarray:
    """For the tasks at `rows` of `scores` (all tasks x clauses), the mean standardised score
    row of their neighbours `near[row]`; zeros for a task with none."""
    z = standardise_rows(scores) if scores.size else scores
    out = np.zeros((len(rows), scores.shape[1]), dtype=np.float32)
    for i, row in enumerate(rows):
        if near[row]:
            out[i] = z[list(near[row])].mean(axis=0)
    return out


def standardise_rows(matrix: np.ndarray) -> np.ndarray:
    """z-score each row: what matters to the ranker is how a clause stands among the task's candidates."""
    mean = matrix.mean(axis=1, keepdims=True)
    std = matrix.std(axis=1, keepdims=True)
    return (matrix - mean) / (std + 1e-6)


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


def idf_overlap_matrix(tasks: Sequence[UnitView], clauses: Sequence[UnitView],
                       idf: Mapping[str, float]) -> np.ndarray:
    out = np.zeros((len(tasks), len(clauses)), dtype=np.float32)
    clause_sets = [set(c.tokens) for c in clauses]
    for i, t in enumerate(tasks):
        words = set(t.tokens)
        total = sum(idf.get(w, 0.0) for w in words)
        if total <= 0:
            continue
        for j, c in enumerate(clause_sets):
            out[i, j] = sum(idf.get(w, 0.0) for w in words & c) / total
    return out


def item_max(scores: np.ndarray, clauses: Sequence[UnitView]) -> np.ndarray:
    """For each clause, the best score of any clause in its item."""
    out = np.zeros_like(scores)
    for item in {c.item for c in clauses}:
        cols = [j for j, c in enumerate(clauses) if c.item == item]
        out[:, cols] = scores[:, cols].max(axis=1, keepdims=True)
    return out


def compute_features(inputs: PairInputs, tasks: Sequence[UnitView], clauses: Sequence[UnitView],
                     idf: Mapping[str, float]) -> dict[str, np.ndarray]:
    """All feature matrices (T x C) for the tasks against one document's clauses."""
    raw = inputs.bm25
    best = raw.max(axis=1, keepdims=True) if raw.size else raw
    bm25 = np.divide(raw, best, out=np.zeros_like(raw), where=best > 0)
    feats = {
        "dense": inputs.dense,
        "dense_sent": inputs.dense_sent,
        "dense_joint": inputs.dense_joint,
        "dense_ctx": inputs.dense_ctx,
        "item_dense": item_max(inputs.dense_sent, clauses),
        "bm25": bm25,
        "idf_overlap": idf_overlap_matrix(tasks, clauses, idf),
        "rrf_dense": RRF_K / (RRF_K + rank_matrix(inputs.dense_sent)) if raw.size else raw,
        "rrf_bm25": np.where(raw > 0, RRF_K / (RRF_K + rank_matrix(raw)), 0) if raw.size else raw,
        "ctx_overlap": overlap_matrix(tasks, clauses),
        "kind_match": np.array([[float(t.kind == c.kind) for c in clauses] for t in tasks]).reshape(len(tasks),
                                                                                                len(clauses)),
        "neighbour": inputs.neighbour,
        "neighbour_item": item_max(inputs.neighbour, clauses),
        "neighbour_bm25": inputs.neighbour_bm25,
        "xref_dense": _or_zeros(inputs.cross_dense, raw.shape),
        "xref_bm25": _or_zeros(inputs.cross_bm25, raw.shape),
        "applicable": np.tile(inputs.applicable, (raw.shape[0], 1)) if inputs.applicable is not None
        else np.zeros(raw.shape),
    }
    return {k: np.asarray(v, dtype=np.float32) for k, v in feats.items()}


def _or_zeros(matrix: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
    return np.zeros(shape, dtype=np.float32) if matrix is None else matrix
