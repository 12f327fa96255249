"""align.decide.coverage_eval: the coverage figures, per reference."""
from align.decide.coverage_eval import coverage_figures
from align.decide.labels import CoverageLabel
from align.types import GAP, Applicability


def test_coverage_figures_count_a_central_gap_only_in_its_own_reference():
    rules = {("a", "II.1"): Applicability("II.1", "central", False, "named body"),
             ("b", "II.1"): Applicability("II.1", "communes", True, "any commune")}
    predicted = [("p", CoverageLabel("p", "II.1", "gap", ref="b"), GAP)]
    assert coverage_figures(predicted, rules)["central_gaps"] == 0


def test_coverage_figures_count_a_gap_on_a_central_clause():
    rules = {("a", "II.1"): Applicability("II.1", "central", False, "named body")}
    predicted = [("p", CoverageLabel("p", "II.1", "na", ref="a"), GAP)]
    assert coverage_figures(predicted, rules)["central_gaps"] == 1
