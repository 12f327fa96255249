import numpy as np
import pytest

from align.errors import PlanAlignError
from align.reports.gaps import (COMMUNE, GUIDANCE, NATIONAL, Threshold, applicable_level, coverage_threshold,
                                gap_report, text_level)
from align.retrieval.fusion import Fusion
from align.types import Clause

from .conftest import make_plan, scores_for, summaries

T = Threshold(0.5, "test")


def _report(small_corpus, threshold=T):
    plan, scores, communes = small_corpus
    return gap_report(scores[plan.id], summaries(scores), threshold, communes)


def _clause(report, clause_id):
    return next(c for c in report["clauses"] if c["clause_id"] == clause_id)


def test_coverage_threshold_prefers_override():
    assert coverage_threshold(Fusion.prior("m"), 0.7) == Threshold(0.7, "override")


def test_coverage_threshold_reads_fitted_value():
    fusion = Fusion.prior("m")
    fusion.meta["threshold"] = {"threshold": 0.37, "f1": 0.6}
    assert coverage_threshold(fusion).value == pytest.approx(0.37)


def test_coverage_threshold_falls_back_to_default_without_fit():
    th = coverage_threshold(Fusion.prior("m"))
    assert th.value == 0.5 and th.source.startswith("default")


def test_coverage_threshold_rejects_out_of_range_override():
    with pytest.raises(PlanAlignError):
        coverage_threshold(None, 1.5)


def test_gap_report_has_the_json_contract_keys(small_corpus):
    report = _report(small_corpus)
    assert {"plan", "ref", "threshold", "clauses", "items", "orphans"} <= set(report)
    for clause in report["clauses"]:
        assert {"clause_id", "heading", "text", "covered", "best_score", "tasks", "peer_coverage"} <= set(clause)
        assert all(set(t) >= {"id", "text", "score"} for t in clause["tasks"])


def test_gap_report_counts_a_score_equal_to_the_threshold_as_covered(small_corpus):
    assert _clause(_report(small_corpus, Threshold(0.7, "t")), "III.5.1")["covered"] is True
    assert _clause(_report(small_corpus, Threshold(0.7001, "t")), "III.5.1")["covered"] is False


def test_gap_report_lists_serving_tasks_best_first(small_corpus):
    tasks = _clause(_report(small_corpus), "III.5.1")["tasks"]
    assert [(t["id"], t["score"]) for t in tasks] == [("t2", pytest.approx(0.7)), ("t1", pytest.approx(0.55))]


def test_gap_report_gives_nearest_task_of_an_uncovered_clause(small_corpus):
    clause = _clause(_report(small_corpus), "III.7.1")
    assert clause["covered"] is False and clause["tasks"] == [] and clause["nearest"]["score"] < 0.5


def test_gap_report_peer_coverage_counts_only_other_communes(small_corpus):
    clause = _clause(_report(small_corpus), "III.1.2")
    assert clause["peer_coverage"] == 1 and clause["peers"] == ["xa-b-2026"]
    assert clause["same_commune"] == ["xa-a-khac"]


def test_gap_report_ranks_the_most_peer_covered_gap_first(ref):
    plan = make_plan("p", ["Một việc khác hẳn."])
    peers = {f"q{i}": make_plan(f"q{i}", ["Việc của xã bạn."]) for i in range(3)}
    scores = {"p": scores_for(plan, ref, {})}
    for i, (pid, doc) in enumerate(peers.items()):   # III.1.2 covered by all three peers, III.5.1 by one
        cells = {(0, "III.1.2"): 0.9} if i else {(0, "III.1.2"): 0.9, (0, "III.5.1"): 0.9}
        scores[pid] = scores_for(doc, ref, cells)
    report = gap_report(scores["p"], summaries(scores), T, {k: k for k in scores})
    ranked = [g["clause_id"] for g in report["gaps"]]
    assert ranked[:2] == ["III.1.2", "III.5.1"]
    assert _clause(report, "III.1.2")["gap_rank"] == 1


def test_gap_report_lists_orphan_tasks(small_corpus):
    orphans = _report(small_corpus)["orphans"]
    assert [o["id"] for o in orphans] == ["t3"] and orphans[0]["best_score"] == pytest.approx(0.1)


def test_gap_report_rolls_up_items_with_share_and_status(small_corpus):
    items = {i["item"]: i for i in _report(small_corpus)["items"]}
    assert (items["III.1"]["covered"], items["III.1"]["clauses"], items["III.1"]["status"]) == (1, 2, "partial")
    assert items["III.1"]["share"] == pytest.approx(0.5)
    assert items["III.5"]["status"] == "covered" and items["III.7"]["status"] == "gap"


def test_gap_report_keeps_non_commune_clauses_out_of_headline_gaps(small_corpus):
    report = _report(small_corpus)
    uncovered = {c["clause_id"]: c["level"] for c in report["clauses"] if not c["covered"]}
    assert uncovered == {"I.1": GUIDANCE, "III.1.2": COMMUNE, "III.7.1": COMMUNE, "IV.2": NATIONAL}
    assert report["summary"]["gaps"] == 2 and report["summary"]["gaps_not_applicable"] == 2
    assert [g["level"] for g in report["gaps"]][:2] == [COMMUNE, COMMUNE]


