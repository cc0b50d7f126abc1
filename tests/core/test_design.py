"""The palette in core/design.py is the one in main.css, and every colour pair meets its WCAG threshold."""

import re

import pytest
from django.conf import settings

from core.design import PALETTE, contrast_ratio, contrast_table

CSS_DIR = settings.BASE_DIR / "static" / "css"


def css_custom_properties():
    css = (CSS_DIR / "main.css").read_text()
    root = re.search(r":root\s*{(.*?)}", css, re.S).group(1)
    return dict(re.findall(r"(--color-[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root))


def test_palette_matches_the_css():
    assert css_custom_properties() == {name: value for name, value, _ in PALETTE}


@pytest.mark.parametrize("pair", contrast_table(), ids=lambda pair: pair["usage"])
def test_contrast_meets_wcag_aa(pair):
    assert pair["ratio"] >= pair["minimum"]


def test_contrast_ratio_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_css_stays_small_and_has_no_web_font_nor_remote_url():
    css = (CSS_DIR / "main.css").read_text()
    assert len(css.encode()) < 15_000
    assert "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
