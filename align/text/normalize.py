"""Unicode and typographic normalisation of Vietnamese text.

Word documents mix composed and decomposed letters and two tone-mark placements
(hoà/hòa, thuỷ/thủy); two texts that a reader sees as equal must compare equal,
so everything downstream works on the output of these functions.
"""
from __future__ import annotations

import re
import unicodedata

# Combining tone marks (the five Vietnamese tones other than level).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aeiouyăâêôơư")

_QUOTES = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
    "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u00ad": None,
    "\u2026": "...", "\u2022": "-", "\u25cf": "-", "\uf0b7": "-", "\u2219": "-",
})
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!&|>~<\"'=$%^,:;/])")
_HTML_TAG = re.compile(r"</?(?:b|i|u|strong|em|span|p|br|sup|sub|font)(?:\s[^<>]*)?/?>", re.I)
_SPACES = re.compile(r"[ \u3000]{2,}")
_WORD = re.compile(r"\w+")
_MD_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")


def _move_tone(word: str) -> str:
    """Old-style tone placement -> new style: hoà -> hòa, thuỷ -> thủy, khoẻ -> khỏe.

    Only open syllables ending in oa/oe/uy move their tone; quý/quà keep theirs
    because the u of "qu" is part of the consonant.
    """
    decomposed = unicodedata.normalize("NFD", word)
    letters: list[list[str]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    if len(letters) < 2:
        return word
    first, second = letters[-2], letters[-1]
    pair = (first[0].lower(), second[0].lower())
    if pair not in {("o", "a"), ("o", "e"), ("u", "y")}:
        return word
    tone = [m for m in second[1:] if m in _TONES]
    if not tone or any(m in _TONES for m in first[1:]) or len(second) != 2 or len(first) != 1:
        return word
    if len(letters) >= 3 and letters[-3][0].lower() == "q":
        return word
    if len(letters) >= 3 and letters[-3][0].lower() in _VOWELS:
        return word
    first.append(tone[0])
    second.remove(tone[0])
    return unicodedata.normalize("NFC", "".join("".join(x) for x in letters))


# NFC endings whose tone may have to move: o/u followed by a toned a, e or y.
_OLD_STYLE_ENDINGS = frozenset(first + unicodedata.normalize("NFC", second + tone)
                               for first, seconds in (("o", "ae"), ("u", "y")) for second in seconds
                               for tone in _TONES)


def normalize_tone_marks(text: str) -> str:
    return _WORD.sub(lambda m: _move_tone(m.group(0)) if m.group(0)[-2:].lower() in _OLD_STYLE_ENDINGS
                     else m.group(0), text)


def normalize_text(text: str) -> str:
    """NFC, one tone placement, plain quotes and dashes, no Markdown escapes or HTML tags.

    Line breaks and tabs (table cell separators) are kept; runs of spaces are not.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_QUOTES)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = normalize_tone_marks(text)
    return _SPACES.sub(" ", text)


def strip_emphasis(text: str) -> str:
    """Remove Markdown bold/italic markers: `**II- MỤC TIÊU**` -> `II- MỤC TIÊU`."""
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("**", "").strip()


def clean_text(text: str) -> str:
    """The text of a unit as shown to a reviewer: normalised, unmarked, on one line."""
    text = strip_emphasis(normalize_text(text))
    return " ".join(text.split())


def fold(text: str) -> str:
    """Comparison key: clean text, lower-cased."""
    return clean_text(text).lower()


def strip_marks(text: str) -> str:
    """`fold` without diacritics (đ -> d), punctuation kept: patterns match however the text was typed."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_key(text: str) -> str:
    """Lower-case letters and digits without diacritics, words split by one space: what a
    user types without a Vietnamese keyboard ("binh giang" for "Bình Giang") meets the
    real name, and typos in tone marks (trưc/trực) meet their word."""
    return " ".join(re.sub(r"[\W_]+", " ", strip_marks(text)).split())
