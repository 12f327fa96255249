from align.text.stopwords import STOPWORDS


def test_stopwords_are_lower_case_segmented_words():
    assert all(w == w.lower() and " " not in w for w in STOPWORDS)


def test_stopwords_drop_boilerplate_verbs():
    assert {"thực_hiện", "triển_khai", "các", "của"} <= STOPWORDS


def test_stopwords_keep_topic_words():
    assert not {"số", "công_nghệ", "tổ_chức", "chuyển_đổi"} & STOPWORDS
