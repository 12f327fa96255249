"""Bytes -> Unicode text: BOMs, UTF-8, UTF-16 (with or without BOM), Windows-1258,
and the legacy TCVN3/VNI font encodings, with one-line errors for what is not text.

Order of decisions: a BOM wins; NUL bytes mean UTF-16 (when they fall on every
other byte, as ASCII does in UTF-16) or a binary file; UTF-8 is UTF-8 (then lines
holding TCVN3/VNI text read as Windows-1252 are repaired), even with a few invalid
bytes (a stray 0xFF, a lone 0xA0), which become U+FFFD with a warning naming their
lines; anything else (more invalid bytes than valid non-ASCII characters) is decoded
as Windows-1258, TCVN3 and VNI and the decoding with the most valid Vietnamese
syllables wins (ties go to Windows-1258, the Windows default), a handful of bytes it
does not define replaced likewise. Only then is a file refused as not text.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from typing import Callable

from align.errors import InputError
from align.ingest.legacy import decode_tcvn3, decode_vni, restore_capitals
from align.ingest.syllables import Score, score_text

log = logging.getLogger(__name__)

NOT_TEXT = "not valid UTF-8/UTF-16/Windows-1258/TCVN3/VNI text"
BINARY = "binary file (not text)"
_SAMPLE = 256 * 1024          # bytes looked at to choose an encoding
_CONTROL_LIMIT = 0.01         # more control characters than this: binary
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1a")  # tab, line breaks, form feed, DOS EOF
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_BAD_BYTES = tuple(b for b in (*range(0x20), 0x7F) if chr(b) not in _ALLOWED_CONTROLS)

_EIGHT_BIT: tuple[tuple[str, Callable[..., str]], ...] = (
    ("windows-1258", lambda data, errors="strict": data.decode("cp1258", errors)),
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
)
_LEGACY = _EIGHT_BIT[1:]
_ESCAPED = re.compile("[\udc80-\udcff]+")   # undecodable bytes, as surrogateescape gives them
_REPLACED = re.compile("\ufffd")
_HANDFUL = 8            # undefined bytes an 8-bit decoding may replace, or 1% of the bytes above 0x7F
_HIGH_SHARE = 0.01
_LINES_NAMED = 10


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes; returns (NFC text, encoding name).

    Raises InputError(path, problem) for empty, binary or undecodable input.
    """
    if not data:
        raise InputError(path, "empty file")
    text, encoding = _decode(data, path)
    text = unicodedata.normalize("NFC", text)
    if _control_ratio(text) > _CONTROL_LIMIT:
        raise InputError(path, BINARY)
    if not text.strip():
        raise InputError(path, "empty file (only white space)")
    return text, encoding


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        text = _lenient_utf8(data[3:], path)
        if text is None:
            raise InputError(path, f"not valid UTF-8 text (despite its BOM; {_invalid_utf8(data[3:])})")
        return _repaired(text, "utf-8-sig")
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        raise InputError(path, "UTF-32 text is not supported (save it as UTF-8)")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _repaired(_strict(data, "utf-16", path, "not valid UTF-16 text (despite its BOM)"), "utf-16")
    sample = data[:_SAMPLE]
    if b"\x00" in data:
        codec = _utf16_byte_order(sample)
        if codec is None:
            raise InputError(path, BINARY)
        return _repaired(_strict(data, codec, path, NOT_TEXT), "utf-16")
    if sum(sample.count(b) for b in _BAD_BYTES) > _CONTROL_LIMIT * len(sample):
        raise InputError(path, BINARY)
    text = _lenient_utf8(data, path)
    if text is None:
        return _decode_eight_bit(data, path)
    return _repaired(text, "utf-8")


