"""is_syllable / score_text: the signal that picks an 8-bit encoding."""
from __future__ import annotations

import pytest

from align.ingest.syllables import is_syllable, score_text


@pytest.mark.parametrize("word", ["nghiêng", "người", "khuya", "quyết", "giữa", "gìn", "Việt", "ĐỒNG", "oái", "xoong"])
def test_is_syllable_accepts_vietnamese(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["hoµ", "vieät", "viờũt", "café", "nghĩaa", "straße", "ǹg", "tiếế"])
def test_is_syllable_rejects_misdecoded_words(word: str) -> None:
    assert not is_syllable(word)


def test_score_text_counts_only_non_ascii_words() -> None:
    score = score_text("Kế hoạch (2026): xây dựng hoµ ABC-123")
    assert (score.valid, score.invalid) == (4, 1)


def test_score_text_garbage_does_not_look_vietnamese() -> None:
    assert not score_text("ÆÇÈ ÐÑÒ ×ØÙ ÝÞß").looks_vietnamese


def test_score_text_one_foreign_word_in_long_ascii_text_looks_fine() -> None:
    assert score_text("plain words " * 40 + "naïve").looks_vietnamese
