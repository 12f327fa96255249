"""Segmentation throughput and cache size: cold (underthesea), warm from disk, from memory.

Usage: python bench/segment_speed.py [--corpus DIR] [--texts N] [--work DIR]

Texts: the corpus lines split after . ; ! ? (normalised first, as analyze() does), or with
`--texts N` N distinct task-like texts: the corpus's task sentences changed by align.synth's
edits (made at run time in a temporary folder, never stored in the repository).
The cold run segments every text into an empty cache folder (one segment_many call). The
warm runs happen in a new process over that folder, as the next `plan-align` run would:
segment() text by text (how analyze() calls it), segment_many in one batch, analyze() per
text (every piece cached by an analyze() pass before), then segment_many again from the
in-memory LRU. The cache's disk use is `du -sk`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))     # bench.synth, run as a script

from align.text.normalize import normalize_text
from align.text.segment import SegmentCache

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
_DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_sentences(corpus: Path) -> list[str]:
    sentences: list[str] = []
    for path in sorted([*corpus.glob("reference/*.md"), *corpus.glob("communes/*.txt")]):
        for line in normalize_text(path.read_text(encoding="utf-8")).splitlines():
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return sentences


def task_like_texts(corpus: Path, n: int, seed: int = 0) -> list[str]:
    """`n` distinct edited task sentences of the corpus (plans and reference clauses)."""
    from align.corpus import Corpus
    from bench.synth import edit_text, sentence_pools

    pools = sentence_pools(Corpus(corpus))
    bases = [*pools["task"], *pools["target"]]
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out[edit_text(rng.choice(bases), rng)[0]] = None
    return list(out)


def timed(label: str, run, texts: list[str], cache: SegmentCache | None) -> dict:
    start = time.perf_counter()
    tokens = run(texts)
    seconds = time.perf_counter() - start
    row = {"label": label, "seconds": seconds, "texts_per_s": len(texts) / seconds,
           "tokens_per_s": sum(map(len, tokens)) / seconds,
           "tokenizer_calls": cache.computed if cache is not None else None}
    print(f"{label:<36} {seconds:8.3f} s  {row['texts_per_s']:10.0f} texts/s  "
          f"{row['tokens_per_s']:11.0f} tokens/s  (tokenizer calls: {row['tokenizer_calls']})", flush=True)
    return row


def disk_use(directory: Path) -> tuple[int, int]:
    """(kB on disk as `du -sk` counts it, number of files) of `directory`."""
    kb = int(subprocess.run(["du", "-sk", str(directory)], capture_output=True, text=True,
                            check=True).stdout.split()[0])
    return kb, sum(1 for p in directory.rglob("*") if p.is_file())


def warm_runs(cache_dir: Path, texts_file: Path) -> list[dict]:
    """The warm measurements, run in a process that has not seen the texts yet."""
    from align.text import segment as segment_module
    from align.text.analyze import analyze
    from align.text.segment import underthesea_tokenize

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    rows = []
    one_by_one = SegmentCache(cache_dir)
    rows.append(timed("warm, new process, segment() each", lambda ts: [one_by_one.segment(t) for t in ts],
                      texts, one_by_one))
    batch = SegmentCache(cache_dir)
    rows.append(timed("warm, new process, segment_many", batch.segment_many, texts, batch))
    underthesea_tokenize("khởi động")  # pieces analyze() cuts differently may need the model
    for_analyze = SegmentCache(cache_dir)
    segment_module.set_default_cache(for_analyze)
    rows.append(timed("warm, new process, analyze() each", lambda ts: [analyze(t) for t in ts],
                      texts, for_analyze))
    memory = SegmentCache(cache_dir, maxsize=len(texts))
    memory.segment_many(texts)
    rows.append(timed("memory LRU, segment_many", memory.segment_many, texts, memory))
    return rows


def _analyze_all(texts: list[str], cache_dir: Path) -> None:
    """analyze() cuts some texts at document numbers: segment those pieces too, so that the
    warm analyze() run below finds every piece cached."""
    from align.text import segment as segment_module
    from align.text.analyze import analyze

    cache = SegmentCache(cache_dir)
    segment_module.set_default_cache(cache)
    timed("analyze(), pieces not yet cached", lambda ts: [analyze(t) for t in ts], texts, cache)
    segment_module.set_default_cache(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=_DEFAULT_CORPUS)
    parser.add_argument("--texts", type=int, default=0, help="N task-like texts instead of corpus sentences")
    parser.add_argument("--work", type=Path, help="keep the cache and texts here (default: a temp folder)")
    parser.add_argument("--warm", nargs=2, type=Path, metavar=("CACHE", "TEXTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.warm:
        warm_runs(*args.warm)
        return
    texts = task_like_texts(args.corpus, args.texts) if args.texts else corpus_sentences(args.corpus)
    print(f"{len(texts)} texts ({len(set(texts))} distinct), {sum(map(len, texts))} characters")
    start = time.perf_counter()
    from align.text.segment import underthesea_tokenize
    underthesea_tokenize("khởi động")
    print(f"{'underthesea load':<36} {time.perf_counter() - start:8.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        cache_dir, texts_file = work / "segment-cache", work / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        cold = SegmentCache(cache_dir)
        timed("cold (underthesea), segment_many", cold.segment_many, texts, cold)
        kb, files = disk_use(cache_dir)
        print(f"{'cache on disk (du -sk)':<36} {kb:8d} kB in {files} files")
        _analyze_all(texts, cache_dir)
        subprocess.run([sys.executable, __file__, "--warm", str(cache_dir), str(texts_file)], check=True)


if __name__ == "__main__":
    main()
