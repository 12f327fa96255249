import unicodedata

import pytest

from align.text.analyze import analyze, key_terms


def test_analyze_drops_stop_words():
    terms = analyze("Triển khai các ứng dụng của chính quyền số và dữ liệu trong xã.")
    assert not {"các", "của", "và", "trong", "triển_khai", "xã"} & set(terms)
    assert "dữ_liệu" in terms


def test_analyze_normalises_tone_placement():
    assert analyze("hoà giải, thuỷ lợi") == analyze("hòa giải, thủy lợi")


def test_analyze_normalises_decomposed_letters():
    text = "nâng cấp hạ tầng viễn thông"
    assert analyze(unicodedata.normalize("NFD", text)) == analyze(text)


def test_analyze_lowercases_and_joins_words():
    assert analyze("Phát triển Hạ tầng số") == ["phát_triển", "hạ_tầng", "số"]


def test_analyze_segments_capitals_headings_like_body_text():
    assert analyze("III. ĐẨY MẠNH ỨNG DỤNG KHOA HỌC") == analyze("đẩy mạnh ứng dụng khoa học")


def test_analyze_expands_abbreviations():
    assert "công_nghệ_thông_tin" in analyze("Ứng dụng CNTT trong trường THCS")


def test_analyze_drops_punctuation_and_numbers():
    terms = analyze("1. Đạt 100% hồ sơ (trực tuyến) - năm 2026; 31/12/2026.")
    assert all(any(ch.isalpha() for ch in t) for t in terms) and "hồ_sơ" in terms


def test_analyze_keeps_document_number_as_one_term():
    terms = analyze("Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị")
    assert "57-nq/tw" in terms and "nq" not in terms and "tw" not in terms


@pytest.mark.parametrize("text, has_so", [("phát triển kinh tế số", True),
                                          ("Kế hoạch số 12 của xã", False),
                                          ("Số: /KH-UBND", False)])
def test_analyze_keeps_so_only_as_digital(text, has_so):
    assert ("số" in analyze(text)) is has_so


def test_key_terms_ranks_rare_terms_first_with_idf():
    a = ["dữ_liệu", "dân_cư", "chia_sẻ"]
    b = ["chia_sẻ", "dữ_liệu", "dân_cư"]
    idf = {"dữ_liệu": 1.0, "dân_cư": 3.0, "chia_sẻ": 2.0}
    assert key_terms(a, b, idf=idf) == ["dân_cư", "chia_sẻ", "dữ_liệu"]


def test_key_terms_without_idf_prefers_longer_words():
    a = ["số", "cơ_sở_dữ_liệu", "hạ_tầng"]
    assert key_terms(a, list(reversed(a))) == ["cơ_sở_dữ_liệu", "hạ_tầng", "số"]


def test_key_terms_treats_unknown_terms_as_rarest():
    assert key_terms(["a", "b"], ["b", "a"], idf={"a": 1.0}) == ["b", "a"]


def test_key_terms_keeps_only_shared_terms_up_to_k():
    a = ["t1", "t2", "t3", "t4", "t4"]
    assert key_terms(a, ["t4", "t3", "t2", "x"], k=2) == ["t2", "t3"]


@pytest.mark.corpus
def test_analyze_corpus_terms_are_clean(corpus_dir):
    path = corpus_dir / "communes" / "binh-thanh-nq57-2026.txt"
    terms = analyze(path.read_text(encoding="utf-8"))
    assert terms and all(t == t.lower() and " " not in t and "|" not in t for t in terms)


def test_analyze_keeps_document_number_inside_capitals_heading():
    assert "12/kh-ubnd" in analyze("KẾ HOẠCH SỐ 12/KH-UBND VỀ CHUYỂN ĐỔI SỐ")
