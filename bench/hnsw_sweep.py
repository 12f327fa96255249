"""recall@10 of FAISS HNSW against exact inner-product search, over M, efConstruction, efSearch.

    python bench/hnsw_sweep.py INDEX_DIR/current/tasks/vectors.npy [--m 16,32] [--ef-construction 80,200]

500 rows are held out of the index and used as queries (tasks of plans not yet indexed),
and 500 indexed rows are queried too (what align.index.measure_recall does). Recall is
reported as the share of the exact top-10 ids found, and with near-ties tolerated (a
found row counts when its score is within --tolerance of the exact 10th score): among
near-copies of one sentence the 10th and the 50th neighbour can be 0.001 apart.
Exact search (IndexFlatIP) is timed too, one query at a time and a plan's tasks at once.
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",")]


def recall(found: np.ndarray, truth: np.ndarray, found_scores: np.ndarray, truth_scores: np.ndarray,
           tolerance: float) -> tuple:
    ids = sum(len(set(t) & set(f)) for t, f in zip(truth, found)) / truth.size
    kth = truth_scores[:, -1:] - tolerance
    tolerant = float(np.mean(np.minimum(1.0, (found_scores >= kth).sum(axis=1) / truth.shape[1])))
    return ids, tolerant


def main() -> None:
    import faiss

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("vectors")
    parser.add_argument("--m", type=_ints, default=[16, 32])
    parser.add_argument("--ef-construction", type=_ints, default=[80, 200])
    parser.add_argument("--ef-search", type=_ints, default=[64, 128, 256, 512])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tolerance", type=float, default=1e-3)
    args = parser.parse_args()
    vectors = np.ascontiguousarray(np.load(args.vectors), dtype=np.float32)
    rng = np.random.default_rng(args.seed)
    held_rows = rng.choice(len(vectors), size=args.queries, replace=False)
    keep = np.ones(len(vectors), dtype=bool)
    keep[held_rows] = False
    base, held = vectors[keep], vectors[held_rows]
    indexed = base[rng.choice(len(base), size=args.queries, replace=False)]
    exact = faiss.IndexFlatIP(base.shape[1])
    exact.add(base)
    truth = {name: exact.search(q, 10) for name, q in (("held-out", held), ("indexed", indexed))}
    start = time.perf_counter()
    for row in held[:50]:
        exact.search(row[None, :], 10)
    single = (time.perf_counter() - start) / 50 * 1000
    start = time.perf_counter()
    exact.search(held[:100], 10)
    plan = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    lims, _, _ = exact.range_search(held[:100], 0.85)
    ranged = (time.perf_counter() - start) * 1000
    print(f"exact IndexFlatIP: {single:.1f} ms per single query, {plan:.0f} ms for 100 queries at once, "
          f"range search >= 0.85 for 100 queries {ranged:.0f} ms ({lims[-1]:,} pairs)")
    del exact
    print(f"{len(base):,} vectors indexed, {args.queries} queries of each kind\n")
    print(f"\n| M | efConstruction | build (s) | efSearch | recall@10 held-out (ids / within {args.tolerance:g}) | "
          f"recall@10 indexed (ids / within {args.tolerance:g}) | ms/query (batch) |")
    print("|---:|---:|---:|---:|---|---|---:|")
    for m in args.m:
        for efc in args.ef_construction:
            index = faiss.IndexHNSWFlat(base.shape[1], m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = efc
            start = time.perf_counter()
            index.add(base)
            build = time.perf_counter() - start
            for ef in args.ef_search:
                index.hnsw.efSearch = ef
                cells = []
                start = time.perf_counter()
                for name in ("held-out", "indexed"):
                    queries = held if name == "held-out" else indexed
                    scores, rows = index.search(queries, 10)
                    t_scores, t_rows = truth[name]
                    ids, tolerant = recall(rows, t_rows, scores, t_scores, args.tolerance)
                    cells.append(f"{ids:.4f} / {tolerant:.4f}")
                ms = (time.perf_counter() - start) / (2 * args.queries) * 1000
                print(f"| {m} | {efc} | {build:.0f} | {ef} | {cells[0]} | {cells[1]} | {ms:.3f} |", flush=True)
            del index


if __name__ == "__main__":
    main()
