"""The exported model's tokenizer, quick to open when only a few texts are to be tokenized.

Building the full Unigram model of e5's tokenizer (250,037 pieces) takes `tokenizers` 1.2 s
on 2 cores, and 2-3 s when they are shared: more than everything else a one-query `plan-align
search` does. A Unigram segmentation only ever uses pieces that occur in the text, so a few
texts are tokenized by a model that holds only those pieces, the special tokens and the
lowest-scored piece (whose score sets the penalty of an unknown character): the same lattice,
the same best path, the same ids once mapped back. Larger calls (an index build) build the
full tokenizer once. The export writes what this needs beside tokenizer.json: the pieces
sorted (pieces.npy, with their ids in piece_ids.npy), the scores by id (scores.npy) and the
tokenizer without its vocabulary (tokenizer-frame.json).
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Sequence

import numpy as np

FRAME_FILE = "tokenizer-frame.json"
PIECES_FILE = "pieces.npy"
IDS_FILE = "piece_ids.npy"
SCORES_FILE = "scores.npy"
FILES = (FRAME_FILE, PIECES_FILE, IDS_FILE, SCORES_FILE)
SMALL_CALL = 16  # texts per call up to which the subset model is used


def write_vocabulary(tokenizer_json: Path, directory: Path) -> bool:
    """The files `Vocabulary` reads, from a Unigram tokenizer.json (called by the export).

    False, writing nothing, for a tokenizer of another kind: it is always opened in full.
    """
    spec = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))
    if spec["model"].get("type") != "Unigram":
        return False
    vocab = spec["model"]["vocab"]
    pieces = [piece for piece, _ in vocab]
    if any(p.endswith("\0") or not p for p in pieces) or len(set(pieces)) != len(pieces):
        raise ValueError("the vocabulary has empty, NUL-ended or repeated pieces; numpy cannot hold it")
    array = np.array(pieces)
    order = np.argsort(array, kind="stable")
    np.save(directory / PIECES_FILE, array[order])
    np.save(directory / IDS_FILE, order.astype(np.int32))
    np.save(directory / SCORES_FILE, np.array([score for _, score in vocab], dtype=np.float64))
    spec["model"]["vocab"] = []
    (directory / FRAME_FILE).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return True


class Vocabulary:
    """Token ids of texts, as the full tokenizer.json gives them; `encode` takes a list of texts."""

    def __init__(self, directory: Path, tokenizer_file: Path, max_length: int) -> None:
        self.directory = Path(directory)
        self.tokenizer_file = Path(tokenizer_file)
        self.max_length = max_length
        self._full = None
        self._frame: dict | None = None
        self._subsets = (self.directory / FRAME_FILE).is_file()

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        if self._subsets and self._full is None and len(texts) <= SMALL_CALL:
            return self._encode_subset(list(texts))
        return [e.ids for e in self.full().encode_batch(list(texts))]

    def full(self):
        if self._full is None:
            from tokenizers import Tokenizer

            self._full = self._ready(Tokenizer.from_file(str(self.tokenizer_file)))
        return self._full

    def _ready(self, tokenizer):
        tokenizer.no_padding()
        tokenizer.enable_truncation(self.max_length)
        return tokenizer

    # -- the subset model -----------------------------------------------------------
    def _load(self) -> None:
        self._frame = json.loads((self.directory / FRAME_FILE).read_text(encoding="utf-8"))
        self._pieces = np.load(self.directory / PIECES_FILE, mmap_mode="r")
        self._ids = np.load(self.directory / IDS_FILE, mmap_mode="r")
        self._scores = np.load(self.directory / SCORES_FILE, mmap_mode="r")
        self._order = np.argsort(self._ids)  # position in the sorted pieces of each id
        self._width = int(self._pieces.dtype.itemsize // 4)  # longest piece, in characters
        self._specials = sorted({a["id"] for a in self._frame["added_tokens"]} | {self._frame["model"]["unk_id"]})
        self._always = self._specials + [int(np.argmin(self._scores))]
        self._probe = self._tokenizer(self._always)
        contents = [re.escape(a["content"]) for a in self._frame["added_tokens"]]
        self._added = re.compile("|".join(contents)) if contents else None

    def _encode_subset(self, texts: list[str]) -> list[list[int]]:
        if self._frame is None:
            self._load()
        ids = sorted(set(self._always) | self._pieces_in(texts))
        tokenizer = self._ready(self._tokenizer(ids))
        back = np.asarray(ids, dtype=np.int64)
        return [back[e.ids].tolist() for e in tokenizer.encode_batch(texts)]

    def _pieces_in(self, texts: list[str]) -> set[int]:
        """Ids of every vocabulary piece that is a substring of a pre-token of the texts."""
        segments = [s for t in texts for s in ([t] + (self._added.split(t) if self._added else []))]
        substrings = set()
        for segment in segments:
            normalized = self._probe.normalizer.normalize_str(segment)
            for token, _ in self._probe.pre_tokenizer.pre_tokenize_str(normalized):
                for i in range(len(token)):
                    substrings.update(token[i:j] for j in range(i + 1, min(len(token), i + self._width) + 1))
        if not substrings:
            return set()
        wanted = np.array(sorted(substrings))
        pos = np.searchsorted(self._pieces, wanted).clip(max=len(self._pieces) - 1)
        return set(np.asarray(self._ids)[pos[self._pieces[pos] == wanted]].tolist())

    def _tokenizer(self, ids: list[int]):
        """A tokenizer whose Unigram model holds only the pieces `ids` (sorted), specials renumbered."""
        from tokenizers import Tokenizer

        order = self._order
        where = {old: new for new, old in enumerate(ids)}
        spec = copy.deepcopy(self._frame)
        spec["model"]["vocab"] = [[str(self._pieces[order[i]]), float(self._scores[i])] for i in ids]
        spec["model"]["unk_id"] = where[spec["model"]["unk_id"]]
        for added in spec["added_tokens"]:
            added["id"] = where[added["id"]]
        for special in (spec.get("post_processor") or {}).get("special_tokens", {}).values():
            special["ids"] = [where[i] for i in special["ids"]]
        return Tokenizer.from_str(json.dumps(spec, ensure_ascii=False))
