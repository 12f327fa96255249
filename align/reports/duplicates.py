"""Tasks that say the same thing: inside one plan, or between a plan and the rest of the corpus.

Candidates come from FAISS range search over the task vectors (never an all-pairs
loop), so the same code serves five plans or three hundred thousand tasks. Each
candidate pair is then classified:

- exact: the same words after normalisation (`fold`);
- near: small edits, word-sequence similarity >= NEAR_SIMILARITY;
- paraphrase: cosine of the embeddings >= the threshold, and the two tasks among each other's
  MUTUAL_RANK nearest tasks of the other's plan (a task on a broad theme is nobody's duplicate).

Two tasks on one theme (a security-level dossier, digital certificates) have a high
cosine too; the thresholds below were chosen on the labelled pairs in
`eval/duplicate_pairs.jsonl` (see eval/DUPLICATES.md and bench/duplicate_thresholds.py).

At national scale a plan has thousands of candidates (e5's baseline cosine between two
unrelated tasks is 0.87: bench/RESULTS.md, finding 3), so the range-search floor stops at
the paraphrase threshold, each text is folded once per call, mutual ranks are computed
plan by plan with one matrix product, and difflib only runs on pairs its cheap upper
bounds cannot rule out.
"""
from __future__ import annotations

import difflib
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from align.reports.alignment import plan_header
from align.text.normalize import fold
from align.types import Document, IndexRecord

log = logging.getLogger(__name__)

EXACT, NEAR, PARAPHRASE = "exact", "near", "paraphrase"
KINDS = (EXACT, NEAR, PARAPHRASE)
PARAPHRASE_THRESHOLD = 0.93     # cosine (e5-small-q4), best F1 on eval/duplicate_pairs.jsonl: eval/DUPLICATES.md
MUTUAL_RANK = 3                 # paraphrases are among each other's 3 nearest tasks in the other's plan
NEAR_SIMILARITY = 0.7           # word-sequence similarity of a near repeat (best kind agreement on the labels)
# Range-search floor (min'ed with the threshold). Near repeats (word similarity >= 0.7) measured with
# e5-small-q4 have cosine >= 0.9348 (21 pairs, all task pairs of the real corpus) and >= 0.9315 (1,249
# pairs of synthetic edits, align.synth.edit_text of 250 real task sentences): none below 0.93.
# A lower floor would not scale: 0.90 is near e5's baseline of 0.87 (eval/DUPLICATES.md).
CANDIDATE_FLOOR = 0.93
APPROX_K = 10_000               # neighbours per task asked of an HNSW store (it has no range search)
LABELS_PATH = Path(__file__).resolve().parents[2] / "eval" / "duplicate_pairs.jsonl"
_WORDS = re.compile(r"\w+")
_EPS = 1e-6


@dataclass(frozen=True)
class DuplicatePair:
    a: IndexRecord
    b: IndexRecord
    score: float            # cosine of the two task embeddings
    similarity: float       # word-sequence similarity of the folded texts
    kind: str
    rank: int = 1           # mutual rank: the worse of b's rank among a's neighbours in b's plan and vice versa


def words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def word_similarity(wa: Sequence[str], wb: Sequence[str]) -> float:
    """difflib ratio of two word sequences (1.0 when both are empty)."""
    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def text_similarity(a: str, b: str) -> float:
    """Share of matching words in order (difflib ratio over folded words), in [0, 1]."""
    return word_similarity(words(a), words(b))


def similarity_bound(wa: Sequence[str], wb: Sequence[str], cutoff: float = NEAR_SIMILARITY,
                     ca: Counter | None = None, cb: Counter | None = None) -> float:
    """An upper bound of `word_similarity`: 2 * shared words (as multisets) / total words.

    difflib's ratio is 2 * matched / total and matched words are shared words, so a pair
    whose bound is below the near cut-off cannot be a near repeat. The length bound is free,
    and returned as is when it is already below `cutoff`.
    """
    total = len(wa) + len(wb)
    if not total:
        return 1.0
    by_length = 2.0 * min(len(wa), len(wb)) / total
    if by_length < cutoff:
        return by_length
    ca, cb = ca if ca is not None else Counter(wa), cb if cb is not None else Counter(wb)
    return 2.0 * sum((ca & cb).values()) / total


def _decide(same: bool, similarity: float, score: float, threshold: float, near: float, rank: int) -> str | None:
    if same:
        return EXACT
    if similarity >= near:
        return NEAR
    if score >= threshold and rank <= MUTUAL_RANK:
        return PARAPHRASE
    return None


