"""More evidence for the hybrid ranker (issue 15), each measured against the hybrid ranker scoring
each task alone, leave-one-commune-out and paired over tasks (eval/README.md, "Ninth session" and
"Tenth session"). Only the plan context was kept.

    PYTHONPATH=. OMP_NUM_THREADS=1 python bench/rank_variants.py [--only NAME ...]

The variants, each beside the shipped features unless said:
- `prior`: the clause's log frequency among the labelled tasks of the other communes (a class
  prior; the memory's vote is a share among near tasks only);
- `split`: the memory features in two copies, one for tasks whose nearest remembered task has a
  cosine of at least 0.95 and one for the others, so a close memory may weigh more than a far one
  (the ranker standardises each task's row, which hides how close the memory is);
- `per_ref`: the ranker's weights fitted for each reference apart;
- `smooth`: each task's scores plus w times the kernel average (width 0.01 / 0.02) of the
  leave-one-commune-out scores of the other tasks of its plan, softmax at temperature 0.5 (plans
  restate their tasks in the appendix; `PlanContext(smooth=w)`); a transductive step with no labels
  of the held-out commune; then with (width, weight) chosen per held-out commune on the other
  communes' tasks (nested), one choice for both references;
- `siblings`: a feature less its mean or best over the clause's siblings (same parent id);
- `maxsim`: ColBERT-style token alignment of task and clause, e5-small-st's states at layers 4 and
  12, idf-weighted over the task's tokens and over the clause's (needs the built e5-small-st);
- `classifier`: a logistic regression on the task's vector over the reference's clauses, fitted on the
  other communes' labels, its log probability as a feature; both sides moved by the shipped plan
  contexts (eleventh session, not kept);
- `hubs`: a clause's mean score over its 20 best tasks in the corpus (CSLS-style hubness, no label
  read) taken off every task's score, on top of the shipped plan contexts (eleventh session, not kept);
- `cooccur`: the other reference's leave-one-commune-out ranking of the same task carried over by
  the labels' co-occurrence: for each clause Y, log sum_X p(X) P(Y | X), p the task's scores on
  the other reference's clauses X normalised to sum 1 and P(Y | X) counted on the tasks of the
  other communes labelled for both references (smoothed towards Y's frequency); 03/NQ-CP's narrow
  clauses sit under NQ 57's items, so a task's 03 ranking votes for its NQ 57 clause and back
  (twelfth session);
- `reverse`: e5 read the other way round: the clause as the query and the task as the passage
  (`rev`), and both as queries (`sym`, e5's form for symmetric similarity), cosines beside the
  shipped ones (twelfth session);
- `main`: the task's first-stated duty (up to its first ";", sentence end or colon,
  `align.decide.pairs.main_duty`, the duplicates' evidence) against each clause: its e5 cosine and
  the idf share of its content terms the clause has (thirteenth session);
- `null`: a column of noise (ten seeds in context, three alone): the change any added column makes by
  chance, the line every other variant's change is read against (thirteenth session);
- `fitboot`: the noise column and the vector classifier (C = 100) with the fit resampled (30 draws of
  each fold's training tasks, the same draw for variant and baseline), the change in MRR in context
  and its interval over the draws (thirteenth session);
- `context`: the plan contexts of align/retrieval/context.py, each candidate for both references,
  competition at other temperatures and weights, then (shipped) the candidate chosen per reference
  on the other communes (`align.evaluate.loco_in_context`).
Measures, never asserts.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.accuracy import compare, ranks  # noqa: E402


def clause_prior(samples):
    def extra(s, excluded):
        counts, n = Counter(), 0
        for t in samples:
            if t.doc == s.doc and t.group not in excluded and t.relevant:
                n += 1
                counts.update(t.relevant)
        k = len(s.clause_ids)
        return {"prior": np.log([(counts[c] + 0.5) / (n + 0.5 * k) for c in s.clause_ids])}
    return extra


def memory_split(cut: float):
    def extra(s, excluded):
        close = float(np.max(s.features["mem_max"])) >= cut
        return {f"{name}_{side}": (s.features[name] if close == (side == "hi") else np.zeros_like(s.features[name]))
                for name in ("mem_max", "mem_vote") for side in ("hi", "lo")}
    return extra


def vector_classifier(samples, c: float):
    """A multinomial logistic regression on the task's query vector, fitted on the labelled tasks of
    the communes not excluded (a task serving two clauses counts half for each): the label memory's
    vote in parametric form. Its log probability of each clause is the feature."""
    from sklearn.linear_model import LogisticRegression

    fitted = {}

    def model(doc, excluded):
        key = (doc, frozenset(excluded))
        if key not in fitted:
            rows = [(t.vector, clause, 1.0 / len(t.relevant)) for t in samples
                    if t.doc == doc and t.group not in excluded for clause in sorted(t.relevant)]
            fitted[key] = LogisticRegression(C=c, max_iter=2000).fit(
                np.array([r[0] for r in rows]), [r[1] for r in rows], sample_weight=[r[2] for r in rows])
        return fitted[key]

    def extra(s, excluded):
        m = model(s.doc, excluded)
        logp = m.predict_log_proba(s.vector[None, :])[0]
        column = {c: i for i, c in enumerate(m.classes_)}
        return {"clf": np.array([logp[column[c]] if c in column else logp.min() - 1.0 for c in s.clause_ids])}
    return extra


def corpus_hubs(samples, scores, k: int, weight: float):
    """Hubness removed, CSLS-style: each clause's mean standardised score over its k best tasks in the
    whole corpus (every commune's tasks, no label read), standardised over the clauses and taken off
    every task's row, `weight` times."""
    from align.retrieval.features import standardise_rows

    out = list(scores)
    for doc in sorted({s.doc for s in samples}):
        rows = [i for i, s in enumerate(samples) if s.doc == doc]
        z = standardise_rows(np.stack([scores[i] for i in rows]).astype(np.float64))
        hub = -np.sort(-z, axis=0)[:k].mean(axis=0)
        z = z - weight * (hub - hub.mean()) / (hub.std() + 1e-9)
        for r, i in enumerate(rows):
            out[i] = z[r]
    return out


def sibling_contrast(names, how):
    def extra(s, excluded):
        parents = [c.rsplit(".", 1)[0] if "." in c else "" for c in s.clause_ids]
        siblings = [(j, [k for k, q in enumerate(parents) if q == p and k != j]) for j, p in enumerate(parents)]
        out = {}
        for name in names:
            x = s.features[name].astype(float)
            y = np.zeros_like(x)
            for j, others in siblings:
                if others:
                    y[j] = x[j] - (x[others].max() if how == "max" else x[others].mean())
            out[f"sib_{name}"] = y
        return out
    return extra


def clause_texts(session) -> dict[str, dict[str, str]]:
    """Reference id -> clause id -> clause text, for the variants that read the texts again."""
    return {doc: {c.id: c.text for c in session.aligner._doc_clauses(doc)[0]} for doc in ("nq57", "nq03")}


def maxsim(session, samples, layer: int):
    from bench.pair_reading import token_states

    clauses = clause_texts(session)
    tasks = token_states({s.task.text for s in samples}, layer, "query: ")
    passages = token_states({t for d in clauses.values() for t in d.values()}, layer, "passage: ")
    df = Counter(i for st in (*tasks.values(), *passages.values()) for i in set(st[0].tolist()))
    n = len(tasks) + len(passages)

    def idf(ids):
        return np.array([math.log((n + 1) / (df.get(i, 0) + 1)) for i in ids.tolist()])

    def extra(s, excluded):
        (ia, va), p, r = tasks[s.task.text], [], []
        wa = idf(ia)
        for cid in s.clause_ids:
            ib, vb = passages[clauses[s.doc][cid]]
            wb, sims = idf(ib), va @ vb.T
            p.append((sims.max(1) * wa).sum() / wa.sum())
            r.append((sims.max(0) * wb).sum() / wb.sum())
        return {"ms_task": np.array(p), "ms_clause": np.array(r)}
    return extra


def cooccurrence(samples, other_scores, alpha: float = 1.0):
    """The `cooccur` variant's columns (module docstring); `other_scores` are the base leave-one-
    commune-out scores, one row per sample."""
    by_task = {(s.plan, s.task.id, s.doc): i for i, s in enumerate(samples)}
    other = {"nq57": "nq03", "nq03": "nq57"}
    tables = {}

    def table(doc, excluded):
        key = (doc, frozenset(excluded))
        if key not in tables:
            pair, given, freq = Counter(), Counter(), Counter()
            for s in samples:
                j = by_task.get((s.plan, s.task.id, other[doc]))
                if s.doc != doc or s.group in excluded or j is None or not s.relevant or not samples[j].relevant:
                    continue
                for x in samples[j].relevant:
                    given[x] += 1
                    for y in s.relevant:
                        pair[x, y] += 1.0 / len(s.relevant)
                freq.update({y: 1.0 / len(s.relevant) for y in s.relevant})
            tables[key] = pair, given, freq, sum(freq.values())
        return tables[key]

    def extra(s, excluded):
        j = by_task.get((s.plan, s.task.id, other[s.doc]))
        if j is None:
            return {"cooc": np.zeros(len(s.clause_ids))}
        pair, given, freq, n = table(s.doc, excluded)
        prior = np.array([(freq[y] + 0.5) / (n + 0.5 * len(s.clause_ids)) for y in s.clause_ids])
        p = np.asarray(other_scores[j], np.float64)
        p = p / p.sum()
        xs = samples[j].clause_ids
        vote = np.zeros(len(s.clause_ids))
        for k in np.argsort(-p)[:20]:
            x = xs[k]
            row = np.array([pair[x, y] for y in s.clause_ids])
            vote += p[k] * (row + alpha * prior) / (given[x] + alpha)
        return {"cooc": np.log(vote + 1e-6)}
    return extra


def reverse_cosines(session, samples, kinds):
    """The `reverse` variant's columns: for each (task kind, clause kind) in `kinds`, the cosine of
    the task embedded as that kind and the clause text as the other."""
    clauses = clause_texts(session)
    tasks = sorted({s.task.text for s in samples})
    texts = sorted({t for d in clauses.values() for t in d.values()})
    vectors = {}
    for name, (task_kind, clause_kind) in kinds.items():
        tv = dict(zip(tasks, session.embedder.encode(tasks, kind=task_kind)))
        cv = dict(zip(texts, session.embedder.encode(texts, kind=clause_kind)))
        vectors[name] = tv, cv

    def extra(s, excluded):
        return {name: np.array([float(tv[s.task.text] @ cv[clauses[s.doc][c]]) for c in s.clause_ids])
                for name, (tv, cv) in vectors.items()}
    return extra


def main_duty_evidence(session, samples):
    """The `main` variant's columns: the task's first-stated duty (align.decide.pairs.main_duty) against
    each clause: its e5 cosine (`main_dense`) and the idf share of its content terms the clause also
    has (`main_overlap`); a task with one duty gets its whole text's."""
    from align.decide.pairs import main_duty
    from align.text.analyze import analyze

    clauses = clause_texts(session)
    heads = {s.task.text: main_duty(s.task.text) for s in samples}
    texts = sorted({t for d in clauses.values() for t in d.values()})
    hv = dict(zip(sorted(set(heads.values())), session.embedder.encode(sorted(set(heads.values())), kind="query")))
    cv = dict(zip(texts, session.embedder.encode(texts, kind="passage")))
    terms = {t: frozenset(analyze(t)) for t in [*texts, *heads.values()]}
    idf = session.task_idf

    def overlap(head, clause):
        mass = sum(idf.get(t, 1.0) for t in terms[head])
        return sum(idf.get(t, 1.0) for t in terms[head] & terms[clause]) / mass if mass else 0.0

    def extra(s, excluded):
        head = heads[s.task.text]
        texts_ = [clauses[s.doc][c] for c in s.clause_ids]
        return {"main_dense": np.array([float(hv[head] @ cv[t]) for t in texts_]),
                "main_overlap": np.array([overlap(head, t) for t in texts_])}
    return extra


def noise_column(seed: int):
    """The `null` variant's column: standard normal noise per (task, clause), fixed by `seed`, that says
    nothing of which clause a task serves: what any added column costs or gives by chance."""
    rng, drawn = np.random.default_rng(seed), {}

    def extra(s, excluded):
        key = (s.plan, s.task.id, s.doc)
        if key not in drawn:
            drawn[key] = rng.normal(size=len(s.clause_ids))
        return {"noise": drawn[key]}
    return extra


def loco(model_id, samples, memory, extra=None, names=None, per_ref=False, resample=None):
    """The hybrid ranker's leave-one-commune-out scores, with `extra(sample, excluded groups)` columns
    (from communes other than the excluded, as the memory's) and `names` as its features.

    `align.evaluate.loco_scores` with two things it has no hook for, since only these experiments
    need them: columns that depend on the fold (added after the memory's, as the memory's are), and
    one fit per reference (`per_ref`). The baseline is scored by `loco_scores` itself. `resample` (a
    seed) draws each fold's training tasks with replacement first: the same seed, the same draw, so a
    variant and the baseline are refitted on the same resample (`fit_bootstrap`)."""
    from align.evaluate import _groups, remembered
    from align.retrieval.fusion import Fusion

    def widen(rows, excluded):
        return [dataclasses.replace(s, features={**s.features, **extra(s, excluded | {s.group})}) for s in rows]

    scores = [None] * len(samples)
    for fold, group in enumerate(sorted({s.group for s in samples})):
        train = remembered([s for s in samples if s.group != group], memory, {group})
        held = [i for i, s in enumerate(samples) if s.group == group]
        tested = remembered([samples[i] for i in held], memory)
        if extra:
            train, tested = widen(train, {group}), widen(tested, set())
        if resample is not None:
            draw = np.random.default_rng(1000 * resample + fold).integers(0, len(train), len(train))
            train = [train[k] for k in draw]
        for ref in ("nq57", "nq03") if per_ref else (None,):
            fusion = Fusion.fit(model_id, _groups([s for s in train if ref in (None, s.doc)]), features=names)
            for i, s in zip(held, tested):
                if ref in (None, s.doc):
                    scores[i] = fusion.score("hybrid", {k: v[None, :] for k, v in s.features.items()})[0]
    return scores


def fit_bootstrap(model_id, samples, memory, extra, names, resamples: int = 30) -> dict:
    """The change a variant makes in context with the fit resampled: for each seed, the baseline and the
    variant refitted on the same draw of each fold's training tasks; the mean change in MRR per
    reference and its 95 % interval over the draws (the paired bootstrap over tasks sees none of this)."""
    from align.evaluate import loco_in_context
    from align.metrics import summarise

    def mrr(scores):
        return np.array([summarise(samples, scores, doc)["mrr"] for doc in ("nq57", "nq03")])

    changes = np.array([mrr(loco_in_context(samples, loco(model_id, samples, memory, extra, names, resample=seed)))
                        - mrr(loco_in_context(samples, loco(model_id, samples, memory, resample=seed)))
                        for seed in range(resamples)])
    return {doc: "%+.4f [%+.4f, %+.4f]" % (changes[:, j].mean(), *np.percentile(changes[:, j], [2.5, 97.5]))
            for j, doc in enumerate(("nq57", "nq03"))}


def smoothed(samples, scores, width: float, weight: float):
    """Smoothing over the plan's own tasks alone, for both references (align/retrieval/context.py)."""
    from align.evaluate import in_context
    from align.retrieval.context import PlanContext

    context = PlanContext(smooth=weight, width=width)
    return in_context(samples, scores, {"nq57": context, "nq03": context})


def nested_smoothing(samples, base_scores):
    """Smoothing with its (width, weight) chosen for each held-out commune on the other communes'
    tasks (MRR over both references; weight 0 is the shipped ranker), then scored on that commune."""
    from align.metrics import reciprocal_ranks

    grid = [(0.01, 0.0)] + [(w, a) for w in (0.01, 0.02, 0.05) for a in (0.05, 0.1, 0.25, 0.5)]
    tried = {g: base_scores if g[1] == 0 else smoothed(samples, base_scores, *g) for g in grid}
    rr = {g: reciprocal_ranks(samples, sc, "mrr") for g, sc in tried.items()}
    out = [None] * len(samples)
    for group in sorted({s.group for s in samples}):
        others = {(s.doc, s.plan, s.task.id) for s in samples if s.group != group}
        best = max(grid, key=lambda g: sum(v for k, v in rr[g].items() if k in others))
        for i, s in enumerate(samples):
            if s.group == group:
                out[i] = tried[best][i]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="prior split per_ref smooth siblings maxsim context classifier hubs cooccur reverse main null fitboot")
    args = parser.parse_args()

    from align.evaluate import (CONTEXTS, LABELS_FILE, collect_samples, in_context, label_memory, loco_in_context,
                                loco_scores, read_labels)
    from align.retrieval.context import PlanContext
    from align.paths import eval_dir
    from align.retrieval.features import FEATURES
    from align.session import Session
    from bench.engines import table

    session = Session(None, model="e5", progress=False)
    samples, _ = collect_samples(session, read_labels(eval_dir() / LABELS_FILE))
    model_id = session.embedder.model_id
    memory = label_memory(model_id, samples)
    base_scores = loco_scores(model_id, samples, memory=memory, context=False)["hybrid"]
    base = ranks(samples, base_scores)
    shipped = list(FEATURES)
    memory_less = [f for f in shipped if f not in ("mem_max", "mem_vote")]
    split = [f"{n}_{side}" for n in ("mem_max", "mem_vote") for side in ("hi", "lo")]
    variants = {
        "prior": lambda: [("clause prior", loco(model_id, samples, memory, clause_prior(samples), shipped + ["prior"]))],
        "split": lambda: [("memory split at 0.95", loco(model_id, samples, memory, memory_split(0.95),
                                                        memory_less + split))],
        "per_ref": lambda: [("weights per reference", loco(model_id, samples, memory, per_ref=True))],
        "smooth": lambda: [(f"plan smoothing width {w} weight {a}", smoothed(samples, base_scores, w, a))
                           for w in (0.01, 0.02) for a in (0.1, 0.25)]
        + [("plan smoothing, width and weight chosen on the other communes", nested_smoothing(samples, base_scores))],
        "siblings": lambda: [(f"sibling {how} of {', '.join(names)}",
                              loco(model_id, samples, memory, sibling_contrast(names, how),
                                   shipped + [f"sib_{n}" for n in names]))
                             for names, how in ((("mem_vote",), "max"),
                                                (("dense", "dense_sent", "bm25", "mem_max", "mem_vote"), "mean"))],
        "cooccur": lambda: [(f"co-occurrence vote, alpha {a}, in context", loco_in_context(
            samples, loco(model_id, samples, memory, cooccurrence(samples, base_scores, a), shipped + ["cooc"])),
                             loco_in_context(samples, base_scores)) for a in (1.0, 5.0)],
        "reverse": lambda: [(f"e5 the other way round: {', '.join(kinds)}, in context", loco_in_context(
            samples, loco(model_id, samples, memory, reverse_cosines(session, samples, kinds), shipped + list(kinds))),
                             loco_in_context(samples, base_scores))
                            for kinds in ({"rev": ("passage", "query")}, {"sym": ("query", "query")},
                                          {"rev": ("passage", "query"), "sym": ("query", "query")})],
        "context": lambda: [(f"plan context {c}", in_context(samples, base_scores, {"nq57": c, "nq03": c}))
                            for c in (*CONTEXTS[1:], *(PlanContext(compete=w, temperature=t)
                                                       for t, w in ((1.0, 0.1), (1.0, 0.5), (0.5, 0.25), (2.0, 0.25))))]
        + [("plan context chosen per reference on the other communes", loco_in_context(samples, base_scores))],
        "classifier": lambda: [(f"vector classifier C={c}, in context", loco_in_context(
            samples, loco(model_id, samples, memory, vector_classifier(samples, c), shipped + ["clf"])),
                                loco_in_context(samples, base_scores)) for c in (10.0, 100.0)],
        "hubs": lambda: [(f"corpus hubness removed, k={k}, weight {w}, in context",
                          corpus_hubs(samples, loco_in_context(samples, base_scores), k, w),
                          loco_in_context(samples, base_scores)) for k, w in ((20, 0.2), (20, 0.4))],
        "main": lambda: [(f"the task's first-stated duty: {', '.join(cols)}, in context", loco_in_context(
            samples, loco(model_id, samples, memory, main_duty_evidence(session, samples), shipped + list(cols))),
                          loco_in_context(samples, base_scores))
                         for cols in (("main_dense",), ("main_overlap",), ("main_dense", "main_overlap"))],
        "null": lambda: [(f"a column of noise, seed {seed}, in context", loco_in_context(
            samples, loco(model_id, samples, memory, noise_column(seed), shipped + ["noise"])),
                          loco_in_context(samples, base_scores)) for seed in range(10)]
        + [(f"a column of noise, seed {seed}, alone", loco(model_id, samples, memory, noise_column(seed),
                                                           shipped + ["noise"])) for seed in range(3)],
        "maxsim": lambda: [(f"token MaxSim layer {layer}", loco(model_id, samples, memory, maxsim(session, samples, layer),
                                                                shipped + ["ms_task", "ms_clause"]))
                           for layer in (4, 12)],
    }
    if "fitboot" in (args.only or ()):
        for label, extra, name in (("a column of noise", noise_column(0), "noise"),
                                   ("vector classifier C=100", vector_classifier(samples, 100.0), "clf")):
            print(f"{label}, fit resampled 30 times, MRR change in context:",
                  fit_bootstrap(model_id, samples, memory, extra, shipped + [name]), flush=True)
        args.only = [n for n in args.only if n != "fitboot"]
        if not args.only:
            return
    rows = []
    for name in args.only or variants:
        for label, scores, *against in variants[name]():    # a variant may name its own baseline
            rows += compare(label, ranks(samples, against[0]) if against else base, ranks(samples, scores))
            print(table(rows[-2:]), flush=True)


if __name__ == "__main__":
    main()
