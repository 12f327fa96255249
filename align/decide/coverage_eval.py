"""The coverage decisions scored against the coverage labels, leave-one-commune-out, and the cuts in use.

Each commune's states come from models that never saw its labels, with cuts chosen on predictions
for the other communes by models that saw neither them nor it (nested leave-one-out); the cuts in
use are chosen on those leave-one-commune-out predictions of every commune. Split from
align/decide/evaluate.py, which loads the labelled corpus (`LabelledCorpus`) these functions read.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Sequence

import numpy as np

from align.decide.actors import actor_masks
from align.decide.applicability import applicability
from align.decide.coverage import CoverageModel, support
from align.decide.logistic import best_cut, confusion
from align.types import COVERED, GAP, NOT_APPLICABLE, WEAK, Document

if TYPE_CHECKING:
    from align.decide.evaluate import LabelledCorpus

GAP_PRECISION = 0.8         # the gap cut is the best F1 among cuts at least this precise
NOTHING = float(np.nextafter(0.0, 1.0))     # the gap cut that flags only a support of exactly 0


def youden_cut(scores: np.ndarray, actual: np.ndarray) -> float:
    """The cut maximising true minus false positive rate (balanced: fit for a rare class either way)."""
    if actual.all() or not actual.any():
        return float(scores.min()) if actual.all() else float(scores.max()) + 1e-6
    best, best_j = float(scores.min()), -1.0
    for cut in np.unique(scores):
        above = scores >= cut
        j = above[actual].mean() - above[~actual].mean()
        if j > best_j:
            best, best_j = float(cut), j
    return best


def coverage_cuts(values: np.ndarray, labels: Sequence) -> CoverageModel:
    """Gaps below `weak` (best gap F1 among cuts precise enough), clear coverage from `covered`
    (the cut that best tells clear coverage from borderline coverage and gaps)."""
    kept = [(v, l) for v, l in zip(values, labels) if l.status != "na"]
    v = np.array([x for x, _ in kept])
    gap = np.array([l.status == "gap" for _, l in kept])
    clear = np.array([l.status == "covered" and not l.borderline for _, l in kept])
    weak = -best_cut(-v, gap, beta=1.0, min_precision=GAP_PRECISION) if gap.any() else NOTHING
    if not (v < weak).any():
        # No cut is precise enough on these labels (or none is a gap): then only a clause nothing
        # can support at all (support 0: no task of the actors it names) is a gap, never one that
        # merely scores below every labelled pair. A reviewer is better told nothing than told wrong.
        weak = NOTHING
    return CoverageModel(float(weak), float(max(youden_cut(v, clear), weak)))


def general_support(corpus: LabelledCorpus, labels) -> list[tuple[object, float]]:
    """The LOCO (label, support) pairs as a reference without coverage labels in the memory gets them (the
    serves model's `general` part), for the cuts such a reference takes."""
    general = dataclasses.replace(corpus, memory=corpus.memory.with_covers({}), _models={}, _scored={})
    return evaluate_coverage(general, labels, by_reference=False)[1]


def deployed_cuts(loco: Sequence[tuple[object, float]]) -> CoverageModel:
    """The cuts in use, chosen on the leave-one-commune-out (label, support) pairs."""
    return coverage_cuts(np.array([v for _, v in loco]), [l for l, _ in loco])


def coverage_support(corpus: LabelledCorpus, labels, without: frozenset[str], plans: Sequence[str],
                     ref: Document) -> list[tuple[str, object, float]]:
    """(plan, label, support) of every label of `plans` on `ref`, from models fitted without `without`."""
    order = {c.id: j for j, c in enumerate(ref.clauses)}
    rules = applicability(ref)
    out = []
    for pid in plans:
        if (pid, ref.id) not in corpus.pairs:
            continue
        values = support(corpus.evidence(without, pid, ref), actor_masks(corpus.plans[pid], ref, rules), rules)
        out += [(pid, l, float(values[order[l.clause]])) for l in labels
                if l.plan == pid and l.ref == ref.id and l.clause in order]
    return out


def labelled_refs(corpus: LabelledCorpus, labels) -> list[Document]:
    """The references the coverage labels judge, in the corpus's order."""
    return [r for r in corpus.refs if any(l.ref == r.id for l in labels)]


def clause_rules(refs: Sequence[Document]) -> dict[tuple[str, str], object]:
    """(reference, clause) -> its applicability."""
    return {(r.id, a.clause_id): a for r in refs for a in applicability(r)}


def evaluate_coverage(corpus: LabelledCorpus, labels, by_reference: bool = True) -> tuple[list, list]:
    """Every labelled pair with its LOCO support and predicted state; and the LOCO (label, support) pairs.

    Each labelled reference gets its own cuts, as in use (`Decisions.coverage_for`); without
    `by_reference` one pair of cuts serves every reference, as for a reference a user adds."""
    refs = labelled_refs(corpus, labels)
    rules = clause_rules(refs)
    labelled = sorted({l.plan for l in labels} & set(corpus.plans))
    predicted, loco = [], []
    for group in corpus.communes:
        test = [p for p in labelled if corpus.groups[p] == group]
        inner = [x for h in corpus.communes if h != group for ref in refs
                 for x in coverage_support(corpus, labels, frozenset({group, h}),
                                           [p for p in labelled if corpus.groups[p] == h], ref)]
        if not test or not inner:
            continue
        for ref in refs:
            own = [x for x in inner if x[1].ref == ref.id] if by_reference else inner
            cuts = coverage_cuts(np.array([s for _, _, s in own]), [l for _, l, _ in own])
            for pid, label, value in coverage_support(corpus, labels, frozenset({group}), test, ref):
                predicted.append((pid, label, cuts.status(value, rules[(ref.id, label.clause)].commune)))
                loco.append((label, value))
    return predicted, loco


def coverage_figures(predicted: Sequence[tuple[str, object, str]], rules) -> dict:
    """Gap precision and recall, covered recall, weak share, false gaps per plan, central clauses as gaps.
    `rules`: (reference, clause) -> applicability."""
    status = np.array([l.status for _, l, _ in predicted])
    state = np.array([s for _, _, s in predicted])
    plans = np.array([p for p, _, _ in predicted])
    gap = confusion(state == GAP, status == "gap")
    covered = status == "covered"
    applicable = state != NOT_APPLICABLE
    false_gaps = {p: int(((state == GAP) & (status != "gap") & (plans == p)).sum()) for p in sorted(set(plans))}
    central = {key for key, a in rules.items() if not a.commune}
    return {"pairs": int(len(status)), "gap_precision": gap["precision"], "gap_recall": gap["recall"],
            "gaps_labelled": int((status == "gap").sum()), "gaps_reported": int((state == GAP).sum()),
            "covered_recall": _share(np.isin(state, [COVERED, WEAK])[covered]),
            "covered_clear_recall": _share((state == COVERED)[covered]),
            "weak_share": _share((state == WEAK)[applicable]),
            "false_gaps_per_plan": false_gaps, "max_false_gaps": max(false_gaps.values(), default=0),
            "central_gaps": int(sum(1 for (_, l, s) in predicted if s == GAP and (l.ref, l.clause) in central)),
            "applicability_agreement": _share((status == "na") == (state == NOT_APPLICABLE))}


def _share(mask: np.ndarray) -> float | None:
    return round(float(mask.mean()), 4) if len(mask) else None
