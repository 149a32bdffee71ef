"""Excel cell coordinates as users see them (1-based rows, lettered columns)."""

from __future__ import annotations


def column_letter(col: int) -> str:
    """1 → "A", 27 → "AA"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def coordinate(row: int, col: int) -> str:
    """(8, 10) → "J8"."""
    return f"{column_letter(col)}{row}"
