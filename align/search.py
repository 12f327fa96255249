"""Free-text search over every commune's tasks (or the reference clauses): what do others do?

The query is embedded as a query (e5 "query:" prefix) and compared with the indexed
vectors; BM25 over the same units adds the exact terms embeddings blur. Candidates are
the union of the dense and lexical top lists, scored by a weighted mix of the cosine and
the BM25 score relative to the best lexical hit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.errors import PlanAlignError
from align.text.normalize import fold, plain_key
from align.types import IndexRecord

KINDS = ("task", "clause")
LEXICAL_WEIGHT = 0.2
CANDIDATES_PER_HIT = 5


@dataclass(frozen=True)
class Hit:
    record: IndexRecord
    score: float
    dense: float
    lexical: float          # BM25 relative to the best lexical score among the searched units, in [0, 1]
    commune: str


def _stores(index, kind: str):
    if kind not in KINDS:
        raise PlanAlignError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    return index.part(kind)


def _commune_mask(doc_ids: Sequence[str], communes: dict[str, str], commune: str) -> np.ndarray:
    """The rows of the plans of `commune`, named as written or without diacritics ("binh giang"
    finds "Bình Giang"); the exact spelling wins where two names differ only in their marks."""
    plans = set(doc_ids)
    matching: set[str] = set()
    bare = re.sub(r"^\s*(x[ãa]|ph[ưu][ờo]ng|th[ịi] tr[ấa]n)\s+", "", commune, flags=re.IGNORECASE)
    for name, key in ((n, k) for n in dict.fromkeys((commune, bare)) for k in (fold, plain_key)):
        wanted = key(name)  # typed "xã Bình Thành" (or "xa binh thanh") names the commune Bình Thành
        matching = {d for d in plans if key(communes.get(d, d)) == wanted or key(d) == wanted}
        if matching:
            break
    mask = np.array([d in matching for d in doc_ids], dtype=bool)
    if not mask.any():
        known = sorted(set(communes.values()))
        raise PlanAlignError(f"no plan of commune {commune!r} in the corpus (communes: {', '.join(known)})")
    return mask


def _lexical_scores(bm25, store, tokens: list[str]) -> np.ndarray:
    """BM25 of the query's words against every unit, in store row order."""
    if bm25 is None or not len(bm25):
        return np.zeros(len(store), dtype=np.float32)
    raw = bm25.score(tokens)
    uids = store.records.uids
    if bm25.ids == uids:
        return raw
    rows = {uid: i for i, uid in enumerate(bm25.ids)}
    return np.array([raw[rows[uid]] if uid in rows else 0.0 for uid in uids], dtype=np.float32)


def search(session, text: str, kind: str = "task", commune: str | None = None, top_k: int = 10,
           lexical: bool = True) -> list[Hit]:
    """The `top_k` units most similar to `text`, best first."""
    from concurrent.futures import ThreadPoolExecutor

    from align.text.analyze import analyze

    if not text.strip():
        raise PlanAlignError("empty search text")
    # The query's words are segmented on a second thread while the index and the model load:
    # underthesea's model takes about as long to load as they do (a fresh process: 1.1 s each).
    with ThreadPoolExecutor(max_workers=1) as pool:
        tokens = pool.submit(analyze, text) if lexical else None
        return _search(session, text, kind, commune, top_k, tokens)


def _search(session, text: str, kind: str, commune: str | None, top_k: int, tokens) -> list[Hit]:
    from align.decide.peers import plan_communes

    lexical = tokens is not None
    store, bm25 = _stores(session.index, kind)
    if not len(store):
        return []
    communes = plan_communes(session.corpus)
    if commune and kind != "task":
        raise PlanAlignError("--commune only applies to --kind task")
    mask = _commune_mask(store.doc_ids, communes, commune) if commune else None
    query = session.embedder.encode([text], kind="query")[0]
    wanted = top_k * CANDIDATES_PER_HIT
    if mask is not None:
        rows = np.flatnonzero(mask)
        dense_all = np.asarray(store.vectors[rows], dtype=np.float32) @ query
        candidates = set(rows[np.argsort(-dense_all, kind="stable")[:wanted]].tolist())
    else:
        _, found = store.search(query[None, :], wanted)
        candidates = {int(r) for r in found[0] if r >= 0}
    lex = _lexical_scores(bm25, store, tokens.result()) if lexical else np.zeros(len(store), np.float32)
    if mask is not None:
        lex = np.where(mask, lex, 0.0)
    best_lex = float(lex.max()) if len(lex) else 0.0
    if best_lex > 0:
        top = np.argsort(-lex, kind="stable")[:wanted]
        candidates |= set(top[lex[top] > 0].tolist())
    hits = []
    for row in candidates:
        record = store.records[row]
        dense = float(np.dot(store.vectors[row], query))
        rel = float(lex[row] / best_lex) if best_lex > 0 else 0.0
        score = (1 - LEXICAL_WEIGHT) * dense + LEXICAL_WEIGHT * rel if lexical else dense
        hits.append(Hit(record, round(score, 4), round(dense, 4), round(rel, 4),
                        communes.get(record.doc_id, "") if kind == "task" else ""))
    hits.sort(key=lambda h: (-h.score, h.record.uid))
    return hits[:top_k]
