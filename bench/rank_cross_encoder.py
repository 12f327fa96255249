"""A cross-encoder reranker over the hybrid ranker's top clauses, leave-one-commune-out (issue 15).

    python bench/rank_cross_encoder.py [--ref nq57] [--epochs 4] [--frozen 4] [--top 5]
                                       [--skip COMMUNE] [--only COMMUNE] [--out FILE.json]
    python bench/rank_cross_encoder.py --scores FILE.json [FILE.json ...]    # re-read, no training

For each labelled (task, reference), the hybrid ranker's leave-one-commune-out scores (label memory
nested, as `plan-align eval`) give its top `--top` clauses. For each commune, a model trained on
the other communes' tasks rescores its tasks' top clauses. The model: e5-small-st reading
"query: task" and "passage: clause" as one pair (at most --max-length tokens, the longer side cut),
mean-pooled, a linear head (zeros at the start); the word embeddings and the lower --frozen of 12
layers frozen; AdamW (lr --lr, head 1e-3, 10 % warm-up, linear decay), four tasks a step, a listwise
loss per task over its top clauses and its labelled clauses (the log of the softmax mass of the
labelled ones). Two threads, seed 0.

Printed, per reference and blend weight w: MRR and hit@1 before (the hybrid order) and after
reordering the top clauses by z(hybrid score) + w z(cross-encoder logit), both z-scored within the
task (w = inf: the cross-encoder alone), paired bootstrap intervals over tasks. Clauses below the top
keep their ranks. The training tasks' top clauses come from the outer leave-one-commune-out ranker,
whose models saw the held-out commune's labels: that only chooses which clauses a training task is
contrasted with, never what the held-out commune's tasks serve. Measures, never asserts
(eval/README.md, "Eighth session").
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

log = logging.getLogger("rank_cross_encoder")
WEIGHTS = (0.5, 1.0, 2.0, float("inf"))
TASKS_PER_STEP = 4


def ranked_tasks(ref: str | None) -> tuple[list[dict], dict[str, dict[str, str]]]:
    """Every labelled (task, reference) with a served clause: its text, labelled clauses and the hybrid
    ranker's LOCO order and scores; and each reference's clause texts."""
    from align.evaluate import LABELS_FILE, collect_samples, label_memory, loco_scores, read_labels
    from align.paths import eval_dir
    from align.session import Session

    session = Session(None, progress=False)
    samples, _ = collect_samples(session, read_labels(eval_dir() / LABELS_FILE))
    model_id = session.embedder.model_id
    scores = loco_scores(model_id, samples, memory=label_memory(model_id, samples))["hybrid"]
    texts = {doc: {r.id: r.text for r in session.aligner.clause_vectors(doc)[0]} for doc in ("nq57", "nq03")}
    tasks = []
    for s, score in zip(samples, scores):
        if s.relevant and (ref is None or s.doc == ref):
            order = np.argsort(-score, kind="stable")      # as align.evaluate.ranking_metrics orders
            tasks.append({"key": f"{s.doc}|{s.plan}|{s.task.id}", "doc": s.doc, "group": s.group,
                          "text": s.task.text, "gold": sorted(s.relevant), "ids": [s.clause_ids[i] for i in order],
                          "scores": [float(score[i]) for i in order]})
    return tasks, texts


class Reranker:
    """e5-small-st over (task, clause), mean-pooled, a linear head; the lower layers frozen."""

    def __init__(self, frozen: int, max_length: int) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        from align.models.registry import BASE, model_dir

        self.torch, self.max_length = torch, max_length
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir(BASE))
        self.encoder = AutoModel.from_pretrained(model_dir(BASE))
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)
        frozen_parts = [self.encoder.embeddings, *self.encoder.encoder.layer[:frozen]]
        for p in (p for part in frozen_parts for p in part.parameters()):
            p.requires_grad_(False)

    def logits(self, task: str, clauses: list[str]):
        batch = self.tokenizer(["query: " + task] * len(clauses), ["passage: " + c for c in clauses],
                               truncation="longest_first", max_length=self.max_length, padding=True,
                               return_tensors="pt")
        states = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return self.head((states * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def fit(self, groups: list[tuple[str, list[str], list[bool]]], epochs: float, lr: float) -> None:
        """`groups`: (task text, clause texts, which are labelled); a listwise loss per task."""
        torch = self.torch
        trained = [p for p in self.encoder.parameters() if p.requires_grad]
        opt = torch.optim.AdamW([{"params": trained, "lr": lr}, {"params": self.head.parameters(), "lr": 1e-3}],
                                weight_decay=0.01)
        steps = int(np.ceil(len(groups) / TASKS_PER_STEP) * epochs)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda k: min(1.0, (k + 1) / (0.1 * steps + 1)) * max(0.0, 1 - k / steps))
        self.encoder.train()
        step, losses = 0, []
        while step < steps:
            order = list(range(len(groups)))
            random.shuffle(order)
            for start in range(0, len(order), TASKS_PER_STEP):
                if step >= steps:
                    break
                loss = sum(self._listwise(*groups[g]) for g in order[start:start + TASKS_PER_STEP]) / TASKS_PER_STEP
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                step += 1
                losses.append(loss.item())
                if step % 25 == 0:
                    log.info("step %d/%d loss %.3f", step, steps, np.mean(losses[-25:]))
        self.encoder.eval()

    def _listwise(self, task: str, clauses: list[str], labelled: list[bool]):
        logits = self.logits(task, clauses)
        return self.torch.logsumexp(logits, 0) - self.torch.logsumexp(logits[self.torch.tensor(labelled)], 0)

    def score(self, task: str, clauses: list[str]) -> list[float]:
        with self.torch.no_grad():
            return [float(v) for v in self.logits(task, clauses)]


def train_folds(tasks, texts, args) -> dict[str, list[float]]:
    """Each held-out commune's tasks' top clauses rescored by a model trained on the other communes."""
    import torch

    torch.set_num_threads(2)
    scores = {}
    for group in sorted({t["group"] for t in tasks}):
        if group in args.skip or (args.only and group != args.only):
            continue
        torch.manual_seed(0)
        random.seed(0)
        model = Reranker(args.frozen, args.max_length)
        train = [t for t in tasks if t["group"] != group]
        start = time.perf_counter()
        model.fit([_group(t, texts, args.top, True) for t in train], args.epochs, args.lr)
        trained = time.perf_counter() - start
        held = [t for t in tasks if t["group"] == group]
        for t in held:
            _, clauses, _ = _group(t, texts, args.top, False)
            scores[t["key"]] = model.score(t["text"], clauses)
        log.info("%s: trained on %d tasks in %.0f s, scored %d in %.0f s", group, len(train), trained, len(held),
                 time.perf_counter() - start - trained)
    return scores


def _group(task: dict, texts, top: int, training: bool) -> tuple[str, list[str], list[bool]]:
    """The task's top clauses (in training, its labelled clauses too): text, clause texts, labelled."""
    ids = task["ids"][:top]
    if training:
        ids = ids + [g for g in task["gold"] if g not in ids]
    return task["text"], [texts[task["doc"]][c] for c in ids], [c in task["gold"] for c in ids]


