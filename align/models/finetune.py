"""Fine-tune a sentence-transformers model on mined pairs, on the CPU, reproducibly.

MultipleNegativesRankingLoss with the mined hard negatives and in-batch negatives; a
batch sampler that keeps duplicate texts out of a batch (many anchors share a positive:
NQ 57 has only 24 section III clauses). The token embedding matrix (250k rows in e5)
is frozen: it is 80% of the weights, the pairs are far too few to move it usefully, and
freezing it makes a step about a third cheaper. Training runs at a short sequence length
for speed; the saved model keeps the base model's length so inference is unchanged.
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from align.errors import ModelError
from align.models.pairs import TrainingPair
from align.paths import atomic_dir

log = logging.getLogger(__name__)

MANIFEST = "plan_align_model.json"


@dataclass(frozen=True)
class TrainSettings:
    """Everything that decides the trained weights (recorded in the manifest)."""

    epochs: float = 1.0
    max_steps: int = -1                 # > 0 overrides epochs
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1             # of the steps (transformers' float warmup_steps)
    weight_decay: float = 0.01
    max_seq_length: int = 128
    scale: float = 20.0                 # MNRL scale (1 / temperature)
    seed: int = 42
    threads: int = 2
    freeze_token_embeddings: bool = True
    hard_negatives: bool = True


@contextmanager
def _seeded(seed: int, threads: int) -> Iterator[None]:
    """Seed every generator and pin torch's threads for one run; torch's globals are restored after."""
    import random

    import numpy as np
    import torch

    old_threads = torch.get_num_threads()
    old_deterministic = torch.are_deterministic_algorithms_enabled()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, threads))
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_deterministic)


def freeze_token_embeddings(model) -> int:
    """Freeze the input token embeddings of every transformer module; returns rows frozen."""
    frozen = 0
    for module in model.modules():
        if hasattr(module, "auto_model") and hasattr(module.auto_model, "get_input_embeddings"):
            weight = module.auto_model.get_input_embeddings().weight
            weight.requires_grad_(False)
            frozen += int(weight.shape[0])
    return frozen


def _datasets(pairs: Sequence[TrainingPair], hard_negatives: bool):
    """Triplets where a pair has a negative, plain pairs otherwise (a dict when both exist)."""
    from datasets import Dataset

    triplets = [p for p in pairs if hard_negatives and p.negative]
    plain = [p for p in pairs if not (hard_negatives and p.negative)]
    parts = {}
    if triplets:
        parts["triplets"] = Dataset.from_dict({"anchor": [p.anchor for p in triplets],
                                               "positive": [p.positive for p in triplets],
                                               "negative": [p.negative for p in triplets]})
    if plain:
        parts["pairs"] = Dataset.from_dict({"anchor": [p.anchor for p in plain],
                                            "positive": [p.positive for p in plain]})
    return parts if len(parts) > 1 else next(iter(parts.values()))


def _callback(label: str, progress: bool, losses: list[float]):
    from transformers import TrainerCallback

    from align.progress import bars_enabled, progress_bar

    class Progress(TrainerCallback):
        """Our progress bar over the optimiser steps (a log line every 5 steps without one); keeps losses."""

        def __init__(self) -> None:
            self.stack = ExitStack()
            self.bar = None
            self.quiet_bar = not (progress and bars_enabled())

        def on_train_begin(self, args, state, control, **kwargs):
            self.bar = self.stack.enter_context(progress_bar(state.max_steps, label, enabled=progress))

        def on_step_end(self, args, state, control, **kwargs):
            if self.bar is not None:
                self.bar.advance()

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                losses.append(float(logs["loss"]))
                if self.quiet_bar and progress and state.global_step % 5 == 0:
                    log.info("%s: step %d/%d, loss %.3f", label, state.global_step, state.max_steps, losses[-1])

        def on_train_end(self, args, state, control, **kwargs):
            self.stack.close()

    return Progress()


def finetune(base_dir: str | Path, pairs: Sequence[TrainingPair], out_dir: str | Path,
             settings: TrainSettings = TrainSettings(), *, progress: bool = False,
             label: str = "training", manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train a copy of the model in `base_dir` on `pairs` and save it to `out_dir` (atomically).

    Returns the training figures; `manifest` (plus those figures under "training") is
    written to the model directory as plan_align_model.json.
    """
    if not pairs:
        raise ModelError("no training pairs: nothing to fine-tune on")
    from align.embed.runtime import prepare_native

    prepare_native()
    try:
        import accelerate  # noqa: F401  (the trainer needs it; fail early with a clear message)
        import datasets  # noqa: F401
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError(f"training needs sentence-transformers[train] (datasets, accelerate): {exc}") from exc

    with _seeded(settings.seed, settings.threads):
        figures = _train(SentenceTransformer(str(base_dir), device="cpu", local_files_only=True), pairs,
                         Path(out_dir), settings, progress, label, manifest)
    log.info("%s: %d steps on %d pairs in %.0f s (loss %s -> %s)", label, figures["steps"], len(pairs),
             figures["train_seconds"], figures["loss_first"], figures["loss_last"])
    return figures


