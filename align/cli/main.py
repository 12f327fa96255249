"""The `plan-align` command line: the app and its commands, every one registered here.

The commands live in their own modules as plain functions (options in, one call to
`align.PlanAlign`, the result rendered); this module is the one list of them, so importing
a command module registers nothing and no command module imports this one.
Errors the user can fix (PlanAlignError) print one line on stderr and exit 1.
"""
from __future__ import annotations

import typer

from align.cli import corpus, documents, evaluate, index, models, review, reviews, serve
from align.errors import PlanAlignError


def build_app() -> typer.Typer:
    """The `plan-align` app with its command groups and commands."""
    app = typer.Typer(name="plan-align", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      help="Check how a Vietnamese commune plan carries out the plans above it (NQ 57, 03/NQ-CP).")
    groups = {
        "corpus": (typer.Typer(no_args_is_help=True, help="The corpus of reference documents and plans."),
                   {"list": corpus.corpus_list, "add": corpus.corpus_add, "remove": corpus.corpus_remove}),
        "index": (typer.Typer(no_args_is_help=True, help="The FAISS index of the corpus."),
                  {"build": index.index_build, "info": index.index_info}),
        "models": (typer.Typer(no_args_is_help=True,
                               help="The project's own embedding models (built, never downloaded)."),
                   {"build-base": models.build_base_cmd, "build": models.build_cmd, "list": models.list_cmd,
                    "pairs": models.pairs_cmd, "eval": models.eval_cmd}),
        "review": (typer.Typer(no_args_is_help=True, help=reviews.HELP),
                   {"add": reviews.review_add, "list": reviews.review_list, "export": reviews.review_export,
                    "import": reviews.review_import, "undo": reviews.review_undo}),
    }
    for name, command in {"parse": documents.parse, "align": documents.align, "gaps": review.gaps,
                          "orphans": review.orphans, "duplicates": review.duplicates, "search": review.search,
                          "report": review.report, "matrix": review.matrix, "eval": evaluate.evaluate,
                          "serve": serve.serve}.items():
        app.command(name)(command)
    for name, (group, commands) in groups.items():
        for command_name, command in commands.items():
            group.command(command_name)(command)
        app.add_typer(group, name=name)
    return app


app = build_app()


def main() -> None:
    try:
        app()
    except PlanAlignError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise SystemExit(1)
