"""Cell references as users see them: a sheet, a 1-based row and column, and (rarely) another workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_REF = re.compile(r"^(?:\[(?P<workbook>.+)\])?(?P<sheet>.+)!(?P<col>[A-Z]{1,3})(?P<row>[0-9]+)$")


def column_letter(col: int) -> str:
    """1 → "A", 27 → "AA"."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """ "A" → 1, "AA" → 27."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def parse_ref(ref: str) -> tuple[int, int]:
    """(row, column) of "J8" (or "$J$8")."""
    m = _COORDINATE.fullmatch(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m[2]), column_number(m[1].upper())


def coordinate(row: int, col: int) -> str:
    """(8, 10) → "J8"."""
    return f"{column_letter(col)}{row}"


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell in a workbook's own coordinates (1-based).

    `workbook` is None for the workbook being checked; otherwise it names another file (e.g. last year's report
    in a cross-year finding). Such cells are shown to users but never painted into the checked workbook.
    """

    sheet: str
    row: int
    col: int
    workbook: str | None = None

    @classmethod
    def parse(cls, ref: str) -> CellRef:
        """The inverse of `ref`: "表三!J8" or "[2024年报.xlsx]表三!J8" → CellRef; ValueError for anything else."""
        m = _REF.match(ref)
        if not m:
            raise ValueError(f"not a cell reference: {ref!r}")
        return cls(m["sheet"], int(m["row"]), column_number(m["col"]), m["workbook"])

    @property
    def coordinate(self) -> str:
        return coordinate(self.row, self.col)

    @cached_property  # a known layout's cells are shared by every report that reuses it (validator/locate/reuse.py)
    def ref(self) -> str:
        """ "表三!J8", or "[2024年报.xlsx]表三!J8" for a cell of another workbook."""
        local = f"{self.sheet}!{self.coordinate}"
        return f"[{self.workbook}]{local}" if self.workbook else local

    @property
    def local(self) -> bool:
        """Whether the cell belongs to the workbook being checked (and may be painted)."""
        return self.workbook is None
