"""The duplicates report: pairs of tasks taken for one (found by align.decide.duplicates)."""
from __future__ import annotations

from typing import Any, Sequence

from align.decide.duplicates import KINDS
from align.i18n import reason_fields
from align.reports.alignment import plan_header
from align.types import Document, DuplicatePair, IndexRecord

PAIR_COLUMNS = ("kind", "probability", "score", "a_id", "a", "b_plan", "b_id", "b", "reason")


def _unit(record: IndexRecord) -> dict[str, Any]:
    return {"id": record.id, "text": record.text, "plan": record.doc_id, "heading": record.heading}


def pair_to_json(pair: DuplicatePair) -> dict[str, Any]:
    return {"a": _unit(pair.a), "b": _unit(pair.b), "score": pair.score, "similarity": pair.similarity,
            "kind": pair.kind, "probability": pair.probability, **reason_fields(pair.reason)}


def duplicates_to_json(plan: Document, pairs: Sequence[DuplicatePair], across: bool, threshold: float,
                       near: float) -> dict[str, Any]:
    counts = {kind: sum(p.kind == kind for p in pairs) for kind in KINDS}
    return {"plan": plan_header(plan), "across": across, "threshold": threshold, "near_similarity": near,
            "counts": counts, "pairs": [pair_to_json(p) for p in pairs]}


def pair_rows(pairs: Sequence[DuplicatePair]) -> list[dict[str, Any]]:
    return [{"kind": p.kind, "probability": p.probability, "score": p.score, "similarity": p.similarity,
             "a_id": p.a.id, "a": p.a.text, "b_plan": p.b.doc_id, "b_id": p.b.id, "b": p.b.text,
             **reason_fields(p.reason)} for p in pairs]
