import json

import numpy as np
import pytest

from align.errors import ModelError
from align.retrieval.memory import (COVERAGE_FEATURES, ENTRIES as ENTRIES_FILE, MANIFEST, MEMORY_FEATURES,
                                    MISSING_COSINE, MISSING_GAP, LabelMemory, load_memory, memory_dir)
from align.types import RememberedTask


def _unit(*values):
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


# Two communes' labelled tasks in a 3-d space: "a" near the x axis serves clause C1, "b" near y serves C2.
VECTORS = np.stack([_unit(1, 0.05, 0), _unit(0.05, 1, 0), _unit(1, 0, 0.1)])
ENTRIES = [RememberedTask("plan-a", "t1", "A", {"ref": ("C1",)}),
           RememberedTask("plan-b", "t1", "B", {"ref": ("C2",)}),
           RememberedTask("plan-b", "t2", "B", {"ref": ("C1", "C3"), "other": ("X",)})]
CLAUSES = ["C1", "C2", "C3", "C4"]


def _memory():
    return LabelMemory("model:1", VECTORS, ENTRIES)


def _covering():
    """Readers named plan-a's t1 as carrying out C2 and plan-b's t2 as carrying out C3."""
    return _memory().with_covers({("plan-a", "t1"): {"ref": ("C2",)}, ("plan-b", "t2"): {"ref": ("C3",)}})


def test_memory_features_rank_the_clause_of_the_nearest_remembered_task_first():
    feats = _memory().features(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES)
    assert set(feats) == set(MEMORY_FEATURES)
    for name in MEMORY_FEATURES:
        assert int(np.argmax(feats[name][0])) == 0, name


def test_memory_features_put_a_clause_no_memory_serves_below_every_remembered_one():
    feats = _memory().features(_unit(0, 0, 1)[None, :], "ref", CLAUSES)
    row = feats["mem_max"][0]
    assert row[3] == pytest.approx(row[:3].min() - MISSING_GAP)


def test_memory_features_leave_out_the_excluded_communes():
    feats = _memory().features(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES, exclude={"B"})
    assert feats["mem_vote"][0].tolist() == pytest.approx([1.0, 0.0, 0.0, 0.0])


def test_memory_features_are_zeros_without_memories_for_the_reference():
    feats = _memory().features(np.ones((2, 3), np.float32), "unknown-ref", CLAUSES)
    assert all(feats[n].shape == (2, 4) and not feats[n].any() for n in MEMORY_FEATURES)


def test_memory_gives_coverage_features_only_for_a_reference_it_holds_coverage_labels_of():
    covering = _covering()
    assert set(covering.features(_unit(1, 0, 0)[None, :], "ref", CLAUSES)) == {*MEMORY_FEATURES, *COVERAGE_FEATURES}
    assert set(covering.features(_unit(1, 0, 0)[None, :], "other", ["X"])) == set(MEMORY_FEATURES)
    assert covering.covers("ref") and not covering.covers("other")


def test_memory_coverage_features_read_the_tasks_named_as_carrying_a_clause_out():
    feats = _covering().features(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES)
    assert int(np.argmax(feats["cov_vote"][0])) == 1 and feats["cov_max"][0, 1] > 0.99


def test_memory_coverage_features_of_a_clause_nobody_carries_out_are_the_missing_cosine_and_no_vote():
    feats = _covering().features(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES)
    assert feats["cov_max"][0, 0] == pytest.approx(MISSING_COSINE) and feats["cov_vote"][0, 0] == 0.0


def test_memory_coverage_features_leave_out_the_excluded_communes():
    feats = _covering().features(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES, exclude={"A"})
    assert feats["cov_vote"][0, 1] == 0.0 and feats["cov_vote"][0, 2] > 0.0


def test_memory_with_covers_keeps_the_vectors_and_what_each_task_serves():
    covering = _covering()
    assert [e.serves for e in covering.entries] == [e.serves for e in ENTRIES]
    np.testing.assert_array_equal(covering.vectors, VECTORS)


def test_memory_save_load_round_trip_keeps_the_covers(tmp_path):
    loaded = LabelMemory.load(_covering().save(tmp_path / "m"))
    assert loaded.entries == _covering().entries


def test_memory_load_reads_entries_written_without_covers(tmp_path):
    directory = _memory().save(tmp_path / "m")
    lines = [json.loads(line) for line in (directory / ENTRIES_FILE).read_text().splitlines()]
    (directory / ENTRIES_FILE).write_text("".join(json.dumps({k: v for k, v in item.items() if k != "covers"}) + "\n"
                                                  for item in lines))
    assert all(e.covers == {} for e in LabelMemory.load(directory).entries)


def test_memory_fingerprint_changes_with_the_covers():
    assert _covering().fingerprint() != _memory().fingerprint()


def test_memory_vote_shares_sum_to_one():
    feats = _memory().features(_unit(0.5, 0.5, 0.1)[None, :], "ref", CLAUSES)
    assert feats["mem_vote"][0].sum() == pytest.approx(1.0, abs=1e-5)


def test_memory_exclude_for_names_the_commune_of_a_remembered_plan():
    memory = _memory()
    assert memory.exclude_for("plan-b") == {"B"}
    assert memory.exclude_for("a-new-plan") == set()


def test_memory_save_load_round_trip(tmp_path):
    memory = _memory()
    loaded = LabelMemory.load(memory.save(tmp_path / "m"))
    assert loaded.model_id == "model:1" and loaded.entries == ENTRIES
    np.testing.assert_array_equal(loaded.vectors, VECTORS)
    assert json.loads((tmp_path / "m" / MANIFEST).read_text())["count"] == 3


def test_memory_load_refuses_a_manifest_of_another_format(tmp_path):
    directory = _memory().save(tmp_path / "m")
    manifest = json.loads((directory / MANIFEST).read_text())
    (directory / MANIFEST).write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(ModelError, match="format"):
        LabelMemory.load(directory)


def test_load_memory_is_empty_when_none_was_fitted(tmp_path):
    assert len(load_memory("never-fitted:0", tmp_path)) == 0


def test_load_memory_reads_the_data_directory_first(tmp_path):
    _memory().save(memory_dir("model:1", tmp_path, shipped=False))
    assert len(load_memory("model:1", tmp_path)) == 3


def test_memory_fingerprint_changes_with_a_label():
    moved = LabelMemory("model:1", VECTORS, [*ENTRIES[:2], RememberedTask("plan-b", "t2", "B", {"ref": ("C4",)})])
    assert moved.fingerprint() != _memory().fingerprint()
    assert _memory().fingerprint() == _memory().fingerprint()


def test_memory_nearest_covering_names_the_closest_task_that_carries_each_clause_out():
    found = _covering().nearest_covering(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES)
    assert found[0] is None and found[3] is None
    assert (found[1].plan, found[1].task_id, found[1].commune) == ("plan-a", "t1", "A") and found[1].cosine > 0.99


def test_memory_nearest_covering_leaves_out_the_excluded_communes():
    assert _covering().nearest_covering(_unit(1, 0.02, 0)[None, :], "ref", CLAUSES, exclude={"A"})[1] is None
