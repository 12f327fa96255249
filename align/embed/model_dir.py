"""An exported model directory on disk: its fixed file names and its manifest.

Written by the export (align/models/export.py), read by the engine that runs it
(align/embed/onnx_runtime.py): both depend on this format, neither on the other. The files:
model.onnx, model.onnx.data (the weights, memory-mapped), tokenizer.json with the vocabulary
files that open it quickly for a few texts (align.embed.vocabulary) and plan_align_model.json
(`EngineManifest`: model id, dimension, engine, precision, source hash, verification).
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

from align.errors import ModelError
from align.types import EngineManifest

FORMAT_VERSION = 2  # 2: the tokenizer's vocabulary files for quick few-text calls (align.embed.vocabulary)
MANIFEST = "plan_align_model.json"
ONNX_FILE = "model.onnx"
DATA_FILE = "model.onnx.data"
TOKENIZER_FILE = "tokenizer.json"


def save_graph(model, path: Path, data_name: str = DATA_FILE) -> None:
    """Write an ONNX graph to `path` with every weight in `data_name` beside it (memory-mapped at load)."""
    import onnx

    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_name, size_threshold=1024)


def save_manifest(directory: Path, manifest: EngineManifest) -> None:
    record = {"format_version": FORMAT_VERSION, "kind": "export", **asdict(manifest)}
    (Path(directory) / MANIFEST).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")


def load_manifest(directory: Path) -> EngineManifest:
    """The manifest of an exported model directory; ModelError if missing, unreadable or foreign."""
    path = Path(directory) / MANIFEST
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: no readable model manifest ({type(exc).__name__}); rebuild the model") from exc
    if record.get("format_version") != FORMAT_VERSION or record.get("kind") != "export":
        raise ModelError(f"{path}: not an exported model of format {FORMAT_VERSION}; rebuild the model")
    names = {f.name for f in fields(EngineManifest)}
    try:
        return EngineManifest(**{k: v for k, v in record.items() if k in names})
    except TypeError as exc:
        raise ModelError(f"{path}: incomplete model manifest ({exc}); rebuild the model") from exc
