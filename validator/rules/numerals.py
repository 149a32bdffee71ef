"""Numbers as reports write them in words: Arabic digits (any width) and Chinese numerals (二十三, 两, 一百零五, 〇).

Hand-written rather than cn2an: that library takes over a second to import, on every run of the command line.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERALS = "零〇一二两三四五六七八九十百千万"
# A number in a sentence: digits (with a decimal part or thousands separators), or a run of Chinese numerals.
# Written as one character class first, then the rest by the kind of that character, so that the regex engine
# skips straight to the next digit or numeral: a phrase that starts with its number was tried at every character.
NUMBER = (
    rf"[0-9０-９{_NUMERALS}](?:(?<=[0-9０-９])[0-9０-９,，]*(?:[.．][0-9０-９]+)?|(?<=[{_NUMERALS}])[{_NUMERALS}]*)"
)


def _below_10000(text: str) -> int | None:
    total, digit, last_unit = 0, None, 10000
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0:  # "二三" is not a number
                return None
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            if _UNITS[ch] >= last_unit:  # units only decrease: "十十", "百千" are no numbers
                return None
            total += (1 if digit is None else digit) * _UNITS[ch]  # "十二": an implicit 一
            digit, last_unit = None, _UNITS[ch]
        else:
            return None
    return total + (digit or 0)


def chinese_number(text: str) -> int | None:
    """二十三 → 23, 两 → 2, 一万零五 → 10005; None for anything that is not one number."""
    if not text:
        return None
    if all(ch in _DIGITS for ch in text) and len(text) >= 4:  # 二〇二一 (a year): digits read one by one
        return int("".join(str(_DIGITS[ch]) for ch in text))
    high, _, low = text.rpartition("万")
    if "万" in text:
        high_value = _below_10000(high) if high else 1
        low_value = _below_10000(low) if low else 0
        return None if high_value is None or low_value is None else high_value * 10000 + low_value
    return _below_10000(text)


def number(text: str) -> float | None:
    """The value of a number written with digits or Chinese numerals, as NUMBER matches it."""
    digits = unicodedata.normalize("NFKC", text).replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return float(digits)
    value = chinese_number(text)
    return None if value is None else float(value)
