"""Rendering rows of dicts as CSV, Markdown or JSON text.

Every report builds a JSON-ready structure and, for flat formats, a list of rows;
this module turns rows into text so no report repeats the formatting.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

FORMATS = ("table", "json", "csv", "md")


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    return str(value)


def to_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def to_markdown(rows: Sequence[dict], columns: Sequence[str], title: str | None = None,
                headers: Sequence[str] | None = None) -> str:
    """`headers` (default: the column names) label the columns, as a translated report shows them."""
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"## {title}", ""] if title else []
    lines.append("| " + " | ".join(headers or columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines += ["| " + " | ".join(esc(cell(r.get(c))) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_plain_table(rows: Sequence[dict], columns: Sequence[str], width: int = 60) -> str:
    """A tab-separated table for pipes: one row a line, long cells cut to `width`."""
    def cut(text: str) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["\t".join(columns)]
    lines += ["\t".join(cut(cell(r.get(c))) for c in columns) for r in rows]
    return "\n".join(lines) + "\n"
