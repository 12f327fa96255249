"""Duplicate thresholds on the labelled pairs in eval/duplicate_pairs.jsonl.

Usage: python bench/duplicate_thresholds.py [--labels FILE] [--corpus DIR] [--model e5] [--index-dir DIR]

Prints, as Markdown: precision/recall/F1 of "is a duplicate" for a sweep of paraphrase
thresholds (cosine), the best one, a leave-one-out estimate (each pair judged at the
threshold chosen on the other pairs), and how the predicted kind (exact/near/paraphrase)
agrees with the labelled kind for several near-similarity cut-offs. The numbers in
eval/DUPLICATES.md come from this script.
"""
from __future__ import annotations

import argparse
from collections import Counter

import numpy as np

from align.reports.duplicates import (LABELS_PATH, MUTUAL_RANK, NEAR_SIMILARITY, PARAPHRASE_THRESHOLD,
                                      choose_threshold, leave_one_out, precision_recall, read_pair_labels, score_labels)
from align.corpus_index import task_records
from align.reports.duplicates import plan_duplicates
from align.session import Session

CANDIDATES = [round(float(t), 3) for t in np.arange(0.89, 0.971, 0.005)]


def _without_rank(scored) -> str:
    from dataclasses import replace

    r = precision_recall([replace(p, rank=1) for p in scored], PARAPHRASE_THRESHOLD)
    return f"P {r['precision']:.3f}, R {r['recall']:.3f}, F1 {r['f1']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", default=str(LABELS_PATH))
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--model", default="e5")
    parser.add_argument("--index-dir", default=None)
    args = parser.parse_args()

    session = Session(args.corpus, model=args.model, index_dir=args.index_dir, progress=False)
    labels = read_pair_labels(args.labels)
    scored, unresolved = score_labels(session, labels)
    positives = sum(p.label.duplicate for p in scored)
    print(f"model {session.embedder.model_id}: {len(labels)} labelled pairs, {len(scored)} resolved "
          f"({positives} duplicates, {len(scored) - positives} different), {len(unresolved)} unresolved\n")
    print("| threshold | precision | recall | F1 | tp | fp | fn |\n|---|---|---|---|---|---|---|")
    for t in CANDIDATES:
        r = precision_recall(scored, t)
        print(f"| {t:.3f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['tp']} | {r['fp']} | "
              f"{r['fn']} |")
    print(f"\nparaphrases also need a mutual rank <= {MUTUAL_RANK}; without it, at the default threshold: "
          f"{_without_rank(scored)}")
    best = choose_threshold(scored, CANDIDATES)
    print(f"\nbest F1: threshold {best['threshold']:.3f} (P {best['precision']:.3f}, R {best['recall']:.3f}, "
          f"F1 {best['f1']:.3f}); package default {PARAPHRASE_THRESHOLD}")
    loo = leave_one_out(scored, CANDIDATES)
    print(f"leave-one-out: P {loo['precision']:.3f}, R {loo['recall']:.3f}, F1 {loo['f1']:.3f} "
          f"(tp {loo['tp']}, fp {loo['fp']}, fn {loo['fn']})\n")
    print("| near cut-off | kind agreement on true positives | confusion (labelled -> predicted) |\n|---|---|---|")
    for near in (0.6, 0.7, 0.8, 0.9):
        pairs = Counter()
        for pair in scored:
            kind = pair.predicted(PARAPHRASE_THRESHOLD, near)
            if pair.label.duplicate and kind:
                pairs[(pair.label.kind, kind)] += 1
        agree = sum(n for (x, y), n in pairs.items() if x == y)
        total = sum(pairs.values())
        mark = " (default)" if near == NEAR_SIMILARITY else ""
        shown = ", ".join(f"{x}->{y}: {n}" for (x, y), n in sorted(pairs.items()))
        print(f"| {near:.1f}{mark} | {agree}/{total} | {shown} |")
    for label in unresolved:
        print(f"unresolved: {label.a} / {label.b}")
    print("\n| plan | tasks | pairs inside (exact/near/paraphrase) | cosine >= threshold alone |\n|---|---|---|---|")
    for plan in session.corpus.plans():
        pairs = plan_duplicates(session, plan)
        kinds = Counter(p.kind for p in pairs)
        vectors = session.aligner.task_vectors(task_records(plan))
        sims = vectors @ vectors.T
        alone = int((sims[np.triu_indices(len(sims), 1)] >= PARAPHRASE_THRESHOLD).sum())
        print(f"| {plan.id} | {len(plan.tasks)} | {len(pairs)} ({kinds['exact']}/{kinds['near']}/"
              f"{kinds['paraphrase']}) | {alone} |")


if __name__ == "__main__":
    main()
