import numpy as np

from align.retrieval.crossref import cross_evidence, item_headings, mirrors
from align.retrieval.features import UnitView


def _clause(item, heading):
    return UnitView("x", heading, (), (), ("x",), item, "task")


NQ57 = [_clause("III.1", "Nâng cao nhận thức"), _clause("III.1", "Nâng cao nhận thức"),
        _clause("III.5", "Chuyển đổi số"), _clause("IV", "Tổ chức thực hiện")]
NQ03 = [_clause("P.II.1", "Nâng cao nhận thức"), _clause("PL2.I", "Nâng cao nhận thức"),
        _clause("P.II.5", "Chuyển đổi số"), _clause("PL2.V", "Chuyển đổi số")]


def test_item_headings_take_the_heading_most_clauses_carry():
    clauses = [_clause("PL1", "Đến năm 2030"), _clause("PL1", "Đến năm 2030"), _clause("PL1", "Đến năm 2045")]
    assert item_headings(clauses) == {"PL1": frozenset({"đến", "năm", "2030"})}


def test_mirrors_match_every_item_under_the_same_heading():
    assert mirrors(NQ57, NQ03) == {"III.1": ("P.II.1", "PL2.I"), "III.5": ("P.II.5", "PL2.V")}


def test_mirrors_ignore_items_whose_headings_differ():
    assert mirrors(NQ57[3:], NQ03) == {}


def test_cross_evidence_gives_each_clause_the_best_score_of_its_mirrored_items():
    scores = np.array([[3.0, 0.0, 1.0, 0.0]])       # the task scores best on NQ 03's item 1
    out = cross_evidence(scores, NQ03, NQ57)
    assert out.shape == (1, 4)
    assert out[0, 0] == out[0, 1] > out[0, 2]
    assert out[0, 3] == out[0].min()                 # no mirror: the task's lowest item score


def test_cross_evidence_is_zero_without_mirrored_items():
    assert not cross_evidence(np.ones((2, 4)), NQ03, NQ57[3:]).any()
