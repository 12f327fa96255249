import numpy as np

from align.i18n import reason_text
from align.decide.logistic import Logistic
from align.decide.pairs import (FEATURES, PairModel, PairText, features, main_duty, pair_text, reason,
                                 word_similarity)
from align.types import LEAD, IndexRecord

COLUMN = {name: i for i, name in enumerate(FEATURES)}


def _text(words: str, terms: str = "", numbers: str = "", lead: str = "", target: bool = False) -> PairText:
    return PairText(tuple(words.split()), frozenset(terms.split()), frozenset(numbers.split()), lead, target)


def _feature(a: PairText, b: PairText, name: str, idf=None) -> float:
    return float(features(a, b, 0.95, 1, idf or {})[COLUMN[name]])


def test_pair_text_keeps_numbers_and_the_folded_lead():
    record = IndexRecord("p#t1", "p", "t1", "task", "task", "Đạt 80% hồ sơ trực tuyến năm 2026.",
                         fields={LEAD: "Văn phòng HĐND và UBND"})
    found = pair_text(record)
    assert found.numbers == frozenset({"80", "2026"}) and found.lead == "văn phòng hđnd và ubnd"
    assert found.words[:2] == ("đạt", "80")


def test_pair_text_knows_a_target_from_its_kind():
    record = IndexRecord("p#t1", "p", "t1", "target", "task", "Tỉ lệ hồ sơ trực tuyến đạt 80%.")
    assert pair_text(record).target is True


def test_pair_features_mark_two_targets_with_their_word_similarity():
    a, b = _text("tỉ lệ hồ sơ đạt 80", target=True), _text("tỉ lệ hồ sơ đạt 90", target=True)
    x = features(a, b, 0.97, 1, {})
    assert x[COLUMN["both_targets"]] == 1.0 and x[COLUMN["targets_similarity"]] == x[COLUMN["word_similarity"]]


def test_pair_features_of_a_task_and_a_target_are_not_two_targets():
    x = features(_text("a b", target=True), _text("a b"), 0.97, 1, {})
    assert x[COLUMN["both_targets"]] == 0.0 and x[COLUMN["targets_similarity"]] == 0.0


def test_word_similarity_is_one_for_two_empty_texts():
    assert word_similarity((), ()) == 1.0


def test_word_similarity_counts_words_in_order():
    assert word_similarity(("a", "b", "c", "d"), ("a", "b", "c", "x")) == 0.75


def test_pair_features_have_one_value_per_feature():
    assert features(_text("a b"), _text("a c"), 0.9, 2, {}).shape == (len(FEATURES),)


def test_pair_features_flag_targets_with_different_numbers():
    assert _feature(_text("đạt 80", numbers="80"), _text("đạt 100", numbers="100"), "numbers_conflict") == 1.0
    assert _feature(_text("đạt 80", numbers="80"), _text("đạt", numbers=""), "numbers_conflict") == 0.0


def test_pair_features_compare_lead_agencies():
    same = _feature(_text("a", lead="công an xã"), _text("b", lead="công an xã"), "lead")
    other = _feature(_text("a", lead="công an xã"), _text("b", lead="văn phòng"), "lead")
    unknown = _feature(_text("a", lead="công an xã"), _text("b"), "lead")
    assert (same, other, unknown) == (1.0, -1.0, 0.0)


def test_pair_features_weigh_a_shared_rare_word_above_a_shared_common_one():
    idf = {"camera": 5.0, "xã": 0.5, "loa": 5.0}
    rare = _feature(_text("x", "camera xã"), _text("y", "camera loa"), "rare_shared", idf)
    common = _feature(_text("x", "camera xã"), _text("y", "xã loa"), "rare_shared", idf)
    assert rare > common


def test_pair_features_mutual_rank_is_its_inverse():
    assert features(_text("a"), _text("b"), 0.9, 4, {})[COLUMN["mutual_rank"]] == 0.25


def test_pair_reason_of_an_exact_repeat():
    assert reason_text(reason("exact", features(_text("a"), _text("a"), 1.0, 1, {}), [])) == "the same words"


