"""Tables printed across instead of down: a band of a sheet seen with rows and columns swapped, so that a table whose
official rows are printed as columns (表三 with 自然人… down the side) or whose header groups run down the side (表四
printed tall) is found by the same labels as the official form, each along the other axis."""

from __future__ import annotations

from dataclasses import replace

from validator.cellref import CellRef
from validator.locate.matching import SheetIndex


class Transposed(SheetIndex):
    """The rows of a sheet between `below` and `limit` (exclusive), seen across: the cell at (row, col) of this view
    is the sheet's cell (col, row). Positions handed out (`ref`) are the sheet's own, so every input and finding
    points at the cell as it is."""

    transposed = True

    def __init__(self, index: SheetIndex, below: int, limit: int) -> None:
        sheet = index.sheet

        def inside(row: int) -> bool:
            return below < row < limit

        super().__init__(
            replace(
                sheet,
                cells={(c, r): v for (r, c), v in sheet.cells.items() if inside(r)},
                merges=tuple((lf, t, rt, b) for t, lf, b, rt in sheet.merges if inside(t) and inside(b)),
                origins={(c, r): place for (r, c), place in sheet.origins.items() if inside(r)},
                pictures=(),
            )
        )

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.sheet.name, col, row)
