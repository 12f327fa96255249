"""Legacy 8-bit Vietnamese font encodings: TCVN3 (ABC, ".Vn" fonts) and VNI (VNI-Times).

Before Unicode, Vietnamese Word documents were typed in fonts whose glyphs sat on
Windows-1252 code points; saved as plain text they give bytes (or, via Word's own
Unicode, Latin-1 look-alikes such as "Céng hoµ") that must be mapped back.

TCVN3 (TCVN 5712:1993, VN3 subset) is one byte per letter. Its upper-case block
has only Ă Â Ê Ô Ơ Ư Đ: upper-case letters with a tone were typed in the separate
capital fonts (.VnTimeH) on the lower-case codes, so plain text keeps them as
lower case; `restore_capitals` gives them back where a stretch was typed in
capitals. VNI writes a base letter followed by a modifier byte (aø = à, aâ = â,
aà = ầ), with a few one-byte letters (ô = ơ, ö = ư, ñ = đ, æ = ỉ, ...).
Bytes outside the tables are read as Windows-1252 (the fonts kept its punctuation).
"""
from __future__ import annotations

import re
import unicodedata

# --- TCVN3 -----------------------------------------------------------------
# Runs of consecutive byte values, starting at the given byte.
_TCVN3_RUNS: tuple[tuple[int, str], ...] = (
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđ"),                 # A1..AE
    (0xB0, "\u0300\u0309\u0303\u0301\u0323"),   # B0..B4 combining tone marks
    (0xB5, "àảãáạ"),                            # B5..B9
    (0xBB, "ằẳẵắ"),                             # BB..BE
    (0xC6, "ặầẩẫấậè"),                          # C6..CC
    (0xCE, "ẻẽéẹềểễếệìỉ"),                      # CE..D8
    (0xDC, "ĩíịò"),                             # DC..DF
    (0xE1, "ỏõóọồổỗốộờởỡớợù"),                  # E1..EF
    (0xF1, "ủũúụừửữứựỳỷỹýỵ"),                   # F1..FE
)
TCVN3_TABLE: dict[int, str] = {
    start + i: ch for start, chars in _TCVN3_RUNS for i, ch in enumerate(chars)
}

# Toned letters with no capital code: the capital fonts (.VnTimeH, ...) drew these lower-case
# codes as capitals, so text typed in capitals comes back as "BảNG PHÂN CÔNG NHIệM Vụ".
_LOWER_ONLY = frozenset(ch for ch in TCVN3_TABLE.values()
                        if ch.islower() and ch.upper() not in TCVN3_TABLE.values())
# Stretches tested one by one: a line, a table cell, the text around a "(Kèm theo ...)" note.
_STRETCH = re.compile(r"[^\n\r\t()\[\]:;*]+")


def _capitals(stretch: str) -> str:
    upper, lower_only = 0, False
    for ch in stretch:
        if ch.isupper():
            upper += 1
        elif ch.islower():
            if ch not in _LOWER_ONLY:
                return stretch            # a letter that had a capital code is lower case: not capitals
            lower_only = True
    return stretch.upper() if lower_only and upper >= 2 else stretch


def restore_capitals(text: str) -> str:
    """Upper-case the stretches of TCVN3 text typed in capitals.

    A stretch (line, cell, text between brackets) whose only lower-case letters are toned
    letters TCVN3 has no capital code for, beside at least two capitals, was typed in a
    capital font: "BảNG PHÂN CÔNG NHIệM Vụ" -> "BẢNG PHÂN CÔNG NHIỆM VỤ".
    Sentence case keeps its plain lower-case letters ("Cụ thể") and is left alone; a toned
    capital starting a word in sentence case ("Ủy ban") cannot be told apart and stays lower.
    """
    return _STRETCH.sub(lambda m: _capitals(m.group(0)), text)


# --- VNI -------------------------------------------------------------------
# Modifier bytes (as their Windows-1252 characters, lower-case forms; the
# upper-case forms are their str.upper()) and the marks they stand for.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_Y_TONES = {k: v for k, v in _VNI_TONES.items() if v != _DOT}  # ỵ is the one byte î

