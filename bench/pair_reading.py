"""Pair evidence that reads the two tasks together, scored on the labelled pairs with the nested
leave-one-commune-out evaluation of align/decide/pair_eval.py (eval/README.md, "Decisions").

Each family of features is added to the pair model's FEATURES and scored like the shipped model:
precision at recall 0.6 / 0.7 / 0.8 / 0.85 of one cut on the pooled LOCO probabilities, AUC on the
judged pairs (candidates that are not the same words), precision / recall at the cut chosen inside
each fold, and a paired bootstrap over pairs (1,000 resamples by default) of the change in AUC and in
precision at recall 0.85 against the shipped features. The families:

- `tokens`: training-free token alignment (BERTScore-style) from e5-small-st's hidden states at
  --layer (0 = the last): each content token's best cosine in the other task, idf-weighted (idf
  over the corpus's tasks): precision, recall, F, and the share of each side's idf mass whose best
  match is under a cut (what one task says that the other does not).
- `pos`: underthesea POS tags: the leading verbs, all verbs and nouns, the first object after a verb:
  idf-weighted overlaps, the share of one side's nouns or verbs missing from the other.
- `lead`: lead agencies compared as canonical token sets (HĐND&UBND = HĐND và UBND; a trailing
  "xã" and "Trưởng" dropped; one set inside the other is the same agency) instead of folded strings.
- `audience`: who a task acts on, by a small word list (staff, residents, firms, schools, villages,
  police, health): both name some and none in common; the share of named audiences not shared.
- `null`: a column of noise (eight seeds): the change any added column makes by chance, the line
  the other families' changes are read against.
- `main`: more of the duty each task states first (`pairs.main_duty`; the shipped features read its
  `main_rare_union`): the word similarity of the two first duties, their shared rare words over the
  smaller one's, and how much of one first duty the other task says anywhere.
- `structure`: for a body task and an appendix row of one plan, the row's rank among the plan's
  appendix rows for the task and the task's among the body tasks for the row (1 / the worse; 0 for
  other pairs): an appendix restates each body task once.

    PYTHONPATH=. OMP_NUM_THREADS=1 python bench/pair_reading.py [--layer 5] [--boot 1000] [--only FAMILY ...]

Needs the built e5-small-st (plan-align models build) in the cache's models directory.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import unicodedata
from collections import Counter

import numpy as np

from align.decide import pair_eval
from align.decide import pairs as pair_features
from align.decide.logistic import confusion

CUTS = (0.8, 0.85, 0.9)
FAMILIES = ("tokens", "pos", "lead", "audience", "structure", "main", "null")
RECALLS = (0.6, 0.7, 0.8, 0.85)


def labelled_pairs(session):
    """The PairSet of eval/duplicate_pairs.jsonl and the two task records of each pair."""
    from align.corpus_index import task_records
    from align.decide.labels import PAIRS_FILE, read_pair_labels
    from align.evaluate import find_task
    from align.paths import eval_dir

    labels = read_pair_labels(eval_dir(None) / PAIRS_FILE)
    plan_ids = sorted({a[0] for l in labels for a in (l.a, l.b)})
    groups = {p: str(session.corpus.entry(p).meta.get("commune", p)) for p in plan_ids}
    pairs = pair_eval.PairSet.resolve(session, labels, groups)
    records = []
    for label in pairs.labels:
        side = []
        for pid, anchor, occurrence in (label.a, label.b):
            doc = session.corpus.document(pid)
            task = find_task(doc.tasks, anchor, occurrence)
            side.append(next(r for r in task_records(doc) if r.id == task.id))
        records.append(tuple(side))
    corpus = [r.text for p in session.corpus.plans() for r in task_records(p)]
    return pairs, records, corpus


def loco(pairs, x: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Pooled LOCO probabilities and predictions, exactly as pair_eval.evaluate_pairs makes them."""
    shipped = pair_features.FEATURES
    pair_features.FEATURES = names
    try:
        pairs = dataclasses.replace(pairs, x=x)
        probability = np.full(len(pairs.labels), np.nan)
        predicted = np.zeros(len(pairs.labels), bool)
        for group in sorted(set(pairs.home.tolist())):
            test = pairs.home == group
            train = pairs.subset(np.array([group not in t for t in pairs.touches]))
            threshold = pair_eval._threshold(train, pair_eval._inner(train))
            probability[test] = pair_eval._fit(train).predict(pairs.x[test])
            predicted[test] = pairs.subset(test).predicted(probability[test], threshold)
        return probability, predicted
    finally:
        pair_features.FEATURES = shipped


