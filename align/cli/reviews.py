"""`plan-align review ...`: the review memory from the command line (the work is in align/reviews.py)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.app import CorpusOpt, FormatOpt, OutOpt, check_format

HELP = "Reviewers' decisions, kept in the user's data directory ($PLAN_ALIGN_DATA, else $XDG_DATA_HOME/plan-align)."

ReviewerOpt = Annotated[Optional[str], typer.Option("--reviewer", help="Your name (default: $PLAN_ALIGN_REVIEWER, "
                        "else the login name).", show_default=False)]
RefOpt = Annotated[str, typer.Option("--ref", help="Reference document id.")]
COLUMNS = ("time", "reviewer", "plan_id", "task_id", "ref", "action", "clause_id", "replaces")


def _reviewer(name: str | None) -> str:
    import getpass

    return name or os.environ.get("PLAN_ALIGN_REVIEWER") or getpass.getuser()


def _rows(decisions) -> list[dict]:
    return [{c: getattr(d, c) for c in ("uid", *COLUMNS, "task_hash")} for d in decisions]


def review_add(plan: Annotated[str, typer.Argument(help="Plan: corpus id or file path.")],
               task: Annotated[str, typer.Argument(help="Task id (as `plan-align parse` shows it).")],
               action: Annotated[str, typer.Option("--action", help="accept, reject, choose or none.")],
               clause: Annotated[Optional[str], typer.Option("--clause", help="The clause (not for none).",
                                                             show_default=False)] = None,
               ref: RefOpt = "nq57", reviewer: ReviewerOpt = None, corpus: CorpusOpt = None) -> None:
    """Record one decision about a task's clause of a reference."""
    from align.corpus import Corpus
    from align.errors import PlanAlignError
    from align.reviews import ReviewStore

    found_corpus = Corpus(corpus)
    document = found_corpus.resolve(plan)
    found = next((t for t in document.tasks if t.id == task), None)
    if found is None:
        raise PlanAlignError(f"{document.id}: no task {task}")
    if clause is not None and clause not in {c.id for c in found_corpus.document(ref).clauses}:
        raise PlanAlignError(f"{ref}: no clause {clause}")
    with ReviewStore() as store:
        d = store.decide(document.id, found.id, found.text, ref, action, clause, _reviewer(reviewer))
    typer.echo(f"{d.plan_id} {d.task_id} {d.ref}: {d.action} {d.clause_id or ''} ({d.reviewer}, {d.time})", err=True)


def review_list(plan: Annotated[Optional[str], typer.Argument(help="Only this plan id.", show_default=False)] = None,
                history: Annotated[bool, typer.Option("--history", help="Every row, undone and replaced ones "
                                                      "too, instead of the decisions in force.")] = False,
                fmt: FormatOpt = "table", out: OutOpt = None) -> None:
    """The decisions in force (or the whole history), oldest first."""
    from align.cli.output import render
    from align.reviews import ReviewStore, in_force

    check_format(fmt)
    store = ReviewStore.existing()
    rows = store.history(plan) if store else []
    if store:
        store.close()
    if not history:
        current = [d for p in sorted({r.plan_id for r in rows})
                   for d in in_force([r for r in rows if r.plan_id == p]).values()]
        rows = sorted(current, key=lambda d: (d.time, d.uid))
    render(_rows(rows), COLUMNS, fmt, title=f"{len(rows)} decisions", out=out)


def review_export(plan: Annotated[Optional[str], typer.Argument(help="Only this plan id.", show_default=False)] = None,
                  out: OutOpt = None) -> None:
    """Every row of the history as JSON lines (to stdout, or --out)."""
    from align.cli.output import emit
    from align.reviews import ReviewStore

    store = ReviewStore.existing()
    lines = list(store.export(plan)) if store else []
    if store:
        store.close()
    emit("".join(line + "\n" for line in lines), out)


def review_import(file: Annotated[Path, typer.Argument(help="JSON lines written by `review export`.")]) -> None:
    """Add the decisions of an export (each once); nothing is written when a line is not a decision."""
    from align.errors import InputError
    from align.reviews import ReviewStore

    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(file, f"cannot read it ({type(exc).__name__})") from None
    with ReviewStore() as store:
        added = store.import_lines(lines, str(file))
    typer.echo(f"{file}: {added} new decisions", err=True)


def review_undo(plan: Annotated[str, typer.Argument(help="Plan id.")],
                task: Annotated[str, typer.Argument(help="Task id.")], ref: RefOpt = "nq57",
                reviewer: ReviewerOpt = None) -> None:
    """Take back the decision in force for a task's reference: the one before it is in force again."""
    from align.reviews import ReviewStore

    with ReviewStore() as store:
        row = store.undo(plan, task, ref, _reviewer(reviewer))
    typer.echo(f"{plan} {task} {ref}: undid {row.replaces}", err=True)
