"""The duplicate decision against the labelled pairs of eval/duplicate_pairs.jsonl.

A labelled pair counts as found when the detector would report it: the same words, or a
candidate (its cosine at or above the range-search floor: inside a plan or across plans)
that the pair model takes for one task. Hard negatives (related tasks on the same theme)
are in the labels, so precision is measured where it is hard to keep.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.decide import pairs as pair_features
from align.decide.duplicates import PairTexts, floor_for, mutual_rank, pair_evidence
from align.decide.labels import PairLabel
from align.decide.logistic import Logistic, best_cut, confusion, grouped_predictions
from align.decide.pairs import PairModel

# The cut maximises F-0.5 (precision counts twice as much as recall: a reviewer told that two tasks are one
# checks both). A precision floor chosen on the few pairs of the other communes did not transfer: measured,
# floors of 0.7-0.9 picked cuts near 1.0 that found 4-5 % of the duplicates of the held-out commune.
BETA = 0.5
CURVE_RECALLS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9)


@dataclass(frozen=True)
class PairSet:
    """Resolved labelled pairs: evidence rows, labels, and what the detector needs to know of each."""

    labels: tuple[PairLabel, ...]
    x: np.ndarray                   # (pairs, FEATURES)
    duplicate: np.ndarray           # bool
    exact: np.ndarray               # bool: the same words
    candidate: np.ndarray           # bool: cosine at or above its floor
    home: np.ndarray                # commune of task a
    touches: tuple[frozenset[str], ...]
    unresolved: tuple[PairLabel, ...]

    @classmethod
    def resolve(cls, session, labels, groups: dict[str, str]) -> "PairSet":
        from align.corpus_index import task_records
        from align.evaluate import find_task

        plans: dict[str, tuple] = {}

        def plan(pid: str):
            if pid not in plans:
                doc = session.corpus.document(pid)
                records = task_records(doc)
                plans[pid] = (doc, records, session.aligner.task_vectors(records))
            return plans[pid]

        texts, rows, kept, missing = PairTexts(), [], [], []
        for label in labels:
            found = []
            for pid, anchor, occurrence in (label.a, label.b):
                doc, records, _ = plan(pid)
                task = find_task(doc.tasks, anchor, occurrence)
                found.append(next((i for i, r in enumerate(records) if task and r.id == task.id), None))
            if None in found:
                missing.append(label)
                continue
            (_, ra, va), (_, rb, vb) = plan(label.a[0]), plan(label.b[0])
            i, j = found
            same_plan = label.a[0] == label.b[0]
            cosine = float(np.dot(va[i], vb[j]))
            x, _ = pair_evidence(ra[i], rb[j], min(cosine, 1.0), mutual_rank(va[i], vb[j], va, vb, same_plan),
                                 texts, session.task_idf)
            exact = texts.of(ra[i]).words == texts.of(rb[j]).words
            rows.append((x, label.duplicate, exact, cosine >= floor_for(session.embedder, same_plan),
                         groups.get(label.a[0], label.a[0]),
                         frozenset({groups.get(label.a[0], label.a[0]), groups.get(label.b[0], label.b[0])})))
            kept.append(label)
        if not rows:
            return cls((), np.zeros((0, len(pair_features.FEATURES))), *(np.zeros(0, bool),) * 3, np.zeros(0, str),
                       (), tuple(missing))
        x, dup, exact, cand, home, touches = zip(*rows)
        return cls(tuple(kept), np.array(x), np.array(dup), np.array(exact), np.array(cand), np.array(home),
                   tuple(touches), tuple(missing))

    def subset(self, mask: np.ndarray) -> "PairSet":
        idx = np.flatnonzero(mask)
        return PairSet(tuple(self.labels[i] for i in idx), self.x[idx], self.duplicate[idx], self.exact[idx],
                       self.candidate[idx], self.home[idx], tuple(self.touches[i] for i in idx), ())

    def predicted(self, probability: np.ndarray, threshold: float) -> np.ndarray:
        return self.exact | (self.candidate & (probability >= threshold))


def _fit(pairs: PairSet) -> Logistic:
    return Logistic.fit_or_constant(pair_features.FEATURES, pairs.x, pairs.duplicate)


def _threshold(pairs: PairSet, probability: np.ndarray) -> float:
    judged = pairs.candidate & ~pairs.exact
    return best_cut(probability[judged], pairs.duplicate[judged], beta=BETA)


def _inner(pairs: PairSet) -> np.ndarray:
    """Each pair predicted by a model fitted on the pairs that touch none of its home commune."""
    def fit_predict(train_home: np.ndarray, test: np.ndarray) -> np.ndarray:
        group = pairs.home[test][0]
        train = np.array([group not in t for t in pairs.touches])
        return _fit(pairs.subset(train)).predict(pairs.x[test])
    return grouped_predictions(pairs.home, fit_predict)


def precision_recall(pairs: PairSet, probability: np.ndarray, recalls=CURVE_RECALLS) -> list[dict]:
    """Leave-one-commune-out precision at each recall: the best precision of any single cut on the
    pooled probabilities that finds that share of the duplicates (exact repeats always found, pairs
    under the candidate floors never), with the cut. None where no cut reaches the recall."""
    judged = pairs.candidate & ~pairs.exact
    found_always = int((pairs.exact & pairs.duplicate).sum())
    flagged_always = int(pairs.exact.sum())
    order = np.argsort(-probability[judged], kind="stable")
    hits = np.cumsum(pairs.duplicate[judged][order]) + found_always
    flagged = np.arange(1, len(order) + 1) + flagged_always
    total = max(int(pairs.duplicate.sum()), 1)
    out = []
    for recall in recalls:
        reach = np.flatnonzero(hits / total >= recall)
        if not reach.size:
            out.append({"recall": recall, "precision": None, "cut": None})
            continue
        k = reach[np.argmax(hits[reach] / flagged[reach])]
        out.append({"recall": recall, "precision": round(float(hits[k] / flagged[k]), 4),
                    "cut": round(float(probability[judged][order][k]), 4)})
    return out


def evaluate_pairs(pairs: PairSet) -> tuple[dict, PairModel]:
    """LOCO figures on the labelled pairs, and the pair model fitted on all of them (cut from LOCO)."""
    probability = np.full(len(pairs.labels), np.nan)
    predicted = np.zeros(len(pairs.labels), bool)
    for group in sorted(set(pairs.home.tolist())):
        test = pairs.home == group
        train = pairs.subset(np.array([group not in t for t in pairs.touches]))
        threshold = _threshold(train, _inner(train))
        probability[test] = _fit(train).predict(pairs.x[test])
        predicted[test] = pairs.subset(test).predicted(probability[test], threshold)
    figures = confusion(predicted, pairs.duplicate)
    negatives = ~pairs.duplicate
    labels = np.array([l.label for l in pairs.labels])
    out = {"pairs": int(len(pairs.labels)), "same": int(pairs.duplicate.sum()),
           "related": int((labels == "related").sum()), "different": int((labels == "different").sum()),
           "duplicate_precision": figures["precision"], "duplicate_recall": figures["recall"],
           "false_positives": figures["fp"], "hard_negatives_flagged": int((predicted & negatives).sum()),
           "not_candidates": int((pairs.duplicate & ~pairs.candidate & ~pairs.exact).sum()),
           "unresolved": len(pairs.unresolved), "curve": precision_recall(pairs, probability)}
    model = PairModel(_fit(pairs), _threshold(pairs, probability))
    return out, model
