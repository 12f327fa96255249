"""Adding one plan to a national index, loading it, and its size on disk.

    python bench/incremental.py --sizes 500,3300 --json bench/incremental.json

For each N: write N synthetic plans (align.synth) to a temp dir, build the index once
(caches cold), add plan N+1 and update the index (only the new plan is parsed and
embedded), then rebuild everything with warm caches (`--full`, what adding a plan cost
before), load the index and search it once, and measure the build on disk.

The model is taken out (`stages._Instant`: every vector costs nothing), because what is
measured here is the index machinery around it; embedding cost is in bench/run.py.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.measure import directory_size, git_revision, load_average, machine, measured  # noqa: E402
from bench.stages import _Instant  # noqa: E402

log = logging.getLogger("bench.incremental")


def build(corpus_dir: Path, embedder, index_dir: Path, incremental: bool) -> dict:
    from align.corpus import Corpus
    from align.corpus_index import CorpusIndex

    with measured() as span:
        index = CorpusIndex.build(Corpus(corpus_dir), embedder, index_dir, progress=False, incremental=incremental)
    return {"seconds": span.seconds, "peak_rss_mb": span.peak_mb, **index.manifest["build"],
            "tasks": index.manifest["counts"]["tasks"]}


def load_and_search(index_dir: Path) -> dict:
    from align.corpus_index import CorpusIndex

    with measured() as loading:
        index = CorpusIndex.load(index_dir)
    with measured() as first:
        index.tasks.search(np.asarray(index.tasks.vectors[:1]), 10)
    with measured() as second:
        index.tasks.search(np.asarray(index.tasks.vectors[1:2]), 10)
    return {"load_seconds": loading.seconds, "load_rss_mb": loading.rss_after_mb - loading.rss_before_mb,
            "first_search_seconds": first.seconds, "first_search_rss_mb": first.rss_after_mb - first.rss_before_mb,
            "next_search_seconds": second.seconds}


def disk(index_dir: Path) -> dict:
    current = (index_dir / "current").resolve()
    files = {f"{store}/{p.name}": p.stat().st_size / 2**20
             for store in ("clauses", "tasks") for p in sorted((current / store).iterdir()) if p.is_file()}
    return {"build_mb": directory_size(current) / 2**20, "index_dir_mb": directory_size(index_dir) / 2**20,
            "files_mb": files}


def run_size(n: int, source, work: Path, seed: int) -> dict:
    from bench.synth import write_synthetic_corpus

    corpus_dir, index_dir = work / f"corpus-{n}", work / f"index-{n}"
    os.environ["PLAN_ALIGN_CACHE"] = str(work / f"cache-{n}")
    from align.text.segment import set_default_cache

    set_default_cache(None)
    embedder = _Instant(384)
    out: dict = {"n_plans": n, "load_average_start": load_average()}
    if (corpus_dir / "manifest.json").exists():   # a corpus kept from an earlier run (--work)
        plans = [d for d in json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))["documents"]
                 if d["kind"] != "reference"]
        if len(plans) != n:
            raise SystemExit(f"{corpus_dir} holds {len(plans)} plans, not {n}")
        out["generate_seconds"] = None
    else:
        with measured() as span:
            write_synthetic_corpus(source, corpus_dir, n, seed=seed)
        out["generate_seconds"] = span.seconds
    shutil.rmtree(index_dir, ignore_errors=True)
    out["first_build"] = build(corpus_dir, embedder, index_dir, incremental=True)
    log.info("N=%d first build %s", n, out["first_build"])
    write_synthetic_corpus(source, corpus_dir, n + 1, seed=seed, start=n)
    out["add_one_plan"] = build(corpus_dir, embedder, index_dir, incremental=True)
    log.info("N=%d add one plan %s", n, out["add_one_plan"])
    out["full_rebuild_warm"] = build(corpus_dir, embedder, index_dir, incremental=False)
    log.info("N=%d full rebuild %s", n, out["full_rebuild_warm"])
    out["unchanged_rebuild"] = build(corpus_dir, embedder, index_dir, incremental=True)
    out["load"] = load_and_search(index_dir)
    out["disk"] = disk(index_dir)
    out["load_average_end"] = load_average()
    log.info("N=%d %s", n, {k: out[k] for k in ("unchanged_rebuild", "load", "disk")})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,3300")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "incremental.json")
    parser.add_argument("--corpus", type=Path, default=None, help="Source corpus (default: ../shared/corpus).")
    parser.add_argument("--work", type=Path, default=None,
                        help="Work dir, kept (default: a new temp dir, removed). A corpus-N folder already "
                             "there is used as is, with its caches.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    logging.getLogger("align").setLevel(logging.WARNING)
    from align.corpus import Corpus

    work = args.work or Path(tempfile.mkdtemp(prefix="plan-align-incremental-"))
    results = {"machine": machine(), "revision": git_revision(ROOT), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
               "sizes": []}
    try:
        source = Corpus(args.corpus)
        for n in [int(x) for x in args.sizes.split(",")]:
            results["sizes"].append(run_size(n, source, work, args.seed))
            results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