def test_pair_reason_of_a_paraphrase_names_the_shared_words_and_lead():
    x = features(_text("a", "camera_an_ninh", lead="công an"), _text("b", "camera_an_ninh", lead="công an"),
                 0.951, 1, {})
    text = reason_text(reason("paraphrase", x, ["camera_an_ninh"]))
    assert "camera an ninh" in text and "same lead agency" in text and "0.951" in text


def test_pair_model_round_trips_through_json():
    x = np.array([features(_text("a b"), _text("a c"), 0.9, 1, {}), features(_text("a"), _text("z"), 0.8, 3, {})])
    model = PairModel(Logistic.fit(FEATURES, x, np.array([1, 0])), 0.4)
    again = PairModel.from_json(model.to_json())
    assert again.threshold == 0.4 and np.allclose(again.probability(x), model.probability(x))


def test_pair_text_knows_an_appendix_row_by_its_id():
    record = IndexRecord("p#PL1.3", "p", "PL1.3", "task", "task", "Triển khai kế hoạch chuyển đổi số.")
    assert pair_text(record).appendix is True and pair_text(record).plan == "p"


def test_pair_features_mark_a_body_task_restated_in_its_plans_appendix():
    body, row = PairText(("a",), frozenset(), frozenset(), "", plan="p"), \
        PairText(("a",), frozenset(), frozenset(), "", plan="p", appendix=True)
    assert _feature(body, row, "restatement") == 1.0
    assert _feature(row, row, "restatement") == 0.0


def test_pair_features_do_not_take_another_plans_appendix_for_a_restatement():
    body = PairText(("a",), frozenset(), frozenset(), "", plan="p")
    row = PairText(("a",), frozenset(), frozenset(), "", plan="q", appendix=True)
    assert _feature(body, row, "restatement") == 0.0


def test_pair_features_weigh_alike_words_under_different_leads():
    a, b = _text("báo cáo hằng quý", lead="công an xã"), _text("báo cáo hằng quý", lead="phòng kinh tế")
    assert _feature(a, b, "lead_conflict_similarity") == 1.0
    assert _feature(a, _text("báo cáo hằng quý", lead="công an xã"), "lead_conflict_similarity") == 0.0


def test_pair_model_fitted_on_fewer_features_reads_its_own_columns():
    old = FEATURES[:-2]
    model = PairModel(Logistic(old, (0.0,) * len(old), (1.0,) * len(old),
                               tuple(1.0 if f == "cosine" else 0.0 for f in old), 0.0), 0.5)
    x = np.zeros((1, len(FEATURES)))
    x[0, COLUMN["cosine"]] = 2.0
    assert model.probability(x)[0] == np.float64(1.0 / (1.0 + np.exp(-2.0)))


def test_main_duty_is_the_text_up_to_the_first_semicolon():
    assert main_duty("Số hóa hồ sơ hộ tịch của xã; tập huấn cán bộ") == "Số hóa hồ sơ hộ tịch của xã"


def test_main_duty_of_a_task_with_one_duty_is_its_text():
    text = "Sơn lại biển tên của nhà văn hóa thôn."
    assert main_duty(text) == text


def test_main_duty_skips_a_lead_in_too_short_to_be_a_duty():
    text = "Y tế: lắp máy đo huyết áp tại trạm"
    assert main_duty(text) == text


def test_pair_text_keeps_the_terms_of_the_first_duty_of_a_bundle():
    record = IndexRecord("p#t1", "p", "t1", "task", "task", "Lắp camera an ninh tại thôn; tập huấn cán bộ xã.")
    found = pair_text(record)
    assert found.main is not None and found.main < found.terms


def test_pair_features_read_the_first_duties_of_two_bundles():
    idf = {"camera": 5.0, "loa": 5.0, "tập_huấn": 5.0}
    a = PairText(("x",), frozenset({"camera", "tập_huấn"}), frozenset(), "", main=frozenset({"camera"}))
    b = PairText(("y",), frozenset({"loa", "tập_huấn"}), frozenset(), "", main=frozenset({"loa"}))
    same_first = PairText(("z",), frozenset({"camera"}), frozenset(), "")
    assert _feature(a, b, "main_rare_union", idf) == 0.0
    assert _feature(a, same_first, "main_rare_union", idf) == 1.0