def test_gap_report_of_a_plan_without_tasks_covers_nothing(ref):
    empty = make_plan("empty", [])
    scores = {"empty": scores_for(empty, ref, {})}
    report = gap_report(scores["empty"], summaries(scores), T, {})
    assert report["summary"]["covered"] == 0 and report["orphans"] == []


@pytest.mark.parametrize("text", ["Đảng đoàn Quốc hội lãnh đạo rà soát các luật.",
                                  "Phát triển các phòng thí nghiệm trọng điểm quốc gia về công nghệ lõi.",
                                  "Văn phòng Trung ương Đảng theo dõi việc thực hiện.",
                                  "Quy mô kinh tế số đạt 30% GDP."])
def test_text_level_marks_national_clauses(text):
    assert text_level(Clause("r", "X.1", text, "h"))[0] == NATIONAL


@pytest.mark.parametrize("text", ["Quản lý nhà nước từ Trung ương đến địa phương trên môi trường số.",
                                  "Tuyên truyền pháp luật về an toàn thông tin cho người dân."])
def test_text_level_keeps_local_clauses_at_commune_level(text):
    assert text_level(Clause("r", "X.1", text, "h"))[0] == COMMUNE


def test_text_level_reads_only_the_first_sentence():
    clause = Clause("r", "X.1", "Nâng cao quản lý nhà nước ở cơ sở. Đầu tư cho Viện Hàn lâm.", "h")
    assert text_level(clause)[0] == COMMUNE


def test_applicable_level_most_peers_overrule_a_national_text():
    clause = Clause("r", "X.1", "Hoàn thiện quy định pháp luật về dữ liệu.", "h")
    assert applicable_level(clause, peers_covering=2, peers=4)[0] == NATIONAL
    assert applicable_level(clause, peers_covering=2, peers=2)[0] == NATIONAL
    level, reason = applicable_level(clause, peers_covering=3, peers=4)
    assert level == COMMUNE and "3 of 4" in reason


def test_plan_scores_best_is_zero_for_empty_plan(ref):
    assert np.array_equal(scores_for(make_plan("e", []), ref, {}).best, np.zeros(len(ref.clauses)))


def test_applicable_level_peers_demote_a_target_nobody_takes_up():
    target = Clause("r", "II.1.1", "Tỉ lệ người dân dùng dịch vụ số đạt mức cao.", "h", kind="target")
    assert applicable_level(target, peers_covering=0, peers=3)[0] == NATIONAL
    assert applicable_level(target, peers_covering=0, peers=2)[0] == COMMUNE
    assert applicable_level(target, peers_covering=1, peers=3)[0] == COMMUNE


# -- scoring through the aligner ------------------------------------------------------------------
def _real_report(session, plan_id, ref="nq57"):
    from align.reports.gaps import prepare_coverage

    cov = prepare_coverage(session, plan_id, ref)
    return gap_report(cov.target, cov.plans, cov.threshold, cov.communes)


def test_score_plans_in_one_chunk_matches_each_plan_alone(mini_session):
    from align.reports.gaps import score_plans

    ref = mini_session.corpus.references()[0]
    plans = mini_session.corpus.plans()
    together = score_plans(mini_session.aligner, plans, ref, "hybrid")
    for plan in plans:
        alone = score_plans(mini_session.aligner, [plan], ref, "hybrid")[plan.id]
        assert np.allclose(together[plan.id].scores, alone.scores, atol=1e-5)


def test_score_plans_columns_follow_the_reference_clauses(mini_session):
    from align.reports.gaps import score_plans

    ref = mini_session.corpus.references()[0]
    plan = mini_session.corpus.document("xa-an-phu")
    scores = score_plans(mini_session.aligner, [plan], ref, "hybrid")[plan.id].scores
    alignment = mini_session.aligner.align(plan, [ref], top_k=1)
    best = [item.matches[ref.id][0].clause_id for item in alignment.tasks]
    assert best == [ref.clauses[j].id for j in scores.argmax(axis=1)]


@pytest.mark.corpus
def test_binh_giang_science_plan_misses_international_cooperation(real_session):
    items = {i["item"]: i for i in _real_report(real_session, "binh-giang-khcn-2026")["items"]}
    assert items["III.7"]["covered"] == 0 and items["III.7"]["status"] == "gap"
    assert items["III.1"]["covered"] >= 1 and items["III.5"]["covered"] >= 1


@pytest.mark.corpus
def test_binh_giang_science_plan_peers_are_the_other_communes(real_session):
    report = _real_report(real_session, "binh-giang-khcn-2026")
    assert report["summary"]["peer_plans"] == 3
    assert all("binh-giang-nq57-2026" not in c["peers"] for c in report["clauses"])
    assert max(c["peer_coverage"] for c in report["clauses"]) <= 3


