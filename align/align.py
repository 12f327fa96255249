"""Map every task of a plan to its nearest clauses in each reference document.

The `Aligner` reads vectors and lexical statistics from a `CorpusIndex`, computes
the pairwise features of `align.retrieval.features` against each reference document,
and fuses them into calibrated scores with `align.retrieval.fusion`.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from align.corpus_index import CorpusIndex, clause_records, task_records
from align.embed.base import Embedder
from align.embed.cache import EmbeddingCache, encode_cached
from align.retrieval.features import (PairInputs, UnitView, applicable_prior, compute_features, make_views,
                                      neighbour_evidence, neighbours)
from align.retrieval.fusion import Fusion, load_fusion
from align.retrieval.memory import LabelMemory
from align.types import Alignment, Document, IndexRecord, Match, TaskAlignment

log = logging.getLogger(__name__)

DEFAULT_METHOD = "hybrid"
TERMS_PER_MATCH = 6


@dataclass
class PairScores:
    """Everything computed for a plan's tasks against one reference document."""

    tasks: list[IndexRecord]
    clauses: list[IndexRecord]
    features: dict[str, np.ndarray]
    task_views: list[UnitView]
    clause_views: list[UnitView]
    task_vectors: np.ndarray                    # (T, dim) query vectors of `tasks`

    def remembered(self, memory: LabelMemory | None, exclude: Iterable[str]) -> "PairScores":
        """These scores with the label memory's features (`align.retrieval.memory`) from the memories of
        communes not in `exclude`; zeros without a memory."""
        doc_id = self.clauses[0].doc_id if self.clauses else ""
        extra = (memory or LabelMemory.empty()).features(self.task_vectors, doc_id, [c.id for c in self.clauses],
                                                         exclude)
        return dataclasses.replace(self, features={**self.features, **extra})


