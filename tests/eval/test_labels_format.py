"""Format of the hand-written evaluation set in eval/: records, clause ids, coverage, anchors.

The scorer trusts these files; a malformed id or an anchor that no longer resolves would
silently lower every score, so the format is pinned here.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from align.text.normalize import fold

EVAL = Path(__file__).resolve().parents[2] / "eval"
PLANS = {
    "binh-giang-khcn-2026",
    "binh-giang-nq57-2026",
    "nguyen-luong-bang-nq57-2026",
    "binh-thanh-nq57-2026",
    "vu-duong-bcd-2026",
}
LABEL_KEYS = {"plan", "anchor", "kind", "nq57", "nq03", "note"}
PAIR_KEYS = {"a", "b", "label", "duplicate", "kind", "source", "note"}
PAIR_KINDS = {"exact": True, "near": True, "paraphrase": True, "different": False}
PAIR_LABELS = {"same", "related", "different"}
COVERAGE_KEYS = {"plan", "clause", "status", "tasks", "note"}
COVERAGE_OPTIONAL = {"borderline", "ref"}
COVERAGE_STATUSES = {"covered", "gap", "na"}
APPLICABILITY = Path(__file__).resolve().parents[2] / "align" / "data" / "applicability"

# NQ 57 body blocks per item of section III (item 2 opens with a paragraph).
_NQ57_III = {1: 2, 2: 5, 3: 6, 4: 3, 5: 3, 6: 4, 7: 1}
NQ57_IDS = (
    {f"I.{i}" for i in range(1, 6)}
    | {f"II.1.{i}" for i in range(1, 6)}
    | {"II.2"}
    | {f"III.{item}.{k}" for item, n in _NQ57_III.items() for k in range(1, n + 1)}
    | {f"IV.{i}" for i in range(1, 7)}
)
# 03/NQ-CP programme section II: letters as printed, last letter of each item.
_VI_LETTERS = "a b c d đ e g h i k l m n o p q r s t u".split()
_P_LAST = {1: "p", 2: "o", 3: "s", 4: "p", 5: "u", 6: "q", 7: "d"}
P_IDS = {
    f"P.II.{item}.{letter}"
    for item, last in _P_LAST.items()
    for letter in _VI_LETTERS[: _VI_LETTERS.index(last) + 1]
}
PL1_IDS = (
    {f"PL1.{i}" for i in range(1, 42)}
    | {f"PL1.11.{i}" for i in range(1, 13)}
    | {f"PL1.23.{i}" for i in range(1, 5)}
)
PL2_IDS = {f"PL2.{i}" for i in range(1, 141)}
NQ03_IDS = P_IDS | PL1_IDS | PL2_IDS


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    lines = (EVAL / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _labels() -> list[dict[str, Any]]:
    return _read_jsonl("labels.jsonl")


def _pairs() -> list[dict[str, Any]]:
    return _read_jsonl("duplicate_pairs.jsonl")


def _coverage() -> list[dict[str, Any]]:
    return _read_jsonl("coverage_labels.jsonl")


def _anchor_refs() -> list[dict[str, Any]]:
    """Every (plan, anchor, occurrence) reference in both files."""
    refs = [{k: r[k] for k in ("plan", "anchor", "occurrence") if k in r} for r in _labels()]
    for pair in _pairs():
        refs.extend([pair["a"], pair["b"]])
    return refs


def _anchor_ok(ref: dict[str, Any]) -> bool:
    anchor = ref["anchor"]
    occurrence = ref.get("occurrence", 1)
    return (
        isinstance(anchor, str)
        and 25 <= len(anchor) <= 45
        and "\t" not in anchor
        and "\n" not in anchor
        and ref.get("plan") in PLANS
        and isinstance(occurrence, int)
        and occurrence >= 1
    )


def test_labels_every_line_parses_to_an_object() -> None:
    assert all(isinstance(record, dict) for record in _labels())


def test_labels_have_exactly_the_required_keys() -> None:
    bad = [r for r in _labels() if set(r) - {"occurrence"} != LABEL_KEYS]
    assert bad == []


def test_labels_anchor_and_plan_well_formed() -> None:
    bad = [r for r in _labels() if not _anchor_ok(r)]
    assert bad == []


def test_labels_kind_is_task_or_target() -> None:
    assert {r["kind"] for r in _labels()} <= {"task", "target"}


def test_labels_nq57_ids_follow_the_scheme() -> None:
    bad = [r for r in _labels() if not isinstance(r["nq57"], list) or set(r["nq57"]) - NQ57_IDS]
    assert bad == []


def test_labels_nq03_ids_follow_the_scheme() -> None:
    bad = [
        r for r in _labels()
        if r["nq03"] is not None and (not isinstance(r["nq03"], list) or set(r["nq03"]) - NQ03_IDS)
    ]
    assert bad == []


def test_labels_clause_lists_have_no_repeats() -> None:
    lists = [ids for r in _labels() for ids in (r["nq57"], r["nq03"] or [])]
    assert [ids for ids in lists if len(set(ids)) != len(ids)] == []


def test_labels_each_task_labelled_once() -> None:
    keys = Counter((r["plan"], fold(r["anchor"]), r.get("occurrence", 1)) for r in _labels())
    assert [k for k, n in keys.items() if n > 1] == []


def test_labels_cover_at_least_80_tasks_from_all_plans() -> None:
    per_plan = Counter(r["plan"] for r in _labels())
    assert sum(per_plan.values()) >= 80
    assert set(per_plan) == PLANS and min(per_plan.values()) >= 10


def test_labels_at_least_40_tasks_carry_nq03_ids() -> None:
    assert sum(1 for r in _labels() if r["nq03"]) >= 40


def test_labels_notes_are_one_short_line() -> None:
    bad = [r for r in _labels() if not r["note"] or "\n" in r["note"] or len(r["note"]) > 120]
    assert bad == []


def test_pairs_have_the_required_keys_and_sides() -> None:
    bad = [
        p for p in _pairs()
        if set(p) != PAIR_KEYS or not (_anchor_ok(p["a"]) and _anchor_ok(p["b"]))
    ]
    assert bad == []


def test_pairs_kind_agrees_with_duplicate_flag() -> None:
    bad = [p for p in _pairs() if PAIR_KINDS.get(p["kind"]) is not p["duplicate"]]
    assert bad == []


def test_pairs_label_is_same_related_or_different() -> None:
    assert {p["label"] for p in _pairs()} <= PAIR_LABELS


def test_pairs_duplicate_flag_is_the_same_task_label() -> None:
    bad = [p for p in _pairs() if p["duplicate"] is not (p["label"] == "same")]
    assert bad == []


def test_pairs_source_is_one_short_word() -> None:
    bad = [p for p in _pairs() if not isinstance(p["source"], str) or not re.fullmatch(r"[a-z]+(-[a-z]+)*", p["source"])]
    assert bad == []


def test_pairs_each_pair_labelled_once() -> None:
    def key(side: dict[str, Any]) -> tuple[str, str, int]:
        return side["plan"], fold(side["anchor"]), side.get("occurrence") or 1

    keys = Counter(frozenset((key(p["a"]), key(p["b"]))) for p in _pairs())
    assert [k for k, n in keys.items() if n > 1] == []


def test_pairs_enough_positives_and_at_least_as_many_negatives() -> None:
    flags = Counter(p["duplicate"] for p in _pairs())
    assert flags[True] + flags[False] >= 40
    assert flags[True] >= 15 and flags[False] >= max(15, flags[True])


def test_pairs_never_pair_a_task_with_itself() -> None:
    def key(side: dict[str, Any]) -> tuple[str, str, int]:
        return side["plan"], fold(side["anchor"]), side.get("occurrence", 1)

    assert [p for p in _pairs() if key(p["a"]) == key(p["b"])] == []


@pytest.mark.corpus
def test_anchors_resolve_to_one_line_of_their_plan(corpus_dir: Path) -> None:
    """An anchor must sit in exactly one line (table row or paragraph) of the plan;
    with `occurrence` it marks an exact repeat, so it must occur at least that often."""
    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    paths = {d["id"]: corpus_dir / d["path"] for d in manifest["documents"]}
    lines = {
        plan: [fold(line) for line in paths[plan].read_text(encoding="utf-8").splitlines()]
        for plan in PLANS
    }
    bad = []
    for ref in _anchor_refs():
        needle = fold(ref["anchor"])
        hits = sum(1 for line in lines[ref["plan"]] if needle in line)
        repeat = "occurrence" in ref
        if not (hits > 1 and hits >= ref["occurrence"] if repeat else hits == 1):
            bad.append((ref["plan"], ref["anchor"], hits))
    assert bad == []



# -- coverage labels: every (plan, NQ 57 clause) pair, every (plan, 03/NQ-CP clause a commune can act on) -----
def _commune_table(ref: str) -> dict[str, bool]:
    lines = (APPLICABILITY / f"{ref}.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["clause"]: row["commune"] for row in map(json.loads, filter(str.strip, lines))}


def _coverage_of(ref: str) -> list[dict[str, Any]]:
    return [r for r in _coverage() if r.get("ref", "nq57") == ref]


def _coverage_anchor_ok(task: dict[str, Any]) -> bool:
    occurrence = task.get("occurrence")
    return (set(task) <= {"anchor", "occurrence"} and isinstance(task.get("anchor"), str)
            and 25 <= len(task["anchor"]) <= 45 and "\n" not in task["anchor"]
            and (occurrence is None or isinstance(occurrence, int) and occurrence >= 1))


def test_coverage_labels_have_the_required_keys_and_no_others() -> None:
    assert [r for r in _coverage() if not COVERAGE_KEYS <= set(r) <= COVERAGE_KEYS | COVERAGE_OPTIONAL] == []


def test_coverage_labels_borderline_is_a_flag() -> None:
    assert [r for r in _coverage() if not isinstance(r.get("borderline", False), bool)] == []


def test_coverage_labels_judge_every_plan_and_nq57_clause_once() -> None:
    keys = Counter((r["plan"], r["clause"]) for r in _coverage_of("nq57"))
    assert len(_coverage_of("nq57")) == len(PLANS) * len(NQ57_IDS) == 205
    assert [k for k, n in keys.items() if n > 1] == []
    assert set(keys) == {(plan, clause) for plan in PLANS for clause in NQ57_IDS}


def test_coverage_labels_judge_every_plan_and_open_nq03_clause_once() -> None:
    """03/NQ-CP is judged on the 84 clauses a commune can act on (the others are `na` by the table)."""
    open_clauses = {c for c, commune in _commune_table("nq03").items() if commune}
    keys = Counter((r["plan"], r["clause"]) for r in _coverage_of("nq03"))
    assert len(open_clauses) == 84
    assert [k for k, n in keys.items() if n > 1] == []
    assert set(keys) == {(plan, clause) for plan in PLANS for clause in open_clauses}


def test_coverage_labels_name_a_known_reference() -> None:
    assert {r.get("ref", "nq57") for r in _coverage()} <= {"nq57", "nq03"}


def test_coverage_labels_status_is_covered_gap_or_na() -> None:
    assert {r["status"] for r in _coverage()} <= COVERAGE_STATUSES


def test_coverage_labels_covered_rows_name_their_tasks() -> None:
    bad = [r for r in _coverage() if r["status"] == "covered"
           and (not r["tasks"] or not all(_coverage_anchor_ok(t) for t in r["tasks"]))]
    assert bad == []


def test_coverage_labels_gap_and_na_rows_name_no_task() -> None:
    assert [r for r in _coverage() if r["status"] != "covered" and r["tasks"]] == []


def test_coverage_labels_na_exactly_where_the_table_says_no_commune_acts() -> None:
    commune = {ref: _commune_table(ref) for ref in ("nq57", "nq03")}
    bad = [(r["plan"], r["clause"]) for r in _coverage()
           if (r["status"] == "na") is not (not commune[r.get("ref", "nq57")][r["clause"]])]
    assert bad == []


def test_coverage_labels_notes_are_one_short_line() -> None:
    bad = [r for r in _coverage() if not r["note"] or "\n" in r["note"] or len(r["note"]) > 120]
    assert bad == []


@pytest.mark.corpus
def test_coverage_labels_task_anchors_resolve_to_one_task(corpus_dir: Path) -> None:
    """Each named task is found the way the scorer finds it (align.evaluate.find_task)."""
    from align.corpus import Corpus
    from align.evaluate import find_task

    corpus = Corpus(corpus_dir)
    tasks = {plan: corpus.document(plan).tasks for plan in PLANS}
    bad = [(r["plan"], t["anchor"]) for r in _coverage() for t in r["tasks"]
           if find_task(tasks[r["plan"]], t["anchor"], t.get("occurrence")) is None]
    assert bad == []


def test_second_readings_match_the_labels_they_read() -> None:
    """Each second reading names a label that is still there and holds its final label (eval/GUIDE.md)."""
    from align.decide.labels import read_coverage_labels, read_pair_labels
    from align.decide.rereads import read_coverage_rereads, read_pair_rereads

    pairs = read_pair_rereads(EVAL / "duplicate_pairs_reread.jsonl", read_pair_labels(EVAL / "duplicate_pairs.jsonl"))
    coverage = read_coverage_rereads(EVAL / "coverage_reread.jsonl", read_coverage_labels(EVAL / "coverage_labels.jsonl"))
    assert pairs and coverage
