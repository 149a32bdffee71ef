"""Tables printed otherwise than the official form, seen as it prints them: a band of a sheet with rows and columns
swapped, so that a table whose official rows are printed as columns (表三 with 自然人… down the side) or whose header
groups run down the side (表四 printed tall) is found by the same labels as the official form, each along the other
axis; and a table of column groups printed as a small grid, one row per group (表四: 行政复议, 未经复议直接起诉 and
复议后起诉 each a row under one row of 结果维持…总计), seen with each group's row laid out after the previous one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from validator.cellref import CellRef
from validator.locate.matching import SheetIndex, groups_named, is_header
from validator.spec.model import Table


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


class Folded(SheetIndex):
    """A grid of column groups seen as one wide table: the sheet's row `header` holds the columns' headers in columns
    `first`..`last`, and each of the rows `groups` (in print order) one group's numbers under them, labelled in the
    columns left of `first`. In this view group i takes columns i*width+1.., under its labels (the label columns,
    left to right, become header rows top to bottom; a label merged down several groups' rows spans their columns),
    then the headers (repeated for each group) and a row of numbers: the official layout, which the official form's
    labels find. Positions handed out (`ref`) are the sheet's own."""

    def __init__(self, index: SheetIndex, header: int, groups: list[int], first: int, last: int, limit: int) -> None:
        sheet = index.sheet
        self.base, self.limit = index, limit  # the sheet as it is, and the first row of the next section
        self.groups, self.header, self.first = groups, header, first
        self.width = last - first + 1
        self.left = min(c for r, c, _ in index.labels if r in groups and c < first)
        self.depth = first - self.left  # the label columns: header rows of this view
        positions = {  # a group's label once, over its first column (its merge spans the others)
            (vr, vc): self._back(vr, vc)
            for vr in range(1, self.depth + 3)
            for vc in range(1, len(groups) * self.width + 1)
            if vr > self.depth or (vc - 1) % self.width == 0
        }
        super().__init__(
            replace(
                sheet,
                cells={v: sheet.cells[p] for v, p in positions.items() if p in sheet.cells},
                merges=self._merges(index),
                origins={v: sheet.origins[p] for v, p in positions.items() if p in sheet.origins},
                pictures=(),
            )
        )

    def _back(self, row: int, col: int) -> tuple[int, int]:
        """The sheet's cell shown at (row, col) of this view."""
        group, offset = divmod(col - 1, self.width)
        if row <= self.depth:
            return self.groups[group], self.left + row - 1
        return (self.header if row == self.depth + 1 else self.groups[group]), self.first + offset

    def _merges(self, index: SheetIndex) -> tuple[tuple[int, int, int, int], ...]:
        """Each group label over its groups' columns (all the groups whose rows its merge covers), and the merges
        of the header row (for every group) and of each group's numbers."""
        out = []
        for r, c, _ in index.labels:
            if r in self.groups and c < self.first:
                top, left, bottom, right = index.merge_of.get((r, c), (r, c, r, c))
                covered = [i for i, g in enumerate(self.groups) if top <= g <= bottom]
                out.append(
                    (
                        left - self.left + 1,
                        covered[0] * self.width + 1,
                        min(right, self.first - 1) - self.left + 1,
                        (covered[-1] + 1) * self.width,
                    )
                )
        for top, left, bottom, right in index.sheet.merges:
            if top != bottom or left < self.first or right >= self.first + self.width:
                continue  # only a merge within one row of the grid's columns has a place in this view
            if top == self.header:
                row, shown = self.depth + 1, range(len(self.groups))
            elif top in self.groups:
                row, shown = self.depth + 2, (self.groups.index(top),)
            else:
                continue
            start = left - self.first + 1
            out += [(row, i * self.width + start, row, i * self.width + start + right - left) for i in shown]
        return tuple(m for m in out if m[:2] != m[2:])

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.sheet.name, *self._back(row, col))


def rearranged(index: SheetIndex, table: Table, below: int, limit: int) -> Iterator[SheetIndex]:
    """The other ways the table between rows `below` and `limit` may be printed, each seen as the official form
    prints it: across, and (a table of column groups) folded into a grid."""
    yield Transposed(index, below, limit)
    if folded := _folded(index, table, below, limit):
        yield folded


def _folded(index: SheetIndex, table: Table, below: int, limit: int) -> Folded | None:
    """The grid a table without row labels whose column groups share their columns (表四) is printed as: the first
    row between `below` and `limit` naming several of those columns once each, and the rows below it labelled (left
    of those columns) by the innermost group of some column, at least two; None when there is no such grid."""
    if table.has_row_labels:
        return None
    columns = list(dict.fromkeys(leaf.label for leaf in table.column_leaves))
    groups = {path[-1] for path in table.column_groups}
    for header in sorted({r for r, _, _ in index.labels if below < r < limit}):
        heads = [(c, t) for r, c, t in index.labels if r == header and any(is_header(t, x) for x in columns)]
        if len(heads) < 2 or len(heads) != len({t for _, t in heads}):
            continue
        first, last = min(c for c, _ in heads), max(c for r, c, _ in index.labels if r == header)
        rows = sorted(
            {
                r
                for r, c, t in index.labels
                if header < r < limit and c < first and groups.intersection(groups_named(t, table.column_groups))
            }
        )
        return Folded(index, header, rows, first, last, limit) if len(rows) >= 2 else None
    return None
