"""Fixtures of the decision tests: the hand-made reference of tests/handmade.py."""
from __future__ import annotations

import pytest

from tests.handmade import make_ref


@pytest.fixture()
def ref():
    return make_ref()
