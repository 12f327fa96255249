"""TCVN3, VNI and Windows-1258 tables: known answers, coverage and round trips."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.ingest.legacy import (
    TCVN3_TABLE,
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_vni,
    encode_windows1258,
    restore_capitals,
)

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Every lower-case Vietnamese letter that is not plain ASCII: 66 vowels with marks and đ.
LOWER = sorted({unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} - set("aeiouy") | {"đ"})
UPPER = [ch.upper() for ch in LOWER]
ALPHABET = "".join(LOWER) + "bcdghklmnpqrstvx ,.\n"


def test_vietnamese_letters_list_is_complete() -> None:
    assert len(LOWER) == 67


def test_decode_tcvn3_known_phrase() -> None:
    # The state motto as it appears when a .VnTime document is opened in a Unicode font.
    data = "Céng hoµ x· héi chñ nghÜa ViÖt Nam - §éc lËp - Tù do - H¹nh phóc".encode("cp1252")
    assert decode_tcvn3(data) == "Cộng hoà xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc"


def test_decode_vni_known_phrase() -> None:
    data = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam - Ñoäc laäp - Töï do - Haïnh phuùc".encode("cp1252")
    assert decode_vni(data) == "Cộng hòa xã hội chủ nghĩa Việt Nam - Độc lập - Tự do - Hạnh phúc"


def test_decode_vni_upper_case_sequences() -> None:
    assert decode_vni("VIEÄT NAM ÑOÅI MÔÙI".encode("cp1252")) == "VIỆT NAM ĐỔI MỚI"


def test_decode_vni_modifier_case_follows_base() -> None:
    assert decode_vni(b"A\xf8 a\xd9") == "À á"


def test_decode_vni_lone_modifier_kept_as_windows1252() -> None:
    assert decode_vni(b"\xf8 x") == "ø x"


def test_tcvn3_table_has_every_lower_case_letter() -> None:
    assert set(LOWER) <= set(TCVN3_TABLE.values())


def test_tcvn3_table_has_the_capital_base_letters() -> None:
    assert {TCVN3_TABLE[b] for b in range(0xA1, 0xA8)} == set("ĂÂÊÔƠƯĐ")


def test_tcvn3_table_is_one_to_one() -> None:
    assert len(set(TCVN3_TABLE.values())) == len(TCVN3_TABLE)


def test_decode_tcvn3_combining_tone_bytes() -> None:
    assert decode_tcvn3(b"to\xb3t \xaa\xb4") == "tót ệ"


def test_encode_tcvn3_known_bytes() -> None:
    assert encode_tcvn3("Độc lập") == b"\xa7\xe9c l\xcbp"


def test_encode_tcvn3_capital_toned_letter_uses_lower_case_code() -> None:
    assert encode_tcvn3("KẾ") == b"K\xd5"


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trips_every_letter(letter: str) -> None:
    assert decode_vni(encode_vni(letter)) == letter


@pytest.mark.parametrize("decode", [decode_tcvn3, decode_vni])
def test_decode_legacy_undefined_byte_raises(decode) -> None:
    with pytest.raises(UnicodeDecodeError):
        decode(b"abc\x81")


def test_encode_vni_unencodable_character_raises() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode_vni("kế hoạch 计划")


def test_encode_windows1258_uses_combining_tones_where_needed() -> None:
    assert encode_windows1258("á ế") == b"\xe1 \xea\xec"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_tcvn3_round_trip(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET + "".join(UPPER) + "BCDGHKLMNPQRSTVX", max_size=80))
def test_vni_round_trip(text: str) -> None:
    assert decode_vni(encode_vni(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=ALPHABET + "".join(UPPER), max_size=80))
def test_windows1258_round_trip(text: str) -> None:
    decoded = unicodedata.normalize("NFC", encode_windows1258(text).decode("cp1258"))
    assert decoded == text


def test_restore_capitals_upper_cases_a_line_typed_in_capitals() -> None:
    assert restore_capitals("DANH MụC CáC MụC TIÊU Cụ THể") == "DANH MỤC CÁC MỤC TIÊU CỤ THỂ"


def test_restore_capitals_leaves_sentence_case_alone() -> None:
    assert restore_capitals("Cụ thể hóa các mục tiêu") == "Cụ thể hóa các mục tiêu"


def test_restore_capitals_leaves_a_lone_capital_alone() -> None:
    assert restore_capitals("Về\nCụ") == "Về\nCụ"


def test_restore_capitals_takes_a_heading_apart_from_its_note() -> None:
    line = "DANH MụC NHIệM Vụ*(Kèm theo Kế hoạch của xã)*"
    assert restore_capitals(line) == "DANH MỤC NHIỆM VỤ*(Kèm theo Kế hoạch của xã)*"


def test_decode_tcvn3_typed_in_a_capital_font_gets_its_capitals_back() -> None:
    from align.ingest.decode import decode_bytes

    text = "DANH MỤC CÁC MỤC TIÊU CỤ THỂ\nNâng cấp đường truyền tới các thôn."
    assert decode_bytes(encode_tcvn3(text)) == (text, "tcvn3")