def _auc(p, y) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def figures(pairs, probability, predicted) -> dict:
    judged = pairs.candidate & ~pairs.exact
    cut = confusion(predicted, pairs.duplicate)
    curve = pair_eval.precision_recall(pairs, probability, RECALLS)
    return {"auc": round(_auc(probability[judged], pairs.duplicate[judged]), 3), "P": cut["precision"],
            "R": cut["recall"], **{f"p@{c['recall']}": c["precision"] for c in curve}}


def paired_bootstrap(pairs, base, other, boot: int, seed: int = 0) -> str:
    """Mean and 95 % interval of (other - base) in judged AUC and precision at recall 0.85."""
    rng = np.random.default_rng(seed)
    judged = pairs.candidate & ~pairs.exact
    d_auc, d_p = [], []
    for _ in range(boot):
        i = rng.integers(0, len(base), len(base))
        sub = pair_eval.PairSet(tuple(pairs.labels[k] for k in i), pairs.x[i], pairs.duplicate[i], pairs.exact[i],
                                pairs.candidate[i], pairs.home[i], tuple(pairs.touches[k] for k in i), ())
        a, b = (pair_eval.precision_recall(sub, p[i], (0.85,))[0]["precision"] or 0.0 for p in (base, other))
        d_p.append(b - a)
        ji = i[judged[i]]
        d_auc.append(_auc(other[ji], pairs.duplicate[ji]) - _auc(base[ji], pairs.duplicate[ji]))
    show = lambda v: "%+.3f [%+.3f, %+.3f]" % (np.mean(v), *np.percentile(v, [2.5, 97.5]))  # noqa: E731
    return f"AUC {show(d_auc)}; P@0.85 {show(d_p)}"


def token_states(texts, layer: int, prefix: str = "query: ") -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per text, the token ids and unit-length hidden states of e5-small-st at `layer` (0 = the last),
    without the prefix, the special tokens and punctuation (what a token alignment reads)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from align.models.registry import BASE, model_dir

    torch.set_num_threads(1)
    directory = model_dir(BASE)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    model = AutoModel.from_pretrained(directory, add_pooling_layer=False).eval()
    skip = len(tokenizer(prefix)["input_ids"]) - 1
    states: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    with torch.no_grad():
        for text in sorted(set(texts)):
            batch = tokenizer(prefix + text, truncation=True, max_length=512, return_tensors="pt")
            hidden = model(**batch, output_hidden_states=True).hidden_states[layer or -1][0].numpy()
            ids = batch["input_ids"][0].numpy()
            pieces = tokenizer.convert_ids_to_tokens(ids.tolist())
            keep = np.array([skip <= k < len(ids) - 1 and any(unicodedata.category(c)[0] not in "PSZ"
                             for c in p.replace("\u2581", "")) for k, p in enumerate(pieces)])
            vectors = hidden[keep] / np.linalg.norm(hidden[keep], axis=1, keepdims=True)
            states[text] = ids[keep], vectors
    return states


def token_features(records, corpus, layer: int) -> tuple[tuple[str, ...], np.ndarray]:
    """BERTScore-style alignment of each pair's e5 token states (see the module docstring)."""
    states = token_states(set(corpus) | {r.text for pair in records for r in pair}, layer)
    df = Counter(i for text in corpus for i in set(states[text][0].tolist()))
    idf = lambda i: math.log((len(corpus) + 1) / (df.get(i, 0) + 1))  # noqa: E731
    names = ("tok_precision", "tok_recall", "tok_f") + tuple(f"tok_unmatched_{c}" for c in CUTS)
    rows = []
    for a, b in records:
        (ia, va), (ib, vb) = states[a.text], states[b.text]
        wa, wb = np.array([idf(i) for i in ia.tolist()]), np.array([idf(i) for i in ib.tolist()])
        sims = va @ vb.T
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        p, r = (best_a * wa).sum() / wa.sum(), (best_b * wb).sum() / wb.sum()
        rows.append([p, r, 2 * p * r / (p + r)] + [(wa * (best_a < c)).sum() / wa.sum() + (wb * (best_b < c)).sum()
                                                   / wb.sum() for c in CUTS])
    return names, np.array(rows)


