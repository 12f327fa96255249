"""Second readings of the decision labels, and how far the two readings agree.

A figure measured on hand labels means little without knowing how often the labels reproduce
themselves: a detector cannot be more precise than the reader who wrote its labels is
consistent. `eval/duplicate_pairs_reread.jsonl` and `eval/coverage_reread.jsonl` hold a second,
blind reading of some of the labels (eval/GUIDE.md, "Second reading"): the first reading's label,
the second's, and the label the files hold now (a third reading decided where the two differed).
Each record names its label by position and a short key (pairs) or by (plan, reference, clause)
(coverage), and is checked against the labels it reads, so a second reading never silently
drifts from the labels it describes.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from align.decide.labels import COVERAGE_STATES, PAIR_LABELS, CoverageLabel, PairLabel, read_records
from align.errors import EvalError

PAIRS_REREAD_FILE = "duplicate_pairs_reread.jsonl"
COVERAGE_REREAD_FILE = "coverage_reread.jsonl"


@dataclass(frozen=True)
class SecondReading:
    """One label read twice: `group` says which set it belongs to (pairs inside a plan, across plans,
    coverage), `final` is the label the labels file holds now."""

    group: str
    first: str
    second: str
    final: str


def pair_key(label: PairLabel) -> str:
    """A short key of a labelled pair's anchors: a second reading names the pair it reads by it."""
    text = "\x1f".join(f"{plan}\x1e{anchor}\x1e{occurrence or ''}" for plan, anchor, occurrence in (label.a, label.b))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def read_pair_rereads(path: str | Path, pairs: Sequence[PairLabel]) -> list[SecondReading]:
    """The second readings of duplicate pairs; `pairs` are the labels of duplicate_pairs.jsonl, in order."""
    path, out = Path(path), []
    for number, item in read_records(path, "second reading"):
        try:
            line = int(item["line"])
            if not 1 <= line <= len(pairs):
                raise ValueError(f"line {line} is not a labelled pair")
            label = pairs[line - 1]
            if item["pair"] != pair_key(label):
                raise ValueError(f"line {line} now holds another pair")
            _check(item, PAIR_LABELS, label.label)
            group = "within a plan" if label.a[0] == label.b[0] else "across plans"
            out.append(SecondReading(group, item["first"], item["second"], item["final"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed second reading ({exc})") from exc
    return out


def read_coverage_rereads(path: str | Path, labels: Sequence[CoverageLabel]) -> list[SecondReading]:
    """The second readings of coverage labels; `labels` are those of coverage_labels.jsonl."""
    path, out = Path(path), []
    status = {(l.plan, l.ref, l.clause): l.status for l in labels}
    for number, item in read_records(path, "second reading"):
        try:
            key = (item["plan"], item["ref"], item["clause"])
            if key not in status:
                raise ValueError(f"no coverage label for {'/'.join(key)}")
            _check(item, COVERAGE_STATES, status[key])
            out.append(SecondReading("coverage", item["first"], item["second"], item["final"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: malformed second reading ({exc})") from exc
    return out


def _check(item: dict, allowed: Sequence[str], now: str) -> None:
    for field in ("first", "second", "final"):
        if item[field] not in allowed:
            raise ValueError(f"unknown {field} label {item[field]!r}")
    if item["final"] != now:
        raise ValueError(f"final label {item['final']!r} is not the label held now ({now!r})")


def agreement(readings: Sequence[SecondReading], positive: str) -> dict:
    """How often the two readings agree on "is it `positive`" (same task; gap), Cohen's kappa (the
    agreement beyond what two readers labelling at those rates by chance would reach), and the second
    reading scored as a detector against the first (`precision`, `recall`): what a reader reaches
    against their own labels, the ceiling a tool's figures on them can be read against."""
    n = len(readings)
    if not n:
        return {"n": 0, "positive_first": 0, "positive_second": 0, "agreement": None, "kappa": None,
                "first_only": 0, "second_only": 0, "precision": None, "recall": None}
    first = [r.first == positive for r in readings]
    second = [r.second == positive for r in readings]
    both = Counter(zip(first, second))
    observed = (both[(True, True)] + both[(False, False)]) / n
    p1, p2 = sum(first) / n, sum(second) / n
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = 1.0 if chance == 1 else (observed - chance) / (1 - chance)
    return {"n": n, "positive_first": sum(first), "positive_second": sum(second),
            "agreement": round(observed, 4), "kappa": round(kappa, 4),
            "first_only": both[(True, False)], "second_only": both[(False, True)],
            "precision": _share(both[(True, True)], sum(second)), "recall": _share(both[(True, True)], sum(first))}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
