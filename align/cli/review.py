"""Reviewer commands: `gaps`, `orphans`, `duplicates`, `search`, `report`, `matrix`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.app import (CorpusOpt, FormatOpt, IndexOpt, MethodOpt, ModelOpt, NoRebuildOpt, OutOpt, QuietOpt,
                           VerboseOpt, check_format, open_api)

OneRefOpt = Annotated[str, typer.Option("--ref", help="Reference document id.")]
ThresholdOpt = Annotated[Optional[float], typer.Option(
    "--threshold", help="Support below which a clause is a gap (default: the cut fitted by `plan-align eval "
    "--fit` on the coverage labels).", show_default=False, min=0.0, max=1.0)]
PlanArg = Annotated[str, typer.Argument(help="A plan: corpus document id or file path.")]
NoReviewsOpt = Annotated[bool, typer.Option("--no-reviews", help="The model's decisions alone, without the "
                         "reviewers' ones (`plan-align review`).")]


def gaps(plan: PlanArg, ref: OneRefOpt = "nq57", threshold: ThresholdOpt = None, method: MethodOpt = None,
         fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
         no_rebuild: NoRebuildOpt = False, out: OutOpt = None, no_reviews: NoReviewsOpt = False,
         quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Every clause of the reference with its state (covered, weak, gap, not applicable), items and orphans."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.gaps(plan, ref, method, threshold, reviewed=not no_reviews), fmt, out)


def orphans(plan: PlanArg, method: MethodOpt = None, fmt: FormatOpt = "table", corpus: CorpusOpt = None,
            model: ModelOpt = "e5", index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False,
            out: OutOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """The tasks of PLAN that serve no clause of any reference, with their nearest clauses."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.orphans(plan, method), fmt, out)


def duplicates(plan: PlanArg,
               across: Annotated[bool, typer.Option("--across", help="Pairs between this plan and every other "
                                                    "plan of the corpus, instead of inside it.")] = False,
               threshold: Annotated[Optional[float], typer.Option(
                   "--threshold", help="Probability from which two tasks are taken for one (default: fitted on "
                   "eval/duplicate_pairs.jsonl).", show_default=False, min=0.0, max=1.0)] = None,
               near: Annotated[Optional[float], typer.Option(
                   "--near", help="Word-sequence similarity from which a duplicate is a near repeat.",
                   show_default=False, min=0.0, max=1.0)] = None,
               fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5",
               index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False, out: OutOpt = None,
               quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Pairs of tasks that are one task stated twice (exact, near, paraphrase), found by FAISS range search."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.duplicates(plan, across=across, threshold=threshold, near=near), fmt, out)


def search(text: Annotated[str, typer.Argument(help="Free text to look for.")],
           kind: Annotated[str, typer.Option("--kind", help="task (commune plans) or clause (references).")]
           = "task",
           commune: Annotated[Optional[str], typer.Option("--commune", help="Only this commune's plans.",
                                                          show_default=False)] = None,
           top_k: Annotated[int, typer.Option("--top-k", min=1, help="Number of results.")] = 10,
           no_lexical: Annotated[bool, typer.Option("--dense-only", help="Rank by embeddings alone, "
                                                    "without BM25.")] = False,
           fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
           no_rebuild: NoRebuildOpt = False, out: OutOpt = None, quiet: QuietOpt = False,
           verbose: VerboseOpt = False) -> None:
    """Tasks (or clauses) of the whole corpus most similar to a text, with plan, headings and score."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.search(text, kind=kind, commune=commune, top_k=top_k, lexical=not no_lexical), fmt, out)


def report(plan: PlanArg,
           out: Annotated[Path, typer.Option("--out", "-o", help="Report file: .html, .md, .json, .xlsx or .docx.")],
           ref: Annotated[Optional[str], typer.Option("--ref", help="Reference for coverage and gaps (default: "
                                                      "nq57, else the corpus's first reference).",
                                                      show_default=False)] = None,
           threshold: ThresholdOpt = None, method: MethodOpt = None, corpus: CorpusOpt = None,
           model: ModelOpt = "e5", index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False,
           lang: Annotated[str, typer.Option("--lang", help="Language of the report's labels: vi or en.")] = "vi",
           no_reviews: NoReviewsOpt = False, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """The review report: summary, tasks with their best clauses, gaps, orphans, duplicates, heatmap."""
    from align.reports.review import review_format

    from align.i18n import check_lang

    review_format(out)
    check_lang(lang)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    review = api.review(plan, ref=ref, method=method, threshold=threshold, reviewed=not no_reviews)
    typer.echo(f"{review.write(out, lang)}: {review.summary()}", err=True)


def matrix(ref: OneRefOpt = "nq57", threshold: ThresholdOpt = None, method: MethodOpt = None,
           fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
           no_rebuild: NoRebuildOpt = False, out: OutOpt = None, no_reviews: NoReviewsOpt = False,
           quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Coverage of the reference's items by every plan of the corpus (covered/applicable per cell, weak apart);
    reviewed decisions override the model, and their plans are marked reviewed."""
    from align.cli.output import show

    check_format(fmt)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    show(api.matrix(ref, method, threshold, reviewed=not no_reviews), fmt, out)