def pos_features(records, corpus) -> tuple[tuple[str, ...], np.ndarray]:
    """Verbs and objects of each pair by underthesea's POS tags (see the module docstring)."""
    from underthesea import pos_tag

    from align.text.normalize import fold

    tags = {t: [(fold(w), g) for w, g in pos_tag(t)] for t in set(corpus) | {r.text for p in records for r in p}}
    df = Counter(w for t in corpus for w in {w for w, _ in tags[t]})
    idf = lambda w: math.log((len(corpus) + 1) / (df.get(w, 0) + 1))  # noqa: E731

    def parts(text):
        words = tags[text]
        leading = set()
        for w, g in words:
            if g == "V":
                leading.add(w)
            elif g not in ("C", "CH", "R"):
                break
        obj, after_verb = set(), False
        for w, g in words:
            if g == "V":
                after_verb = True
            elif after_verb and g.startswith("N"):
                obj.add(w)
            elif after_verb and obj and g not in ("A", "M"):
                break
        return {w for w, g in words if g == "V"}, leading, {w for w, g in words if g.startswith("N")}, obj

    def overlap(a, b):
        union = a | b
        return sum(idf(w) for w in a & b) / sum(idf(w) for w in union) if union else 1.0

    def missing(a, b):
        share = lambda x, y: sum(idf(w) for w in x - y) / max(sum(idf(w) for w in x), 1e-9) if x else 0.0  # noqa
        return max(share(a, b), share(b, a))

    rows = []
    for a, b in records:
        (va, la, na, oa), (vb, lb, nb, ob) = parts(a.text), parts(b.text)
        rows.append([overlap(va, vb), overlap(la, lb), overlap(oa, ob), missing(na, nb), missing(va, vb)])
    return ("verbs", "leading_verbs", "object", "nouns_missing", "verbs_missing"), np.array(rows)


def canonical_lead(lead: str) -> frozenset[str]:
    drop = {"xa", "cac", "va", "truong"}
    return frozenset(w for w in pair_features.words(lead.replace("&", " và ")) if w not in drop)


def lead_columns(pairs, records) -> np.ndarray:
    """FEATURES with `lead` and `lead_conflict_similarity` from canonical lead agencies."""
    from align.types import LEAD

    x = pairs.x.copy()
    lead, conflict, words = (pair_features.FEATURES.index(f) for f in
                             ("lead", "lead_conflict_similarity", "word_similarity"))
    for k, (a, b) in enumerate(records):
        ca, cb = (canonical_lead((r.fields or {}).get(LEAD, "")) for r in (a, b))
        value = 0.0 if not (ca and cb) else (1.0 if ca <= cb or cb <= ca else -1.0)
        x[k, lead], x[k, conflict] = value, float(value < 0) * x[k, words]
    return x


AUDIENCES = {"staff": ("can bo", "cong chuc", "vien chuc"), "residents": ("nguoi dan", "nhan dan", "ho gia dinh"),
             "firms": ("doanh nghiep", "hop tac xa", "ho kinh doanh"), "schools": ("hoc sinh", "giao vien", "truong hoc"),
             "villages": ("thon", "xom"), "police": ("cong an",), "health": ("y te",)}


def audience_features(records) -> tuple[tuple[str, ...], np.ndarray]:
    from align.text.normalize import fold

    def named(text):
        plain = "".join(c for c in unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
                        if not unicodedata.combining(c))
        padded = " " + " ".join(pair_features.words(plain)) + " "
        return {k for k, terms in AUDIENCES.items() if any(f" {t} " in padded for t in terms)}

    rows = []
    for a, b in records:
        na, nb = named(a.text), named(b.text)
        union = na | nb
        rows.append([float(bool(na and nb and not na & nb)), len(na ^ nb) / len(union) if union else 0.0])
    return ("audience_conflict", "audience_unshared"), np.array(rows)