def _train(model, pairs: Sequence[TrainingPair], out_dir: Path, settings: TrainSettings, progress: bool,
           label: str, manifest: dict[str, Any] | None) -> dict[str, Any]:
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import PrinterCallback

    started = time.perf_counter()
    inference_length = model.max_seq_length
    model.max_seq_length = min(settings.max_seq_length, inference_length or settings.max_seq_length)
    frozen_rows = freeze_token_embeddings(model) if settings.freeze_token_embeddings else 0
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    prompts = dict(getattr(model, "prompts", {}) or {})
    column_prompts = ({"anchor": prompts["query"], "positive": prompts["passage"], "negative": prompts["passage"]}
                      if {"query", "passage"} <= set(prompts) else None)
    losses: list[float] = []
    with atomic_dir(out_dir) as stage:
        args = SentenceTransformerTrainingArguments(
            output_dir=str(stage / "checkpoints"), num_train_epochs=settings.epochs, max_steps=settings.max_steps,
            per_device_train_batch_size=settings.batch_size, learning_rate=settings.learning_rate,
            warmup_steps=settings.warmup_ratio, weight_decay=settings.weight_decay, seed=settings.seed,
            data_seed=settings.seed, batch_sampler=BatchSamplers.NO_DUPLICATES, prompts=column_prompts,
            save_strategy="no", report_to="none", logging_steps=1, disable_tqdm=True, use_cpu=True,
            dataloader_num_workers=0)
        trainer = SentenceTransformerTrainer(
            model=model, args=args, train_dataset=_datasets(pairs, settings.hard_negatives),
            loss=MultipleNegativesRankingLoss(model, scale=settings.scale),
            callbacks=[_callback(label, progress, losses)])
        trainer.remove_callback(PrinterCallback)          # it prints every log line on stdout
        result = trainer.train()
        shutil.rmtree(stage / "checkpoints", ignore_errors=True)
        model.max_seq_length = inference_length
        model.save(str(stage))
        _keep_no_pooler(model, stage)
        figures = {
            "pairs": len(pairs), "steps": int(result.global_step),
            "train_seconds": round(time.perf_counter() - started, 1),
            "loss_first": round(losses[0], 4) if losses else None,
            "loss_last": round(losses[-1], 4) if losses else None,
            "loss_mean_last10": round(sum(losses[-10:]) / len(losses[-10:]), 4) if losses else None,
            "trainable_params": int(trainable), "frozen_token_rows": frozen_rows,
            "settings": asdict(settings),
        }
        (stage / MANIFEST).write_text(json.dumps({**(manifest or {}), "training": figures}, ensure_ascii=False,
                                                 indent=2) + "\n", encoding="utf-8")
    return figures


def _keep_no_pooler(model, directory: Path) -> None:
    """Record that a BERT module was built without its pooler, as the base model said.

    sentence-transformers 6 writes its module config without the base's model arguments,
    so a reload would add an untrained pooler (unused by mean pooling, but initialised at
    random and reported as missing weights on every load).
    """
    for module in model.modules():
        auto_model = getattr(module, "auto_model", None)
        if auto_model is None or getattr(auto_model, "pooler", False) is not None:
            continue
        path = directory / "sentence_bert_config.json"
        config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        config.setdefault("model_kwargs", {})["add_pooling_layer"] = False
        path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
