"""How numbers and text are shown to users: numbers as people write them, and the display width of text."""

from __future__ import annotations

import unicodedata


def fmt(value: float) -> str:
    """A number as users write it: 12, 2.5, -3."""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def display_width(text: str) -> int:
    """Width in half-width characters (≈ Excel column units): CJK characters and full-width punctuation count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)
