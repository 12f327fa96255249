"""BM25Index at national scale: fit, search, save and load on synthetic documents.

Usage: python bench/bm25_scale.py [--docs 300000] [--terms 50000] [--length 30]
Documents are Zipf-distributed term ids (like words), so the matrix has a realistic
shape; the figures say how the sparse index scales, not how well it ranks.
"""
from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np

from align.retrieval.bm25 import BM25Index


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=300_000)
    parser.add_argument("--terms", type=int, default=50_000)
    parser.add_argument("--length", type=int, default=30)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vocab = [f"t{i}" for i in range(args.terms)]
    ids = rng.zipf(1.3, size=(args.docs, args.length)) % args.terms
    docs = [[vocab[j] for j in row] for row in ids]
    names = [f"d{i}" for i in range(args.docs)]

    start = time.perf_counter()
    index = BM25Index().fit(docs, names)
    print(f"fit     {time.perf_counter() - start:8.2f} s  ({args.docs} docs, {len(index.vocab)} terms)")
    start = time.perf_counter()
    for query in docs[:args.queries]:
        index.search(query, k=10)
    print(f"search  {(time.perf_counter() - start) / args.queries * 1000:8.2f} ms/query "
          f"({args.length} query terms)")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index.save(f"{tmp}/bm25")
        print(f"save    {time.perf_counter() - start:8.2f} s")
        start = time.perf_counter()
        loaded = BM25Index.load(f"{tmp}/bm25")
        print(f"load    {time.perf_counter() - start:8.2f} s")
    same = np.array_equal(loaded.score(docs[0]), index.score(docs[0]))
    print(f"round trip identical scores: {same}")


if __name__ == "__main__":
    main()
