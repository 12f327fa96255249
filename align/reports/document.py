"""Views of a parsed document for `plan-align parse` and `plan-align corpus list`."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from align.types import Document

UNIT_COLUMNS = ("id", "kind", "section", "heading", "text", "lead", "deadline")
BLOCK_COLUMNS = ("id", "kind", "level", "lines", "text")


def document_to_json(doc: Document, structure: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"id": doc.id, "path": doc.path, "title": doc.title, "level": doc.level,
                            "kind": doc.kind, "content_hash": doc.content_hash,
                            "citations": [asdict(c) for c in doc.citations]}
    if doc.is_reference:
        data["clauses"] = [asdict(c) for c in doc.clauses]
    else:
        data["tasks"] = [asdict(t) for t in doc.tasks]
    if structure:
        data["blocks"] = [asdict(b) for b in doc.blocks]
    return data


def unit_rows(doc: Document) -> list[dict[str, Any]]:
    """Clauses of a reference or tasks of a plan, one row each."""
    if doc.is_reference:
        return [{"id": c.id, "kind": c.kind, "section": c.fields.get("group", ""), "heading": c.heading,
                 "text": c.text, "lead": c.fields.get("lead", ""), "deadline": c.fields.get("deadline", "")}
                for c in doc.clauses]
    return [{"id": t.id, "kind": t.kind, "section": t.section,
             "heading": t.heading_path[-1] if t.heading_path else "", "text": t.text,
             "lead": t.fields.get("lead", ""), "deadline": t.fields.get("deadline", "")} for t in doc.tasks]


def block_rows(doc: Document) -> list[dict[str, Any]]:
    return [{"id": b.id, "kind": b.kind, "level": b.level or "", "lines": f"{b.lines[0]}-{b.lines[1]}",
             "text": ("  " * max(b.level - 1, 0) if b.kind == "heading" else "    ") + b.text} for b in doc.blocks]


def corpus_rows(docs: list[Document]) -> list[dict[str, Any]]:
    rows = []
    for doc in docs:
        targets = sum(1 for t in doc.tasks if t.kind == "target")
        rows.append({"id": doc.id, "level": doc.level, "kind": doc.kind, "clauses": len(doc.clauses),
                     "tasks": len(doc.tasks) - targets, "targets": targets,
                     "citations": len(doc.citations),
                     "cites": ", ".join(c.doc_id or c.number for c in doc.citations)})
    return rows
