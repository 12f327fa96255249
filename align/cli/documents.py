"""`plan-align parse` and `plan-align align`: one document, and one plan against the references."""
from __future__ import annotations

from typing import Annotated

import typer

from align.cli.app import (CorpusOpt, FormatOpt, IndexOpt, MethodOpt, ModelOpt, NoRebuildOpt, OutOpt, QuietOpt,
                           RefOpt, VerboseOpt, check_format, open_api, split_ids)


def parse(file: Annotated[str, typer.Argument(help="A document file, or a corpus document id.")],
          fmt: FormatOpt = "table", structure: Annotated[bool, typer.Option(
              "--structure", help="Show the heading/body structure instead of the extracted units.")] = False,
          corpus: CorpusOpt = None, out: OutOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Show a document's extracted tasks (plans) or clauses (references), or its structure."""
    from align.cli.output import show

    check_format(fmt)
    show(open_api(corpus, quiet=quiet, verbose=verbose).parse(file, structure=structure), fmt, out)


def align(plan: Annotated[str, typer.Argument(help="A plan: corpus document id or file path.")],
          ref: RefOpt = None, top_k: Annotated[int, typer.Option("--top-k", min=1, help="Clauses per reference.")] = 5,
          fmt: FormatOpt = "table", method: MethodOpt = None, corpus: CorpusOpt = None, model: ModelOpt = "e5",
          index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False, out: OutOpt = None,
          no_reviews: Annotated[bool, typer.Option("--no-reviews", help="No suggestions from the clauses reviewers "
                                                   "chose for near-repeats in other plans.")] = False,
          quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Map each task of PLAN to its nearest clauses of each reference document (and the clauses reviewers
    chose for near-repeats of its tasks in other plans)."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.align(plan, split_ids(ref), top_k=top_k, method=method, reviewed=not no_reviews), fmt, out)
