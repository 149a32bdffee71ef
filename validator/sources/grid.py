"""The reader-neutral picture of a workbook: sheets of raw cell values and merged ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.names import UNPUBLISHED_ROW

if TYPE_CHECKING:
    from validator.provenance import Place

Cells = dict[tuple[int, int], Any]  # raw values of a sheet's non-empty cells by 1-based (row, col)


class ExcelError(str):
    """An Excel error value such as #REF! or #DIV/0! (distinct from text that merely looks like one)."""


class Uncached(str):
    """A formula cell whose result was never saved (the file was not recalculated by Excel); holds the formula."""


class ReadError(Exception):
    """The file cannot be read as a workbook; the message is Chinese and says what to do."""

    def __init__(self, message: str, reason: str, fmt: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # short English tag: missing, legacy, encrypted, corrupt, not_workbook, too_large
        self.fmt = fmt  # what the bytes were sniffed as (sniff.file_format), when they were read and that is known


class FurtherReport(NamedTuple):
    """A further report in a document after the one read (a page publishing two years' or two agencies' reports):
    the row where it begins, and its first line, its title when `titled`, else the section heading it begins with."""

    row: int
    text: str
    titled: bool


@dataclass
class SheetGrid:
    """One worksheet: non-empty cells by 1-based (row, col), and merged ranges as (top, left, bottom, right)."""

    name: str
    cells: Cells
    merges: tuple[tuple[int, int, int, int], ...] = ()
    visible: bool = True
    origins: dict[tuple[int, int], Place] = field(default_factory=dict)  # imported documents: where each cell came from
    pictures: tuple[int, ...] = ()  # imported documents: the rows where a picture stands in the text
    # imported Word documents: the rows of those pictures that show a worksheet pasted in as an object (its preview)
    worksheets: tuple[int, ...] = ()
    # The sheet part when it holds formulas: their text is read only when a finding concerns one of their cells
    # (validator.sources.uncached.calculated_formulas); most reports never need it.
    formula_xml: bytes = field(default=b"", repr=False, compare=False)  # the cells are the same either way
    further: FurtherReport | None = None  # imported documents: a further report, left out of the sheet
    paged: str = ""  # imported web pages: how the page says it continues on other pages ("共 3 页"), else ""
    clipped: tuple[int, ...] = ()  # imported PDFs: the rows of tables running off the page's edge, partly unprinted
    unruled: tuple[int, ...] = ()  # imported PDFs: the rows of text lines of numbers set in columns (a table's row
    # printed without rules, read as a paragraph)

    def text_cells(self) -> list[tuple[int, int, str]]:
        """(row, col, text) of every cell holding text, in reading order."""
        return sorted((r, c, v) for (r, c), v in self.cells.items() if isinstance(v, str) and v.strip())


@dataclass
class WorkbookGrid:
    """A whole workbook as read: its sheets in order, the template id it declares (if any), and the results sheets
    an earlier check wrote into it (kept apart: they hold the agency's explanations, never report data)."""

    sheets: list[SheetGrid]
    template_id: str | None = None
    results: list[SheetGrid] = field(default_factory=list)
    source_format: str = "xlsx"  # html, docx, pdf for a document turned into one sheet (validator.sources.document)
    # A published report converted into the official workbook: the required cover fields the report had no value for
    # (names.UNPUBLISHED_ROW), judged while blank as in the report itself
    unpublished: frozenset[str] = frozenset()

    def sheet(self, name: str) -> SheetGrid | None:
        return next((s for s in self.sheets if s.name == name), None)


def template_info(cells: Cells) -> tuple[str | None, frozenset[str]]:
    """What a generated workbook's hidden info sheet (names.TEMPLATE_INFO_SHEET) declares: its template id, and the
    cover fields a published report converted into it lacked (names.UNPUBLISHED_ROW, keys separated by spaces)."""
    template_id = cells.get((1, 2))
    row = next((r for (r, c), v in cells.items() if c == 1 and v == UNPUBLISHED_ROW), None)
    keys = cells.get((row, 2)) if row else None
    return (
        template_id if isinstance(template_id, str) else None,
        frozenset(keys.split()) if isinstance(keys, str) else frozenset(),
    )
