"""Hand-made assessments for the report tests: evidence matrices of tests/handmade.py, decided by the
real decision code with the hand-set cuts there (our own words, not the corpus)."""
from __future__ import annotations

import numpy as np
import pytest

from align.corpus_index import task_records
from align.decide import coverage, orphans
from align.decide.actors import actor_masks
from align.decide.assess import Assessment
from align.decide.duplicates import WITHIN_FLOOR, find_pairs
from align.decide.models import Decisions
from align.decide.peers import summarise
from align.index import VectorStore
from align.reports.gaps import gap_report
from align.reports.matrix import coverage_matrix
from align.reports.review import assemble_review
from align.types import Document

from tests.handmade import MODEL, ORPHANS, applicability_of, evidence_for, make_plan, make_ref


def assessment(plan: Document, evidence: dict, communes: dict[str, str], extra: tuple = ()) -> Assessment:
    """What `assess` returns for `plan`, from the evidence of every corpus plan (`evidence[plan.id]` is the
    plan's) and of the plan against the other references in scope (`extra`)."""
    ev = evidence[plan.id]
    rules = tuple(applicability_of(ev.ref))
    scope = (ev, *extra)
    clauses = tuple(coverage.decide(ev, MODEL, rules, None, actor_masks(plan, ev.ref, rules)))
    return Assessment(plan, ev.ref, "hybrid", ev, scope, MODEL, "test", clauses, tuple(orphans.decide(scope, ORPHANS)),
                      {pid: summarise(e, rules) for pid, e in evidence.items()}, communes, rules)


@pytest.fixture()
def ref() -> Document:
    return make_ref()


CELLS = {(0, "III.1.1"): 0.9, (1, "III.5.1"): 0.3, (0, "III.5.1"): 0.2}     # III.5.1: support 0.45, weak
PLAN_TEXTS = ["Tuyên truyền về chuyển đổi số cho người dân.", "Số hóa hồ sơ thủ tục hành chính.",
              "Sửa chữa trụ sở làm việc."]


@pytest.fixture()
def small_corpus(ref):
    """A plan under review, a peer in another commune and a sibling plan of the same commune.

    The plan covers III.1.1 (t1), covers III.5.1 weakly (t2, and t1 a little), leaves I.1, III.1.2 and
    III.7.1 as gaps, cannot act on IV.2, and t3 serves nothing.
    """
    plan = make_plan("xa-a-2026", PLAN_TEXTS, "Xã A")
    peer = make_plan("xa-b-2026", ["Phát động học tập kỹ năng số.", "Hợp tác với đối tác nước ngoài."], "Xã B")
    sibling = make_plan("xa-a-khac", ["Học tập kỹ năng số trong thôn."], "Xã A")
    evidence = {
        plan.id: evidence_for(plan, ref, CELLS),
        peer.id: evidence_for(peer, ref, {(0, "III.1.2"): 0.8, (1, "III.7.1"): 0.7}),
        sibling.id: evidence_for(sibling, ref, {(0, "III.1.2"): 0.75}),
    }
    communes = {plan.id: "Xã A", peer.id: "Xã B", sibling.id: "Xã A"}
    return plan, evidence, communes


@pytest.fixture()
def small_assessment(small_corpus):
    plan, evidence, communes = small_corpus
    return assessment(plan, evidence, communes)


HOSTILE = 'Lắp <script>alert("x")</script> camera & "đèn" ở thôn Đông'


@pytest.fixture()
def review(small_corpus, ref):
    """The small corpus's plan with two more tasks: a hostile text and its exact repeat (orphans both)."""
    _, evidence, communes = small_corpus
    plan = make_plan("xa-a-2026", PLAN_TEXTS + [HOSTILE, HOSTILE.lower()], "Xã A")
    evidence = dict(evidence, **{plan.id: evidence_for(plan, ref, CELLS)})
    second = evidence_for(plan, make_ref("ref2"), {(0, "III.7.1"): 0.3})
    a = assessment(plan, evidence, communes, (second,))
    records = task_records(plan)
    vectors = np.eye(len(records), 8, dtype=np.float32)
    vectors[-1] = vectors[-2]
    pairs = find_pairs(records, vectors, VectorStore.build(records, vectors, "m"), lambda x, y: True,
                       Decisions.prior("m").duplicates, {}, WITHIN_FLOOR)
    matrix = coverage_matrix({pid: summarise(ev, applicability_of(ref)) for pid, ev in evidence.items()}, ref, MODEL, a.applicability,
                             communes, plan.id)
    return assemble_review(gap_report(a), a, pairs, matrix, "m")
