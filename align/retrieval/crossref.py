"""Evidence one reference gives another: mirrored items vote across documents.

03/NQ-CP is the Government's programme for NQ 57: its tasks (P.II.k) and its Appendix II
rows (group k) sit under the very headings of NQ 57's items III.k. A commune task that
scores high on some clauses of one reference under such a heading is evidence for the
mirrored item of the other, and the two references' vocabularies differ enough that each
sees what the other misses. Items are matched by their headings' words, not by ids, so
any pair of references built on the same outline gets the same treatment.

`cross_evidence` gives, for each (task, clause of this reference), the best standardised
score the task reaches on any clause of the other reference's mirrored items; clauses of no
mirrored item get the task's lowest such score.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from align.retrieval.features import UnitView, standardise_rows

# Share of heading words two items must have in common (Jaccard) to be the same item.
MIRROR_OVERLAP = 0.7


def item_headings(clauses: Sequence[UnitView]) -> dict[str, frozenset[str]]:
    """Each item's heading (the one most of its clauses carry), as a set of folded words."""
    from align.text.normalize import fold

    headings: dict[str, Counter] = {}
    for c in clauses:
        headings.setdefault(c.item, Counter())[c.context] += 1
    return {item: frozenset(fold(count.most_common(1)[0][0]).split()) for item, count in headings.items()}


def mirrors(these: Sequence[UnitView], others: Sequence[UnitView]) -> dict[str, tuple[str, ...]]:
    """For each item of `these`, the items of `others` under the same heading (several: 03/NQ-CP
    repeats NQ 57's item III.1 as programme item P.II.1 and as Appendix II group I)."""
    mine, theirs = item_headings(these), item_headings(others)
    out: dict[str, tuple[str, ...]] = {}
    for item, words in mine.items():
        found = tuple(other for other, other_words in theirs.items()
                      if words and other_words and len(words & other_words) / len(words | other_words) >= MIRROR_OVERLAP)
        if found:
            out[item] = found
    return out


def cross_evidence(other_scores: np.ndarray, others: Sequence[UnitView], these: Sequence[UnitView]) -> np.ndarray:
    """T x C: for each task and clause of `these`, the best row-standardised score of the task
    on the clauses of `others` in the clause's mirrored items (`other_scores`: T x len(others))."""
    tasks = other_scores.shape[0]
    out = np.zeros((tasks, len(these)), dtype=np.float32)
    pairs = mirrors(these, others)
    if not tasks or not pairs:
        return out
    z = standardise_rows(np.asarray(other_scores, dtype=np.float64))
    other_items = np.array([c.item for c in others])
    best = {item: z[:, other_items == item].max(axis=1) for item in {i for found in pairs.values() for i in found}}
    per_item = {item: np.max([best[i] for i in found], axis=0) for item, found in pairs.items()}
    floor = np.min(list(per_item.values()), axis=0)
    for j, c in enumerate(these):
        out[:, j] = per_item.get(c.item, floor)
    return out

