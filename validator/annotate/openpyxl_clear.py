"""Clearing cell by cell with openpyxl, from the undo record alone: for marked workbooks another program has saved
since (marked by the Excel button, or a copy edited in Excel), where the zip painter's exact restore cannot apply."""

from __future__ import annotations

import io
import zipfile

from defusedxml.ElementTree import fromstring
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from validator.annotate.undo import Original, fill_colour, read_record
from validator.names import MARKS_SHEET
from validator.sources.xlsx import load_openpyxl

OPENPYXL_PAINTER = "openpyxl"  # copies written before the zip painter: their view state is openpyxl's


def clear_package(data: bytes) -> bytes:
    """The package bytes of a marked workbook with the marks and the tool's sheets removed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        with_macros = any(n.casefold().endswith("vbaproject.bin") for n in zf.namelist())
    wb = load_openpyxl(io.BytesIO(data), keep_vba=with_macros, keep_links=True, data_only=False, rich_text=True)
    clear(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def clear(wb: Workbook) -> bool:
    """Undo the marks of any painter: original fills, notes and sheet tabs back, tool sheets removed.

    False if the workbook is not marked.
    """
    if MARKS_SHEET not in wb.sheetnames:
        return False
    store = wb[MARKS_SHEET]
    record = read_record(list(store.iter_rows(max_col=4, values_only=True)), wb.sheetnames)
    for original in record.originals:
        if original.sheet in wb.sheetnames:  # the user may have renamed or deleted the sheet in the copy
            _restore(wb[original.sheet][original.cell], original)
    wb.remove(store)
    if record.results in wb.sheetnames:
        wb.remove(wb[record.results])
    if record.painter == OPENPYXL_PAINTER:
        _apply_view_state(wb, record.view)
    elif record.active in wb.sheetnames:
        wb.active = wb.sheetnames.index(record.active)
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws is wb.active
    return True


def _restore(cell: Cell, original: Original) -> None:
    if original.fill.startswith("<"):
        cell.fill = Fill.from_tree(fromstring(original.fill))
    else:
        colour = fill_colour(original.fill)
        cell.fill = (
            PatternFill("solid", start_color=f"FF{colour}", end_color=f"FF{colour}") if colour else PatternFill()
        )
    if not original.note_kept:
        note = original.note
        cell.comment = note and Comment(note.text, note.author or "", height=note.height, width=note.width)


def _sheet_views(sheet: object) -> list:
    return (sheet.views if isinstance(sheet, Worksheet) else sheet.sheetViews).sheetView


def _apply_view_state(wb: Workbook, state: dict) -> None:
    wb.active = state["active"]
    for name, flags in state["tabs"].items():
        if name in wb.sheetnames:
            for view, flag in zip(_sheet_views(wb[name]), flags, strict=False):
                view.tabSelected = flag
    if wb.views:
        wb.views[0].firstSheet = state["first_sheet"]
