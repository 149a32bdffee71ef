"""The two actions of the Excel buttons: 校验 (check the open workbook and mark it) and 清除标记.

The same functions serve every caller unchanged: classic RunPython (`validate_book(xw.Book.caller())`), xlwings
Lite and Server scripts (`@script` functions that receive the book), `nianbao excel simulate`, and tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from validator.annotate.undo import Cleared
from validator.engine import check_grids
from validator.excel.painter import CannotPaint, annotate_book, clear_marks, note_texts
from validator.excel.source import Supplement, read_book
from validator.findings import FileReport, counts_line
from validator.names import RESULT_SHEET

# A book of no worksheet but the tool's own (or none at all: only chart sheets, which xlwings does not list): nothing
# to check, nowhere to paint the results sheet.
NOTHING_TO_CHECK = (
    "工作簿中没有可校验的工作表：只有图表工作表，或只有校验时添加的「校验结果」等工作表。工作簿未作改动。"
    "请在年报模板的工作表（封面、正文、表二、表三、表四）中填写年报后再点「校验」。"
)


def validate_book(book: Any, supplement: Supplement | None = None) -> str:
    """Check the book's live values and mark it like an annotated copy; return what the user is told (Chinese).

    `supplement` gives what the client cannot send (merged ranges on Office.js; see `read_book`).
    """
    try:
        report, cleared = check_book(book, supplement)
    except CannotPaint as exc:
        return _tell(book, exc.message)
    if report.error:
        return _tell(book, f"无法校验：{report.error}")
    said = f"校验完成：{counts_line(report)}。详见「{RESULT_SHEET}」工作表和标色单元格的批注。"
    return said + (f"清除上次的标注时，{cleared.guessed_fills}。" if cleared.guessed else "")


def check_book(book: Any, supplement: Supplement | None = None) -> tuple[FileReport, Cleared]:
    """validate_book's work: read live values, check, clear old marks, paint new ones; the report, and what clearing
    the old marks did.

    Raises CannotPaint, the book untouched, for a book with no worksheet to check (NOTHING_TO_CHECK), or old marks
    that cannot be cleared.
    """
    grid = read_book(book, supplement)
    if not grid.sheets:
        raise CannotPaint(NOTHING_TO_CHECK)
    report = check_grids([grid], names=[book.name])[0]
    if report.error:
        return report, Cleared(False)
    notes = supplement.notes if supplement else None
    return report, annotate_book(book, report, {s.name: s.merges for s in grid.sheets}, notes)


def clear_book(book: Any, notes: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Remove the marks (whoever painted them) and restore fills and notes; return what the user is told.

    `notes` gives the text of notes the client cannot read (sheet → coordinate → text), as `Supplement.notes`.
    """
    try:
        cleared = clear_marks(book, notes=note_texts(notes))
    except CannotPaint as exc:
        return _tell(book, exc.message)
    said = "工作簿中没有校验标记。"
    if cleared:
        guessed = f"；但 {cleared.guessed_fills}" if cleared.guessed else ""
        said = f"已清除校验标记，恢复了原来的填充和批注{guessed}。"
    return said + (f"「{cleared.kept}」工作表中填写的单位说明已保留，再次校验时沿用。" if cleared.kept else "")


def _tell(book: Any, message: str) -> str:
    """Show a problem in a message box (desktop Excel; xlwings Server), and return it for scripts to print."""
    with suppress(Exception):  # xlwings Lite has no message box: the script prints the returned text
        book.app.alert(message, title="年报校验", mode="critical")
    return message
