"""Reviewer commands: `gaps`, `duplicates`, `search`, `report`, `matrix`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional, Sequence

import typer

from align.cli.main import (CorpusOpt, FormatOpt, IndexOpt, MethodOpt, ModelOpt, NoRebuildOpt, OutOpt, QuietOpt,
                            VerboseOpt, _check_format, _session, app)

OneRefOpt = Annotated[str, typer.Option("--ref", help="Reference document id.")]
ThresholdOpt = Annotated[Optional[float], typer.Option(
    "--threshold", help="Support below which a clause is a gap (default: the cut fitted by `plan-align eval "
    "--fit` on the coverage labels).", show_default=False)]
PlanArg = Annotated[str, typer.Argument(help="A plan: corpus document id or file path.")]

Section = tuple[str, Sequence[str], list[dict[str, Any]]]
NoReviewsOpt = Annotated[bool, typer.Option("--no-reviews", help="The model's decisions alone, without the "
                         "reviewers' ones (`plan-align review`).")]


def _reviews(session, plan: str, off: bool):
    """The reviewers' decisions in force for the plan (none when off, or when nothing was ever reviewed)."""
    from align.reviews import ReviewStore

    store = None if off else ReviewStore.existing()
    if store is None:
        return None
    with store:
        return store.current(session.corpus.resolve(plan).id)


def _render_sections(sections: Sequence[Section], fmt: str, data: Any, out: Path | None) -> None:
    """JSON: `data`; CSV: the first section; table/md: every section, one after the other."""
    from align.cli.output import emit, render
    from align.reports import tabular

    if fmt in ("json", "csv"):
        title, columns, rows = sections[0]
        render(rows, columns, fmt, data=data, title=title, out=out)
    elif fmt == "md":
        emit("\n".join(tabular.to_markdown(rows, columns, title) for title, columns, rows in sections), out)
    elif out is not None:
        emit("\n".join(f"# {title}\n" + tabular.to_plain_table(rows, columns) for title, columns, rows in sections),
             out)
    else:
        for title, columns, rows in sections:
            render(rows, columns, fmt, title=title)


