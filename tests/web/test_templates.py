"""The templates' labels all come from the one catalogue, in both languages."""
from __future__ import annotations

import re
from pathlib import Path

from align.i18n import CATALOGUE, LANGUAGES, WEB

TEMPLATES = Path(__file__).resolve().parents[2] / "align" / "web" / "templates"


def test_templates_use_only_catalogue_keys():
    fixed = re.compile(r"\bt\('([\w.]+)'(?!\s*\+)")          # t('web.title'), not t('kind.' + kind)
    used = {key for page in TEMPLATES.glob("*.html") for key in fixed.findall(page.read_text())}
    assert used and not used - set(CATALOGUE)


def test_web_labels_in_every_language():
    assert all(set(labels) == set(LANGUAGES) and all(labels.values()) for labels in WEB.values())


def test_templates_hold_no_inline_script_or_style():
    for page in TEMPLATES.glob("*.html"):
        text = page.read_text()
        assert "<script>" not in text and "style=" not in text and "<style" not in text, page.name