def classify(a: str, b: str, score: float, threshold: float = PARAPHRASE_THRESHOLD,
             near: float = NEAR_SIMILARITY, rank: int = 1) -> tuple[str | None, float]:
    """(kind or None when not a duplicate, word similarity) of two texts with embedding cosine `score`.

    A paraphrase also needs the two tasks to be mutual near neighbours (`rank` <= MUTUAL_RANK):
    a task that is merely on the same broad theme as many others is nobody's duplicate.
    """
    wa, wb = words(a), words(b)
    similarity = word_similarity(wa, wb)
    return _decide(wa == wb, similarity, score, threshold, near, rank), similarity


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


class _Words:
    """Folded words (and their counts) of each text, computed once per call: fold() is the cost."""

    def __init__(self) -> None:
        self._words: dict[str, list[str]] = {}
        self._counts: dict[str, Counter] = {}

    def of(self, record: IndexRecord) -> list[str]:
        found = self._words.get(record.uid)
        if found is None:
            found = self._words[record.uid] = words(record.text)
        return found

    def counts(self, record: IndexRecord) -> Counter:
        found = self._counts.get(record.uid)
        if found is None:
            found = self._counts[record.uid] = Counter(self.of(record))
        return found


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


def find_pairs(records: Sequence[IndexRecord], vectors: np.ndarray, store, keep: Callable[[IndexRecord, IndexRecord],
               bool], threshold: float = PARAPHRASE_THRESHOLD, near: float = NEAR_SIMILARITY) -> list[DuplicatePair]:
    """Duplicate pairs between `records` (rows of `vectors`) and the records of a VectorStore."""
    if not len(records) or not len(store):
        return []
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    q, rows, scores = candidates(store, vectors, min(threshold, CANDIDATE_FLOOR))
    ranks = _all_ranks(records, vectors, store, q, rows)
    pos = {r.uid: i for i, r in enumerate(records)}
    memo = _Words()
    seen: set[tuple[str, str]] = set()
    pairs = []
    for qi, row, score, rank in zip(q.tolist(), rows.tolist(), scores.tolist(), ranks.tolist()):
        a, b = records[qi], store.records[row]
        key = (a.uid, b.uid) if a.uid <= b.uid else (b.uid, a.uid)
        if a.uid == b.uid or key in seen or not keep(a, b):
            continue
        seen.add(key)
        wa, wb = memo.of(a), memo.of(b)
        same = wa == wb
        paraphrase = score >= threshold and rank <= MUTUAL_RANK
        if not (same or paraphrase) and similarity_bound(wa, wb, near, memo.counts(a), memo.counts(b)) < near:
            continue
        similarity = 1.0 if same else word_similarity(wa, wb)
        kind = _decide(same, similarity, score, threshold, near, rank)
        if kind:
            first, second = (b, a) if pos.get(b.uid, len(pos)) < pos[a.uid] else (a, b)
            pairs.append(DuplicatePair(first, second, round(min(score, 1.0), 4), round(similarity, 4), kind, rank))
    log.info("duplicates: %d candidates at cosine >= %.3f, %d pairs", len(q), min(threshold, CANDIDATE_FLOOR),
             len(pairs))
    pairs.sort(key=lambda p: (KINDS.index(p.kind), -p.score, pos[p.a.uid], p.b.uid))
    return pairs


def plan_duplicates(session, plan: Document, across: bool = False, threshold: float | None = None,
                    near: float | None = None) -> list[DuplicatePair]:
    """Pairs inside `plan`, or (`across`) between `plan` and every other plan of the corpus."""
    from align.corpus_index import task_records
    from align.index import VectorStore

    threshold = PARAPHRASE_THRESHOLD if threshold is None else threshold
    near = NEAR_SIMILARITY if near is None else near
    records = task_records(plan)
    if not records:
        return []
    vectors = session.aligner.task_vectors(records)
    if across:
        store = session.index.tasks
        return find_pairs(records, vectors, store, lambda a, b: b.doc_id != plan.id, threshold, near)
    own = VectorStore.build(records, vectors, session.embedder.model_id, approx=False)
    return find_pairs(records, vectors, own, lambda a, b: True, threshold, near)


# -- output -------------------------------------------------------------------------------
PAIR_COLUMNS = ("kind", "score", "similarity", "a_id", "a", "b_plan", "b_id", "b")


def _unit(record: IndexRecord) -> dict[str, Any]:
    return {"id": record.id, "text": record.text, "plan": record.doc_id, "heading": record.heading}


def pair_to_json(pair: DuplicatePair) -> dict[str, Any]:
    return {"a": _unit(pair.a), "b": _unit(pair.b), "score": pair.score, "similarity": pair.similarity,
            "kind": pair.kind}


