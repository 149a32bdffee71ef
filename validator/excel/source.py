"""Reading an open xlwings Book's live values (unsaved edits included) and, where the client can tell, its merges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from validator.annotate.plan import Merge
from validator.names import MARKS_SHEET, TEMPLATE_INFO_SHEET, is_results_sheet
from validator.sources.grid import ExcelError, SheetGrid, Uncached, WorkbookGrid, template_info

# What Excel shows for an error value; xlwings reads them as these texts with err_to_str.
_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!", "#SPILL!", "#CALC!"})


@dataclass(frozen=True)
class Supplement:
    """What the client cannot send, supplied by the caller.

    `merges` (sheet → ranges): Office.js (xlwings Lite and Server) reads merged ranges only asynchronously.
    `uncalculated` (sheet → (row, col) → formula): formulas whose result is unknown, in a file that was never
    calculated (what `nianbao excel simulate` sees; an open workbook is always calculated).
    `notes` (sheet → coordinate → text): the text of the notes the client says exist but cannot read (the VBA
    client's button macro sends them all; see validator/excel/remote.py); None where they are not sent (Office.js).
    """

    merges: Mapping[str, Sequence[Merge]]
    uncalculated: Mapping[str, Mapping[tuple[int, int], str]] = field(default_factory=dict)
    notes: Mapping[str, Mapping[str, str]] | None = None


def read_book(book: Any, supplement: Supplement | None = None) -> WorkbookGrid:
    """The workbook as the checker sees a file: values by (row, col), merges, visibility; tool sheets skipped.

    Without a supplement, merges are read from the desktop client (COM) and are unknown elsewhere.
    """
    sheets, results, template_id, unpublished = [], [], None, frozenset()
    for sheet in book.sheets:
        if sheet.name == MARKS_SHEET:
            continue
        used = sheet.used_range
        cells = range_cells(used.row, used.column, used.options(ndim=2, err_to_str=True).value)
        if sheet.name == TEMPLATE_INFO_SHEET:
            template_id, unpublished = template_info(cells)
            continue
        if supplement is None:
            found: Sequence[Merge] = _desktop_merges(used)
        else:
            found = supplement.merges.get(sheet.name, ())
            cells |= {pos: Uncached(f) for pos, f in supplement.uncalculated.get(sheet.name, {}).items()}
        kept = results if is_results_sheet(sheet.name, cells.get((1, 1))) else sheets
        kept.append(SheetGrid(sheet.name, cells, tuple(found), sheet.visible))
    return WorkbookGrid(sheets, template_id, results, unpublished=unpublished)


def range_cells(top: int, left: int, rows: list[list[object]]) -> dict[tuple[int, int], object]:
    cells = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if (value := _value(v)) != "":
                cells[top + i, left + j] = value
    return cells


def _value(v: object) -> object:
    """A cell's value as the file reader gives it: error texts as errors, a date and time at midnight as the date
    (xlwings reads every date cell as a datetime; Excel stores a date as a day without time)."""
    if isinstance(v, str) and v in _ERRORS:
        return ExcelError(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time() and v.tzinfo is None:
        return v.date()
    return "" if v is None else v


def _desktop_merges(used: Any) -> tuple[Merge, ...]:
    """Merged ranges within the used range through Excel's COM object model; () where the client has none.

    MergeCells is False for a row without merges, so only rows with merges are looked at cell by cell.
    """
    try:
        com = used.api
        if com.MergeCells is False:
            return ()
        found: set[Merge] = set()
        for row in com.Rows:
            if row.MergeCells is False:
                continue
            for cell in row.Cells:
                if cell.MergeCells:
                    area = cell.MergeArea
                    found.add(
                        (area.Row, area.Column, area.Row + area.Rows.Count - 1, area.Column + area.Columns.Count - 1)
                    )
        return tuple(sorted(found))
    except Exception:  # Office.js (values only), macOS (AppleScript): merges unknown, labels are read without them
        return ()