def reranked(task: dict, logits: list[float], weight: float) -> list[str]:
    """The task's clause ids with its top ones reordered by the blend of both z-scores."""
    from align.retrieval.features import standardise_rows

    top = len(logits)
    ce, hybrid = standardise_rows(np.array([logits, task["scores"][:top]], dtype=float))
    blend = ce if np.isinf(weight) else hybrid + weight * ce
    return [task["ids"][i] for i in np.argsort(-blend, kind="stable")] + task["ids"][top:]


def figures(tasks, scores: dict[str, list[float]]) -> list[dict]:
    from align.metrics import paired_bootstrap

    def rr(ids, gold):
        return 1.0 / (1 + min(ids.index(g) for g in gold if g in ids))

    rows = []
    for weight in WEIGHTS:
        for doc in ("nq57", "nq03"):
            held = [t for t in tasks if t["doc"] == doc and t["key"] in scores]
            if not held:
                continue
            before = {t["key"]: rr(t["ids"], t["gold"]) for t in held}
            after = {t["key"]: rr(reranked(t, scores[t["key"]], weight), t["gold"]) for t in held}
            mrr = paired_bootstrap(before, after)
            hit = paired_bootstrap({k: float(v == 1) for k, v in before.items()},
                                   {k: float(v == 1) for k, v in after.items()})
            rows.append({"w": weight, "ref": doc, "tasks": len(held),
                         "MRR before -> after": f"{np.mean(list(before.values())):.3f} -> "
                                                f"{np.mean(list(after.values())):.3f}",
                         "MRR diff [95%]": f"{mrr['difference']:+.3f} [{mrr['low']:+.3f}, {mrr['high']:+.3f}]",
                         "hit@1 diff [95%]": f"{hit['difference']:+.3f} [{hit['low']:+.3f}, {hit['high']:+.3f}]",
                         "better / worse": f"{mrr['better']} / {mrr['worse']}"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", choices=("nq57", "nq03"), help="train and score one reference only")
    parser.add_argument("--epochs", type=float, default=4.0)
    parser.add_argument("--frozen", type=int, default=4, help="lower encoder layers frozen (of 12)")
    parser.add_argument("--top", type=int, default=5, help="the hybrid ranker's top clauses reordered")
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--max-length", type=int, default=192)
    parser.add_argument("--skip", action="append", default=[], help="a commune not to hold out (repeatable)")
    parser.add_argument("--only", help="hold out this commune only")
    parser.add_argument("--out", type=Path, help="write the held-out tasks' cross-encoder logits here")
    parser.add_argument("--scores", type=Path, nargs="*", help="read logits former runs wrote instead of training")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from bench.engines import table

    tasks, texts = ranked_tasks(args.ref)
    if args.scores:
        scores = {k: v for path in args.scores for k, v in json.loads(path.read_text()).items()}
    else:
        scores = train_folds(tasks, texts, args)
        if args.out:
            args.out.write_text(json.dumps(scores))
    print(table(figures(tasks, scores)))


if __name__ == "__main__":
    main()
