"""Tasks that say the same thing: inside one plan, or between a plan and the rest of the corpus.

Candidates come from FAISS range search over the task vectors (never an all-pairs loop),
so the same code serves five plans or three hundred thousand tasks. Each candidate is then
judged by the pair model (align/decide/pairs.py): the same task stated twice, or merely a
related one. A duplicate's kind says how it is stated: `exact` (the same words after
`fold`), `near` (small edits: word-sequence similarity >= NEAR_SIMILARITY) or `paraphrase`.

The range-search floor is lower inside a plan (a plan has a few hundred tasks) than across
the corpus, where e5's baseline (0.87 between two unrelated tasks: bench/RESULTS.md,
finding 3) would make a plan's candidates most of a national corpus.
"""
from __future__ import annotations

import logging
from typing import Callable, Sequence

import numpy as np

from align.decide.pairs import PairModel, PairText, features, pair_text, reason, word_similarity
from align.types import Document, DuplicateKind, DuplicatePair, IndexRecord

log = logging.getLogger(__name__)

EXACT, NEAR, PARAPHRASE = DuplicateKind.EXACT, DuplicateKind.NEAR, DuplicateKind.PARAPHRASE
KINDS = tuple(DuplicateKind)
NEAR_SIMILARITY = 0.7           # word-sequence similarity of a near repeat (best kind agreement on the labels)
# Range-search floors. Inside a plan every pair above 0.90 is looked at. Across the corpus the floor
# stays at 0.93: near repeats (word similarity >= 0.7) measured with e5-small-q4 have cosine >= 0.9348
# (21 pairs of the real corpus) and >= 0.9315 (1,249 synthetic edits, bench/synth.py); 0.90 is near
# e5's baseline of 0.87 and would not scale (eval/DUPLICATES.md, the 2026-11 measurement).
WITHIN_FLOOR = 0.90
CANDIDATE_FLOOR = 0.93
# An approximate engine's pair cosines differ from fp32's: by at most 0.0035 for int8 per token on
# the 580 labelled pairs (99th percentile 0.0027). Its floors are lower by a margin above that, so it
# looks at every pair the fp32 engine looks at (two labelled repeats sat at 0.9300 and 0.9312).
FLOOR_MARGIN = {"int8": 0.005}


def floor_for(embedder, same_plan: bool) -> float:
    """The range-search floor for pairs of `embedder`'s vectors, inside a plan or across plans."""
    margin = FLOOR_MARGIN.get(getattr(embedder, "precision", "fp32"), 0.0)
    return (WITHIN_FLOOR if same_plan else CANDIDATE_FLOOR) - margin

APPROX_K = 10_000               # neighbours per task asked of an HNSW store (it has no range search)
_EPS = 1e-6


def kind_of(a: PairText, b: PairText, similarity: float, near: float = NEAR_SIMILARITY) -> str:
    """How a duplicate is stated: the same words, small edits, or other words."""
    if a.words == b.words:
        return EXACT
    return NEAR if similarity >= near else PARAPHRASE


def mutual_rank(va: np.ndarray, vb: np.ndarray, a_plan: np.ndarray, b_plan: np.ndarray, same_plan: bool) -> int:
    """Worse of: b's rank among a's neighbours in b's plan, and a's rank among b's neighbours in a's plan."""
    score = float(np.dot(va, vb))
    self_hit = 1 if same_plan else 0     # in one plan, each task is its own nearest neighbour
    rank_b = int((b_plan @ va > score + _EPS).sum()) - self_hit + 1
    rank_a = int((a_plan @ vb > score + _EPS).sum()) - self_hit + 1
    return max(rank_a, rank_b, 1)


def plan_ranks(sims: np.ndarray, ia: np.ndarray, jb: np.ndarray, same_plan: bool) -> np.ndarray:
    """`mutual_rank` of many pairs of two plans at once: `sims` is (a's plan) @ (b's plan).T,
    pair k is (task ia[k] of a's plan, task jb[k] of b's plan)."""
    score = sims[ia, jb][:, None] + _EPS
    self_hit = 1 if same_plan else 0
    rank_b = (sims[ia] > score).sum(axis=1) - self_hit + 1
    rank_a = (sims[:, jb].T > score).sum(axis=1) - self_hit + 1
    return np.maximum(np.maximum(rank_a, rank_b), 1)


