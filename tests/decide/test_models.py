import dataclasses
import json

import numpy as np
import pytest

from align.decide.coverage import CoverageModel
from align.decide.models import FORMAT_VERSION, Decisions, load_decisions, save_decisions
from align.errors import ModelError
from align.retrieval.features import FEATURES as PAIR_FEATURES
from align.retrieval.memory import COVERAGE_FEATURES


def _fitted(model_id: str, weak: float) -> Decisions:
    prior = Decisions.prior(model_id)
    return dataclasses.replace(prior, coverage=dataclasses.replace(prior.coverage, weak=weak), meta={"fitted": True})


def test_decisions_save_and_load_round_trip(tmp_path):
    path = tmp_path / "decisions.json"
    save_decisions([_fitted("m", 0.12)], path)
    loaded = load_decisions("m", path)
    assert loaded.to_json() == _fitted("m", 0.12).to_json()


def test_decisions_round_trip_keeps_each_references_own_cuts(tmp_path):
    own = dataclasses.replace(_fitted("m", 0.12), coverage_refs={"nq03": CoverageModel(0.3, 0.8)})
    save_decisions([own], tmp_path / "decisions.json")
    assert load_decisions("m", tmp_path / "decisions.json").coverage_for("nq03") == CoverageModel(0.3, 0.8)


def test_decisions_coverage_for_a_reference_without_its_own_cuts_is_the_general_one():
    own = dataclasses.replace(_fitted("m", 0.12), coverage_refs={"nq03": CoverageModel(0.3, 0.8)})
    assert own.coverage_for("province-plan") == own.coverage


def test_decisions_from_json_of_an_entry_without_reference_cuts_has_none():
    data = _fitted("m", 0.12).to_json()
    del data["coverage_by_ref"]
    assert Decisions.from_json(data).coverage_refs == {}


def test_save_decisions_keeps_the_entries_of_other_models(tmp_path):
    path = tmp_path / "decisions.json"
    save_decisions([_fitted("m1", 0.1)], path)
    save_decisions([_fitted("m2", 0.2)], path)
    assert load_decisions("m1", path).coverage.weak == 0.1 and load_decisions("m2", path).coverage.weak == 0.2


def test_save_decisions_writes_its_format_version(tmp_path):
    path = tmp_path / "decisions.json"
    save_decisions([_fitted("m", 0.1)], path)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT_VERSION


def test_load_decisions_refuses_another_format_version(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps({"format": FORMAT_VERSION + 1, "models": []}), encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        load_decisions("m", path)


def test_load_decisions_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "decisions.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        load_decisions("m", path)


def test_load_decisions_falls_back_to_the_priors_without_a_file(tmp_path):
    loaded = load_decisions("m", tmp_path / "missing.json")
    assert loaded.meta == {"fitted": False} and loaded.to_json() == Decisions.prior("m").to_json()


def test_load_decisions_uses_the_first_entry_for_an_unknown_model(tmp_path):
    path = tmp_path / "decisions.json"
    save_decisions([_fitted("m1", 0.1)], path)
    assert load_decisions("other", path).model_id == "m1"


def test_decisions_from_json_refuses_a_malformed_entry():
    with pytest.raises(ModelError, match="malformed"):
        Decisions.from_json({"model_id": "m", "coverage": {}})


def test_decisions_prior_serves_the_clause_each_task_ranks_first():
    rank_scores = np.array([[0.9, 0.5, 0.1], [0.2, 0.8, 0.4]])
    features = {name: np.zeros_like(rank_scores) for name in (*PAIR_FEATURES, *COVERAGE_FEATURES)}
    p = Decisions.prior("m").serves.predict(features, rank_scores)
    assert (p[[0, 1], [0, 1]] > 0.5).all() and (p[[0, 0, 1, 1], [1, 2, 0, 2]] < 0.5).all()


def test_decisions_prior_cuts_are_ordered():
    prior = Decisions.prior("m")
    assert 0.0 < prior.coverage.weak < prior.coverage.covered <= 1.0 and 0.0 < prior.orphans.threshold <= 1.0
