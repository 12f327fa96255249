"""Everything a reviewer decides about one plan against one reference, in one record.

`assess` scores the plan against every reference in scope (orphans are judged against all
of them), decides each clause of the reference (covered, weak, gap, not applicable), finds
the orphan tasks, and gathers every corpus plan's support for peer coverage. The reports
(align/reports/gaps.py, review.py, matrix.py) only render what it returns. `assess_orphans`
is its first half alone: the scores in scope and the orphan decision, without the clauses'
states or the peers (which score every plan of the corpus), for a caller that wants orphans only.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping

from align.decide import coverage, orphans
from align.decide.actors import actor_masks
from align.decide.applicability import applicability
from align.decide.coverage import CoverageModel
from align.decide.evidence import PlanEvidence, score_plans
from align.decide.peers import corpus_coverage, plan_communes, summarise
from align.errors import PlanAlignError
from align.types import Applicability, ClauseDecision, Document, OrphanDecision, PlanCoverage, ReviewDecision


@dataclass(frozen=True, eq=False)
class Assessment:
    plan: Document
    ref: Document
    method: str
    evidence: PlanEvidence                  # the plan against `ref`
    scope: tuple[PlanEvidence, ...]         # the plan against every reference in scope
    model: CoverageModel                    # the cuts in force
    cut_source: str
    clauses: tuple[ClauseDecision, ...]     # in the reference's order
    orphans: tuple[OrphanDecision, ...]
    peers: dict[str, PlanCoverage]          # every corpus plan, and the plan itself when outside the corpus
    communes: dict[str, str]
    applicability: tuple[Applicability, ...]
    reviewed: frozenset[str] = frozenset()  # tasks a reviewer's decision in force applies to
    stale: tuple[ReviewDecision, ...] = ()  # decisions whose task's text is no longer in the plan


@dataclass(frozen=True, eq=False)
class OrphanAssessment:
    """The orphans of a plan and the scores they were judged on; `ref` is the reference named first."""

    plan: Document
    ref: Document
    method: str
    scope: tuple[PlanEvidence, ...]         # the plan against every reference in scope
    orphans: tuple[OrphanDecision, ...]
    stale: tuple[ReviewDecision, ...] = ()


def coverage_model(session, ref_id: str, cut: float | None = None) -> tuple[CoverageModel, str]:
    """The coverage model in force for the reference `ref_id`, with `cut` (when given) as the support below
    which a clause is a gap."""
    model = session.decisions.coverage_for(ref_id)
    fitted = "fitted on eval/coverage_labels.jsonl" if session.decisions.meta.get("fitted") else "prior (unfitted)"
    if cut is None:
        return model, fitted
    if not 0.0 <= cut <= 1.0:
        raise PlanAlignError(f"threshold {cut} is not between 0 and 1")
    return dataclasses.replace(model, weak=cut, covered=max(cut, model.covered)), "override"


def assess(session, plan: str | Document, ref_id: str, method: str | None = None,
           cut: float | None = None, reviews: Mapping[tuple[str, str], ReviewDecision] | None = None) -> Assessment:
    """Decisions for `plan` (a corpus id, a file path or a Document) against the reference `ref_id`.

    `reviews` (the decisions in force for the plan, `ReviewStore.current`) override the model
    (align/decide/reviewed.py)."""
    from align.decide import reviewed

    document, ref, method, placed, stale = _inputs(session, plan, ref_id, method, reviews)
    scope = _scope(session, document, method, placed)
    evidence = next(ev for ev in scope if ev.ref.id == ref.id)
    model, source = coverage_model(session, ref.id, cut)
    rules = tuple(applicability(ref))
    pairs = reviewed.chosen_pairs(evidence, placed)
    actors = reviewed.unmask(actor_masks(document, ref, rules), pairs)
    clauses = reviewed.mark_clauses(coverage.decide(evidence, model, rules, session.aligner.clause_idf(), actors),
                                    evidence, pairs)
    found = _orphans(session, scope, placed)
    peers = dict(corpus_coverage(session, ref, method))
    if placed or document.id not in peers:
        peers[document.id] = summarise(evidence, rules)
    return Assessment(document, ref, method, evidence, scope, model, source, clauses, found, peers,
                      plan_communes(session.corpus, [document]), rules,
                      frozenset(document.tasks[row].id for row, _ in placed), tuple(stale))


def assess_orphans(session, plan: str | Document, ref_id: str, method: str | None = None,
                   reviews: Mapping[tuple[str, str], ReviewDecision] | None = None) -> OrphanAssessment:
    """The orphans `assess` would find for `plan`, from the plan's scores alone (no clause states, no peers)."""
    document, ref, method, placed, stale = _inputs(session, plan, ref_id, method, reviews)
    scope = _scope(session, document, method, placed)
    return OrphanAssessment(document, ref, method, scope, _orphans(session, scope, placed), tuple(stale))


def _inputs(session, plan, ref_id: str, method: str | None, reviews):
    """The plan's Document, the reference, the method, and the reviewers' decisions placed on the plan's rows."""
    from align.align import DEFAULT_METHOD
    from align.reviews import for_plan

    document = plan if isinstance(plan, Document) else session.corpus.resolve(plan)
    ref = session.corpus.references([ref_id])[0]
    placed, stale = for_plan(reviews or {}, document)
    return document, ref, method or DEFAULT_METHOD, placed, stale


def _scope(session, document: Document, method: str, placed) -> tuple[PlanEvidence, ...]:
    """The plan scored against every reference of the corpus, with the reviewers' decisions written in."""
    from align.decide import reviewed

    serves = session.decisions.serves
    return tuple(reviewed.override(score_plans(session.aligner, [document], r, method, serves)[document.id], placed)
                 for r in session.corpus.references(None))


def _orphans(session, scope: tuple[PlanEvidence, ...], placed) -> tuple[OrphanDecision, ...]:
    from align.decide import reviewed

    return reviewed.mark_orphans(orphans.decide(scope, session.decisions.orphans), scope, placed)
