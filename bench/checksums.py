"""What verifying an index build's checksums costs at load time.

    python bench/checksums.py --index-dir DIR [--repeat 20] [--json out.json]
    python bench/checksums.py --index-dir DIR --synthetic 500    # build DIR first (model-free)

DIR is an index directory (with `current`). Measured: the build's files (count, MB); hash
throughput of SHA-256 and BLAKE2b over those files (read from the page cache); the time of
`CorpusIndex.load` (p50 and min of `--repeat` loads: intact files, sizes and mtimes only);
then, on a copy of the build made without keeping file times (every file must be hashed),
the first load and the next one (the files verified are remembered in verified.json).
The package is imported from PYTHONPATH: with an older checkout there, it measures the load
before checksums existed (the hash and copy figures are then skipped).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import tempfile
import time
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # bench.synth, run as a script


def _files(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.is_file())


def hash_rates(build: Path) -> dict:
    files = _files(build)
    total = sum(p.stat().st_size for p in files)
    for path in files:                       # warm the page cache: measure hashing, not the disk
        path.read_bytes()
    rates = {}
    for name in ("sha256", "blake2b"):
        start = time.perf_counter()
        for path in files:
            digest = hashlib.new(name)
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        rates[f"{name}_mb_per_s"] = round(total / 2**20 / (time.perf_counter() - start), 1)
    return {"files": len(files), "mb": round(total / 2**20, 2), **rates}


def load_seconds(index_dir: Path, repeat: int) -> list[float]:
    from align.corpus_index import CorpusIndex

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        CorpusIndex.load(index_dir)
        times.append(time.perf_counter() - start)
    return times


def copied_without_times(index_dir: Path, work: Path) -> Path:
    """The index with its current build copied file by file (new mtimes)."""
    build = (index_dir / "current").resolve()
    copy = work / "index"
    shutil.copytree(build, copy / "builds" / build.name, copy_function=shutil.copyfile)
    (copy / "current").symlink_to(Path("builds") / build.name)
    return copy


def build_synthetic(index_dir: Path, n: int) -> None:
    import os

    from align.corpus import Corpus
    from align.corpus_index import CorpusIndex
    from bench.synth import write_synthetic_corpus
    from bench.stages import _Instant

    corpus_dir = index_dir.parent / f"corpus-{n}"
    os.environ["PLAN_ALIGN_CACHE"] = str(index_dir.parent / "cache")
    if not (corpus_dir / "manifest.json").exists():
        write_synthetic_corpus(Corpus(None), corpus_dir, n)
    CorpusIndex.build(Corpus(corpus_dir), _Instant(384), index_dir, progress=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--synthetic", type=int, help="Build DIR from N synthetic plans first.")
    args = parser.parse_args()
    if args.synthetic:
        build_synthetic(args.index_dir, args.synthetic)
    load_seconds(args.index_dir, 1)          # imports and page cache
    times = load_seconds(args.index_dir, args.repeat)
    out = {"index_dir": str(args.index_dir), "load_p50_s": round(statistics.median(times), 4),
           "load_min_s": round(min(times), 4)}
    try:
        import align.checksums  # noqa: F401
    except ImportError:
        out["checksums"] = "not in this checkout"
    else:
        out.update(hash_rates((args.index_dir / "current").resolve()))
        with tempfile.TemporaryDirectory() as tmp:
            copy = copied_without_times(args.index_dir, Path(tmp))
            out["copy_first_load_s"] = round(load_seconds(copy, 1)[0], 4)
            out["copy_next_load_p50_s"] = round(statistics.median(load_seconds(copy, args.repeat)), 4)
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
