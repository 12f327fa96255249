import json

import pytest

from align.decide.labels import CoverageLabel, PairLabel, read_coverage_labels, read_pair_labels
from align.errors import EvalError


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _pair(**fields):
    return {"a": {"plan": "p", "anchor": "x", "occurrence": 2}, "b": {"plan": "q", "anchor": "y"}, **fields}


def test_read_pair_labels_reads_label_kind_source_and_occurrence(tmp_path):
    path = _write(tmp_path, "pairs.jsonl", [_pair(label="related", duplicate=False, kind="different",
                                                  source="below-threshold")])
    assert read_pair_labels(path) == [PairLabel(("p", "x", 2), ("q", "y", None), "related", "different",
                                                "below-threshold")]


@pytest.mark.parametrize("duplicate, label", [(True, "same"), (False, "different")])
def test_read_pair_labels_falls_back_to_the_duplicate_flag(tmp_path, duplicate, label):
    path = _write(tmp_path, "pairs.jsonl", [_pair(duplicate=duplicate, kind="exact" if duplicate else "different")])
    assert read_pair_labels(path)[0].label == label


def test_pair_label_is_a_duplicate_only_when_the_same_task():
    flags = [PairLabel(("p", "x", None), ("p", "y", None), label).duplicate for label in ("same", "related",
                                                                                          "different")]
    assert flags == [True, False, False]


def test_read_pair_labels_rejects_an_unknown_label(tmp_path):
    path = _write(tmp_path, "pairs.jsonl", [_pair(label="similar")])
    with pytest.raises(EvalError, match="pairs.jsonl:1.*unknown label"):
        read_pair_labels(path)


def test_read_pair_labels_rejects_a_malformed_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": {"plan": "p"}}\n', encoding="utf-8")
    with pytest.raises(EvalError, match="pairs.jsonl:1"):
        read_pair_labels(path)


def test_read_coverage_labels_reads_tasks_with_their_occurrence(tmp_path):
    row = {"plan": "p", "clause": "III.1.1", "status": "covered", "note": "n",
           "tasks": [{"anchor": "tuyên truyền", "occurrence": None}, {"anchor": "lặp lại", "occurrence": 2}]}
    assert read_coverage_labels(_write(tmp_path, "cov.jsonl", [row])) == [
        CoverageLabel("p", "III.1.1", "covered", (("tuyên truyền", None), ("lặp lại", 2)), "n")]


def test_read_coverage_labels_reads_a_gap_without_tasks(tmp_path):
    row = {"plan": "p", "clause": "III.7.1", "status": "gap", "tasks": None}
    assert read_coverage_labels(_write(tmp_path, "cov.jsonl", [row]))[0].tasks == ()


def test_read_coverage_labels_rejects_an_unknown_status(tmp_path):
    path = _write(tmp_path, "cov.jsonl", [{"plan": "p", "clause": "I.1", "status": "weak", "tasks": []}])
    with pytest.raises(EvalError, match="cov.jsonl:1.*unknown status"):
        read_coverage_labels(path)


def test_read_coverage_labels_names_an_unreadable_file(tmp_path):
    with pytest.raises(EvalError, match="missing.jsonl"):
        read_coverage_labels(tmp_path / "missing.jsonl")