def _strict(data: bytes, codec: str, path: str, problem: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(path, problem) from None


def _utf16_byte_order(sample: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters put a NUL in every other byte.

    Vietnamese text is mostly ASCII letters and spaces, so at least 30% of one
    byte lane is NUL while the other lane has (almost) none.
    """
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= 0.3 and even_nul <= 0.02:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul <= 0.02:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    """Share of control characters other than tab, line breaks, form feed and DOS EOF."""
    return len(_BAD_CONTROLS.findall(text)) / len(text) if text else 0.0


def _lenient_utf8(data: bytes, path: str) -> str | None:
    """UTF-8 text, where a few invalid bytes (a stray 0xFF, a lone 0xA0) become U+FFFD, each
    run of them once, with a warning naming their lines. None when the invalid bytes
    outnumber the valid non-ASCII characters: then it is not UTF-8, or mostly damaged."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text, invalid = _escaped_utf8(data)
    valid = len(text) - (len(data) - _high_bytes(data)) - invalid       # non-ASCII characters decoded
    if invalid > valid:
        return None
    _warn_replaced(path, invalid, text, _ESCAPED)
    return _ESCAPED.sub("\ufffd", text)


def _high_bytes(data: bytes) -> int:
    return len(data.translate(None, bytes(range(0x80))))


def _tolerated(data: bytes) -> float:
    """How many bytes an 8-bit decoding may leave undefined: a handful, or 1% of the high bytes."""
    return max(_HANDFUL, _HIGH_SHARE * _high_bytes(data))


def _escaped_utf8(data: bytes) -> tuple[str, int]:
    """The text with each invalid byte as a lone surrogate, and how many there are."""
    text = data.decode("utf-8", "surrogateescape")
    return text, len(text) - len(_ESCAPED.sub("", text))


def _invalid_utf8(data: bytes) -> str:
    """'N invalid UTF-8 bytes, the first on line L', for an error message."""
    text, invalid = _escaped_utf8(data)
    first = _ESCAPED.search(text)
    line = len((text[:first.start()] + "x").splitlines()) if first else 0
    return f"{invalid} invalid UTF-8 byte{'s' if invalid != 1 else ''}, the first on line {line}"


def _warn_replaced(path: str, count: int, text: str, marks: re.Pattern) -> None:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if marks.search(line)]
    shown = ", ".join(map(str, lines[:_LINES_NAMED]))
    if len(lines) > _LINES_NAMED:
        shown += f" and {len(lines) - _LINES_NAMED} more"
    log.warning("%s: %d invalid byte%s replaced by U+FFFD (line%s %s)", path, count, "s" if count != 1 else "",
                "s" if len(lines) != 1 else "", shown)


def _decode_eight_bit(data: bytes, path: str) -> tuple[str, str]:
    """Not UTF-8: the 8-bit decoding that reads most like Vietnamese. A decoding may leave a
    handful of bytes it does not define (replaced by U+FFFD); more, and it is not that one."""
    sample = data[:_SAMPLE]
    best: tuple[int, Score, str, Callable[..., str]] | None = None
    for name, decode in _EIGHT_BIT:
        candidate = decode(sample, "replace")
        undefined = candidate.count("\ufffd")
        if undefined > _tolerated(sample):
            continue
        score = score_text(candidate)
        if best is None or score.net - undefined > best[0]:
            best = (score.net - undefined, score, name, decode)
    if best is None or not best[1].looks_vietnamese:
        raise InputError(path, f"{NOT_TEXT} ({_invalid_utf8(data)})")
    _, score, name, decode = best
    log.debug("%s: decoded as %s (%d valid, %d invalid syllables)", path, name, score.valid, score.invalid)
    text = decode(data, "replace")
    undefined = text.count("\ufffd")
    if undefined > _tolerated(data):
        raise InputError(path, f"{NOT_TEXT} ({undefined} bytes undefined in {name})")
    if undefined:
        _warn_replaced(path, undefined, text, _REPLACED)
    return (restore_capitals(text) if name == "tcvn3" else text), name


def _repaired(text: str, encoding: str) -> tuple[str, str]:
    """Unicode text whose lines may hold TCVN3/VNI read as Windows-1252."""
    fixed, legacy = repair_legacy_lines(text)
    return fixed, legacy or encoding


def repair_legacy_lines(text: str) -> tuple[str, str | None]:
    """Convert the lines that are TCVN3/VNI text read as Windows-1252 ("Céng hoµ").

    This is how a Word document typed in .VnTime or VNI-Times fonts reaches us as
    Unicode (pasted, saved as UTF-8, or read from .docx/.pdf). A line is converted
    only when it is wholly Windows-1252 and the conversion gives clearly more valid
    syllables. Returns the text and the legacy encoding found most (None: none).
    """
    lines = text.split("\n")
    found: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            data = line.encode("cp1252")
        except UnicodeEncodeError:
            continue  # holds letters such as ơ, ư, đ, ạ: already Unicode Vietnamese
        repaired = _repair_line(line, data)
        if repaired is not None:
            lines[i], name = repaired
            found[name] += 1
    if not found:
        return text, None
    name = found.most_common(1)[0][0]
    log.debug("converted %d line(s) of legacy font text (%s) to Unicode", sum(found.values()), name)
    return "\n".join(lines), name


def _repair_line(line: str, data: bytes) -> tuple[str, str] | None:
    original = score_text(line)
    best: tuple[int, str, str] | None = None
    for name, decode in _LEGACY:
        try:
            candidate = decode(data)
        except UnicodeDecodeError:
            continue
        score = score_text(candidate)
        good = score.valid >= 4 * score.invalid and score.net >= original.net + 2
        if good and (best is None or score.net > best[0]):
            best = (score.net, restore_capitals(candidate) if name == "tcvn3" else candidate, name)
    return None if best is None else (best[1], best[2])
