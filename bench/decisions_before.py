"""The decisions of the code before issue 10 (commit 83c172b), scored on today's decision labels.

That code had one probability threshold for coverage, regular expressions and peer coverage for
applicability, orphans against NQ 57 only and a cosine cut for paraphrases. Run it from a checkout
of 83c172b with this tree's eval/ copied in:

    git worktree add /tmp/old 83c172b && cp -r eval /tmp/old && cd /tmp/old && PYTHONPATH=. python <this file>
"""
import json
import numpy as np
from align.session import Session
from align.reports.gaps import prepare_coverage, gap_report
from align.reports.duplicates import read_pair_labels, score_labels, PARAPHRASE_THRESHOLD
from align.evaluate import read_labels, find_task
s = Session(progress=False)
cov = [json.loads(l) for l in open('eval/coverage_labels.jsonl')]
plans = sorted({c['plan'] for c in cov})
tp = fp = fn = 0; found = tot_cov = 0; per = {}; weak = 0; central = 0
orph_pred = []; orph_true = []
tl = read_labels('eval/labels.jsonl')
for p in plans:
    c = prepare_coverage(s, p, 'nq57')
    r = gap_report(c.target, c.plans, c.threshold, c.communes)
    state = {}
    for row in r['clauses']:
        state[row['clause_id']] = 'covered' if row['covered'] else ('gap' if row['level'] == 'commune' else 'na')
    fg = 0
    for l in [x for x in cov if x['plan'] == p]:
        pr = state[l['clause']]
        tp += pr == 'gap' and l['status'] == 'gap'; fp += pr == 'gap' and l['status'] != 'gap'; fn += pr != 'gap' and l['status'] == 'gap'
        fg += pr == 'gap' and l['status'] != 'gap'
        central += pr == 'gap' and l['status'] == 'na'
        if l['status'] == 'covered':
            tot_cov += 1; found += pr == 'covered'
    per[p] = fg
    orphans = {o['id'] for o in r['orphans']}
    doc = s.corpus.document(p)
    for l in [x for x in tl if x.plan == p]:
        t = find_task(doc.tasks, l.anchor, l.occurrence)
        orph_pred.append(t.id in orphans); orph_true.append(not any(l.refs.values()))
op = np.array(orph_pred); ot = np.array(orph_true)
print(json.dumps({"gap_precision": round(tp / (tp + fp), 4) if tp + fp else None, "gap_recall": round(tp / (tp + fn), 4) if tp + fn else None,
                  "gaps_reported": int(tp + fp), "false_gaps_per_plan": per, "central_gaps": int(central),
                  "covered_recall": round(found / tot_cov, 4),
                  "orphans_reported": int(op.sum()), "orphan_precision": round(float(ot[op].mean()), 4) if op.any() else None,
                  "orphan_recall": round(float(op[ot].mean()), 4)}, indent=1))
scored, unresolved = score_labels(s, read_pair_labels('eval/duplicate_pairs.jsonl'))
pred = np.array([x.predicted(PARAPHRASE_THRESHOLD) is not None for x in scored]); act = np.array([x.label.duplicate for x in scored])
print(json.dumps({"pairs": len(scored), "unresolved": len(unresolved), "reported": int(pred.sum()),
                  "duplicate_precision": round(float(act[pred].mean()), 4), "duplicate_recall": round(float(pred[act].mean()), 4)}))
