"""Printing results: rich tables on a terminal, plain text when piped, files written atomically."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Sequence

from align.output import write_atomic
from align.reports import tabular


def emit(text: str, out: Path | None = None) -> None:
    """Write `text` to `out` atomically, or to stdout."""
    if out is not None:
        write_atomic(out, text)
    else:
        sys.stdout.write(text)


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, data: Any = None,
           title: str | None = None, out: Path | None = None) -> None:
    """Print rows as a table/csv/md, or `data` (default: rows) as JSON."""
    if fmt == "json":
        emit(tabular.to_json(data if data is not None else list(rows)), out)
    elif fmt == "csv":
        emit(tabular.to_csv(rows, columns), out)
    elif fmt == "md":
        emit(tabular.to_markdown(rows, columns, title), out)
    elif out is not None or not sys.stdout.isatty():
        emit(tabular.to_plain_table(rows, columns), out)
    else:
        print_rich_table(rows, columns, title)


def print_rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=True)
    for column in columns:
        wide = column in {"text", "task", "heading", "clause", "a", "b"}
        table.add_column(column, overflow="fold", ratio=3 if wide else 1)
    for row in rows:
        table.add_row(*(tabular.cell(row.get(c)) for c in columns))
    Console().print(table)


SUFFIX_FORMATS = {".json": "json", ".csv": "csv", ".md": "md"}
DOCUMENT_SUFFIXES = {".docx", ".doc", ".xlsx", ".xls", ".odt", ".ods", ".html", ".htm", ".pdf"}


def format_for(fmt: str, out: Path | None) -> str:
    """The format asked for, or, when none was (table) and the file's suffix names one, that one:
    `--out x.md` writes Markdown, as `report` takes its format from the suffix. A document suffix is
    refused: a tab-separated table in `x.docx` is a file Word cannot open."""
    from align.errors import PlanAlignError

    if out is not None and out.suffix.lower() in DOCUMENT_SUFFIXES:
        raise PlanAlignError(f"{out}: this command writes table, json, csv or md (.txt, .json, .csv, .md); "
                             "for a .docx, .xlsx or .html document use `plan-align report`")
    if fmt == "table" and out is not None:
        return SUFFIX_FORMATS.get(out.suffix.lower(), fmt)
    return fmt


def show(result: Any, fmt: str, out: Path | None = None, sections: Sequence | None = None) -> None:
    """A result of align.PlanAlign: JSON its to_json(); CSV its first table; table and md every
    table (`sections`, default result.sections()), one after the other."""
    fmt = format_for(fmt, out)
    if fmt == "json":
        emit(tabular.to_json(result.to_json()), out)
        return
    sections = result.sections() if sections is None else sections
    if fmt == "csv":
        title, columns, rows = sections[0]
        render(rows, columns, fmt, title=title, out=out)
    elif fmt == "md":
        emit("\n".join(tabular.to_markdown(rows, columns, title) for title, columns, rows in sections), out)
    elif out is not None:
        emit("\n".join(f"# {title}\n" + tabular.to_plain_table(rows, columns) for title, columns, rows in sections),
             out)
    else:
        for title, columns, rows in sections:
            render(rows, columns, fmt, title=title)
