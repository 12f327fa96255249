"""decode_bytes: encoding detection, and what it refuses."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.errors import InputError
from align.ingest.decode import repair_legacy_lines
from align.ingest.legacy import encode_tcvn3, encode_vni, encode_windows1258
from align.ingest.read import decode_bytes

SENTENCE = "Xã tổ chức tập huấn kỹ năng số cho người dân, ưu tiên các thôn vùng xa."
NOT_TEXT = "not valid UTF-8/UTF-16/Windows-1258/TCVN3/VNI text"


def problem_of(data: bytes) -> str:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "x.txt")
    assert caught.value.path == "x.txt"
    return caught.value.problem


def test_decode_bytes_utf8() -> None:
    assert decode_bytes(SENTENCE.encode("utf-8")) == (SENTENCE, "utf-8")


def test_decode_bytes_utf8_bom_removed() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + SENTENCE.encode("utf-8")) == (SENTENCE, "utf-8-sig")


def test_decode_bytes_utf16_big_endian_without_bom() -> None:
    assert decode_bytes(SENTENCE.encode("utf-16-be")) == (SENTENCE, "utf-16")


def test_decode_bytes_utf16_with_bom() -> None:
    assert decode_bytes(SENTENCE.encode("utf-16")) == (SENTENCE, "utf-16")


def test_decode_bytes_utf16_odd_length_refused() -> None:
    assert problem_of(SENTENCE.encode("utf-16-le") + b"x") == NOT_TEXT


def test_decode_bytes_utf32_refused() -> None:
    assert problem_of(SENTENCE.encode("utf-32")).startswith("UTF-32 text is not supported")


def test_decode_bytes_bad_utf8_after_bom() -> None:
    assert problem_of(codecs.BOM_UTF8 + b"ok \xff\xfe") == ("not valid UTF-8 text (despite its BOM; 2 invalid "
                                                            "UTF-8 bytes, the first on line 1)")


def test_decode_bytes_windows1258_combining_tones_become_nfc() -> None:
    data = encode_windows1258(SENTENCE)
    assert b"\xec" in data or b"\xf2" in data  # combining tone bytes are present
    assert decode_bytes(data) == (SENTENCE, "windows-1258")


def test_decode_bytes_tcvn3() -> None:
    assert decode_bytes(encode_tcvn3(SENTENCE)) == (SENTENCE, "tcvn3")


def test_decode_bytes_vni() -> None:
    assert decode_bytes(encode_vni(SENTENCE)) == (SENTENCE, "vni")


def test_decode_bytes_vni_text_saved_as_utf8_is_repaired() -> None:
    data = encode_vni(SENTENCE).decode("cp1252").encode("utf-8")
    assert decode_bytes(data) == (SENTENCE, "vni")


def test_decode_bytes_latin1_english_with_one_accent_accepted() -> None:
    text = "The plan was discussed over a café meeting. " + "Plain English words only here. " * 10
    decoded, encoding = decode_bytes(text.encode("cp1252"))
    assert (decoded, encoding) == (text, "windows-1258")


def test_decode_bytes_empty() -> None:
    assert problem_of(b"") == "empty file"


def test_decode_bytes_bom_only_is_empty() -> None:
    assert problem_of(codecs.BOM_UTF8 + b"  \n").startswith("empty file")


def test_decode_bytes_nul_bytes_without_utf16_pattern_are_binary() -> None:
    assert problem_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20) == "binary file (not text)"


def test_decode_bytes_control_characters_are_binary() -> None:
    assert problem_of(bytes(range(1, 32)) * 10 + b"text") == "binary file (not text)"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_decode_bytes_any_bytes_give_text_or_input_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str) and isinstance(encoding, str)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0x80, 0xFF) | st.sampled_from(b" \naeoun"), max_size=500).map(bytes))
def test_decode_bytes_high_bytes_give_text_or_input_error(data: bytes) -> None:
    try:
        text, _ = decode_bytes(data)
    except InputError:
        return
    assert isinstance(text, str)


def test_repair_legacy_lines_fixes_only_legacy_lines() -> None:
    legacy = encode_tcvn3(SENTENCE).decode("cp1252")
    fixed, name = repair_legacy_lines(f"Kế hoạch năm 2026\n{legacy}\nplain ascii")
    assert (fixed, name) == (f"Kế hoạch năm 2026\n{SENTENCE}\nplain ascii", "tcvn3")


def test_repair_legacy_lines_leaves_latin1_vietnamese_alone() -> None:
    text = "Tôi yêu cà phê và bánh mì"  # every letter is also in Windows-1252
    assert repair_legacy_lines(text) == (text, None)


def test_decode_bytes_utf8_with_a_stray_byte_is_read_with_a_replacement(caplog) -> None:
    data = f"{SENTENCE}\n{SENTENCE}\n".encode("utf-8").replace(b"k", b"k\xff", 1)
    with caplog.at_level("WARNING", logger="align.ingest.decode"):
        text, encoding = decode_bytes(data, "x.txt")
    assert encoding == "utf-8" and text == f"{SENTENCE}\n{SENTENCE}\n".replace("k", "k\ufffd", 1)
    assert "x.txt: 1 invalid byte replaced by U+FFFD (line 1)" in caplog.text


def test_decode_bytes_utf8_with_a_lone_continuation_byte_names_its_line(caplog) -> None:
    data = f"{SENTENCE}\n{SENTENCE} \xa0x\n".encode("utf-8").replace(b"\xc2\xa0", b"\xa0")
    with caplog.at_level("WARNING", logger="align.ingest.decode"):
        text, _ = decode_bytes(data, "x.txt")
    assert "\ufffd" in text.splitlines()[1] and "(line 2)" in caplog.text


def test_decode_bytes_mostly_invalid_utf8_is_refused() -> None:
    data = SENTENCE.encode("utf-8")[:20] + bytes(range(0x80, 0xA0)) * 10 + b"\x81" * 50
    assert problem_of(data).startswith(NOT_TEXT + " (")


def test_decode_bytes_tcvn3_with_an_undefined_byte_is_read_with_a_replacement() -> None:
    text, encoding = decode_bytes(encode_tcvn3(SENTENCE) + b" \x81\n", "x.txt")
    assert (text, encoding) == (SENTENCE + " \ufffd\n", "tcvn3")