@app.command()
def gaps(plan: PlanArg, ref: OneRefOpt = "nq57", threshold: ThresholdOpt = None, method: MethodOpt = None,
         fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
         no_rebuild: NoRebuildOpt = False, out: OutOpt = None, no_reviews: NoReviewsOpt = False,
         quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Every clause of the reference with its state (covered, weak, gap, not applicable), items and orphans."""
    from align.decide.assess import assess
    from align.reports.gaps import CLAUSE_COLUMNS, ITEM_COLUMNS, ORPHAN_COLUMNS, clause_rows, gap_report

    _check_format(fmt)
    session = _session(corpus, model, index_dir, no_rebuild, quiet, verbose)
    report = gap_report(assess(session, plan, ref, method, threshold, _reviews(session, plan, no_reviews)))
    s, cuts = report["summary"], report["cuts"]
    head = (f"{report['plan']['id']} against {ref}: {s['covered']}/{s['applicable']} applicable clauses covered "
            f"({s['weak']} weak), {s['gaps']} gaps, {s['not_applicable']} not for a commune, {s['orphans']} orphan "
            f"tasks (gap below support {cuts['weak']:.2f}, covered from {cuts['covered']:.2f}; {cuts['source']})")
    _render_sections([(head, CLAUSE_COLUMNS, clause_rows(report)), ("Items", ITEM_COLUMNS, report["items"]),
                      ("Orphan tasks", ORPHAN_COLUMNS, report["orphans"])], fmt, report, out)


@app.command()
def duplicates(plan: PlanArg,
               across: Annotated[bool, typer.Option("--across", help="Pairs between this plan and every other "
                                                    "plan of the corpus, instead of inside it.")] = False,
               threshold: Annotated[Optional[float], typer.Option(
                   "--threshold", help="Probability from which two tasks are taken for one (default: fitted on "
                   "eval/duplicate_pairs.jsonl).", show_default=False)] = None,
               near: Annotated[Optional[float], typer.Option(
                   "--near", help="Word-sequence similarity from which a duplicate is a near repeat.",
                   show_default=False)] = None,
               fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5",
               index_dir: IndexOpt = None, no_rebuild: NoRebuildOpt = False, out: OutOpt = None,
               quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Pairs of tasks that are one task stated twice (exact, near, paraphrase), found by FAISS range search."""
    import dataclasses

    from align.decide.duplicates import NEAR_SIMILARITY, plan_duplicates
    from align.reports.duplicates import PAIR_COLUMNS, duplicates_to_json, pair_rows

    _check_format(fmt)
    session = _session(corpus, model, index_dir, no_rebuild, quiet, verbose)
    document = session.corpus.resolve(plan)
    pair_model = session.decisions.duplicates
    if threshold is not None:
        pair_model = dataclasses.replace(pair_model, threshold=threshold)
    near = NEAR_SIMILARITY if near is None else near
    pairs = plan_duplicates(session, document, across=across, model=pair_model, near=near)
    where = "with other plans" if across else "inside the plan"
    _render_sections([(f"{document.id}: {len(pairs)} duplicate pairs {where}", PAIR_COLUMNS, pair_rows(pairs))],
                     fmt, duplicates_to_json(document, pairs, across, pair_model.threshold, near), out)


@app.command()
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
    from align.reports.search import HIT_COLUMNS, hit_rows, search as run_search, search_to_json

    _check_format(fmt)
    session = _session(corpus, model, index_dir, no_rebuild, quiet, verbose)
    hits = run_search(session, text, kind=kind, commune=commune, top_k=top_k, lexical=not no_lexical)
    _render_sections([(f"{len(hits)} {kind}s like: {text}", HIT_COLUMNS, hit_rows(hits))], fmt,
                     search_to_json(text, kind, commune, hits), out)


@app.command()
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
    from align.i18n import check_lang
    from align.reports.review import build_review, review_format, write_review

    review_format(out)
    check_lang(lang)
    session = _session(corpus, model, index_dir, no_rebuild, quiet, verbose)
    review = build_review(session, plan, method=method, threshold=threshold, ref=ref,
                          reviews=_reviews(session, plan, no_reviews))
    path = write_review(review, out, lang)
    s = review["summary"]
    typer.echo(f"{path}: {s['tasks']} tasks, {s['covered']}/{s['clauses']} clauses covered, {s['gaps']} gaps, "
               f"{s['orphans']} orphans, {s['duplicates']} duplicate pairs", err=True)


@app.command()
def matrix(ref: OneRefOpt = "nq57", threshold: ThresholdOpt = None, method: MethodOpt = None,
           fmt: FormatOpt = "table", corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
           no_rebuild: NoRebuildOpt = False, out: OutOpt = None, quiet: QuietOpt = False,
           verbose: VerboseOpt = False) -> None:
    """Coverage of the reference's items by every plan of the corpus (covered/applicable per cell, weak apart)."""
    from align.align import DEFAULT_METHOD
    from align.decide.applicability import applicability
    from align.decide.assess import coverage_model
    from align.decide.peers import corpus_coverage, plan_communes
    from align.reports.matrix import coverage_matrix, matrix_columns, matrix_rows

    _check_format(fmt)
    session = _session(corpus, model, index_dir, no_rebuild, quiet, verbose)
    reference = session.corpus.references([ref])[0]
    cut, source = coverage_model(session, threshold)
    plans = corpus_coverage(session, reference, method or DEFAULT_METHOD)
    data = coverage_matrix(plans, reference, cut, applicability(reference), plan_communes(session.corpus))
    _render_sections([(f"Coverage of {ref} (gap below support {cut.weak:.3f}, {source})", matrix_columns(data),
                       matrix_rows(data))], fmt, data, out)


import align.cli.reviews  # noqa: E402,F401  (registers `plan-align review ...`)
