"""align.i18n: reasons of decisions said in the report's language."""
import pytest

from align import i18n
from align.types import Reason

GAP = Reason("gap", {"task": "t2", "probability": 0.4234, "via": Reason("none"), "elsewhere": Reason("none")})


def test_reason_text_in_vietnamese_writes_a_decimal_comma():
    assert i18n.reason_text(GAP, "vi") == "không nhiệm vụ nào đáp ứng mục này: gần nhất là t2, xác suất 0,42"


def test_reason_text_in_english_writes_a_decimal_point():
    assert i18n.reason_text(GAP, "en") == "no task serves it: the nearest, t2, has probability 0.42"


def test_reason_text_renders_nested_parts_and_joins_lists():
    found = Reason("covered", {"task": "t1", "probability": 0.9, "terms": Reason("terms", {"terms": ["loa", "số"]}),
                               "via": Reason("via", {"clauses": ["III.1.1", "III.1.2"]})})
    assert i18n.reason_text(found, "vi") == ("nhiệm vụ t1 đáp ứng mục này (quan điểm, thực hiện qua III.1.1, III.1.2) "
                                             "(xác suất 0,90; từ khóa chung: loa, số)")


def test_reason_text_reads_back_its_own_json():
    assert i18n.reason_text(i18n.reason_json(GAP), "vi") == i18n.reason_text(GAP, "vi")


def test_reason_text_of_an_unknown_code_is_a_key_error():
    with pytest.raises(KeyError, match="no reason"):
        i18n.reason_text(Reason("no-such-code"))


def test_reason_fields_give_the_english_text_and_the_code():
    fields = i18n.reason_fields(GAP)
    assert fields["reason"].startswith("no task serves it") and fields["reason_code"] == "gap"
    assert fields["reason_params"]["task"] == "t2"


def test_localise_says_a_row_reason_in_the_language_asked():
    row = {"clause_id": "III.1.1", **i18n.reason_fields(GAP)}
    assert i18n.localise(row, "vi")["reason"].startswith("không nhiệm vụ nào") and row["reason"].startswith("no task")


def test_localise_keeps_a_row_without_a_reason_code():
    assert i18n.localise({"reason": "free text"}, "vi") == {"reason": "free text"}


def test_catalogue_every_reason_has_both_languages():
    reasons = [texts for key, texts in i18n.CATALOGUE.items() if key.startswith("reason.")]
    assert reasons and all(set(texts) == set(i18n.LANGUAGES) for texts in reasons)


def test_number_in_vietnamese_has_a_decimal_comma():
    assert (i18n.number(0.4251, "vi"), i18n.number(0.4251, "en")) == ("0,425", "0.425")


def test_reason_text_renders_a_gap_reason_written_before_its_elsewhere_part():
    older = {"code": "gap", "params": {"task": "t2", "probability": 0.4234, "via": {"code": "none", "params": {}}}}
    assert i18n.reason_text(older) == "no task serves it: the nearest, t2, has probability 0.42"
