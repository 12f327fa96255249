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
"""
from __future__ import annotations

import difflib
import json
import logging
import re
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
CANDIDATE_FLOOR = 0.9           # range-search floor: near repeats below the paraphrase cosine are still seen
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


def text_similarity(a: str, b: str) -> float:
    """Share of matching words in order (difflib ratio over folded words), in [0, 1]."""
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def classify(a: str, b: str, score: float, threshold: float = PARAPHRASE_THRESHOLD,
             near: float = NEAR_SIMILARITY, rank: int = 1) -> tuple[str | None, float]:
    """(kind or None when not a duplicate, word similarity) of two texts with embedding cosine `score`.

    A paraphrase also needs the two tasks to be mutual near neighbours (`rank` <= MUTUAL_RANK):
    a task that is merely on the same broad theme as many others is nobody's duplicate.
    """
    similarity = text_similarity(a, b)
    if words(a) == words(b):
        return EXACT, similarity
    if similarity >= near:
        return NEAR, similarity
    if score >= threshold and rank <= MUTUAL_RANK:
        return PARAPHRASE, similarity
    return None, similarity


class PlanVectors:
    """Vectors of each plan's tasks (rows of a store, or the plan under review), gathered on demand."""

    def __init__(self, records: Sequence[IndexRecord], vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.rows: dict[str, list[int]] = {}
        for i, record in enumerate(records):
            self.rows.setdefault(record.doc_id, []).append(i)
        self._cache: dict[str, np.ndarray] = {}

    def of(self, doc_id: str) -> np.ndarray:
        if doc_id not in self._cache:
            self._cache[doc_id] = np.asarray(self.vectors[self.rows.get(doc_id, [])], dtype=np.float32)
        return self._cache[doc_id]


def mutual_rank(va: np.ndarray, vb: np.ndarray, a_plan: np.ndarray, b_plan: np.ndarray, same_plan: bool) -> int:
    """Worse of: b's rank among a's neighbours in b's plan, and a's rank among b's neighbours in a's plan."""
    score = float(np.dot(va, vb))
    self_hit = 1 if same_plan else 0     # in one plan, each task is its own nearest neighbour
    rank_b = int((b_plan @ va > score + _EPS).sum()) - self_hit + 1
    rank_a = int((a_plan @ vb > score + _EPS).sum()) - self_hit + 1
    return max(rank_a, rank_b, 1)


def find_pairs(records: Sequence[IndexRecord], vectors: np.ndarray, store, keep: Callable[[IndexRecord, IndexRecord],
               bool], threshold: float = PARAPHRASE_THRESHOLD, near: float = NEAR_SIMILARITY) -> list[DuplicatePair]:
    """Duplicate pairs between `records` (rows of `vectors`) and the records of a VectorStore."""
    if not len(records) or not len(store):
        return []
    floor = min(threshold, CANDIDATE_FLOOR)
    pos = {r.uid: i for i, r in enumerate(records)}
    mine, theirs = PlanVectors(records, vectors), PlanVectors(store.records, store.vectors)
    seen: set[tuple[str, str]] = set()
    pairs = []
    for q, row, score in store.range_search(vectors, floor):
        a, b = records[q], store.records[row]
        key = (a.uid, b.uid) if a.uid <= b.uid else (b.uid, a.uid)
        if a.uid == b.uid or key in seen or not keep(a, b):
            continue
        seen.add(key)
        rank = mutual_rank(vectors[q], np.asarray(store.vectors[row], np.float32), mine.of(a.doc_id),
                           theirs.of(b.doc_id), a.doc_id == b.doc_id)
        kind, similarity = classify(a.text, b.text, score, threshold, near, rank)
        if kind:
            first, second = (b, a) if pos.get(b.uid, len(pos)) < pos[a.uid] else (a, b)
            pairs.append(DuplicatePair(first, second, round(min(score, 1.0), 4), round(similarity, 4), kind, rank))
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
