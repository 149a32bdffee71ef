"""One worksheet part edited for marking: cell formats (cells and rows added in order), tab selection, notes' drawing."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

from lxml import etree

from validator.annotate.package import child, children, local
from validator.cellref import column_letter, coordinate, parse_ref

_TRUE = ("1", "true")
_DEFAULT_WIDTH = "9.140625"  # the width Excel stores for a column of its default font, for a shown 0-wide column
# CT_Worksheet's elements that come after <legacyDrawing>, in schema order.
_AFTER_LEGACY_DRAWING = (
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)


def merges(root: etree._Element) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (top, left, bottom, right)."""
    out = []
    for merged in children(child(root, "mergeCells") if child(root, "mergeCells") is not None else root, "mergeCell"):
        first, _, last = merged.get("ref", "").partition(":")
        try:
            (top, left), (bottom, right) = parse_ref(first), parse_ref(last or first)
        except ValueError:
            continue
        out.append((top, left, bottom, right))
    return out


class SheetEdit:
    """A worksheet's XML with an index of its rows and cells; positions written out where they were implied."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace
        self.data = child(root, "sheetData")
        if self.data is None:
            self.data = etree.Element(f"{{{self.ns}}}sheetData")
            cols = [c for c in root if local(c) in ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols")]
            (cols[-1].addnext(self.data) if cols else root.insert(0, self.data))
        self.rows: dict[int, etree._Element] = {}
        number = 0
        for row in children(self.data, "row"):
            number = int(row.get("r") or number + 1)
            self.rows[number] = row
        self._cells: dict[int, dict[int, etree._Element]] = {}
        cols = child(root, "cols")
        self._cols = children(cols, "col") if cols is not None else []
        self._ranges: list[tuple[int, int, etree._Element]] | None = None  # _cols' (min, max, element), once read
        self._shown_rows: set[int] = set()
        self._shown_cols: set[int] = set()

    def _cells_of(self, row_number: int) -> dict[int, etree._Element]:
        if row_number not in self._cells:
            col, cells = 0, {}
            for c in children(self.rows[row_number], "c"):
                col = parse_ref(c.get("r"))[1] if c.get("r") else col + 1
                cells[col] = c
            self._cells[row_number] = cells
        return self._cells[row_number]

    def style(self, row: int, col: int) -> int:
        """The format a cell shows: its own, else its row's, else its column's, else the default."""
        cell = self._cells_of(row).get(col) if row in self.rows else None
        if cell is not None:
            return int(cell.get("s", "0"))
        row_el = self.rows.get(row)
        if row_el is not None and row_el.get("customFormat") in ("1", "true") and row_el.get("s"):
            return int(row_el.get("s"))
        for col_el in self._cols:
            if int(col_el.get("min", "0")) <= col <= int(col_el.get("max", "0")) and col_el.get("style"):
                return int(col_el.get("style"))
        return 0

    def set_style(self, row: int, col: int, style: int) -> None:
        """Give a cell a format, adding the row and the cell in order when the sheet has none."""
        self._cell(row, col).set("s", str(style))

    def show(self, row: int, col: int) -> tuple[bool, bool]:
        """Show a cell's row and column where they are hidden (or 0 high or wide); whether each was hidden.

        A hidden `<col>` range is split so that only the cell's column is shown and its neighbours stay hidden.
        A row or column shown for an earlier cell counts as hidden for every cell in it.
        """
        if self._show_row(row):
            self._shown_rows.add(row)
        if self._show_column(col):
            self._shown_cols.add(col)
        return row in self._shown_rows, col in self._shown_cols

    @property
    def shown(self) -> dict[str, list[int]]:
        """The rows and columns `show` showed, for the undo record."""
        return {"rows": sorted(self._shown_rows), "cols": sorted(self._shown_cols)}

    def _show_row(self, row: int) -> bool:
        row_el = self.rows.get(row)
        if row_el is None or not (row_el.get("hidden") in _TRUE or _is_zero(row_el.get("ht"))):
            return False
        row_el.attrib.pop("hidden", None)
        if _is_zero(row_el.get("ht")):  # the default height instead
            row_el.attrib.pop("ht", None)
            row_el.attrib.pop("customHeight", None)
        return True

    def _show_column(self, col: int) -> bool:
        covering = self._covering(col)
        if covering is None or not (covering.get("hidden") in _TRUE or _is_zero(covering.get("width", "0"))):
            return False
        alone = self._column(col)
        alone.attrib.pop("hidden", None)
        if _is_zero(alone.get("width", "0")):
            alone.set("width", self._default_width())
        return True

    def hide(self, rows: Iterable[int], cols: Iterable[int]) -> None:
        """Hide rows and columns again (those `show` showed, when clearing cell by cell)."""
        for row in rows:
            self._row(row).set("hidden", "1")
        for col in cols:
            self._column(col).set("hidden", "1")

    def _covering(self, col: int) -> etree._Element | None:
        if self._ranges is None:
            try:
                self._ranges = [(int(el.get("min", "0")), int(el.get("max", "0")), el) for el in self._cols]
            except ValueError:  # read as far as needed, as a damaged <col> after the covering one is never read
                return next(
                    (el for el in self._cols if int(el.get("min", "0")) <= col <= int(el.get("max", "0"))), None
                )
        return next((el for low, high, el in self._ranges if low <= col <= high), None)

    def _column(self, col: int) -> etree._Element:
        """The `<col>` element of one column: split out of the range covering it, or added in order."""
        covering = self._covering(col)
        if covering is None:
            cols = child(self.root, "cols")
            if cols is None:
                cols = etree.Element(f"{{{self.ns}}}cols")
                self.data.addprevious(cols)
            covering = etree.Element(f"{{{self.ns}}}col", min=str(col), max=str(col), width=self._default_width())
            later = [el for el in self._cols if int(el.get("min", "0")) > col]
            (later[0].addprevious(covering) if later else cols.append(covering))
        low, high = int(covering.get("min")), int(covering.get("max"))
        if col > low:
            covering.addprevious(_col_range(covering, low, col - 1))
        if col < high:
            covering.addnext(_col_range(covering, col + 1, high))
        covering.set("min", str(col))
        covering.set("max", str(col))
        self._cols = children(covering.getparent(), "col")
        self._ranges = None
        return covering

    def _default_width(self) -> str:
        fmt = child(self.root, "sheetFormatPr")
        return (fmt.get("defaultColWidth") if fmt is not None else None) or _DEFAULT_WIDTH

    def _cell(self, row: int, col: int) -> etree._Element:
        row_el = self._row(row)
        cells = self._cells_of(row)
        if col in cells:
            return cells[col]
        for number, c in cells.items():  # inserting would shift cells whose position is implied
            c.set("r", coordinate(row, number))
        cell = etree.Element(f"{{{self.ns}}}c", r=coordinate(row, col))
        later = [c for number, c in cells.items() if number > col]
        (later[0].addprevious(cell) if later else row_el.append(cell))
        cells[col] = cell
        self._cells[row] = dict(sorted(cells.items()))
        spans = row_el.get("spans")
        if spans and re.fullmatch(r"\d+:\d+", spans):
            low, high = map(int, spans.split(":"))
            row_el.set("spans", f"{min(low, col)}:{max(high, col)}")
        self._widen_dimension(row, col)
        return cell

    def _row(self, row: int) -> etree._Element:
        if row in self.rows:
            return self.rows[row]
        for number, r in self.rows.items():
            r.set("r", str(number))
        row_el = etree.Element(f"{{{self.ns}}}row", r=str(row))
        later = [r for number, r in self.rows.items() if number > row]
        (later[0].addprevious(row_el) if later else self.data.append(row_el))
        self.rows = dict(sorted({**self.rows, row: row_el}.items()))
        return row_el

    def _widen_dimension(self, row: int, col: int) -> None:
        dimension = child(self.root, "dimension")
        if dimension is None:
            return
        first, _, last = dimension.get("ref", "").partition(":")
        try:
            (top, left), (bottom, right) = parse_ref(first), parse_ref(last or first)
        except ValueError:
            return
        top, left, bottom, right = min(top, row), min(left, col), max(bottom, row), max(right, col)
        dimension.set("ref", f"{column_letter(left)}{top}:{column_letter(right)}{bottom}")

    def legacy_drawing(self) -> str | None:
        """The relationship id of the sheet's notes drawing (VML), if it has one."""
        el = child(self.root, "legacyDrawing")
        return None if el is None else next((v for k, v in el.attrib.items() if local_attr(k) == "id"), None)

    def add_legacy_drawing(self, rid: str, rel_ns: str) -> None:
        declared = rel_ns in self.root.nsmap.values()
        el = etree.Element(f"{{{self.ns}}}legacyDrawing", nsmap=None if declared else {"r": rel_ns})
        el.set(f"{{{rel_ns}}}id", rid)
        later = [c for c in self.root if local(c) in _AFTER_LEGACY_DRAWING]
        (later[0].addprevious(el) if later else self.root.append(el))


def _is_zero(size: str | None) -> bool:
    try:
        return size is not None and float(size) == 0
    except ValueError:
        return False


def _col_range(col: etree._Element, low: int, high: int) -> etree._Element:
    """A copy of a `<col>` element for the columns low..high."""
    out = copy.deepcopy(col)
    out.set("min", str(low))
    out.set("max", str(high))
    return out


def deselect(root: etree._Element) -> bool:
    """Unselect a sheet's tab (the results sheet becomes the only selected one); whether it was selected."""
    views = child(root, "sheetViews")
    selected = (
        [v for v in children(views, "sheetView") if v.get("tabSelected") in ("1", "true")] if views is not None else []
    )
    for view in selected:
        view.set("tabSelected", "0")
    return bool(selected)


def local_attr(name: str) -> str:
    return name.rpartition("}")[2]
