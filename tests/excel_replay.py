"""Carrying out recorded xlwings actions on a workbook file, as Excel's Office.js client or xlwings' VBA client
(Remote.bas with our NianbaoServer.bas) does in the open workbook; and the request that VBA client sends.

A test oracle for the Excel painter: it lets a test see the workbook the button leaves behind (and clear it with
the command line, or compare it with the original) on Linux, where there is no Excel to run the actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from validator.excel.remote import remote_functions
from validator.names import FACTS_SHEET

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


def _macro(wb: openpyxl.Workbook, name: str, *args: object) -> None:
    """What each macro of macros/NianbaoServer.bas does (called by Remote.bas's runMacro)."""
    if name == "NianbaoAddSheet":
        wb.create_sheet(args[1], args[0])
        wb.active = args[0]  # Worksheets.Add activates the new sheet
        return
    ws = wb.worksheets[args[0]]
    if name == "NianbaoSheetVisibility":
        ws.sheet_state = {"Visible": "visible", "VeryHidden": "veryHidden"}.get(args[1], "hidden")
    elif name == "NianbaoAddNote":
        ws[args[1]].comment = Comment(args[2], "年报校验")
    elif name == "NianbaoDeleteNote":
        ws[args[1]].comment = None
    else:
        keys = ("sheet_position", "start_row", "start_column", "row_count", "column_count")
        area = dict(zip(keys, args[:5])) | {"args": list(args[5:])}
        {"NianbaoColumnWidth": lambda ws, a: None, "NianbaoWrapText": lambda ws, a: None, "NianbaoFont": _font,
         "NianbaoNoFill": lambda ws, a: _set_colour(ws, {**a, "args": [None]})}[name](ws, area)  # fmt: skip


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


def replay(source: Path, actions: Sequence[Action], target: Path, vba: bool = False) -> Path:
    """Apply `actions` to a copy of `source` saved as `target`; `vba`: as Remote.bas runs them, which stops at the
    first function it does not define (our macros are called through its runMacro)."""
    wb = openpyxl.load_workbook(source, rich_text=True)
    for a in actions:
        func = a["func"]
        if vba:
            assert func in remote_functions(), f"Remote.bas has no {func}"
            assert func != "addSheet", "Remote.bas's addSheet puts the sheet next to the active one"
            assert func != "setRangeColor" or a["args"][0], "Remote.bas's HexToRgb needs a colour"
        if func == "runMacro":
            module, _, name = a["args"][0].partition(".")
            assert module == "NianbaoServer", a
            _macro(wb, name, *a["args"][1:])
        elif func == "alert":
            continue
        elif func == "addSheet":
            wb.create_sheet(a["args"][1], a["args"][0])
        elif func == "activateSheet":
            wb.active = a["args"][0]
        elif func == "sheetDelete":
            wb.remove(wb.worksheets[a["sheet_position"]])
        else:
            _ON_SHEET[func](wb.worksheets[a["sheet_position"]], a)
    wb.save(target)
    return target


def vba_payload(path: Path, version: str) -> dict:
    """The request the server button sends for the workbook as Excel holds it (cached values): the facts sheet our
    macro adds last (hidden and protected sheets, merges, notes), then what Remote.bas's RunServerPython builds (values from A1 to
    the end of the used range, empty as null, dates as ISO text; names that refer to ranges; the active sheet)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    facts: list[list[object]] = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            facts.append(["visibility", ws.title, {"hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden"), None])
        if ws.protection.sheet:
            facts.append(["protection", ws.title, _permissions(ws.protection), None])
        facts += [["merge", ws.title, str(r), None] for r in ws.merged_cells.ranges]
        facts += [["note", ws.title, c.coordinate, c.comment.text] for row in ws.iter_rows() for c in row if c.comment]
    sheets = [{"name": ws.title, "pictures": [], "tables": [], "values": _values(ws)} for ws in wb.worksheets]
    sheets.append({"name": FACTS_SHEET, "pictures": [], "tables": [], "values": facts or [[]]})
    names = [
        {"name": f"{ws.title}!Print_Area", "sheet_index": i, "address": ws.print_area.replace("$", "").split("!")[-1],
         "book_scope": False, "scope_sheet_name": ws.title, "scope_sheet_index": i}
        for i, ws in enumerate(wb.worksheets) if ws.print_area and "," not in ws.print_area
    ]  # fmt: skip
    book = {"name": path.name, "active_sheet_index": wb.index(wb.active), "selection": "A1"}
    return {"client": "VBA", "version": version, "book": book, "names": names, "sheets": sheets}


def _permissions(protection: SheetProtection) -> str:
    """A protected sheet's fact as NianbaoServer.bas's Permissions writes it: "Protected" and what the protection
    allows (openpyxl's flags say what is locked: False allows it)."""
    flags = (("FormatCells", protection.formatCells), ("FormatColumns", protection.formatColumns),
             ("Objects", protection.objects), ("Hyperlinks", protection.insertHyperlinks))  # fmt: skip
    return " ".join(["Protected", *(word for word, locked in flags if not locked)])


def _values(ws: Worksheet) -> list[list[object]]:
    if ws.max_row == 1 and ws.max_column == 1 and ws["A1"].value is None:
        return [[]]
    return [[_json(c.value) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]


def _json(value: object) -> object:
    """As WebHelpers.ConvertToJson writes a cell's value: dates as "yyyy-mm-ddTHH:mm:ss.000Z"."""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m-%dT%H:%M:%S}.000Z"
    return value