class Aligner:
    """Scores (task, clause) pairs; one per (index, model)."""

    def __init__(self, index: CorpusIndex, embedder: Embedder, fusion: Fusion | None = None,
                 cache: EmbeddingCache | None = None, progress: bool = False,
                 memory: LabelMemory | None = None) -> None:
        if index.model_id != embedder.model_id:
            raise ValueError(f"index built with {index.model_id}, embedder is {embedder.model_id}")
        self.index = index
        self.embedder = embedder
        self._fusion = fusion
        self.memory = memory            # labelled tasks of other communes (align/retrieval/memory.py)
        self.cache = cache if cache is not None else EmbeddingCache()
        self.progress = progress
        self._clause_views: dict[str, list[UnitView]] = {}
        self._idf_cache: dict[str, float] | None = None
        self._base_memo: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def fusion(self) -> Fusion:
        if self._fusion is None:
            self._fusion = load_fusion(self.embedder.model_id)
        return self._fusion

    # -- vectors ------------------------------------------------------------------
    def _indexed(self, records: Sequence[IndexRecord]) -> bool:
        """Whether the index holds these very tasks (same ids and texts: an edited copy of an
        indexed plan, aligned from a file, must not borrow the indexed version's vectors)."""
        store = self.index.tasks
        return bool(records) and all(r.uid in store and store.records[store.row(r.uid)] == r for r in records)

    def _task_vectors(self, records: Sequence[IndexRecord]) -> np.ndarray:
        store = self.index.tasks
        if self._indexed(records):
            return np.asarray(store.vectors[[store.row(r.uid) for r in records]], dtype=np.float32)
        return encode_cached(self.embedder, [r.text for r in records], "query", self.cache, self.progress)

    def task_vectors(self, records: Sequence[IndexRecord]) -> np.ndarray:
        """Query vectors of tasks: from the index when it holds them, else embedded (cached)."""
        return self._task_vectors(records)

    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        """Vectors of derived texts: from the index build's table, the model only for what it lacks."""
        rows = self.index.views.rows(kind, texts)
        held = rows >= 0
        out = np.zeros((len(texts), self.embedder.dim), dtype=np.float32)
        out[held] = self.index.views.vectors[rows[held]]
        if not held.all():
            missing = [t for t, h in zip(texts, held) if not h]
            out[~held] = encode_cached(self.embedder, missing, kind, self.cache, False)
        return out

    def _doc_clauses(self, doc_id: str) -> tuple[list[IndexRecord], np.ndarray, list[int]]:
        store = self.index.clauses
        rows = store.doc_rows(doc_id).tolist()
        return [store.records[i] for i in rows], np.asarray(store.vectors[rows], dtype=np.float32), rows

    def clause_vectors(self, doc_id: str) -> tuple[list[IndexRecord], np.ndarray]:
        """The indexed clauses of one reference and their (passage) vectors, in index order."""
        records, vectors, _ = self._doc_clauses(doc_id)
        return records, vectors

    # -- scoring ------------------------------------------------------------------
    def pair_scores(self, tasks: Sequence[IndexRecord], doc_id: str,
                    task_views: list[UnitView] | None = None, remember: bool = True) -> PairScores:
        """Every feature of these tasks (of one plan) against the clauses of `doc_id`. With `remember`
        the label memory's features come from the memories of other communes than the plan's; without,
        they are zeros, for an evaluation that adds them fold by fold (`PairScores.remembered`)."""
        clauses, clause_vecs, _ = self._doc_clauses(doc_id)
        if not clauses:
            raise ValueError(f"reference {doc_id!r} has no clauses in the index")
        clause_views = self._views_of(doc_id)
        plan, rows_in_plan = self._plans_of(tasks)
        whole = rows_in_plan == list(range(len(plan)))
        plan_views = task_views if task_views is not None and whole else make_views(plan, "task")
        task_views = task_views if task_views is not None else [plan_views[i] for i in rows_in_plan]
        plan_vecs = self._task_vectors(plan)
        plan_sent, plan_bm25 = self._base_scores(plan, plan_vecs, plan_views, doc_id)
        near = neighbours(plan)
        cross = self._cross(plan, plan_vecs, plan_views, doc_id, rows_in_plan)
        inputs = PairInputs(
            dense=plan_vecs[rows_in_plan] @ clause_vecs.T,
            dense_sent=plan_sent[rows_in_plan],
            dense_joint=self._encode([v.joint for v in task_views], "query")
            @ self._encode([v.joint for v in clause_views], "passage").T,
            dense_ctx=self._encode([v.context or v.text for v in task_views], "query")
            @ self._encode([v.context or v.text for v in clause_views], "passage").T,
            bm25=plan_bm25[rows_in_plan],
            neighbour=neighbour_evidence(plan_sent, near, rows_in_plan),
            neighbour_bm25=neighbour_evidence(plan_bm25, near, rows_in_plan),
            cross_dense=cross[0], cross_bm25=cross[1], applicable=self._applicable(doc_id, clauses))
        feats = compute_features(inputs, task_views, clause_views, self._idf())
        pairs = PairScores(list(tasks), clauses, feats, task_views, clause_views, plan_vecs[rows_in_plan])
        memory = self.memory if remember else None
        return pairs.remembered(memory, memory.exclude_for(plan[0].doc_id) if memory is not None and plan else ())

    def _applicable(self, doc_id: str, clauses: Sequence[IndexRecord]) -> np.ndarray | None:
        """The applicability prior of a reference with a curated table (`features.applicable_prior`)."""
        from align.decide.applicability import table_for

        table = table_for(doc_id)
        if not table or any(c.id not in table for c in clauses):
            return None
        return applicable_prior([table[c.id].commune for c in clauses])

    def _views_of(self, doc_id: str) -> list[UnitView]:
        if doc_id not in self._clause_views:
            self._clause_views[doc_id] = make_views(self._doc_clauses(doc_id)[0], "clause")
        return self._clause_views[doc_id]

    def _base_scores(self, plan: Sequence[IndexRecord], plan_vecs: np.ndarray, plan_views: Sequence[UnitView],
                     doc_id: str) -> tuple[np.ndarray, np.ndarray]:
        """The plan's sentence-level cosines and raw BM25 against one reference (P x C), kept for
        the last plan: every reference's features need them (neighbours, other references)."""
        key = (tuple(r.uid for r in plan), doc_id)
        if key not in self._base_memo:
            if self._base_memo and next(iter(self._base_memo))[0] != key[0]:
                self._base_memo.clear()
            rows = self.index.clauses.doc_rows(doc_id)
            sent = self._sentence_max(plan_vecs, self._views_of(doc_id))
            bm25 = self.index.clause_bm25
            raw = np.array([bm25.score(list(v.tokens))[rows] for v in plan_views], dtype=np.float32) \
                if plan_views else np.zeros((0, len(rows)), np.float32)
            self._base_memo[key] = (sent, raw)
        return self._base_memo[key]

    def _cross(self, plan, plan_vecs, plan_views, doc_id: str, rows_in_plan: list[int]):
        """What the other indexed references say about this one's clauses (mirrored items), or
        (None, None) when no other reference shares an item heading with it."""
        from align.retrieval.crossref import cross_evidence, mirrors

        these = self._views_of(doc_id)
        dense, lexical = [], []
        for other in dict.fromkeys(self.index.clauses.doc_ids):
            if other == doc_id or not mirrors(these, self._views_of(other)):
                continue
            sent, raw = self._base_scores(plan, plan_vecs, plan_views, other)
            dense.append(cross_evidence(sent[rows_in_plan], self._views_of(other), these))
            lexical.append(cross_evidence(raw[rows_in_plan], self._views_of(other), these))
        if not dense:
            return None, None
        return np.maximum.reduce(dense), np.maximum.reduce(lexical)

    def _plans_of(self, tasks: Sequence[IndexRecord]) -> tuple[list[IndexRecord], list[int]]:
        """The whole plans the tasks come from, in document order, and where each task sits in them.

        Neighbour evidence needs the tasks around each one, also when only some are scored
        (evaluation scores the labelled tasks): a plan the index holds comes from the index,
        any other from the tasks given.
        """
        store = self.index.tasks
        given: dict[str, list[IndexRecord]] = {}
        for r in tasks:
            given.setdefault(r.doc_id, []).append(r)
        plan: list[IndexRecord] = []
        for doc_id, records in given.items():
            if self._indexed(records):
                plan += [store.records[i] for i in store.doc_rows(doc_id).tolist()]
            else:
                plan += records
        where = {r.uid: i for i, r in enumerate(plan)}
        return plan, [where[r.uid] for r in tasks]

    def _sentence_max(self, task_vecs: np.ndarray, clauses: list[UnitView]) -> np.ndarray:
        """Best cosine between each task and any sentence of each clause."""
        sentences = [s for c in clauses for s in c.sentences]
        starts = np.cumsum([0] + [len(c.sentences) for c in clauses[:-1]])
        sims = task_vecs @ self._encode(sentences, "passage").T
        return np.maximum.reduceat(sims, starts, axis=1) if len(task_vecs) else np.zeros((0, len(clauses)))

    def _idf(self) -> dict[str, float]:
        if self._idf_cache is None:
            self._idf_cache = self.index.clause_bm25.idf()
        return self._idf_cache

    def clause_idf(self) -> dict[str, float]:
        """idf of the terms of the reference clauses (which shared terms are telling)."""
        return self._idf()

    def align(self, plan: Document, refs: Sequence[Document], top_k: int = 5,
              method: str = DEFAULT_METHOD) -> Alignment:
        tasks = task_records(plan)
        views = make_views(tasks, "task")
        idf = self._idf()
        per_task: list[dict[str, tuple[Match, ...]]] = [{} for _ in tasks]
        for ref in refs:
            if not clause_records(ref):
                continue
            pairs = self.pair_scores(tasks, ref.id, views)
            scores = self.fusion.score_plan(method, pairs.features, pairs.task_vectors, ref.id)
            for i, task in enumerate(tasks):
                order = np.argsort(-scores[i], kind="stable")[:top_k]
                per_task[i][ref.id] = tuple(
                    Match(task_id=task.id, doc_id=ref.id, clause_id=pairs.clauses[j].id,
                          score=round(float(scores[i, j]), 4), rank=rank,
                          terms=tuple(_key_terms(views[i].tokens, pairs.clause_views[j].tokens, idf)),
                          raw={name: round(float(m[i, j]), 4) for name, m in pairs.features.items()})
                    for rank, j in enumerate(order, start=1))
        return Alignment(plan=plan, model_id=self.embedder.model_id, method=method, refs=tuple(refs),
                         tasks=tuple(TaskAlignment(t, m) for t, m in zip(plan.tasks, per_task)))


def _key_terms(task_tokens: Sequence[str], clause_tokens: Sequence[str], idf: dict[str, float]) -> list[str]:
    from align.text.analyze import key_terms

    return [t.replace("_", " ") for t in key_terms(list(task_tokens), list(clause_tokens), k=TERMS_PER_MATCH,
                                                    idf=idf)]
