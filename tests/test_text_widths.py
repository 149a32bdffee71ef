"""Display widths (notes' and columns' sizes): each character as unicodedata's East Asian width says, looked up once."""

from __future__ import annotations

import unicodedata

from validator import text
from validator.text import display_width


def by_definition(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in s)


def test_widths_are_those_of_the_unicode_table() -> None:
    samples = [
        "营业收入（万元）应等于各项之和",
        "ＡＢＣ１２３ｶﾀｶﾅ",  # full-width letters, half-width katakana
        "温度 30°C ±2，Привет αβγ",  # ambiguous characters count two, as Excel's CJK fonts show them
        "e\u0301 ☃ 👍 \u200b",  # combining mark, symbols, an emoji, an invisible character
        "",
    ]
    for s in samples * 2:  # the second time from what was looked up
        assert display_width(s) == by_definition(s), s


def test_text_of_many_distinct_characters_keeps_a_bounded_table() -> None:
    many = "".join(map(chr, range(0x4E00, 0x4E00 + 3 * text._KNOWN_CHARS)))
    assert display_width(many) == by_definition(many)
    assert len(text._WIDTHS) <= text._KNOWN_CHARS
