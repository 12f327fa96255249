"""The hand-written decision labels in eval/: coverage of clauses by plans, and duplicate pairs.

Coverage labels (`coverage_labels.jsonl`) judge (plan, clause) pairs: every clause of NQ 57
and the clauses of 03/NQ-CP a commune can act on (`ref`, default NQ 57): `covered` (with the
tasks that carry it out), `gap` (a commune could act, the plan has nothing) or `na` (only
central bodies can act); `borderline` marks the pairs a second, independent reader judged
otherwise or found borderline. Pair labels (`duplicate_pairs.jsonl`) judge pairs of
tasks: `same` task, `related` or `different`. Orphan labels are the task labels of
eval/labels.jsonl: a task whose lists for every reference are empty serves nothing.
Tasks are named by short text anchors (align.evaluate.find_task), so labels survive
changes of task ids. See eval/GUIDE.md.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from align.errors import EvalError

COVERAGE_FILE = "coverage_labels.jsonl"     # in the labels directory (align.paths.eval_dir)
PAIRS_FILE = "duplicate_pairs.jsonl"
COVERAGE_STATES = ("covered", "gap", "na")
DEFAULT_REF = "nq57"                        # a coverage label without `ref` judges an NQ 57 clause
PAIR_LABELS = ("same", "related", "different")

Anchor = tuple[str, str, "int | None"]       # (plan, anchor text, occurrence for verbatim repeats)


@dataclass(frozen=True)
class CoverageLabel:
    plan: str
    clause: str
    status: str                             # covered | gap | na
    tasks: tuple[tuple[str, int | None], ...] = ()
    note: str = ""
    borderline: bool = False                # a second reader disagreed or found it borderline
    ref: str = DEFAULT_REF                  # the reference the clause belongs to


@dataclass(frozen=True)
class PairLabel:
    a: Anchor
    b: Anchor
    label: str                              # same | related | different
    kind: str | None = None                 # exact | near | paraphrase for "same"
    source: str = ""

    @property
    def duplicate(self) -> bool:
        return self.label == "same"


def read_records(path: Path, what: str) -> Iterator[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read {what} ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except ValueError as exc:
                raise EvalError(f"{path}:{number}: malformed {what} ({exc})") from exc


def read_coverage_labels(path: str | Path) -> list[CoverageLabel]:
    path, out = Path(path), []
    for number, item in read_records(path, "coverage label"):
        try:
            if item["status"] not in COVERAGE_STATES:
                raise ValueError(f"unknown status {item['status']!r}")
            tasks = tuple((t["anchor"], t.get("occurrence")) for t in item.get("tasks") or ())
            out.append(CoverageLabel(item["plan"], item["clause"], item["status"], tasks, item.get("note", ""),
                                     bool(item.get("borderline", False)), str(item.get("ref") or DEFAULT_REF)))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed coverage label ({exc})") from exc
    return out


def read_pair_labels(path: str | Path) -> list[PairLabel]:
    path, out = Path(path), []
    for number, item in read_records(path, "duplicate label"):
        try:
            a, b = ((side["plan"], side["anchor"], side.get("occurrence")) for side in (item["a"], item["b"]))
            label = item.get("label") or ("same" if item["duplicate"] else "different")
            if label not in PAIR_LABELS:
                raise ValueError(f"unknown label {label!r}")
            out.append(PairLabel(a, b, label, item.get("kind"), item.get("source", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed duplicate label ({exc})") from exc
    return out
