"""A cross-encoder fine-tuned from e5-small-st on the labelled duplicate pairs, leave-one-commune-out.

For each commune, a model is trained on the labelled pairs that touch none of its plans and scores
the pairs whose first task is in it (so the pooled scores are LOCO, as pair_eval's are). The model:
e5-small-st reading "query: A </s></s> query: B" (at most 128 tokens), mean-pooled, a linear head;
the lower --frozen layers and the word embeddings frozen (their states are computed once per pair,
both orders), the upper layers and the head trained with AdamW (lr 5e-5, head 1e-3, 10 % warm-up,
linear decay), batches of 16, each pair in a random order each epoch, the positives weighed up to
the negatives; a pair's score is the mean logit of both orders. One thread (torch.set_num_threads(1)).

Printed: the training and scoring time of each fold, the judged pairs' AUC of the scores alone and
of the shipped pair model (pair_eval's LOCO), precision at recall 0.6-0.85 of the scores alone and of
a fixed blend (z-scored logit of each, mean; nothing fitted), both again with the scores z-scored
within each held-out commune (its own scores only, no labels: fold models are not calibrated
alike), and the pair model with the score as a
feature, the training rows' scores taken from the folds that held each row's commune out (those
models saw the test commune's pairs: an approximation of the nested evaluation, which would need a
model per pair of communes).

    PYTHONPATH=. python bench/pair_cross_encoder.py [--epochs 4] [--frozen 6] [--scores FILE.json]

--scores re-reads the scores a former run wrote (--out) instead of training.
"""
from __future__ import annotations

import argparse
import json
import logging
import time

import numpy as np

from bench.pair_reading import RECALLS, figures, labelled_pairs, loco, paired_bootstrap

log = logging.getLogger("pair_cross_encoder")


