"""Fine-tuning on a tiny BERT the test builds itself (2 layers, hidden 32): fast, no download."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from align.errors import ModelError
from align.models.finetune import MANIFEST, TrainSettings, finetune, freeze_token_embeddings
from align.models.pairs import TrainingPair

# Our own sentences: (anchor, positive, negative).
TRIPLES = [
    ("xã tập huấn kỹ năng số cho cán bộ", "đào tạo kỹ năng số cho cán bộ công chức",
     "xây dựng trạm phát sóng di động"),
    ("phủ sóng di động tới các thôn", "phát triển hạ tầng viễn thông và trạm phát sóng",
     "tuyên truyền về khoa học công nghệ"),
    ("hồ sơ thủ tục hành chính trực tuyến", "dịch vụ công trực tuyến toàn trình",
     "hỗ trợ doanh nghiệp đổi mới sáng tạo"),
    ("hợp tác xã ứng dụng công nghệ", "doanh nghiệp ứng dụng khoa học công nghệ và đổi mới sáng tạo",
     "bảo đảm an ninh mạng cho cơ quan"),
    ("camera an ninh tại giao thông", "bảo đảm an ninh mạng và an toàn thông tin",
     "đào tạo kỹ năng số cho cán bộ công chức"),
    ("tuyên truyền nghị quyết tới người dân", "tuyên truyền về khoa học công nghệ và chuyển đổi số",
     "dịch vụ công trực tuyến toàn trình"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


def build_tiny_bert(directory: Path, words: list[str], seed: int = 0, max_length: int = 64) -> Path:
    """A 2-layer BERT sentence-transformers model over a word-level vocabulary, with e5 prompts."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules import Transformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    vocab = {w: i for i, w in enumerate(dict.fromkeys(SPECIALS + ["query", "passage", ":"] + words))}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                       special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]", unk_token="[UNK]",
                                   cls_token="[CLS]", sep_token="[SEP]")
    hf_dir = directory / "hf"
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=max_length),
              add_pooling_layer=False).save_pretrained(hf_dir)
    fast.save_pretrained(hf_dir)
    no_pooler = {"add_pooling_layer": False}
    model = SentenceTransformer(modules=[Transformer(str(hf_dir), max_seq_length=max_length, model_kwargs=no_pooler),
                                         Pooling(32, "mean"), Normalize()], device="cpu",
                                prompts={"query": "query: ", "passage": "passage: "})
    model.save(str(directory / "model"))
    # Like build_base: the module config says the encoder has no pooler.
    (directory / "model" / "sentence_bert_config.json").write_text(json.dumps(
        {"max_seq_length": max_length, "do_lower_case": False, "model_args": no_pooler}), encoding="utf-8")
    return directory / "model"


def triples_words() -> list[str]:
    return sorted({w for t in TRIPLES for s in t for w in s.split()})


def make_pairs(commune: str | None = None) -> list[TrainingPair]:
    return [TrainingPair(a, p, n, "test", f"t#{i}", f"c#{i}", f"c#n{i}", commune) for i, (a, p, n) in
            enumerate(TRIPLES)]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> Path:
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), triples_words())


@pytest.fixture(scope="module")
def trained(tiny_base, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("trained") / "tiny-plan"
    figures = finetune(tiny_base, make_pairs(), out, TrainSettings(max_steps=3, batch_size=3, learning_rate=1e-3,
                                                                   max_seq_length=16),
                       manifest={"model_id": "tiny-plan"})
    return out, figures


def _weights(directory: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(directory / "model.safetensors"))


def test_finetune_saves_a_loadable_model_with_prompts(trained):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(trained[0]), device="cpu")
    vectors = model.encode(["xã tập huấn kỹ năng số"], prompt_name="query")
    assert vectors.shape == (1, 32) and float((vectors ** 2).sum()) == pytest.approx(1.0, abs=1e-5)
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "


def test_finetune_changes_encoder_weights_but_not_token_embeddings(tiny_base, trained):
    before, after = _weights(tiny_base), _weights(trained[0])
    word = next(k for k in before if k.endswith("word_embeddings.weight"))
    dense = next(k for k in before if k.endswith("layer.0.attention.self.query.weight"))
    assert np.array_equal(before[word], after[word])
    assert not np.allclose(before[dense], after[dense])


def test_finetune_saved_model_reloads_without_a_pooler(trained):
    from sentence_transformers import SentenceTransformer

    assert SentenceTransformer(str(trained[0]), device="cpu")[0].auto_model.pooler is None


def test_finetune_keeps_the_base_inference_length(trained):
    from sentence_transformers import SentenceTransformer

    assert SentenceTransformer(str(trained[0]), device="cpu").max_seq_length == 64


def test_finetune_writes_manifest_with_training_figures(trained):
    manifest = json.loads((trained[0] / MANIFEST).read_text(encoding="utf-8"))
    training = manifest["training"]
    assert manifest["model_id"] == "tiny-plan"
    assert (training["pairs"], training["steps"]) == (len(TRIPLES), 3)
    assert training["settings"]["seed"] == 42 and training["frozen_token_rows"] > 0
    assert training["loss_first"] is not None and training == trained[1]


def test_finetune_is_reproducible_with_the_same_seed(tiny_base, trained, tmp_path):
    again = tmp_path / "again"
    finetune(tiny_base, make_pairs(), again, TrainSettings(max_steps=3, batch_size=3, learning_rate=1e-3,
                                                           max_seq_length=16))
    first, second = _weights(trained[0]), _weights(again)
    assert all(np.allclose(first[k], second[k], atol=1e-6) for k in first)


def test_finetune_trains_on_pairs_without_negatives(tiny_base, tmp_path):
    pairs = [TrainingPair(p.anchor, p.positive, None, p.source, p.anchor_id, p.positive_id) for p in make_pairs()]
    figures = finetune(tiny_base, pairs, tmp_path / "plain", TrainSettings(max_steps=1, batch_size=3))
    assert figures["steps"] == 1 and (tmp_path / "plain" / "model.safetensors").is_file()


def test_finetune_without_pairs_raises(tiny_base, tmp_path):
    with pytest.raises(ModelError, match="no training pairs"):
        finetune(tiny_base, [], tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_freeze_token_embeddings_freezes_only_the_input_matrix(tiny_base):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(tiny_base), device="cpu")
    rows = freeze_token_embeddings(model)
    frozen = [name for name, p in model.named_parameters() if not p.requires_grad]
    assert rows == len(SPECIALS) + 3 + len(triples_words())
    assert len(frozen) == 1 and frozen[0].endswith("word_embeddings.weight")
