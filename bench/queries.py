"""Benchmark stages that ask questions: query latency (in process and through the CLI) and
recall@10 of the approximate (HNSW) index against exact search."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from bench.measure import percentiles

ROOT = Path(__file__).resolve().parents[1]


def latencies(fn: Callable[[object], object], items: Sequence[object], warmup: int = 1) -> dict:
    """p50/p95 seconds of fn(item) over `items`; the first `warmup` calls are timed apart."""
    first: list[float] = []
    rest: list[float] = []
    sizes = []
    for k, item in enumerate(items):
        start = time.perf_counter()
        result = fn(item)
        (first if k < warmup else rest).append(time.perf_counter() - start)
        if hasattr(result, "__len__"):
            sizes.append(len(result))
    out = percentiles(rest)
    out["first_s"] = first[0] if first else float("nan")
    out["mean_results"] = float(np.mean(sizes)) if sizes else float("nan")
    return out


def in_process(session, plans: Sequence, queries: Sequence[str]) -> dict:
    """align (one plan against every reference), search (free text over every commune's
    tasks) and duplicates --across (one plan against all others), index loaded once."""
    from align.decide.duplicates import plan_duplicates
    from align.search import search

    refs = session.corpus.references()
    runs = {
        "align": (lambda plan: session.aligner.align(plan, refs, top_k=5).tasks, plans),
        "search": (lambda text: search(session, text, kind="task", top_k=10), queries),
        "duplicates_across": (lambda plan: plan_duplicates(session, plan, across=True), plans),
    }
    out = {}
    for name, (fn, items) in runs.items():
        try:
            out[name] = latencies(fn, items)
        except Exception as exc:  # noqa: BLE001 - recorded in RESULTS.md, the other queries still run
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def cli_wall_times(corpus_dir: Path, index_dir: Path, cache_root: Path, plan_id: str, query: str,
                   runs: int = 2) -> dict:
    """Wall time of whole `plan-align` processes (start-up, index load, staleness check, work)."""
    common = ["--corpus", str(corpus_dir), "--index-dir", str(index_dir), "--no-rebuild", "-q", "-f", "json"]
    commands = {"align": ["align", plan_id], "search": ["search", query],
                "duplicates_across": ["duplicates", plan_id, "--across"]}
    env = dict(os.environ, PLAN_ALIGN_CACHE=str(cache_root))
    out = {}
    for name, args in commands.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "align.cli", *args, *common], capture_output=True,
                                    text=True, env=env, cwd=ROOT)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                out[name] = {"error": result.stderr.strip().splitlines()[-1:] or ["exit " + str(result.returncode)]}
                break
        else:
            out[name] = {"runs": runs, "min_s": min(times), "max_s": max(times)}
    return out


# -- recall ----------------------------------------------------------------------------
def _hnsw(vectors: np.ndarray, m: int, ef_construction: int):
    import faiss

    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(vectors)
    return index


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return sum(len(set(t) & set(f)) for t, f in zip(truth, found)) / float(truth.size)


def recall_sweep(vectors: np.ndarray, held_out: np.ndarray, m_values: Sequence[int], ef_values: Sequence[int],
                 ef_construction: int, sample: int = 500, seed: int = 0) -> list[dict]:
    """recall@10 against exact inner-product search, for indexed vectors used as queries
    (as align.index.measure_recall does) and for held-out queries (tasks not in the index)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    indexed = vectors[rng.choice(len(vectors), size=min(sample, len(vectors)), replace=False)]
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    start = time.perf_counter()
    _, truth_indexed = exact.search(indexed, 10)
    exact_ms = (time.perf_counter() - start) / len(indexed) * 1000
    _, truth_held = exact.search(held_out, 10)
    del exact
    rows = []
    for m in m_values:
        start = time.perf_counter()
        index = _hnsw(vectors, m, ef_construction)
        build = time.perf_counter() - start
        for ef in ef_values:
            index.hnsw.efSearch = ef
            start = time.perf_counter()
            _, found_indexed = index.search(indexed, 10)
            ms = (time.perf_counter() - start) / len(indexed) * 1000
            _, found_held = index.search(held_out, 10)
            rows.append({"M": m, "efConstruction": ef_construction, "efSearch": ef, "build_s": build,
                         "recall_indexed": _recall(found_indexed, truth_indexed),
                         "recall_held_out": _recall(found_held, truth_held),
                         "ms_per_query": ms, "exact_ms_per_query": exact_ms})
        del index
    return rows