# One-byte VNI letters (lower case; upper case is the upper() of both sides).
_VNI_SINGLE_LOWER = {"ñ": "đ", "ô": "ơ", "ö": "ư", "ì": "ì", "í": "í",
                     "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
# Base letter (as written in VNI) -> (Unicode base, modifier tables that may follow).
_VNI_BASES = {
    "a": ("a", ((_VNI_TONES, ""), (_VNI_CIRCUMFLEX, _CIRCUMFLEX), (_VNI_BREVE, _BREVE))),
    "e": ("e", ((_VNI_TONES, ""), (_VNI_CIRCUMFLEX, _CIRCUMFLEX))),
    "o": ("o", ((_VNI_TONES, ""), (_VNI_CIRCUMFLEX, _CIRCUMFLEX))),
    "u": ("u", ((_VNI_TONES, ""),)),
    "y": ("y", ((_VNI_Y_TONES, ""),)),
    "ô": ("ơ", ((_VNI_TONES, ""),)),
    "ö": ("ư", ((_VNI_TONES, ""),)),
}


def _cp1252(byte: int) -> str:
    return bytes([byte]).decode("cp1252")


def _vni_pairs() -> dict[bytes, str]:
    """Two-byte VNI sequences -> precomposed letter, both cases.

    A modifier of either case is accepted after a base of either case; the base
    decides the case of the result (all-caps formatting can mix them).
    """
    pairs: dict[bytes, str] = {}
    for base, (letter, tables) in _VNI_BASES.items():
        for table, vowel_mark in tables:
            for modifier, tone in table.items():
                lower = unicodedata.normalize("NFC", letter + vowel_mark + tone)
                for b in (base, base.upper()):
                    result = lower if b.islower() else lower.upper()
                    for m in (modifier, modifier.upper()):
                        pairs[(b + m).encode("cp1252")] = result
    return pairs


VNI_PAIRS: dict[bytes, str] = _vni_pairs()
VNI_SINGLES: dict[int, str] = {
    ord(k2.encode("cp1252")): v2
    for k, v in _VNI_SINGLE_LOWER.items()
    for k2, v2 in ((k, v), (k.upper(), v.upper()))
}


# --- decoding --------------------------------------------------------------
def _fallback(data: bytes, i: int, codec: str, errors: str) -> str:
    """Bytes outside a table are Windows-1252; its five undefined bytes are an error
    (errors="strict") or U+FFFD (errors="replace")."""
    try:
        return _cp1252(data[i])
    except UnicodeDecodeError:
        if errors == "replace":
            return "\ufffd"
        raise UnicodeDecodeError(codec, data, i, i + 1, "byte undefined in this encoding") from None


def decode_tcvn3(data: bytes, errors: str = "strict") -> str:
    """TCVN3 bytes -> NFC Unicode; a byte no font defines raises UnicodeDecodeError, or
    becomes U+FFFD with errors="replace"."""
    out = []
    for i, byte in enumerate(data):
        if byte < 0x80:
            out.append(chr(byte))
        else:
            out.append(TCVN3_TABLE.get(byte) or _fallback(data, i, "tcvn3", errors))
    return unicodedata.normalize("NFC", "".join(out))


def decode_vni(data: bytes, errors: str = "strict") -> str:
    """VNI bytes -> NFC Unicode; a byte no font defines raises UnicodeDecodeError, or
    becomes U+FFFD with errors="replace"."""
    out = []
    i, n = 0, len(data)
    while i < n:
        byte = data[i]
        pair = VNI_PAIRS.get(data[i:i + 2]) if i + 1 < n else None
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        if byte < 0x80:
            out.append(chr(byte))
        else:
            out.append(VNI_SINGLES.get(byte) or _fallback(data, i, "vni", errors))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


# --- encoding (fixtures, round-trip tests) ---------------------------------
def _invert(table: dict, key=lambda k: k) -> dict[str, bytes]:
    inverse: dict[str, bytes] = {}
    for code, ch in table.items():
        inverse.setdefault(ch, key(code))
    return inverse


_TCVN3_INVERSE = _invert(TCVN3_TABLE, lambda b: bytes([b]))
# Canonical VNI spelling: the modifier has the case of its base.
_VNI_INVERSE = {
    ch: seq for seq, ch in VNI_PAIRS.items()
    if seq.decode("cp1252")[0].isupper() == seq.decode("cp1252")[1].isupper()
}
_VNI_INVERSE.update(_invert(VNI_SINGLES, lambda b: bytes([b])))


def _encode(text: str, inverse: dict[str, bytes], codec: str, fold_case: bool) -> bytes:
    text = unicodedata.normalize("NFC", text)
    out = bytearray()
    for i, ch in enumerate(text):
        seq = inverse.get(ch)
        if seq is None and fold_case:
            seq = inverse.get(ch.lower())
        if seq is None:
            try:
                seq = ch.encode("cp1252")
            except UnicodeEncodeError:
                raise UnicodeEncodeError(codec, text, i, i + 1, "no code for this character") from None
        out += seq
    return bytes(out)


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes. Upper-case toned letters get the lower-case code,
    as the capital fonts stored them (so they decode back as lower case)."""
    return _encode(text, _TCVN3_INVERSE, "tcvn3", fold_case=True)


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI bytes (base letter + modifier byte)."""
    return _encode(text, _VNI_INVERSE, "vni", fold_case=False)


def encode_windows1258(text: str) -> bytes:
    """Unicode -> Windows-1258 as Windows writes it: a precomposed letter where the
    code page has one (á, ê, ơ), else the letter then a combining tone mark (ô + ́)."""
    clusters: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and clusters:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return b"".join(_encode_cluster_1258(cluster) for cluster in clusters)


def _encode_cluster_1258(cluster: str) -> bytes:
    whole = unicodedata.normalize("NFC", cluster)
    try:
        return whole.encode("cp1258")
    except UnicodeEncodeError:
        pass
    tones = "".join(ch for ch in cluster if ch in _TONE_MARKS)
    shape = unicodedata.normalize("NFC", "".join(ch for ch in cluster if ch not in _TONE_MARKS))
    return shape.encode("cp1258") + tones.encode("cp1258")


_TONE_MARKS = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))
