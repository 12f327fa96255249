"""The quick tokenizer for a few texts gives the full tokenizer's ids (real e5 vocabulary)."""
from align.embed.vocabulary import SMALL_CALL, Vocabulary

# Ours: Vietnamese with tone marks both ways, odd spacing, symbols, a special token, a long text.
TEXTS = ["query: Trạm sạc xe điện công cộng", "passage: Hỗ trợ hợp tác xã bán nông sản trên sàn TMĐT.",
         "thu\u0309y lơ\u0323i hoà hòa", "Ｈｅｌｌｏ ﬁ ① ｶﾞ", "\ue000\ue001 ba ô", "tab\there\u00a0nbsp  two  spaces ",
         "\u200bzero width", "a<s>b </s> c <mask> d", "  leading", "", "100% hồ sơ (TTHC) - 2026/2030;",
         " ".join(["chuyển đổi số"] * 300)]


def _vocabulary(e5) -> Vocabulary:
    return Vocabulary(e5.directory, e5.directory / "tokenizer.json", e5.manifest.max_length)


def test_vocabulary_few_texts_give_the_full_tokenizers_ids(e5):
    few = _vocabulary(e5)
    ids = few.encode(TEXTS)
    assert few._full is None  # answered without building the full model
    assert ids == [e.ids for e in _vocabulary(e5).full().encode_batch(TEXTS)]


def test_vocabulary_one_text_at_a_time_gives_the_same_ids(e5):
    together = _vocabulary(e5).encode(TEXTS)
    assert [_vocabulary(e5).encode([t])[0] for t in TEXTS] == together


def test_vocabulary_many_texts_use_the_full_tokenizer(e5):
    many = _vocabulary(e5)
    many.encode(TEXTS * (SMALL_CALL // len(TEXTS) + 1))
    assert many._full is not None


def test_vocabulary_truncates_to_the_model_length(e5):
    assert len(_vocabulary(e5).encode([" ".join(["số"] * 2000)])[0]) == e5.manifest.max_length