def duplicates_to_json(plan: Document, pairs: Sequence[DuplicatePair], across: bool, threshold: float,
                       near: float) -> dict[str, Any]:
    counts = {kind: sum(p.kind == kind for p in pairs) for kind in KINDS}
    return {"plan": plan_header(plan), "across": across, "threshold": threshold, "near_similarity": near,
            "counts": counts, "pairs": [pair_to_json(p) for p in pairs]}


def pair_rows(pairs: Sequence[DuplicatePair]) -> list[dict[str, Any]]:
    return [{"kind": p.kind, "score": p.score, "similarity": p.similarity, "a_id": p.a.id, "a": p.a.text,
             "b_plan": p.b.doc_id, "b_id": p.b.id, "b": p.b.text} for p in pairs]


# -- evaluation on labelled pairs ---------------------------------------------------------------
@dataclass(frozen=True)
class LabelledPair:
    a: tuple[str, str, int | None]      # (plan, anchor, occurrence of the anchor for verbatim repeats)
    b: tuple[str, str, int | None]
    duplicate: bool
    kind: str | None = None


@dataclass(frozen=True)
class ScoredPair:
    """A labelled pair with the evidence `classify` looks at."""

    label: LabelledPair
    a: str
    b: str
    score: float
    rank: int

    def predicted(self, threshold: float, near: float = NEAR_SIMILARITY) -> str | None:
        return classify(self.a, self.b, self.score, threshold, near, self.rank)[0]


def read_pair_labels(path: str | Path = LABELS_PATH) -> list[LabelledPair]:
    from align.errors import EvalError

    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read duplicate labels ({exc})") from exc
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            a, b = ((side["plan"], side["anchor"], side.get("occurrence")) for side in (item["a"], item["b"]))
            out.append(LabelledPair(a, b, bool(item["duplicate"]), item.get("kind")))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed duplicate label ({exc})") from exc
    return out


def score_labels(session, labels: Sequence[LabelledPair]) -> tuple[list[ScoredPair], list[LabelledPair]]:
    """Cosine and mutual rank of each label whose anchors resolve; and the unresolved labels."""
    from align.corpus_index import task_records
    from align.evaluate import find_task

    plans: dict[str, tuple[list[IndexRecord], np.ndarray]] = {}

    def plan(plan_id: str) -> tuple[list[IndexRecord], np.ndarray]:
        if plan_id not in plans:
            records = task_records(session.corpus.document(plan_id))
            plans[plan_id] = (records, session.aligner.task_vectors(records))
        return plans[plan_id]

    scored, unresolved = [], []
    for label in labels:
        found = []
        for plan_id, anchor, occurrence in (label.a, label.b):
            records, vectors = plan(plan_id)
            task = find_task(session.corpus.document(plan_id).tasks, anchor, occurrence)
            found.append(next((i for i, r in enumerate(records) if task and r.id == task.id), None))
        if None in found:
            unresolved.append(label)
            continue
        (ra, va), (rb, vb) = plan(label.a[0]), plan(label.b[0])
        i, j = found
        rank = mutual_rank(va[i], vb[j], va, vb, label.a[0] == label.b[0])
        scored.append(ScoredPair(label, ra[i].text, rb[j].text, float(np.dot(va[i], vb[j])), rank))
    return scored, unresolved


def _confusion(outcomes: Iterable[tuple[bool, bool]]) -> dict[str, float]:
    """tp/fp/fn, precision, recall and F1 of (predicted, actual) outcomes."""
    tp = fp = fn = 0
    for predicted, actual in outcomes:
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4)}


def precision_recall(scored: Sequence[ScoredPair], threshold: float, near: float = NEAR_SIMILARITY) -> dict:
    """Precision and recall of 'is a duplicate' at (threshold, near) over scored labels."""
    return {"threshold": threshold, "near": near,
            **_confusion((p.predicted(threshold, near) is not None, p.label.duplicate) for p in scored)}


def choose_threshold(scored: Sequence[ScoredPair], candidates: Sequence[float], near: float = NEAR_SIMILARITY) -> dict:
    """The candidate threshold with the best F1 (ties: the higher, more precise one)."""
    results = [precision_recall(scored, t, near) for t in candidates]
    return max(results, key=lambda r: (r["f1"], r["threshold"]))


def leave_one_out(scored: Sequence[ScoredPair], candidates: Sequence[float], near: float = NEAR_SIMILARITY) -> dict:
    """Precision/recall when each pair is judged at a threshold chosen on all the other pairs."""
    outcomes = []
    for i, pair in enumerate(scored):
        threshold = choose_threshold(list(scored[:i]) + list(scored[i + 1:]), candidates, near)["threshold"]
        outcomes.append((pair.predicted(threshold, near) is not None, pair.label.duplicate))
    return _confusion(outcomes)
