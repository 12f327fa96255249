"""The app factory's pieces the templates rely on."""
from __future__ import annotations

from align.web.app import number_filter


def test_number_filter_writes_a_decimal_comma_in_vietnamese():
    assert number_filter("vi")(0.1425) == "0,14" and number_filter("vi")(0.5, ".0%") == "50%"


def test_number_filter_writes_a_decimal_point_in_english():
    assert number_filter("en")(0.1425) == "0.14"


def test_number_filter_shows_nothing_for_a_missing_number():
    assert number_filter("vi")(None) == ""