def test_corpus_coverage_matches_fresh_scores(mini_session):
    from align.reports.gaps import corpus_coverage, score_plans

    ref = mini_session.corpus.references()[0]
    cached = corpus_coverage(mini_session, ref, "hybrid")
    fresh = score_plans(mini_session.aligner, mini_session.corpus.plans(), ref, "hybrid")
    assert set(cached) == set(fresh)
    for pid, scores in fresh.items():
        assert np.allclose(cached[pid].best, scores.best, atol=1e-6) and cached[pid].tasks == len(scores.plan.tasks)


def _forget(key: str) -> None:
    """Drop a planted entry from the session's coverage cache."""
    import sqlite3
    from contextlib import closing

    from align.reports.coverage_cache import CoverageCache

    with closing(sqlite3.connect(CoverageCache().path)) as db, db:
        db.execute("DELETE FROM plans WHERE key = ?", (key,))


def test_corpus_coverage_reads_its_cache(mini_session):
    from align.reports.coverage_cache import CoverageCache
    from align.reports.gaps import PlanCoverage, corpus_coverage, coverage_keys

    ref = mini_session.corpus.references()[0]
    corpus_coverage(mini_session, ref, "hybrid")
    key = coverage_keys(mini_session, ref, "hybrid")["xa-an-phu"]
    planted = PlanCoverage("xa-an-phu", "t", 3, np.full(len(ref.clauses), 0.25, np.float32))
    CoverageCache().put_many({key: planted})
    try:
        cached = corpus_coverage(mini_session, ref, "hybrid")
        assert cached["xa-an-phu"].tasks == 3 and float(cached["xa-an-phu"].best[0]) == 0.25
    finally:
        _forget(key)


def test_corpus_coverage_recomputes_with_an_unreadable_cache(mini_session):
    from align.reports.coverage_cache import CoverageCache
    from align.reports.gaps import corpus_coverage

    ref = mini_session.corpus.references()[0]
    path = CoverageCache().path
    saved = path.read_bytes() if path.exists() else None
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    path.write_bytes(b"not a database" * 100)
    try:
        assert set(corpus_coverage(mini_session, ref, "hybrid")) == {"xa-an-phu", "xa-binh-minh"}
    finally:
        path.unlink()
        if saved is not None:
            path.write_bytes(saved)


def test_corpus_coverage_scores_only_new_plans(mini_corpus, tmp_path):
    """After a plan is added, the others come from the cache (a planted entry survives)."""
    import json

    from align.reports.coverage_cache import CoverageCache
    from align.reports.gaps import PlanCoverage, corpus_coverage, coverage_keys
    from align.session import Session

    session = Session(mini_corpus, index_dir=tmp_path / "idx", progress=False)
    ref = session.corpus.references()[0]
    key = coverage_keys(session, ref, "hybrid")["xa-an-phu"]
    CoverageCache().put_many({key: PlanCoverage("xa-an-phu", "t", 7, np.zeros(len(ref.clauses), np.float32))})
    (mini_corpus / "communes" / "xa-moi.txt").write_text(
        "I. NHIỆM VỤ\n- Lắp wifi miễn phí tại nhà văn hóa thôn.\n", encoding="utf-8")
    manifest = json.loads((mini_corpus / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"].append({"id": "xa-moi", "path": "communes/xa-moi.txt", "kind": "commune-plan",
                                  "level": "commune", "title": "Xã Mới", "parents": ["ref-mini"]})
    (mini_corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    grown = Session(mini_corpus, index_dir=tmp_path / "idx", progress=False)
    try:
        coverage = corpus_coverage(grown, grown.corpus.references()[0], "hybrid")
        assert set(coverage) == {"xa-an-phu", "xa-binh-minh", "xa-moi"}
        assert coverage["xa-an-phu"].tasks == 7 and coverage["xa-moi"].tasks == 1
    finally:
        _forget(key)


def test_prepare_coverage_adds_a_plan_outside_the_corpus(mini_session, tmp_path):
    from align.reports.gaps import prepare_coverage

    path = tmp_path / "xa-moi.txt"
    path.write_text("I. NHIỆM VỤ\n- Tuyên truyền chuyển đổi số trên loa truyền thanh.\n", encoding="utf-8")
    cov = prepare_coverage(mini_session, str(path), "ref-mini")
    assert cov.target.plan.id == "xa-moi" and set(cov.plans) == {"xa-an-phu", "xa-binh-minh", "xa-moi"}
    report = gap_report(cov.target, cov.plans, cov.threshold, cov.communes)
    assert report["summary"]["peer_plans"] == 2


def test_clause_rows_show_the_best_tasks_then_how_many_more(ref):
    from align.reports.gaps import TASKS_SHOWN, clause_rows

    plan = make_plan("p", [f"Việc số {i}." for i in range(TASKS_SHOWN + 2)])
    scores = scores_for(plan, ref, {(i, "III.1.1"): 0.9 - i / 100 for i in range(TASKS_SHOWN + 2)})
    row = clause_rows(gap_report(scores, summaries({"p": scores}), T, {}))[1]
    assert row["tasks"][0] == "t1 (0.90)" and row["tasks"][-1] == "+2 more" and row["covered"] == "yes"
