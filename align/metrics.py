"""Ranking figures of labelled tasks: hit@1, hit@5, MRR, nDCG@5, item accuracy, the no-clause AUC,
the serves threshold, the worst misses, and the paired bootstrap that decides whether a change is
kept (a change is kept only when its interval is above zero). Each reads `align.evaluate.Sample`s
and their scores, never a model."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import numpy as np

from align.errors import EvalError
from align.types import clause_item

if TYPE_CHECKING:
    from align.evaluate import Sample


def ranking_metrics(scores: np.ndarray, sample: Sample) -> dict[str, float]:
    order = np.argsort(-scores, kind="stable")
    ranked = [sample.clause_ids[j] for j in order]
    hits = [c in sample.relevant for c in ranked]
    first = hits.index(True) + 1 if any(hits) else math.inf
    dcg = sum(1 / math.log2(r + 2) for r, h in enumerate(hits[:5]) if h)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(5, len(sample.relevant))))
    top_item = clause_item(ranked[0], sample.clause_fields[order[0]])
    items = {clause_item(c, sample.clause_fields[sample.clause_ids.index(c)]) for c in sample.relevant
             if c in sample.clause_ids}
    return {"hit@1": float(first == 1), "hit@5": float(first <= 5), "mrr": 0.0 if first == math.inf else 1 / first,
            "ndcg@5": dcg / ideal if ideal else 0.0, "item@1": float(top_item in items)}


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Probability that a serving task's top score beats a non-serving one's (ties count half)."""
    if not positives or not negatives:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def summarise(samples: Sequence[Sample], scores: Sequence[np.ndarray], doc: str,
              plan: str | None = None) -> dict[str, float | int | None]:
    chosen = [(s, sc) for s, sc in zip(samples, scores) if s.doc == doc and (plan is None or s.plan == plan)]
    served = [(s, sc) for s, sc in chosen if s.relevant]
    rows = [ranking_metrics(sc, s) for s, sc in served]
    out: dict[str, float | int | None] = {"n": len(served)}
    for key in ("hit@1", "hit@5", "mrr", "ndcg@5", "item@1"):
        out[key] = float(np.mean([r[key] for r in rows])) if rows else None
    out["auc_none"] = auc([float(sc.max()) for _, sc in served], [float(sc.max()) for s, sc in chosen
                                                                  if not s.relevant])
    out["n_none"] = len(chosen) - len(served)
    return out


def best_threshold(samples: Sequence[Sample], scores: Sequence[np.ndarray], doc: str = "nq57") -> dict[str, float]:
    """The score threshold maximising F1 of 'task serves clause' over labelled pairs."""
    ys, ss = [], []
    for s, sc in zip(samples, scores):
        if s.doc == doc:
            ys += [c in s.relevant for c in s.clause_ids]
            ss += list(sc)
    ys_a, ss_a = np.array(ys, bool), np.array(ss, float)
    best = {"threshold": 0.5, "f1": 0.0, "precision": 0.0, "recall": 0.0}
    for t in np.unique(np.round(ss_a, 3)):
        pred = ss_a >= t
        tp = float((pred & ys_a).sum())
        if tp == 0:
            continue
        p, r = tp / pred.sum(), tp / ys_a.sum()
        f1 = 2 * p * r / (p + r)
        if f1 > best["f1"]:
            best = {"threshold": float(t), "f1": f1, "precision": p, "recall": r}
    return best


def reciprocal_ranks(samples: Sequence[Sample], scores: Sequence[np.ndarray], metric: str = "mrr"
                     ) -> dict[tuple[str, str, str], float]:
    """(reference, plan, task id) -> the metric of each labelled task that serves a clause."""
    return {(s.doc, s.plan, s.task.id): ranking_metrics(sc, s)[metric] for s, sc in zip(samples, scores)
            if s.relevant}


def paired_bootstrap(before: dict, after: dict, resamples: int = 5000, seed: int = 0) -> dict:
    """Mean of after - before over the tasks both score, with a 95% bootstrap interval over
    tasks: a change is kept only when the interval is above zero."""
    keys = sorted(set(before) & set(after))
    if not keys:
        raise EvalError("no task in common to compare")
    diff = np.array([after[k] - before[k] for k in keys], dtype=float)
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), (resamples, len(diff)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"n": len(keys), "difference": float(diff.mean()), "low": float(low), "high": float(high),
            "better": int((diff > 0).sum()), "worse": int((diff < 0).sum())}


def worst_misses(samples: Sequence[Sample], scores: Sequence[np.ndarray], doc: str, n: int = 10) -> list[dict]:
    """The labelled tasks whose first correct clause ranks lowest."""
    misses = []
    for s, sc in zip(samples, scores):
        if s.doc != doc or not s.relevant:
            continue
        order = [s.clause_ids[j] for j in np.argsort(-sc, kind="stable")]
        rank = min(order.index(c) + 1 for c in s.relevant if c in order)
        if rank > 1:
            misses.append({"plan": s.plan, "task_id": s.task.id, "task": s.task.text[:90], "gold": sorted(s.relevant),
                           "predicted": order[:3], "rank_of_gold": rank})
    return sorted(misses, key=lambda m: -m["rank_of_gold"])[:n]