def candidates(store, vectors: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query rows, store rows, scores) of every store vector with cosine >= floor: exact range search.

    An HNSW store has no range search; it is asked for its APPROX_K nearest, with a warning,
    and a second one when a task has more neighbours above the floor than that.
    """
    if not store.approx:
        hits = store.range_search(vectors, floor)
        if not hits:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        q, rows, scores = zip(*hits)
        return np.asarray(q, np.int64), np.asarray(rows, np.int64), np.asarray(scores, np.float32)
    k = min(APPROX_K, len(store))
    log.warning("the task index is approximate (HNSW): duplicate candidates are each task's %d nearest "
                "tasks, not an exact range search", k)
    scores, rows = store.search(vectors, k)
    full = int((scores[:, -1] >= floor).sum()) if k < len(store) else 0
    if full:
        log.warning("%d tasks have more than %d neighbours at cosine >= %.3f: some of their pairs are missing",
                    full, k, floor)
    q, col = np.nonzero((scores >= floor) & (rows >= 0))
    return q.astype(np.int64), rows[q, col].astype(np.int64), scores[q, col].astype(np.float32)


def _all_ranks(records: Sequence[IndexRecord], vectors: np.ndarray, store, q: np.ndarray,
               rows: np.ndarray) -> np.ndarray:
    """Mutual rank of every candidate (q[k], rows[k]), one matrix product per pair of plans."""
    doc_ids = store.doc_ids
    code: dict[str, int] = {}
    a_codes = np.fromiter((code.setdefault(r.doc_id, len(code)) for r in records), np.int64, len(records))
    b_codes = np.fromiter((code.setdefault(doc_ids[r], len(code)) for r in rows.tolist()), np.int64, len(rows))
    docs = list(code)
    keys = a_codes[q] * len(code) + b_codes
    order = np.argsort(keys, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(keys[order]) != 0]) if len(order) else order
    ranks = np.ones(len(q), np.int64)
    for picked in np.split(order, starts[1:]) if len(order) else []:
        a_code, b_code = divmod(int(keys[picked[0]]), len(code))
        a_rows = np.flatnonzero(a_codes == a_code)
        b_rows = store.doc_rows(docs[b_code])     # grouped once per store, no record decoded
        sims = vectors[a_rows] @ np.asarray(store.vectors[b_rows], np.float32).T
        ia, jb = np.searchsorted(a_rows, q[picked]), np.searchsorted(b_rows, rows[picked])
        ranks[picked] = plan_ranks(sims, ia, jb, docs[a_code] == docs[b_code])
    return ranks


class PairTexts:
    """PairText of each task, computed once per call: folding and analysing are the cost."""

    def __init__(self) -> None:
        self._texts: dict[str, PairText] = {}

    def of(self, record: IndexRecord) -> PairText:
        found = self._texts.get(record.uid)
        if found is None:
            found = self._texts[record.uid] = pair_text(record)
        return found


def pair_evidence(a: IndexRecord, b: IndexRecord, cosine: float, rank: int, texts: PairTexts,
                  idf: dict[str, float]) -> tuple[np.ndarray, float]:
    """(features, word similarity) of one pair."""
    ta, tb = texts.of(a), texts.of(b)
    similarity = 1.0 if ta.words == tb.words else word_similarity(ta.words, tb.words)
    return features(ta, tb, cosine, rank, idf, similarity), similarity


def find_pairs(records: Sequence[IndexRecord], vectors: np.ndarray, store, keep: Callable[[IndexRecord, IndexRecord],
               bool], model: PairModel, idf: dict[str, float], floor: float = CANDIDATE_FLOOR,
               near: float = NEAR_SIMILARITY) -> list[DuplicatePair]:
    """Duplicate pairs between `records` (rows of `vectors`) and the records of a VectorStore."""
    if not len(records) or not len(store):
        return []
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    q, rows, scores = candidates(store, vectors, floor)
    ranks = _all_ranks(records, vectors, store, q, rows)
    pos = {r.uid: i for i, r in enumerate(records)}
    texts, seen, found = PairTexts(), set(), []
    for qi, row, score, rank in zip(q.tolist(), rows.tolist(), scores.tolist(), ranks.tolist()):
        a, b = records[qi], store.records[row]
        key = (a.uid, b.uid) if a.uid <= b.uid else (b.uid, a.uid)
        if a.uid == b.uid or key in seen or not keep(a, b):
            continue
        seen.add(key)
        x, similarity = pair_evidence(a, b, min(score, 1.0), rank, texts, idf)
        found.append((a, b, score, rank, x, similarity))
    probability = model.probability(np.array([f[4] for f in found])) if found else np.zeros(0)
    pairs = []
    for (a, b, score, rank, x, similarity), p in zip(found, probability):
        ta, tb = texts.of(a), texts.of(b)
        kind = kind_of(ta, tb, similarity, near)
        if kind != EXACT and p < model.threshold:
            continue
        first, second = (b, a) if pos.get(b.uid, len(pos)) < pos[a.uid] else (a, b)
        shared = sorted(ta.terms & tb.terms, key=lambda t: -idf.get(t, 1.0))
        pairs.append(DuplicatePair(first, second, round(min(score, 1.0), 4), round(similarity, 4), kind, rank,
                                   round(float(p), 4), reason(kind, x, shared)))
    log.debug("duplicates: %d candidates at cosine >= %.3f, %d pairs", len(found), floor, len(pairs))
    pairs.sort(key=lambda p: (KINDS.index(p.kind), -p.probability, -p.score, pos[p.a.uid], p.b.uid))
    return pairs


def plan_duplicates(session, plan: Document, across: bool = False, model: PairModel | None = None,
                    near: float | None = None) -> list[DuplicatePair]:
    """Pairs inside `plan`, or (`across`) between `plan` and every other plan of the corpus."""
    from align.corpus_index import task_records
    from align.index import VectorStore

    model = model or session.decisions.duplicates
    near = NEAR_SIMILARITY if near is None else near
    records = task_records(plan)
    if not records:
        return []
    vectors = session.aligner.task_vectors(records)
    idf = session.task_idf
    if across:
        return find_pairs(records, vectors, session.index.tasks, lambda a, b: b.doc_id != plan.id, model, idf,
                          floor_for(session.embedder, same_plan=False), near)
    own = VectorStore.build(records, vectors, session.embedder.model_id, approx=False)
    return find_pairs(records, vectors, own, lambda a, b: True, model, idf, floor_for(session.embedder, True), near)
