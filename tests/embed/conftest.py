"""A small sentence-transformers model the tests build themselves (no download)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

WORDS = ["[UNK]", "chuyển", "đổi", "số", "dịch", "vụ", "công", "trực", "tuyến", "an", "ninh", "mạng",
         "nông", "nghiệp", "thông", "minh", "đào", "tạo", "kỹ", "năng"]


def build_static_model(directory: Path, dim: int = 16, seed: int = 0) -> Path:
    """A StaticEmbedding over a word-level tokenizer, saved as a model directory."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.normalizers import NFC, Lowercase, Sequence
    from tokenizers.pre_tokenizers import Whitespace

    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.normalizer = Sequence([NFC(), Lowercase()])
    tokenizer.pre_tokenizer = Whitespace()
    weights = np.random.default_rng(seed).normal(size=(len(WORDS), dim)).astype(np.float32)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    model.save(str(directory))
    return directory


@pytest.fixture(scope="session")
def static_model_dir(tmp_path_factory) -> Path:
    return build_static_model(tmp_path_factory.mktemp("st-model") / "tiny-static")
