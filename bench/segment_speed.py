"""Segmentation throughput on the real corpus: cold (underthesea), disk cache, memory cache.

Usage: python bench/segment_speed.py [--corpus DIR]
Sentences are the corpus lines split after . ; ! ? (normalised first, as analyze() does).
The cold run uses an empty temporary cache folder, so it measures underthesea itself.
"""
from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from align.text.normalize import normalize_text
from align.text.segment import SegmentCache

_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")


def corpus_sentences(corpus: Path) -> list[str]:
    sentences: list[str] = []
    for path in sorted([*corpus.glob("reference/*.md"), *corpus.glob("communes/*.txt")]):
        for line in normalize_text(path.read_text(encoding="utf-8")).splitlines():
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if s.strip())
    return sentences


def timed(label: str, cache: SegmentCache, sentences: list[str]) -> None:
    start = time.perf_counter()
    tokens = cache.segment_many(sentences)
    seconds = time.perf_counter() - start
    n_tokens = sum(map(len, tokens))
    print(f"{label:<28} {seconds:8.3f} s  {len(sentences) / seconds:10.0f} sentences/s  "
          f"{n_tokens / seconds:11.0f} tokens/s  (tokenizer calls: {cache.computed})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    args = parser.parse_args()
    sentences = corpus_sentences(args.corpus)
    unique = len(set(sentences))
    print(f"{len(sentences)} sentences ({unique} distinct), "
          f"{sum(map(len, sentences))} characters")
    start = time.perf_counter()
    import underthesea  # noqa: F401  (load time reported apart from throughput)
    from underthesea import word_tokenize
    word_tokenize("khởi động")
    print(f"{'underthesea load':<28} {time.perf_counter() - start:8.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        timed("cold (underthesea)", SegmentCache(tmp), sentences)
        warm = SegmentCache(tmp)
        timed("cached, new instance (disk)", warm, sentences)
        timed("cached, same instance (LRU)", warm, sentences)


if __name__ == "__main__":
    main()
