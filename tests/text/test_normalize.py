import pytest

from align.text.normalize import plain_key


@pytest.mark.parametrize("typed", ["binh giang", "Bình Giang", "BÌNH-GIANG", "  bình   giang "])
def test_plain_key_meets_the_name_typed_without_diacritics(typed):
    assert plain_key(typed) == plain_key("Bình Giang") == "binh giang"


def test_plain_key_reads_d_bar_as_d():
    assert plain_key("Đông Đoài") == "dong doai"
