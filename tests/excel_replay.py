"""Carrying out recorded xlwings actions on a workbook file, as Excel's Office.js client does in the open workbook.

A test oracle for the Excel painter: it lets a test see the workbook the button leaves behind (and clear it with
the command line, or compare it with the original) on Linux, where there is no Excel to run the actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

Action = dict


def _cells(ws: Worksheet, a: Action) -> list:
    rows = range(a["start_row"] + 1, a["start_row"] + a["row_count"] + 1)
    cols = range(a["start_column"] + 1, a["start_column"] + a["column_count"] + 1)
    return [ws.cell(r, c) for r in rows for c in cols]


def _set_values(ws: Worksheet, a: Action) -> None:
    for i, row in enumerate(a["values"]):
        for j, value in enumerate(row):
            ws.cell(a["start_row"] + 1 + i, a["start_column"] + 1 + j, None if value == "" else value)


def _set_colour(ws: Worksheet, a: Action) -> None:
    colour = a["args"][0]
    for cell in _cells(ws, a):
        cell.fill = PatternFill("solid", fgColor=f"FF{colour[1:]}") if colour else PatternFill()


def _add_note(ws: Worksheet, a: Action) -> None:
    cell = ws[a["args"][0].replace("$", "")]
    assert cell.comment is None, f"Excel refuses a second note on {cell.coordinate}"
    cell.comment = Comment(a["args"][1], "年报校验")


def _delete_note(ws: Worksheet, a: Action) -> None:
    ws[a["args"][0].replace("$", "")].comment = None


def _add_link(ws: Worksheet, a: Action) -> None:
    cell = _cells(ws, a)[0]
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=a["args"][0].removeprefix("#"))


def _font(ws: Worksheet, a: Action) -> None:
    prop, value = a["args"]
    for cell in _cells(ws, a):
        cell.font = Font(bold=value) if prop == "bold" else cell.font


_ON_SHEET: dict[str, Callable[[Worksheet, Action], None]] = {
    "setValues": _set_values,
    "setRangeColor": _set_colour,
    "addNote": _add_note,
    "deleteNote": _delete_note,
    "addHyperlink": _add_link,
    "setFontProperty": _font,
    "setColumnWidth": lambda ws, a: None,
    "setWrapText": lambda ws, a: None,
    "setSheetVisibility": lambda ws, a: setattr(ws, "sheet_state", a["args"][0].lower()),
}


def replay(source: Path, actions: Sequence[Action], target: Path) -> Path:
    """Apply `actions` to a copy of `source` saved as `target`."""
    wb = openpyxl.load_workbook(source, rich_text=True)
    for a in actions:
        func = a["func"]
        if func == "addSheet":
            wb.create_sheet(a["args"][1], a["args"][0])
        elif func == "activateSheet":
            wb.active = a["args"][0]
        elif func == "sheetDelete":
            wb.remove(wb.worksheets[a["sheet_position"]])
        else:
            _ON_SHEET[func](wb.worksheets[a["sheet_position"]], a)
    wb.save(target)
    return target
