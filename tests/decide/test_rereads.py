import json

import pytest

from align.decide.labels import CoverageLabel, PairLabel
from align.decide.rereads import (SecondReading, agreement, pair_key, read_coverage_rereads,
                                  read_pair_rereads)
from align.errors import EvalError

PAIRS = [PairLabel(("p", "thu gom rác", None), ("p", "thu gom rác thải", None), "same", "near"),
         PairLabel(("p", "họp dân", None), ("q", "họp tổ dân phố", 2), "related", "different")]
COVERAGE = [CoverageLabel("p", "III.1.1", "gap"), CoverageLabel("p", "PL2.7", "covered", ref="nq03")]


def _write(tmp_path, rows, name="reread.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _pair_row(line, first="same", second="same", final=None):
    final = final or PAIRS[line - 1].label
    return {"line": line, "pair": pair_key(PAIRS[line - 1]), "first": first, "second": second, "final": final}


def _readings(pairs):
    return [SecondReading("g", first, second, first) for first, second in pairs]


def test_pair_key_differs_when_an_anchor_or_occurrence_differs():
    moved = PairLabel(("p", "họp dân", None), ("q", "họp tổ dân phố", 3), "related")
    assert len({pair_key(PAIRS[0]), pair_key(PAIRS[1]), pair_key(moved)}) == 3


def test_read_pair_rereads_groups_pairs_inside_a_plan_and_across_plans(tmp_path):
    path = _write(tmp_path, [_pair_row(1), _pair_row(2, "related", "same")])
    assert read_pair_rereads(path, PAIRS) == [SecondReading("within a plan", "same", "same", "same"),
                                              SecondReading("across plans", "related", "same", "related")]


def test_read_pair_rereads_rejects_a_line_that_now_holds_another_pair(tmp_path):
    row = {**_pair_row(1), "pair": pair_key(PAIRS[1])}
    with pytest.raises(EvalError, match="reread.jsonl:1.*another pair"):
        read_pair_rereads(_write(tmp_path, [row]), PAIRS)


def test_read_pair_rereads_rejects_a_line_past_the_labels(tmp_path):
    row = {**_pair_row(1), "line": 3}
    with pytest.raises(EvalError, match="reread.jsonl:1.*line 3"):
        read_pair_rereads(_write(tmp_path, [row]), PAIRS)


def test_read_pair_rereads_rejects_a_final_label_the_labels_no_longer_hold(tmp_path):
    with pytest.raises(EvalError, match="not the label held now"):
        read_pair_rereads(_write(tmp_path, [_pair_row(1, final="related")]), PAIRS)


def test_read_pair_rereads_rejects_an_unknown_label(tmp_path):
    with pytest.raises(EvalError, match="unknown second label 'similar'"):
        read_pair_rereads(_write(tmp_path, [_pair_row(1, second="similar")]), PAIRS)


def test_read_coverage_rereads_finds_the_label_by_plan_reference_and_clause(tmp_path):
    row = {"plan": "p", "ref": "nq03", "clause": "PL2.7", "first": "covered", "second": "gap", "final": "covered"}
    assert read_coverage_rereads(_write(tmp_path, [row]), COVERAGE) == [
        SecondReading("coverage", "covered", "gap", "covered")]


def test_read_coverage_rereads_rejects_a_clause_without_a_label(tmp_path):
    row = {"plan": "p", "ref": "nq03", "clause": "III.1.1", "first": "gap", "second": "gap", "final": "gap"}
    with pytest.raises(EvalError, match="reread.jsonl:1.*no coverage label for p/nq03/III.1.1"):
        read_coverage_rereads(_write(tmp_path, [row]), COVERAGE)


def test_agreement_is_one_when_the_readings_match():
    figures = agreement(_readings([("same", "same"), ("related", "related"), ("related", "different")]), "same")
    assert (figures["agreement"], figures["kappa"], figures["precision"], figures["recall"]) == (1.0, 1.0, 1.0, 1.0)


def test_agreement_kappa_is_zero_when_the_readings_agree_only_by_chance():
    pairs = [("same", "same"), ("same", "related"), ("related", "same"), ("related", "related")]
    figures = agreement(_readings(pairs), "same")
    assert (figures["agreement"], figures["kappa"]) == (0.5, 0.0)


def test_agreement_scores_the_second_reading_against_the_first():
    pairs = [("gap", "gap"), ("gap", "covered"), ("covered", "gap"), ("covered", "gap"), ("covered", "covered")]
    figures = agreement(_readings(pairs), "gap")
    assert (figures["precision"], figures["recall"], figures["first_only"], figures["second_only"]) == (
        round(1 / 3, 4), 0.5, 1, 2)


def test_agreement_of_nothing_read_twice_has_no_figures():
    assert agreement([], "same")["kappa"] is None
