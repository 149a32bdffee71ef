"""Laying out the planned 校验结果 content on an openpyxl sheet: merged text lines, styled tables, links, print setup."""

from __future__ import annotations

from math import ceil

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from validator.annotate.results import ResultsContent, ResultsTable, link_location
from validator.cellref import column_letter
from validator.names import INPUT_FILL
from validator.text import display_width


def solid(rgb: str) -> PatternFill:
    """A solid fill in opaque ARGB, as Excel writes it."""
    return PatternFill(fill_type="solid", start_color=f"FF{rgb}", end_color=f"FF{rgb}")


_HEADER_FILL = solid("F2F2F2")
_HEADER_BORDER = Border(bottom=Side(style="thin"))
_LINK_FONT = Font(color="FF0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")
_UNLOCKED = Protection(locked=False)


def write_results(ws: Worksheet, content: ResultsContent) -> None:
    """The title, one merged line per entry of `content.lines`, then the tables (or the "nothing found" line)."""
    width = content.width
    units = sum(w for _, w in content.tables[0].columns) if content.tables else 120
    _text_row(ws, 1, content.title, width, units, Font(bold=True, size=14))
    ws.row_dimensions[1].height = 24  # Excel does not grow a merged row for a larger font
    for row, line in enumerate(content.lines, 2):
        _text_row(ws, row, line, width, units)
    row = len(content.lines) + 3
    for col, (_, w) in enumerate(content.tables[0].columns if content.tables else (), 1):
        ws.column_dimensions[column_letter(col)].width = w
    if content.empty is not None:
        _text_row(ws, row, content.empty, width, units, Font(bold=True, color="FF006100"))
    for number, table in enumerate(content.tables):
        if table.heading:
            _text_row(ws, row, table.heading, width, units, Font(bold=True))
            row += 1
        row = _write_table(ws, row, table, freeze=number == 0) + 1
    if any(cell.typing for table in content.tables for cells in table.rows for cell in cells):
        # Only the typing cells are unlocked; no password, and columns and rows stay resizable.
        ws.protection.sheet, ws.protection.formatColumns, ws.protection.formatRows = True, False, False


def _text_row(ws: Worksheet, row: int, text: str, width: int, units: int, font: Font | None = None) -> None:
    """A line of text across the table's width; merged cells do not grow by themselves, so set the height."""
    cell = ws.cell(row, 1, text)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    _fit_height(ws, row, text, units)


def _fit_height(ws: Worksheet, row: int, text: str, width: int) -> None:
    """Give a row the height its wrapped text needs: neither Excel nor LibreOffice grows it when opening a file."""
    lines = ceil(display_width(text) / width)
    if lines > 1:
        ws.row_dimensions[row].height = 16 * lines


def _write_table(ws: Worksheet, top: int, table: ResultsTable, freeze: bool) -> int:
    """Write the header on row `top` and the rows below it; return the last row written."""
    for col, (title, _) in enumerate(table.columns, 1):
        cell = ws.cell(top, col, title)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _HEADER_BORDER
    if freeze:
        ws.freeze_panes = ws.cell(top + 1, 1).coordinate
        ws.print_title_rows = f"{top}:{top}"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    row = top
    for row, cells in enumerate(table.rows, top + 1):
        for col, spec in enumerate(cells, 1):
            cell = ws.cell(row, col, spec.value)
            if isinstance(spec.value, str):
                cell.data_type = "s"  # openpyxl takes "=…" for a formula; a typed explanation must never run
            cell.alignment = _CENTRED if spec.centred else _WRAP
            if spec.fill or spec.typing:
                cell.fill = solid(INPUT_FILL if spec.typing else spec.fill)
            if spec.typing:
                cell.protection = _UNLOCKED
            if spec.link:
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link_location(spec.link))
                cell.font = _LINK_FONT
        # The tallest wrapped cell decides; a little slack, as wrapping breaks before the edge.
        lines = max(ceil(display_width(str(c.value or "")) / (w - 2)) for c, (_, w) in zip(cells, table.columns))
        if lines > 1:
            ws.row_dimensions[row].height = 16 * lines
    return row