class CrossEncoder:
    """e5-small-st over a pair, its lower layers frozen (their states cached per pair)."""

    def __init__(self, directory, frozen: int, seed: int = 0) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        torch.manual_seed(seed)
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.encoder = AutoModel.from_pretrained(directory, add_pooling_layer=False)
        self.frozen = frozen
        for p in self.encoder.parameters():
            p.requires_grad_(False)
        self.top = self.encoder.encoder.layer[frozen:]
        for p in self.top.parameters():
            p.requires_grad_(True)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def lower(self, a: str, b: str):
        """States of the frozen layers for the pair (a, b)."""
        torch = self.torch
        batch = self.tokenizer("query: " + a, "query: " + b, truncation=True, max_length=128, return_tensors="pt")
        with torch.no_grad():
            self.encoder.eval()
            h = self.encoder.embeddings(input_ids=batch["input_ids"])
            for layer in self.encoder.encoder.layer[:self.frozen]:
                out = layer(h, attention_mask=torch.zeros(1, 1, 1, h.shape[1]))
                h = out[0] if isinstance(out, tuple) else out
        return h[0]

    def logits(self, states):
        torch = self.torch
        n = max(len(s) for s in states)
        h = torch.zeros(len(states), n, states[0].shape[1])
        mask = torch.zeros(len(states), n)
        for i, s in enumerate(states):
            h[i, :len(s)], mask[i, :len(s)] = s, 1
        extended = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
        for layer in self.top:
            out = layer(h, attention_mask=extended)
            h = out[0] if isinstance(out, tuple) else out
        m = mask.unsqueeze(-1)
        return self.head((h * m).sum(1) / m.sum(1)).squeeze(-1)

    def fit(self, examples, epochs: int, batch: int = 16) -> None:
        """`examples`: ((states a-b, states b-a), 0/1)."""
        torch = self.torch
        rng = np.random.default_rng(0)
        opt = torch.optim.AdamW([{"params": self.top.parameters(), "lr": 5e-5},
                                 {"params": self.head.parameters(), "lr": 1e-3}], weight_decay=0.01)
        steps = epochs * -(-len(examples) // batch)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps))
        positives = sum(y for _, y in examples)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(examples) - positives) / positives))
        self.top.train()
        for epoch in range(epochs):
            order, total = rng.permutation(len(examples)), 0.0
            for s in range(0, len(examples), batch):
                chunk = [examples[i] for i in order[s:s + batch]]
                loss = loss_fn(self.logits([st[rng.integers(2)] for st, _ in chunk]),
                               torch.tensor([float(y) for _, y in chunk]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                total += loss.item() * len(chunk)
            log.info("epoch %d: loss %.4f", epoch, total / len(examples))
        self.top.eval()

    def score(self, pairs: list[tuple[str, str]]) -> list[float]:
        with self.torch.no_grad():
            return [float(self.logits([self.lower(a, b)]).item() + self.logits([self.lower(b, a)]).item()) / 2
                    for a, b in pairs]


def train_folds(pairs, records, epochs: int, frozen: int) -> tuple[np.ndarray, list[dict]]:
    import torch

    from align.models.registry import BASE, model_dir

    torch.set_num_threads(1)
    scores, folds = np.full(len(records), np.nan), []
    for group in sorted(set(pairs.home.tolist())):
        train = [k for k in range(len(records)) if group not in pairs.touches[k]]
        test = np.flatnonzero(pairs.home == group)
        model = CrossEncoder(model_dir(BASE), frozen)
        start = time.perf_counter()
        examples = [((model.lower(records[k][0].text, records[k][1].text),
                      model.lower(records[k][1].text, records[k][0].text)), int(pairs.duplicate[k])) for k in train]
        model.fit(examples, epochs)
        trained = time.perf_counter() - start
        start = time.perf_counter()
        scores[test] = model.score([(records[k][0].text, records[k][1].text) for k in test])
        folds.append({"commune": group, "train_pairs": len(train), "train_s": round(trained, 1),
                      "test_pairs": len(test), "score_s": round(time.perf_counter() - start, 1)})
        log.info("%s", folds[-1])
    return scores, folds


def main() -> None:
    from align.decide import pairs as pair_features
    from align.session import Session

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--frozen", type=int, default=6, help="lower layers kept frozen (of 12)")
    parser.add_argument("--scores", help="scores of a former run (JSON) instead of training")
    parser.add_argument("--out", help="write the scores and fold times here (JSON)")
    parser.add_argument("--boot", type=int, default=1000)
    args = parser.parse_args()
    pairs, records, _ = labelled_pairs(Session(progress=False))
    if args.scores:
        saved = json.load(open(args.scores, encoding="utf-8"))
        scores, folds = np.array(saved["scores"], float), saved["folds"]
    else:
        scores, folds = train_folds(pairs, records, args.epochs, args.frozen)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"scores": scores.tolist(), "folds": folds, "epochs": args.epochs, "frozen": args.frozen}, f)
    from align.decide import pair_eval

    base_p, base_pred = loco(pairs, pairs.x, pair_features.FEATURES)
    print("shipped", figures(pairs, base_p, base_pred))
    alone = 1 / (1 + np.exp(-scores))
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    blend = z(scores) + z(np.log(base_p / (1 - base_p + 1e-12) + 1e-12))
    per_commune = scores.copy()
    for group in set(pairs.home.tolist()):
        mask = pairs.home == group
        per_commune[mask] = z(scores[mask])
    judged = pairs.candidate & ~pairs.exact
    for name, p in (("cross-encoder alone", alone), ("blend (fixed, mean of z-scores)", blend),
                    ("cross-encoder z-scored per commune", per_commune),
                    ("blend, cross-encoder z-scored per commune", per_commune + z(np.log(base_p / (1 - base_p + 1e-12)
                                                                                      + 1e-12)))):
        curve = pair_eval.precision_recall(pairs, p, RECALLS)
        print(name, {"auc": round(float(_auc(p[judged], pairs.duplicate[judged])), 3),
                     **{f"p@{c['recall']}": c["precision"] for c in curve}}, paired_bootstrap(pairs, base_p, p, args.boot))
    probability, predicted = loco(pairs, np.column_stack([pairs.x, scores]), pair_features.FEATURES + ("cross",))
    print("+cross as a feature (approximate nesting)", figures(pairs, probability, predicted),
          paired_bootstrap(pairs, base_p, probability, args.boot))
    print("folds", folds)


def _auc(p, y) -> float:
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(y, p)


if __name__ == "__main__":
    main()
