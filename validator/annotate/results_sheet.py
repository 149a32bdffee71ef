"""The 校验结果 sheet of an annotated copy: what was checked, the counts, notices, and one linked row per finding."""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from validator.annotate.plan import PRIMARY_FILL
from validator.cellref import CellRef, column_letter
from validator.findings import SEVERITIES, SEVERITY_ZH, FileReport, Finding
from validator.text import display_width


def solid(rgb: str) -> PatternFill:
    """A solid fill in opaque ARGB, as Excel writes it."""
    return PatternFill(fill_type="solid", start_color=f"FF{rgb}", end_color=f"FF{rgb}")


def printable(text: str) -> str:
    """Text that a cell or note can hold: control characters (which XML cannot carry) shown as "�"."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


_COLUMNS = (("序号", 6), ("规则", 10), ("级别", 8), ("位置", 16), ("说明", 80))
_TABLE_UNITS = sum(width for _, width in _COLUMNS)
_HEADER_FILL = solid("F2F2F2")
_HEADER_BORDER = Border(bottom=Side(style="thin"))
_LINK_FONT = Font(color="FF0563C1", underline="single")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(wrap_text=True, vertical="top", horizontal="center")


def write_results(wb: Workbook, ws: Worksheet, report: FileReport, notices: Sequence[str] = ()) -> None:
    """The first sheet: what was checked, the counts and notices (the report's, then the writer's), one row per finding."""
    counts = "，".join(f"{SEVERITY_ZH[s]} {report.counts[s]} 项" for s in SEVERITIES)
    lines = [f"文件：{Path(report.path).name}", f"模板：{report.template or '未识别'}", f"结果：{counts}"]
    lines += [f"无法校验：{report.error}"] if report.error else []
    lines += [f"说明：{notice}" for notice in (*report.notices, *notices)]
    _text_row(ws, 1, "政府信息公开工作年度报告校验结果", Font(bold=True, size=14))
    ws.row_dimensions[1].height = 24  # Excel does not grow a merged row for a larger font
    for row, line in enumerate(lines, 2):
        _text_row(ws, row, line)
    table_row = len(lines) + 3
    for col, (_, width) in enumerate(_COLUMNS, 1):
        ws.column_dimensions[column_letter(col)].width = width
    if not report.findings:
        _text_row(ws, table_row, "未发现问题。", Font(bold=True, color="FF006100"))
        return
    _write_table(wb, ws, table_row, report.sorted_findings())


def _text_row(ws: Worksheet, row: int, text: str, font: Font | None = None) -> None:
    """A line of text across the table's width; merged cells do not grow by themselves, so set the height."""
    cell = ws.cell(row, 1, printable(text))
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_COLUMNS))
    _fit_height(ws, row, text, _TABLE_UNITS)


def _fit_height(ws: Worksheet, row: int, text: str, width: int) -> None:
    """Give a row the height its wrapped text needs: neither Excel nor LibreOffice grows it when opening a file."""
    lines = ceil(display_width(text) / width)
    if lines > 1:
        ws.row_dimensions[row].height = 16 * lines


def _write_table(wb: Workbook, ws: Worksheet, top: int, findings: list[Finding]) -> None:
    for col, (title, _) in enumerate(_COLUMNS, 1):
        cell = ws.cell(top, col, title)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _HEADER_BORDER
    ws.freeze_panes = ws.cell(top + 1, 1).coordinate
    ws.print_title_rows = f"{top}:{top}"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for number, f in enumerate(findings, 1):
        row = top + number
        place = f.cell.ref if f.cell else "整个工作簿"
        for col, value in enumerate((number, f.rule, SEVERITY_ZH[f.severity], place, printable(f.message)), 1):
            ws.cell(row, col, value).alignment = _CENTRED if col in (1, 3) else _WRAP
        ws.cell(row, 3).fill = solid(PRIMARY_FILL[f.severity])
        _fit_height(ws, row, f.message, _COLUMNS[-1][1] - 2)  # a little slack: wrapping breaks before the edge
        if f.cell and f.cell.sheet in wb.sheetnames:
            link = ws.cell(row, 4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=_link_location(f.cell))
            link.font = _LINK_FONT


def _link_location(ref: CellRef) -> str:
    """An internal hyperlink target: "'表三'!J8"."""
    return "'{}'!{}".format(ref.sheet.replace("'", "''"), ref.coordinate)
