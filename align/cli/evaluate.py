"""`plan-align eval`: score the methods against the labels in eval/."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.main import CorpusOpt, FormatOpt, QuietOpt, VerboseOpt, _check_format, _session, app

EVAL_COLUMNS = ("model", "method", "ref", "n", "hit@1", "hit@5", "mrr", "ndcg@5", "item@1", "auc_none", "n_none")
DECISION_COLUMNS = ("plan", "gap_precision", "gap_recall", "gaps_labelled", "gaps_reported", "max_false_gaps",
                    "covered_recall", "weak_share", "central_gaps", "orphan_precision", "orphan_recall",
                    "orphans_labelled", "orphans_reported")
DUPLICATE_COLUMNS = ("pairs", "same", "related", "different", "duplicate_precision", "duplicate_recall",
                     "false_positives", "not_candidates")


@app.command("eval")
def evaluate(model: Annotated[Optional[list[str]], typer.Option(
                 "--model", help="Models to evaluate (repeatable): e5, st:PATH, a built model.")] = None,
             method: Annotated[Optional[list[str]], typer.Option(
                 "--method", help="Only these methods (repeatable).")] = None,
             labels: Annotated[Optional[Path], typer.Option("--labels", help="Labels file (JSON lines).",
                                                             show_default=False)] = None,
             per_plan: Annotated[bool, typer.Option("--per-plan", help="Also show the default method per plan.")]
             = False,
             fit: Annotated[bool, typer.Option("--fit", help="Save the fusion weights and decision models fitted "
                                               "on all labels as the package defaults (align/data/).")] = False,
             decisions: Annotated[bool, typer.Option("--decisions/--no-decisions", help="Also score the "
                                                     "decisions (coverage, gaps, orphans, duplicates).")] = True,
             corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False,
             verbose: VerboseOpt = False) -> None:
    """Hit@1, hit@5, MRR, nDCG@5, item accuracy and no-clause AUC, method by method (leave-one-commune-out)."""
    from align.cli.output import render
    from align.evaluate import LABELS_PATH, evaluate_session, read_labels
    from align.models.registry import loco_variants
    from align.retrieval.fusion import save_fusions

    _check_format(fmt)
    gold = read_labels(labels or LABELS_PATH)
    rows, plan_rows, fusions, extra = [], [], [], []
    for spec in model or ["e5"]:
        variants = loco_variants(spec)
        groups = ({commune: _session(corpus, v, quiet=quiet, verbose=verbose) for commune, v in variants.items()}
                  if variants else None)
        result = evaluate_session(_session(corpus, spec, quiet=quiet, verbose=verbose), gold, group_sessions=groups,
                                  name=f"{spec} (loco)" if variants else None)
        rows += [r for r in result["rows"] if not method or r["method"].split()[0] in method]
        plan_rows += result["per_plan"]
        fusions.append(result["fusion"])
        extra.append({k: result[k] for k in ("model", "threshold", "unresolved", "worst", "labels", "samples")})
    verdicts = _decisions(corpus, model, gold, quiet, verbose) if decisions or fit else None
    if fit:
        save_fusions(fusions)
        if verdicts is not None:
            from align.decide.models import save_decisions

            save_decisions([verdicts["decisions"]])
    if fmt == "json":
        data = {"methods": rows, "per_plan": plan_rows, "details": extra}
        if verdicts is not None:
            data["decisions"] = {k: v for k, v in verdicts.items() if k != "decisions"}
        render(rows, EVAL_COLUMNS, fmt, data=data)
        return
    render(rows, EVAL_COLUMNS, fmt, title="Clause-level retrieval against eval/labels.jsonl")
    if per_plan:
        render(plan_rows, ("model", "method", "ref", "plan") + EVAL_COLUMNS[3:], fmt, title="Per plan")
    if verdicts is not None:
        render([verdicts["overall"], *verdicts["per_plan"]], DECISION_COLUMNS, fmt,
               title="Decisions, leave-one-commune-out (eval/coverage_labels.jsonl, eval/labels.jsonl)")
        render([verdicts["duplicates"]], DUPLICATE_COLUMNS, fmt,
               title="Duplicate pairs, leave-one-commune-out (eval/duplicate_pairs.jsonl)")
        render([{"ref": ref, **figures} for ref, figures in verdicts["applicability"].items()],
               ("ref", "n", "accuracy", "national", "national_found"), fmt,
               title="Applicability read from the text (rules) against the curated tables")
    for item in extra:
        th = item["threshold"]
        typer.echo(f"{item['model']}: {item['samples']} labelled (task, reference) pairs from {item['labels']} "
                   f"labels; {len(item['unresolved'])} anchors unresolved; coverage threshold "
                   f"{th['threshold']:.3f} (F1 {th['f1']:.3f}, P {th['precision']:.3f}, R {th['recall']:.3f})",
                   err=True)


def _decisions(corpus, model, gold, quiet: bool, verbose: bool) -> dict:
    """The decision figures for the first model given (decisions are fitted per embedding model)."""
    from align.decide.evaluate import evaluate_decisions
    from align.decide.labels import read_coverage_labels, read_pair_labels

    session = _session(corpus, (model or ["e5"])[0], quiet=quiet, verbose=verbose)
    return evaluate_decisions(session, gold, read_coverage_labels(), read_pair_labels())
