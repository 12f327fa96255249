"""What a feature of the hybrid ranker adds, paired over the labelled tasks.

    python bench/accuracy.py --without xref_dense,xref_bm25

scores the labels leave-one-commune-out twice on the same features (collected once): the
hybrid ranker fitted with every feature, and fitted without the named ones. For each
reference it prints hit@1 and MRR of both and the paired difference (all minus without)
with a bootstrap 95% interval over tasks, tasks better and worse: the rule for keeping a
change is an interval above zero on one reference and no fall on the other.
`--save FILE` also writes every task's reciprocal rank (JSON) and `--against FILE` compares
with such a file written by another revision of the code; `--worst N` lists the worst-ranked
tasks. Measures, never asserts.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ranks(samples, scores) -> dict[str, dict]:
    from align.metrics import reciprocal_ranks

    return {metric: reciprocal_ranks(samples, scores, metric) for metric in ("mrr", "hit@1")}


def compare(name: str, before: dict, after: dict) -> list[dict]:
    from align.metrics import paired_bootstrap

    rows = []
    for ref in ("nq57", "nq03"):
        row = {"change": name, "ref": ref}
        for metric in ("hit@1", "mrr"):
            a = {k: v for k, v in before[metric].items() if k[0] == ref}
            b = {k: v for k, v in after[metric].items() if k[0] == ref}
            test = paired_bootstrap(a, b)
            row[f"{metric} before"] = round(sum(a.values()) / len(a), 3)
            row[f"{metric} after"] = round(sum(b.values()) / len(b), 3)
            row[f"{metric} diff [95%]"] = f"{test['difference']:+.3f} [{test['low']:+.3f}, {test['high']:+.3f}]"
        row["better / worse"] = f"{test['better']} / {test['worse']}"
        rows.append(row)
    return rows


def _keyed(data: dict) -> dict:
    return {metric: {tuple(k.split("|")): v for k, v in values.items()} for metric, values in data.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--without", default="", help="comma-separated hybrid features to leave out")
    parser.add_argument("--save", type=Path, help="write every task's reciprocal rank and hit@1 here")
    parser.add_argument("--against", type=Path, help="compare with a --save file of another revision")
    parser.add_argument("--model", default="e5")
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst-ranked tasks per reference")
    args = parser.parse_args()

    from align.evaluate import LABELS_FILE, collect_samples, label_memory, loco_scores, read_labels
    from align.metrics import worst_misses
    from align.paths import eval_dir
    from align.retrieval.features import FEATURES
    from align.session import Session
    from bench.engines import table

    session = Session(None, model=args.model, progress=False)
    samples, _ = collect_samples(session, read_labels(eval_dir() / LABELS_FILE))
    model_id = session.embedder.model_id
    memory = label_memory(model_id, samples)
    scores = loco_scores(model_id, samples, memory=memory)["hybrid"]
    full = ranks(samples, scores)
    rows = []
    if args.without:
        dropped = set(args.without.split(","))
        unknown = dropped - set(FEATURES)
        if unknown:
            parser.error(f"unknown features: {', '.join(sorted(unknown))}")
        kept = [f for f in FEATURES if f not in dropped]
        without = ranks(samples, loco_scores(model_id, samples, kept, memory)["hybrid"])
        rows += compare(f"+ {args.without}", without, full)
    if args.against:
        rows += compare(f"this code vs {args.against.name}", _keyed(json.loads(args.against.read_text())), full)
    if args.save:
        args.save.write_text(json.dumps({m: {"|".join(k): v for k, v in d.items()} for m, d in full.items()}))
    if rows:
        print(table(rows))
    for ref in ("nq57", "nq03") if args.worst else ():
        misses = worst_misses(samples, scores, ref, args.worst)
        print(f"\nworst {ref}\n" + table([{k: (", ".join(v) if isinstance(v, list) else v) for k, v in m.items()}
                                             for m in misses]))


if __name__ == "__main__":
    main()
