"""What the Excel button would do on a workbook file: the file as xlwings' Office.js client sends it (a JSON Book),
the same actions run on it, and the actions xlwings records for the client to carry out."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from validator.excel.actions import check_book, clear_book
from validator.excel.source import Supplement
from validator.render.json import finding_json
from validator.sources.grid import Uncached
from validator.sources.xlsx import load, load_openpyxl

# xlwings' remote engine needs a licence key. "noncommercial" is the key of its PolyForm Noncommercial licence,
# which expressly permits use by government institutions, whoever funds them — the users of this tool.
LICENSE_ENV = "XLWINGS_LICENSE_KEY"


def simulate(path: Path, clear: bool = False) -> dict[str, list]:
    """{"findings": [...as in `nianbao check --format json`], "actions": [...xlwings actions]} for the file.

    Raises ReadError for a file that cannot be opened (as `nianbao check` says it), MissingXlwings without xlwings,
    CannotPaint for a workbook the button refuses (its message as the button shows it: no worksheet to check).
    """
    xw = import_xlwings()
    document, supplement = book_json(path)
    book = xw.Book(json=document)
    try:
        if clear:
            clear_book(book)
            findings: list[dict] = []
        else:
            report, _ = check_book(book, supplement)
            findings = [finding_json(f, report.template) for f in report.sorted_findings()]
        return {"findings": findings, "actions": book.json()["actions"]}
    finally:
        book.close()


class MissingXlwings(Exception):
    """xlwings is not installed; the message is Chinese and says how to install it."""


def import_xlwings() -> Any:
    """xlwings with its remote engine (the JSON Book), the noncommercial licence key set unless one is configured."""
    os.environ.setdefault(LICENSE_ENV, "noncommercial")  # read when xlwings registers its engines on import
    try:
        import xlwings
    except ImportError as exc:
        raise MissingXlwings("需要 xlwings：请运行 pip install 'nianbao-validator[excel]' 后重试。") from exc
    if not xlwings.__pro__:  # imported earlier without a key: register the engine now that there is one
        from xlwings.pro import _xlremote

        xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
    return xlwings


def book_json(path: Path) -> tuple[dict, Supplement]:
    """The payload an Office.js client sends for the workbook (cached values, note addresses, visibility), and what
    it cannot send: the merged ranges (xlwings Lite reads them asynchronously) and formulas never calculated."""
    xlwings = import_xlwings()
    grid = load(path).grid  # the file reader's safety checks, and its view of formulas never calculated
    with Path(path).open("rb") as fh:
        values = load_openpyxl(fh, data_only=True)
    sheets, merges = [], {}
    for ws in values.worksheets:
        sheets.append(
            {
                "name": ws.title,
                "values": [[_value(c.value) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)] or [[""]],
                "visibility": {"visible": "Visible", "hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden"),
                "notes": [
                    {"address": f"${c.column_letter}${c.row}"} for row in ws.iter_rows() for c in row if c.comment
                ],
                "notes_supported": True,
                "pictures": [],
                "shapes": [],
                "charts": [],
                "tables": [],
                "pivot_tables": [],
                "show_gridlines": True,
                "print_area": None,
            }
        )
        merges[ws.title] = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    active = values.worksheets.index(values.active) if values.active in values.worksheets else 0  # not a chart sheet
    book = {"name": Path(path).name, "active_sheet_index": active, "selection": "A1"}
    document = {"client": "Office.js", "version": xlwings.__version__, "book": book, "names": [], "sheets": sheets}
    uncalculated = {s.name: {pos: str(v) for pos, v in s.cells.items() if isinstance(v, Uncached)} for s in grid.sheets}
    return document, Supplement(merges, uncalculated)


def _value(value: object) -> object:
    """A cell value as Office.js sends it: "" for empty, dates as ISO text, errors as their text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
