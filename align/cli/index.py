"""`plan-align index build|info`: the FAISS index of the corpus for a model."""
from __future__ import annotations

import sys
from typing import Annotated

import typer

from align.cli.app import CorpusOpt, IndexOpt, ModelOpt, QuietOpt, VerboseOpt, open_api


def index_build(corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
                approx: Annotated[bool, typer.Option("--approx", help="Use an approximate (HNSW) index "
                                                     "even below 1,000,000 vectors.")] = False,
                full: Annotated[bool, typer.Option("--full", help="Parse and embed every document again "
                                                   "instead of reusing the unchanged ones.")] = False,
                quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Build (or update) the index of the corpus for a model.

    Documents unchanged since the current build are carried over; only new or changed
    ones are parsed and embedded.
    """
    api = open_api(corpus, model, index_dir, quiet=quiet, verbose=verbose, approx=True if approx else None)
    typer.echo(api.build_index(full=full).summary())


def index_info(corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
               quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Show the manifest of the current index and whether it is stale."""
    from align.reports.tabular import to_json

    sys.stdout.write(to_json(open_api(corpus, model, index_dir, quiet=quiet, verbose=verbose).index_info().to_json()))
