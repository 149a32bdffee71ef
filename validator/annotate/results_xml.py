"""The tool's own sheets as worksheet XML: the planned 校验结果 content laid out, and the very hidden undo record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil
from xml.sax.saxutils import escape, quoteattr

from validator.annotate.results import ResultCell, ResultsContent, ResultsTable, link_location
from validator.annotate.styles import CellStyle, StyleBook
from validator.cellref import column_letter, coordinate
from validator.names import INPUT_FILL
from validator.text import display_width, printable

_TITLE = CellStyle(bold=True, size=14)
_LINE = CellStyle()
_EMPTY = CellStyle(bold=True, colour="FF006100")
_HEADING = CellStyle(bold=True)
_HEADER = CellStyle(bold=True, fill="F2F2F2", bottom_border=True, wrap=False)
_LINK_COLOUR = "FF0563C1"


def cell_style(cell: ResultCell) -> CellStyle:
    """How a results-table cell looks, from its attributes (the one place a new attribute gets its look); a typing
    cell has the template's input fill and stays unlocked in the protected sheet."""
    return CellStyle(
        colour=_LINK_COLOUR if cell.link else None,
        underline=cell.link is not None,
        fill=INPUT_FILL if cell.typing else cell.fill,
        horizontal="center" if cell.centred else None,
        unlocked=cell.typing,
    )


@dataclass
class _Sheet:
    """Cells, merges, links and row heights of a sheet being laid out."""

    styles: StyleBook
    cells: dict[int, dict[int, str]] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def put(self, row: int, col: int, value: object, style: CellStyle | None = None) -> None:
        ref = coordinate(row, col)
        s = f' s="{self.styles.style(style)}"' if style else ""
        if isinstance(value, bool) or value is None:
            xml = f'<c r="{ref}"{s}/>'
        elif isinstance(value, int | float):
            xml = f'<c r="{ref}"{s}><v>{value!r}</v></c>'
        else:
            text = escape(printable(str(value)))
            xml = f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        self.cells.setdefault(row, {})[col] = xml

    def sheet_data(self) -> str:
        rows = []
        for row in sorted(self.cells):
            height = f' ht="{self.heights[row]:g}" customHeight="1"' if row in self.heights else ""
            rows.append(f'<row r="{row}"{height}>{"".join(self.cells[row][c] for c in sorted(self.cells[row]))}</row>')
        rows += [f'<row r="{r}" ht="{h:g}" customHeight="1"/>' for r, h in self.heights.items() if r not in self.cells]
        return f"<sheetData>{''.join(rows)}</sheetData>"


def results_sheet(content: ResultsContent, styles: StyleBook, main_ns: str) -> tuple[bytes, int | None]:
    """The 校验结果 worksheet (selected, frozen below its first table's header) and that header's row, if any."""
    sheet = _Sheet(styles)
    width = content.width
    units = sum(w for _, w in content.tables[0].columns) if content.tables else 120

    def text_row(row: int, text: str, style: CellStyle) -> None:
        sheet.put(row, 1, text, style)
        sheet.merges.append(f"A{row}:{column_letter(width)}{row}")
        _fit(sheet, row, [(text, units)])

    text_row(1, content.title, _TITLE)
    sheet.heights[1] = 24  # Excel does not grow a merged row for a larger font
    for row, line in enumerate(content.lines, 2):
        text_row(row, line, _LINE)
    row = len(content.lines) + 3
    if content.empty is not None:
        text_row(row, content.empty, _EMPTY)
    header = None
    for table in content.tables:
        if table.heading:
            text_row(row, table.heading, _HEADING)
            row += 1
        header = header or row
        row = _table(sheet, row, table) + 1
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, (_, w) in enumerate(content.tables[0].columns if content.tables else (), 1)
    )
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges)
    typing = any(cell.typing for table in content.tables for cells in table.rows for cell in cells)
    view = '<sheetView tabSelected="1" workbookViewId="0">'
    if header:
        top = f"A{header + 1}"
        view += (
            f'<pane ySplit="{header}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        )
    parts = [
        f'<worksheet xmlns="{main_ns}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if header else "",
        f"<sheetViews>{view}</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{cols}</cols>" if cols else "",
        sheet.sheet_data(),
        # Only the typing cells are unlocked; no password, and columns and rows stay resizable.
        '<sheetProtection sheet="1" formatColumns="0" formatRows="0"/>' if typing else "",
        f'<mergeCells count="{len(sheet.merges)}">{merged}</mergeCells>',
        f"<hyperlinks>{''.join(sheet.links)}</hyperlinks>" if sheet.links else "",
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
        '<pageSetup orientation="portrait" fitToWidth="1" fitToHeight="0"/>' if header else "",
        "</worksheet>",
    ]
    return _xml(parts), header


def _table(sheet: _Sheet, top: int, table: ResultsTable) -> int:
    """The header on row `top` and the rows below it; the last row written."""
    for col, (title, _) in enumerate(table.columns, 1):
        sheet.put(top, col, title, _HEADER)
    row = top
    for row, cells in enumerate(table.rows, top + 1):
        for col, spec in enumerate(cells, 1):
            sheet.put(row, col, spec.value, cell_style(spec))
            if spec.link:
                location = quoteattr(link_location(spec.link))
                sheet.links.append(f'<hyperlink ref="{coordinate(row, col)}" location={location}/>')
        # The tallest wrapped cell decides; a little slack, as wrapping breaks before the edge.
        _fit(sheet, row, [(str(c.value or ""), w - 2) for c, (_, w) in zip(cells, table.columns)])
    return row


def _fit(sheet: _Sheet, row: int, texts: Sequence[tuple[str, int]]) -> None:
    """Give a row the height its wrapped texts (each with its width) need: neither Excel nor LibreOffice grows it
    when opening a file."""
    lines = max(ceil(display_width(text) / width) for text, width in texts)
    if lines > 1:
        sheet.heights[row] = 16 * lines


def marks_sheet(rows: Sequence[Sequence[str | None]], styles: StyleBook, main_ns: str) -> bytes:
    """The very hidden sheet holding the undo record, from A1, as plain text cells."""
    sheet = _Sheet(styles)
    for r, values in enumerate(rows, 1):
        for c, value in enumerate(values, 1):
            if value is not None:
                sheet.put(r, c, value)
    return _xml(
        [
            f'<worksheet xmlns="{main_ns}">',
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>',
            sheet.sheet_data(),
            "</worksheet>",
        ]
    )


def _xml(parts: Sequence[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + "".join(parts)).encode()
