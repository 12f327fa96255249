"""`duplicates --across` against a synthetic national corpus: time, candidates, pairs.

Usage: python bench/duplicates_scale.py [--plans 500] [--queries 10] [--work DIR] [--cli-runs 1]

Builds (or, with --work DIR holding a previous build, reuses) N synthetic plans
(align/synth.py) and an index whose task vectors are modelled on real e5 vectors of the
base sentences (bench/vectors.py, as bench/run.py does), then times
`plan_duplicates(session, plan, across=True)` in process for --queries plans (index loaded
once) and whole `plan-align duplicates PLAN --across` processes. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench import stages  # noqa: E402
from bench.measure import load_average, machine, percentiles  # noqa: E402
from bench.vectors import ReplayEmbedder  # noqa: E402

log = logging.getLogger("bench")


class _NoModel(ReplayEmbedder):
    """Replays the modelled task and real clause vectors; any other text (the "heading: task"
    views an index build embeds) gets a random unit vector instead of hours of the real
    model: duplicates read task vectors only."""

    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        rows, vectors = self._tables.get(kind, ({}, None))
        out = np.stack([vectors[rows[t]] if t in rows else _random_unit(t, self.dim) for t in texts])
        self.computed += sum(t not in rows for t in texts)
        return out.astype(np.float32)


def _random_unit(text: str, dim: int) -> np.ndarray:
    v = np.random.default_rng(zlib.crc32(text.encode("utf-8"))).standard_normal(dim)
    return v / np.linalg.norm(v)


def build(work: Path, n: int, seed: int, sample: int):
    """Synthetic corpus + index in `work` (reused when already there); returns (corpus, replay embedder)."""
    from align.corpus import Corpus
    from align.corpus_index import CorpusIndex
    from align.embed.cache import encode_cached
    from bench.synth import read_sidecar, write_synthetic_corpus
    from align.text.normalize import fold
    from bench.run import RealVectors, task_vectors, use_cache_root

    corpus_dir, index_dir = work / "corpus", work / "index"
    use_cache_root(work / "cache")      # modelled vectors never reach the user's embedding cache
    real = RealVectors(work / "real-vectors.sqlite")
    if not (corpus_dir / "manifest.json").exists():
        write_synthetic_corpus(Corpus(None), corpus_dir, n, seed=seed)
    corpus = Corpus(corpus_dir)
    tasks = [t for p in corpus.plans() for t in p.tasks]
    texts = [t.text for t in tasks]
    stages.embed_all_real(random.Random(seed).sample(sorted(set(texts)), min(sample, len(set(texts)))), real)
    base_by_text = {fold(t.text): t.base for t in read_sidecar(corpus_dir)}
    base_of = [base_by_text.get(fold(t), t) for t in texts]
    vectors, _, _ = task_vectors(texts, base_of, real, {})
    clause_texts = sorted({c.text for r in corpus.references() for c in r.clauses})
    clause_vectors = encode_cached(real.embedder, clause_texts, "passage", real.cache)
    replay = _NoModel(real.embedder, {"query": (texts, vectors), "passage": (clause_texts, clause_vectors)})
    CorpusIndex.ensure(corpus, replay, index_dir, progress=False)     # built when missing or stale
    return corpus, replay


def in_process(corpus, replay, index_dir: Path, queries: int, seed: int) -> dict:
    from align.decide.duplicates import plan_duplicates
    from align.session import Session

    session = Session(corpus.root, index_dir=index_dir, rebuild=False, progress=False)
    session.__dict__["embedder"] = replay
    session.__dict__["corpus"] = corpus
    start = time.perf_counter()
    session.index  # noqa: B018 - load once, outside the timings
    load_s = time.perf_counter() - start
    plans = random.Random(seed + 2).sample(corpus.plans(), queries)
    times, kinds, tasks = [], Counter(), 0
    for plan in plans:
        start = time.perf_counter()
        pairs = plan_duplicates(session, plan, across=True)
        times.append(time.perf_counter() - start)
        kinds.update(p.kind for p in pairs)
        tasks += len(plan.tasks)
    return {"index_load_s": load_s, "plans": [p.id for p in plans], "tasks": tasks,
            "seconds": percentiles(times), "all_s": [round(t, 3) for t in times],
            "pairs_per_plan": {k: v / len(plans) for k, v in kinds.items()},
            "tasks_in_store": len(session.index.tasks)}


def cli(corpus_dir: Path, index_dir: Path, plan_id: str, runs: int) -> dict:
    env = dict(os.environ, PLAN_ALIGN_CACHE=str(corpus_dir.parent / "cache"))
    args = [sys.executable, "-m", "align.cli", "duplicates", plan_id, "--across", "--corpus", str(corpus_dir),
            "--index-dir", str(index_dir), "--no-rebuild", "-q", "-f", "json"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
        if result.returncode:
            return {"error": result.stderr.strip().splitlines()[-1:]}
    return {"plan": plan_id, "runs": runs, "min_s": min(times), "max_s": max(times),
            "pairs": len(json.loads(result.stdout)["pairs"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--queries", type=int, default=10, help="Plans timed in process.")
    parser.add_argument("--cli-runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="Work dir, kept (default: a new temp dir).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=256, help="Tasks embedded with the real model (calibration).")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    work = args.work or Path(tempfile.mkdtemp(prefix="plan-align-dups-"))
    work.mkdir(parents=True, exist_ok=True)
    out = {"machine": machine(), "load_average_start": load_average(), "n_plans": args.plans}
    start = time.perf_counter()
    corpus, replay = build(work, args.plans, args.seed, args.sample)
    out["build_s"] = time.perf_counter() - start
    out["in_process"] = in_process(corpus, replay, work / "index", args.queries, args.seed)
    if args.cli_runs:
        out["cli"] = cli(corpus.root, work / "index", out["in_process"]["plans"][0], args.cli_runs)
    out["load_average_end"] = load_average()
    print(json.dumps(out, ensure_ascii=False, indent=1, default=float))


if __name__ == "__main__":
    main()
