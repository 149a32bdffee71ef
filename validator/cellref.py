"""Cell references as users see them: a sheet, a 1-based row and column, and (rarely) another workbook."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def coordinate(self) -> str:
        return coordinate(self.row, self.col)

    @property
    def ref(self) -> str:
        """ "表三!J8", or "[2024年报.xlsx]表三!J8" for a cell of another workbook."""
        local = f"{self.sheet}!{self.coordinate}"
        return f"[{self.workbook}]{local}" if self.workbook else local

    @property
    def local(self) -> bool:
        """Whether the cell belongs to the workbook being checked (and may be painted)."""
        return self.workbook is None
