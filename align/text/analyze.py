"""Lexical analysis: the terms BM25 indexes and match explanations show.

normalize_text -> expand_abbreviations -> segment -> lowercase -> drop punctuation,
numbers and stop words. Capitals headings are lower-cased before segmenting (see
_lower_capitals); other text keeps its case, which the segmenter uses for names. Document numbers ("57-NQ/TW") are kept as one term each rather
than left to the segmenter, which would cut them into "nq", "tw" noise.
"""
from __future__ import annotations

import math
import re
from typing import Mapping

from align.text.abbrev import DOC_NUMBER, expand_abbreviations
from align.text.normalize import normalize_text
from align.text.segment import segment
from align.text.stopwords import STOPWORDS

# Syllables that are never inside a word; the segmenter sometimes glues them on
# ("khoa_học_và" in "Bộ Khoa học và Công nghệ"), so compounds are cut there.
_BREAKS = frozenset({"và", "hoặc", "các", "những"})
_ROMAN = re.compile(r"(?:i{1,3}|iv|vi{0,3}|ix|x{1,3})")
_DOCUMENT_NOUNS = frozenset({"kế_hoạch", "nghị_quyết", "quyết_định", "nghị_định", "thông_tư",
                             "chỉ_thị", "công_văn", "văn_bản", "đề_án", "kết_luận", "luật",
                             "báo_cáo", "hành_động", "chương_trình", "tờ_trình"})
_WORD_RUN = re.compile(r"(?<!\w)[^\W\d_]+(?:[ \t]+[^\W\d_]+)+(?!\w)")
_BLANKS = re.compile(r"([ \t]+)")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


def _clean(token: str) -> list[str]:
    """Lower-cased word(s) of one segmenter token, without punctuation syllables."""
    words: list[str] = []
    current: list[str] = []
    for syllable in token.lower().split("_"):
        syllable = _EDGE_PUNCT.sub("", syllable)
        if not syllable:
            continue
        if syllable in _BREAKS:
            words.append("_".join(current))
            words.append(syllable)
            current = []
        else:
            current.append(syllable)
    words.append("_".join(current))
    return [w for w in words if _is_term(w)]


def _is_term(word: str) -> bool:
    if len(word) < 2 or word in STOPWORDS or _ROMAN.fullmatch(word):
        return False
    return any(ch.isalpha() for ch in word)


def _lower_capitals(text: str) -> str:
    """Lower-case runs of two or more all-capitals words ("ĐẨY MẠNH ỨNG DỤNG").

    The segmenter reads capitals as a proper name and glues the whole heading into one
    token; lone capitals words (acronyms the table does not know) are left alone.
    """
    def fix(match: re.Match[str]) -> str:
        parts = _BLANKS.split(match.group(0))
        out: list[str] = []
        for i in range(0, len(parts), 2):
            word = parts[i]
            neighbours = (parts[i - 2:i - 1] if i else []) + parts[i + 2:i + 3]
            in_run = word.isupper() and any(n.isupper() for n in neighbours)
            out.append(word.lower() if in_run else word)
            if i + 1 < len(parts):
                out.append(parts[i + 1])
        return "".join(out)

    return _WORD_RUN.sub(fix, text)


def _raw_tokens(text: str) -> list[str]:
    """Segmenter tokens, with each document number as one token."""
    tokens: list[str] = []
    start = 0
    for match in DOC_NUMBER.finditer(text):
        tokens.extend(segment(_lower_capitals(text[start:match.start()])))
        tokens.append(re.sub(r"\s+", "", match.group(0)))
        start = match.end()
    tokens.extend(segment(_lower_capitals(text[start:])))
    return tokens


def _is_number_word(tokens: list[str], i: int) -> bool:
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    before = tokens[i - 1].lower() if i > 0 else ""
    if after == ":" or DOC_NUMBER.fullmatch(after):
        return True
    return after[:1].isdigit() and before in _DOCUMENT_NOUNS


def analyze(text: str) -> list[str]:
    """Terms of `text` in order, repeats kept (BM25 counts them).

    "số" is kept (chuyển_đổi số, kinh_tế số are the topic) except where it means
    "number": "Số: /KH-UBND", "số 12- KH/TU", "Kế hoạch số 12".
    """
    tokens = _raw_tokens(expand_abbreviations(normalize_text(text)))
    terms: list[str] = []
    for i, token in enumerate(tokens):
        if token.lower() == "số" and _is_number_word(tokens, i):
            continue
        if DOC_NUMBER.fullmatch(token):
            terms.append(token.lower())
        else:
            terms.extend(_clean(token))
    return terms


def key_terms(a: list[str], b: list[str], k: int = 8,
              idf: Mapping[str, float] | None = None) -> list[str]:
    """Terms two analysed texts share, most informative first.

    With `idf` (e.g. BM25Index.idf()) rarer terms come first and terms the mapping does
    not know rank above all it knows; without it longer words (more syllables) come first.
    Ties keep the order of `a`.
    """
    shared = set(b)
    order: dict[str, int] = {}
    for position, term in enumerate(a):
        if term in shared and term not in order:
            order[term] = position
    if idf:
        weight = {t: idf.get(t, math.inf) for t in order}
    else:
        weight = {t: float(t.count("_") + 1) for t in order}
    ranked = sorted(order, key=lambda t: (-weight[t], order[t]))
    return ranked[:k]
