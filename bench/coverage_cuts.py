"""Gap figures on every coverage label, four ways, leave-one-commune-out:

    python bench/coverage_cuts.py

- before: the serves model on the task labels only, and the cuts fitted on NQ 57's coverage
  labels used for every reference (the code before 03/NQ-CP was labelled);
- the serves model also trained on the coverage labels, each reference with its own cuts
  (`Decisions.coverage_for`);
- now, but one pair of cuts fitted on both references;
- now: the serves model also reads the label memory's `COVERAGE_FEATURES` (how close the task is
  to the tasks other communes' readers named as carrying the clause out).

One markdown row per way and reference (both, nq57, nq03): gap precision / recall, false gaps in
the worst plan, clauses only central bodies act on reported as gaps, covered recall, weak share.
Measures, never asserts (eval/README.md, "Gaps on 03/NQ-CP too").
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def nq57_cuts_everywhere(C, corpus, labels) -> list:
    """Each commune's states with cuts chosen on the other communes' NQ 57 labels only."""
    refs = C.labelled_refs(corpus, labels)
    rules = C.clause_rules(refs)
    plans = sorted(corpus.plans)
    predicted = []
    for group in corpus.communes:
        test = [p for p in plans if corpus.groups[p] == group]
        inner = [x for h in corpus.communes if h != group for ref in refs if ref.id == "nq57"
                 for x in C.coverage_support(corpus, labels, frozenset({group, h}),
                                             [p for p in plans if corpus.groups[p] == h], ref)]
        cuts = C.coverage_cuts(np.array([v for _, _, v in inner]), [l for _, l, _ in inner])
        for ref in refs:
            for pid, label, value in C.coverage_support(corpus, labels, frozenset({group}), test, ref):
                predicted.append((pid, label, cuts.status(value, rules[(ref.id, label.clause)].commune)))
    return predicted


def rows(C, name: str, predicted, rules) -> list[str]:
    out = []
    for ref in (None, "nq57", "nq03"):
        f = C.coverage_figures([p for p in predicted if ref is None or p[1].ref == ref], rules)
        out.append(f"| {name} | {ref or 'both'} | {f['gap_precision']:.3f} / {f['gap_recall']:.3f} "
                   f"({f['gaps_reported']} of {f['gaps_labelled']}) | {f['max_false_gaps']} | {f['central_gaps']} "
                   f"| {f['covered_recall']:.3f} | {f['weak_share']:.3f} |")
    return out


def main() -> None:
    import align.decide.coverage_eval as C
    import align.decide.evaluate as E
    from align.decide.labels import COVERAGE_FILE, read_coverage_labels
    from align.evaluate import LABELS_FILE, read_labels
    from align.paths import eval_dir
    from align.session import Session

    session = Session(None, progress=False)
    tasks = read_labels(eval_dir() / LABELS_FILE)
    coverage = read_coverage_labels(eval_dir() / COVERAGE_FILE)
    plans = sorted({l.plan for l in tasks})
    before = E.load_corpus(session, tasks, plans)
    rules = C.clause_rules(C.labelled_refs(before, coverage))
    now = E.load_corpus(session, tasks, plans, coverage)
    trained = dataclasses.replace(now, memory=now.memory.with_covers({}), _models={}, _scored={})
    print("| | ref | gap precision / recall (reported of labelled) | false gaps, worst plan | central gaps "
          "| covered recall | weak share |")
    print("|---|---|---|---|---|---|---|")
    for line in (rows(C, "before", nq57_cuts_everywhere(C, before, coverage), rules)
                 + rows(C, "serves trained on the coverage labels, own cuts",
                        C.evaluate_coverage(trained, coverage)[0], rules)
                 + rows(C, "now, but one pair of cuts for both references",
                        C.evaluate_coverage(now, coverage, by_reference=False)[0], rules)
                 + rows(C, "now: the serves model also reads the tasks named elsewhere",
                        C.evaluate_coverage(now, coverage)[0], rules)):
        print(line)


if __name__ == "__main__":
    main()
