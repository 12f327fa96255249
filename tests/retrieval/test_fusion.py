import numpy as np
import pytest

from align.errors import ModelError
from align.retrieval.features import FEATURES
from align.retrieval.fusion import METHODS, Fusion, load_fusion, save_fusions, standardise_rows


def _groups(n=40, clauses=12, seed=0):
    """Tasks whose correct clause has higher `dense` and `bm25`; other features are noise."""
    rng = np.random.default_rng(seed)
    groups = []
    for _ in range(n):
        labels = np.zeros(clauses, int)
        labels[rng.integers(clauses)] = 1
        feats = {name: rng.random(clauses) for name in FEATURES}
        feats["dense"] = feats["dense"] * 0.3 + labels * 0.5
        feats["bm25"] = feats["bm25"] * 0.5 + labels * 0.4
        groups.append((feats, labels))
    return groups


def test_standardise_rows_zero_mean_unit_std():
    z = standardise_rows(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 8.0]]))
    assert np.allclose(z.mean(axis=1), 0) and np.allclose(z.std(axis=1), 1, atol=1e-4)


def test_fusion_fit_ranks_correct_clause_first():
    fusion = Fusion.fit("m", _groups())
    feats, labels = _groups(n=1, seed=7)[0]
    scores = fusion.score("hybrid", {k: v[None, :] for k, v in feats.items()})[0]
    assert labels[int(np.argmax(scores))] == 1


def test_fusion_fit_puts_weight_on_informative_features():
    weights = dict(zip(FEATURES, Fusion.fit("m", _groups()).scorers["hybrid"].weights))
    assert weights["dense"] > abs(weights["ctx_overlap"]) and weights["bm25"] > abs(weights["ctx_overlap"])


def test_fusion_scores_are_probabilities_keeping_component_order():
    fusion = Fusion.fit("m", _groups())
    feats = {k: v[None, :] for k, v in _groups(n=1, seed=3)[0][0].items()}
    scores = fusion.score("dense", feats)[0]
    assert ((0 <= scores) & (scores <= 1)).all()
    assert np.array_equal(np.argsort(scores), np.argsort(feats["dense"][0]))


def test_fusion_json_round_trip_scores_identically():
    fusion = Fusion.fit("m", _groups())
    again = Fusion.from_json(fusion.to_json())
    feats = {k: v[None, :] for k, v in _groups(n=1, seed=5)[0][0].items()}
    for method in METHODS:
        assert np.allclose(fusion.score(method, feats), again.score(method, feats))


def test_fusion_unknown_method_raises():
    with pytest.raises(ModelError):
        Fusion.prior("m").score("magic", {k: np.zeros((1, 2)) for k in FEATURES})


def test_save_fusions_keeps_other_models(tmp_path):
    path = tmp_path / "fusion.json"
    save_fusions([Fusion.prior("a")], path)
    save_fusions([Fusion.fit("b", _groups())], path)
    assert load_fusion("a", path).model_id == "a" and load_fusion("b", path).meta["fitted"]


def test_load_fusion_without_file_is_prior(tmp_path):
    assert load_fusion("x", tmp_path / "none.json").meta == {"fitted": False}


def test_load_fusion_from_a_data_dir_lacking_the_model_takes_its_shipped_entry(tmp_path):
    from align.fitted import read_entries
    from align.paths import SHIPPED_DATA
    from align.retrieval.fusion import FUSION_FILE

    shipped = read_entries(SHIPPED_DATA / FUSION_FILE, "fusion weights")[0]["model_id"]
    save_fusions([Fusion.prior("a user's own model")], tmp_path / FUSION_FILE)
    loaded = load_fusion(shipped, data_dir=tmp_path)
    assert (loaded.model_id, loaded.meta["fitted"]) == (shipped, True)


def _with_prior(groups, seed=1):
    """Half the tasks have a clause-level prior pointing at the correct clause, half none (zeros)."""
    rng = np.random.default_rng(seed)
    out = []
    for i, (feats, labels) in enumerate(groups):
        feats = dict(feats)
        feats["applicable"] = np.where(labels == 1, 1.0, rng.random(len(labels)) < 0.3).astype(float) \
            if i % 2 else np.zeros(len(labels))
        out.append((feats, labels))
    return out


def test_fusion_fit_gives_a_prior_weight_that_follows_the_correct_clause():
    weights = dict(zip(FEATURES, Fusion.fit("m", _with_prior(_groups())).scorers["hybrid"].weights))
    assert weights["applicable"] > 0


def test_fusion_fit_of_a_prior_leaves_the_other_weights_as_without_it():
    groups = _with_prior(_groups())
    without = [f for f in FEATURES if f != "applicable"]
    alone = dict(zip(without, Fusion.fit("m", groups, features=without).scorers["hybrid"].weights))
    both = dict(zip(FEATURES, Fusion.fit("m", groups).scorers["hybrid"].weights))
    assert all(np.isclose(both[f], alone[f]) for f in without)


def test_fusion_score_plan_moves_only_the_hybrid_ranker_of_a_reference_with_a_context():
    from align.retrieval.context import PlanContext

    fusion = Fusion.fit("m", _groups())
    fusion.contexts = {"nq03": PlanContext(compete=2.0)}
    feats = {k: np.stack([g[0][k] for g in _groups(n=4, seed=9)]) for k in FEATURES}
    vectors = np.eye(4)
    assert not np.allclose(fusion.score_plan("hybrid", feats, vectors, "nq03"), fusion.score("hybrid", feats))
    assert np.allclose(fusion.score_plan("hybrid", feats, vectors, "nq57"), fusion.score("hybrid", feats))
    assert np.allclose(fusion.score_plan("dense", feats, vectors, "nq03"), fusion.score("dense", feats))


def test_fusion_json_round_trip_keeps_the_plan_contexts():
    from align.retrieval.context import PlanContext

    fusion = Fusion.fit("m", _groups())
    fusion.contexts = {"nq57": PlanContext(smooth=0.1)}
    assert Fusion.from_json(fusion.to_json()).contexts == fusion.contexts
