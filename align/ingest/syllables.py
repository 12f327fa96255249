"""How Vietnamese a decoded text looks: the score that picks an 8-bit encoding.

Windows-1258, TCVN3 and VNI all decode any byte string, so the right one is the
decoding whose non-ASCII words are valid Vietnamese syllables. Wrong decodings
give letters in impossible places ("hoµ", "Vieät", "viờũt").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu"
).split()
_NUCLEUS = "(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(_ONSET + _NUCLEUS + _CODA)
# Word separators: white space, ASCII punctuation, typographic quotes/dashes/ellipsis.
_SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u00a0]+")


def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable (any case, at most one tone mark)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


@dataclass(frozen=True)
class Score:
    """Counts over the words that hold a non-ASCII character."""

    valid: int
    invalid: int
    invalid_chars: int = 0   # characters in the invalid words
    chars: int = 0           # characters in all words

    @property
    def net(self) -> int:
        return self.valid - self.invalid

    @property
    def looks_vietnamese(self) -> bool:
        """Most non-ASCII words are syllables, or the odd ones are a tiny part of the text."""
        return self.valid >= self.invalid or self.invalid_chars <= 0.02 * self.chars


def score_text(text: str) -> Score:
    """Valid and invalid syllables among the non-ASCII words of `text`."""
    valid = invalid = invalid_chars = chars = 0
    for word in _SEPARATORS.split(unicodedata.normalize("NFC", text)):
        chars += len(word)
        if word.isascii():
            continue
        if is_syllable(word):
            valid += 1
        else:
            invalid += 1
            invalid_chars += len(word)
    return Score(valid, invalid, invalid_chars, chars)