def structure_features(session, pairs, records) -> tuple[tuple[str, ...], np.ndarray]:
    from align.corpus_index import task_records

    plans = {}
    for plan in {r.doc_id for pair in records for r in pair}:
        plan_records = task_records(session.corpus.document(plan))
        plans[plan] = ({r.id: i for i, r in enumerate(plan_records)}, session.aligner.task_vectors(plan_records),
                       np.array([r.id.startswith(pair_features.APPENDIX_PREFIX) for r in plan_records]))
    restatement = pair_features.FEATURES.index("restatement")
    rows = []
    for k, (a, b) in enumerate(records):
        if pairs.x[k, restatement] < 0.5:
            rows.append([0.0, 0.0])
            continue
        position, vectors, appendix = plans[a.doc_id]
        body, row = sorted((position[a.id], position[b.id]), key=lambda i: appendix[i])
        score = float(vectors[body] @ vectors[row]) + 1e-6
        rank_row = int((vectors[appendix] @ vectors[body] > score).sum()) + 1
        rank_body = int((vectors[~appendix] @ vectors[row] > score).sum()) + 1
        rows.append([1.0 / max(rank_row, rank_body), 1.0 / rank_body])
    return ("restatement_mutual_rank", "restatement_body_rank"), np.array(rows)


def main_features(session, records) -> tuple[tuple[str, ...], np.ndarray]:
    from align.text.analyze import analyze

    idf = session.task_idf
    mass = lambda terms: sum(idf.get(t, 1.0) for t in terms)  # noqa: E731
    rows = []
    for a, b in records:
        ma, mb = pair_features.main_duty(a.text), pair_features.main_duty(b.text)
        wa, wb = pair_features.words(ma), pair_features.words(mb)
        ta, tb = frozenset(analyze(ma)), frozenset(analyze(mb))
        full_a, full_b = frozenset(analyze(a.text)), frozenset(analyze(b.text))
        shared = ta & tb
        smaller = min(mass(ta), mass(tb))
        inside = max(mass(ta & full_b) / mass(ta) if ta else 0.0, mass(tb & full_a) / mass(tb) if tb else 0.0)
        rows.append([pair_features.word_similarity(wa, wb), mass(shared) / smaller if smaller else 1.0, inside])
    return ("main_word_similarity", "main_rare_shared", "main_inside_other"), np.array(rows)


def main() -> None:
    from align.session import Session

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layer", type=int, default=5, help="e5 hidden layer of the token states (0: last)")
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--only", nargs="*", choices=FAMILIES, default=FAMILIES)
    args = parser.parse_args()
    session = Session(progress=False)
    pairs, records, corpus = labelled_pairs(session)
    base_names = pair_features.FEATURES
    base = loco(pairs, pairs.x, base_names)
    print("shipped", figures(pairs, *base))
    families = {"tokens": lambda: token_features(records, corpus, args.layer),
                "pos": lambda: pos_features(records, corpus), "audience": lambda: audience_features(records),
                "structure": lambda: structure_features(session, pairs, records),
                "main": lambda: main_features(session, records)}
    variants = []
    for family in args.only:
        if family == "lead":
            variants.append(("lead as canonical sets", lead_columns(pairs, records), base_names))
            continue
        if family == "null":
            variants += [(f"+noise (seed {seed})", np.column_stack([pairs.x, np.random.default_rng(seed).normal(
                size=len(pairs.labels))]), base_names + ("noise",)) for seed in range(8)]
            continue
        names, x = families[family]()
        variants += [(f"+{n}", np.column_stack([pairs.x, x[:, i]]), base_names + (n,)) for i, n in enumerate(names)]
        variants.append((f"+{family} (all)", np.column_stack([pairs.x, x]), base_names + names))
    for name, x, names in variants:
        probability, predicted = loco(pairs, x, names)
        print(name, figures(pairs, probability, predicted), paired_bootstrap(pairs, base[0], probability, args.boot),
              flush=True)


if __name__ == "__main__":
    main()
