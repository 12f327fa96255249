from align.text.abbrev import ABBREVIATIONS, expand_abbreviations
from align.text.normalize import fold


def test_abbreviations_cover_the_plan_vocabulary():
    required = {"KHCN", "KH&CN", "ĐMST", "CĐS", "CDS", "CNTT", "TTHC", "DVC", "DVCTT", "CSDL",
                "ATTT", "UBND", "HĐND", "MTTQ", "TMĐT", "PVHCC", "VHXH", "KT-XH", "BCĐ", "NQ",
                "KH", "QĐ", "TU", "ĐU", "KHCN&ĐMST", "CCHC", "AI", "IoT", "OCOP", "HTX",
                "VNeID", "CCCD", "BHXH", "GD&ĐT", "THCS", "TP", "CSDLQG"}
    assert required <= ABBREVIATIONS.keys()


def test_abbreviations_expand_to_lower_case_normalised_words():
    assert all(words == fold(words) for words in ABBREVIATIONS.values())


def test_expand_abbreviations_replaces_standalone_tokens():
    assert (expand_abbreviations("Ứng dụng CNTT trong CCHC.")
            == "Ứng dụng công nghệ thông tin trong cải cách hành chính.")


def test_expand_abbreviations_keeps_document_numbers():
    text = "Theo Kế hoạch số 358/KH-UBND, Nghị quyết 57-NQ/TW và Đề án 22-ĐA/TU."
    assert expand_abbreviations(text) == text


def test_expand_abbreviations_keeps_document_numbers_broken_by_spaces():
    text = "Kế hoạch số 12- KH/TU và số 238/KH- UBND; Số: /KH-UBND"
    assert expand_abbreviations(text) == text


def test_expand_abbreviations_reads_standalone_kh_as_plan():
    assert expand_abbreviations("Xây dựng KH năm 2026") == "Xây dựng kế hoạch năm 2026"


def test_expand_abbreviations_reads_kh_cn_as_science():
    assert expand_abbreviations("Sở KH&CN") == "Sở khoa học và công nghệ"


def test_expand_abbreviations_is_case_sensitive():
    assert expand_abbreviations("ai phụ trách AI") == "ai phụ trách trí tuệ nhân tạo"


def test_expand_abbreviations_ignores_codes_inside_longer_words():
    assert expand_abbreviations("thiết bị AIoT và 5G") == "thiết bị AIoT và 5G"


def test_expand_abbreviations_leaves_syllables_in_capitals_headings():
    assert expand_abbreviations("II. TU BỔ NHÀ VĂN HÓA") == "II. TU BỔ NHÀ VĂN HÓA"


def test_expand_abbreviations_drops_parenthesised_repeat():
    assert (expand_abbreviations("ứng dụng trí tuệ nhân tạo (AI) trong y tế")
            == "ứng dụng trí tuệ nhân tạo  trong y tế")


def test_expand_abbreviations_expands_each_part_of_joined_codes():
    assert (expand_abbreviations("CNTT/CĐS và CCHC&CĐS")
            == "công nghệ thông tin/chuyển đổi số và cải cách hành chính và chuyển đổi số")


def test_expand_abbreviations_prefers_whole_hyphenated_entry():
    assert expand_abbreviations("phát triển KT-XH") == "phát triển kinh tế xã hội"
