"""The search report: hits (found by align.search) as rows and as the search JSON."""
from __future__ import annotations

from typing import Any, Sequence

from align.search import Hit

HIT_COLUMNS = ("rank", "score", "plan", "commune", "id", "heading", "text")


def hit_rows(hits: Sequence[Hit]) -> list[dict[str, Any]]:
    return [{"rank": rank, "score": h.score, "dense": h.dense, "lexical": h.lexical, "plan": h.record.doc_id,
             "commune": h.commune, "id": h.record.id, "kind": h.record.kind,
             "heading": " > ".join(h.record.heading_path), "heading_path": list(h.record.heading_path),
             "text": h.record.text} for rank, h in enumerate(hits, start=1)]


def search_to_json(text: str, kind: str, commune: str | None, hits: Sequence[Hit]) -> dict[str, Any]:
    rows = hit_rows(hits)
    for row in rows:
        row.pop("heading")
    return {"query": text, "kind": kind, "commune": commune, "hits": rows}
