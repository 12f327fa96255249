"""Peer coverage: every corpus plan's support, and its plan-by-plan cache (align/decide/cache.py)."""
import dataclasses
import json
import logging

import numpy as np

from align.decide.applicability import applicability
from align.decide.cache import CoverageCache, plan_key
from align.decide.evidence import score_plans
from align.decide.peers import corpus_coverage, coverage_keys, plan_communes, states, summarise
from align.types import COVERED, GAP, NOT_APPLICABLE, WEAK, PlanCoverage

from tests.handmade import MODEL, applicability_of, make_plan, make_ref

METHOD = "hybrid"


def _ref(session):
    return session.corpus.references()[0]


def _forget(key: str) -> None:
    CoverageCache().file.write("DELETE FROM plans WHERE key = ?", [(key,)])


def test_states_decide_each_clause_of_a_corpus_plan():
    ref = make_ref()
    support = np.array([0.1, 0.9, 0.4, 0.1, 0.1, 0.9], np.float32)       # IV.2, the last, is not for a commune
    plan = PlanCoverage("p", "t", 2, support)
    assert states(plan, MODEL, applicability_of(ref)) == [GAP, COVERED, WEAK, GAP, GAP, NOT_APPLICABLE]


def test_plan_communes_read_the_manifest_and_add_outside_plans(mini_session):
    outside = make_plan("xa-ngoai", ["Một việc."], commune="Xã Ngoài")
    communes = plan_communes(mini_session.corpus, [outside])
    assert communes == {"xa-an-phu": "An Phú", "xa-binh-minh": "Bình Minh", "xa-ngoai": "Xã Ngoài"}


def test_coverage_cache_round_trips_an_entry(tmp_path):
    cache = CoverageCache(tmp_path / "c.sqlite")
    cache.put_many({"k": PlanCoverage("p", "Kế hoạch", 3, np.array([0.25, 0.5], np.float32))})
    found = cache.get_many(["k", "other"])
    assert set(found) == {"k"} and (found["k"].plan_id, found["k"].title, found["k"].tasks) == ("p", "Kế hoạch", 3)
    assert found["k"].support.tolist() == [0.25, 0.5]


def test_coverage_cache_that_cannot_be_opened_is_logged_not_raised(tmp_path, caplog):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    cache = CoverageCache(tmp_path / "a-file" / "c.sqlite")
    with caplog.at_level(logging.WARNING):
        cache.put_many({"k": PlanCoverage("p", "t", 1, np.zeros(2, np.float32))})
        assert cache.get_many(["k"]) == {}
    assert "coverage cache" in caplog.text


def test_plan_key_changes_with_the_plans_fingerprint():
    assert plan_key("base", "a") != plan_key("base", "b") and plan_key("base", "a") == plan_key("base", "a")


def test_corpus_coverage_matches_fresh_support(mini_session):
    ref = _ref(mini_session)
    cached = corpus_coverage(mini_session, ref, METHOD)
    fresh = score_plans(mini_session.aligner, mini_session.corpus.plans(), ref, METHOD, mini_session.decisions.serves)
    assert set(cached) == set(fresh)
    for pid, ev in fresh.items():
        expected = summarise(ev, applicability(ref))
        assert np.allclose(cached[pid].support, expected.support, atol=1e-6) and cached[pid].tasks == len(ev.plan.tasks)


def test_corpus_coverage_reads_its_cache(mini_session):
    ref = _ref(mini_session)
    corpus_coverage(mini_session, ref, METHOD)
    key = coverage_keys(mini_session, ref, METHOD)["xa-an-phu"]
    CoverageCache().put_many({key: PlanCoverage("xa-an-phu", "t", 3, np.full(len(ref.clauses), 0.25, np.float32))})
    try:
        cached = corpus_coverage(mini_session, ref, METHOD)
        assert cached["xa-an-phu"].tasks == 3 and float(cached["xa-an-phu"].support[0]) == 0.25
    finally:
        _forget(key)


def _keys_with(session, ref, **changes):
    """The coverage keys with the session's decisions changed as given (restored after)."""
    decisions = session.decisions
    session.__dict__["decisions"] = dataclasses.replace(decisions, **changes)
    try:
        return coverage_keys(session, ref, METHOD)
    finally:
        session.__dict__["decisions"] = decisions


def test_coverage_keys_change_with_the_serves_model(mini_session):
    ref = _ref(mini_session)
    before = coverage_keys(mini_session, ref, METHOD)
    serves = mini_session.decisions.serves
    other = dataclasses.replace(serves, model=dataclasses.replace(serves.model, bias=serves.model.bias + 1.0))
    after = _keys_with(mini_session, ref, serves=other)
    assert set(before) == set(after) and all(before[p] != after[p] for p in before)


def test_coverage_keys_stay_when_only_the_cuts_change(mini_session):
    ref = _ref(mini_session)
    before = coverage_keys(mini_session, ref, METHOD)
    assert _keys_with(mini_session, ref, coverage=dataclasses.replace(mini_session.decisions.coverage,
                                                                      weak=0.123)) == before


def test_corpus_coverage_recomputes_with_an_unreadable_cache(mini_session):
    ref = _ref(mini_session)
    path = CoverageCache().path
    saved = path.read_bytes() if path.exists() else None
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database" * 100)
    try:
        assert set(corpus_coverage(mini_session, ref, METHOD)) == {"xa-an-phu", "xa-binh-minh"}
    finally:
        path.unlink()
        if saved is not None:
            path.write_bytes(saved)


def test_corpus_coverage_scores_only_new_plans(mini_corpus, tmp_path):
    """After a plan is added, the others come from the cache (a planted entry survives)."""
    from align.session import Session

    session = Session(mini_corpus, index_dir=tmp_path / "idx", progress=False)
    ref = _ref(session)
    key = coverage_keys(session, ref, METHOD)["xa-an-phu"]
    CoverageCache().put_many({key: PlanCoverage("xa-an-phu", "t", 7, np.zeros(len(ref.clauses), np.float32))})
    (mini_corpus / "communes" / "xa-moi.txt").write_text(
        "I. NHIỆM VỤ\n- Lắp wifi miễn phí tại nhà văn hóa thôn.\n", encoding="utf-8")
    manifest = json.loads((mini_corpus / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": "xa-moi", "path": "communes/xa-moi.txt", "kind": "commune-plan",
                                  "level": "commune", "title": "Xã Mới", "parents": ["ref-mini"]})
    (mini_corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    grown = Session(mini_corpus, index_dir=tmp_path / "idx", progress=False)
    try:
        coverage = corpus_coverage(grown, _ref(grown), METHOD)
        assert set(coverage) == {"xa-an-phu", "xa-binh-minh", "xa-moi"}
        assert coverage["xa-an-phu"].tasks == 7 and coverage["xa-moi"].tasks == 1
    finally:
        _forget(key)
