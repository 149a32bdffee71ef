"""The Excel button after the clerk inserted a row above marked cells (an unprotected workbook): the notes and fills
moved down with their cells, while the undo record keeps the addresses. 清除标记, or 校验 again (which clears first),
takes every moved mark off, gives the clerk's own note back on the cell it moved with, and names the cells whose fill
it had to guess, as `nianbao clear` does. The button runs through xlwings' own JSON Book: the server button's
request and answer (its macro sends the notes' texts), and the Office.js client (`nianbao excel simulate`), which
cannot read notes; the row is inserted in the file between two clicks, as Excel inserts one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from excel_replay import replay, vba_payload
from openpyxl.comments import Comment
from test_copies_wild import mark_fills, tool_notes
from test_excel import demo, state  # demo: the fixture, the workbook of `make demo`
from test_structure import insert_blank

from validator.annotate.plan import ORIGINAL_NOTE_SEPARATOR
from validator.cli import main
from validator.excel import remote
from validator.excel.actions import validate_book
from validator.excel.painter import MOVED_UNSEEN
from validator.excel.simulate import book_json, import_xlwings, simulate
from validator.names import INPUT_FILL, MARKS_SHEET, RESULT_SHEET

__all__ = ["demo"]

XLWINGS = import_xlwings()
SHEET, CELL, ROW = "表三", "E7", 7  # the demo's mistake: its row and column are marked
OWN_NOTE = "自然人含委托代理人申请"
LOOKALIKE = "【提示】本表单位为件"  # a note of the clerk's, not a mark


@pytest.fixture
def noted(demo: Path, tmp_path: Path) -> Path:
    """The demo with the clerk's own notes: one on the marked cell, one elsewhere that looks like a mark."""
    wb = openpyxl.load_workbook(demo)
    wb[SHEET][CELL].comment = Comment(OWN_NOTE, "李四")
    wb[SHEET]["A1"].comment = Comment(LOOKALIKE, "李四")
    wb.save(path := tmp_path / "年报.xlsx")
    return path


def click(path: Path, action: str, target: Path) -> tuple[str, Path]:
    """One click of the server button (校验 "validate" or 清除标记 "clear"): what its message box says, and the
    workbook the answer leaves behind, run as Remote.bas and our macros run it."""
    actions = remote.answer(action, vba_payload(path, XLWINGS.__version__))["actions"]
    said = [a["args"][0] for a in actions if a["func"] == "alert"]
    return said[-1], replay(path, actions, target, vba=True)


def insert_row(path: Path) -> None:
    """The clerk inserts a blank row above the marked row and saves."""
    wb = openpyxl.load_workbook(path)
    insert_blank(wb[SHEET], ROW, "row")
    wb.save(path)


def marked_then_moved(noted: Path, tmp_path: Path) -> Path:
    """The clerk's workbook marked by the button, then a row inserted above the marked row."""
    _, marked = click(noted, "validate", tmp_path / "marked.xlsx")
    assert (SHEET, CELL) in tool_notes(marked)
    insert_row(marked)
    assert (SHEET, CELL) not in tool_notes(marked) and (SHEET, "E8") in tool_notes(marked)
    return marked


def guessed(said: str) -> list[str]:
    """The cells a message says got the template's input fill."""
    assert "原来的填充无从得知，已设为模板填写区的浅绿色，请核对这些单元格的颜色" in said
    return re.findall(rf"{SHEET}!([A-Z]+\d+)", said)


def test_clearing_after_a_row_was_inserted_takes_every_moved_mark_off(noted: Path, tmp_path: Path) -> None:
    """The marked cells given back where they are now, the clerk's notes kept, the inserted row left alone; the
    marks the record no longer places (the rest of the marked row, the column's last cell) taken off and named."""
    moved = marked_then_moved(noted, tmp_path)
    said, cleared = click(moved, "clear", tmp_path / "cleared.xlsx")
    assert tool_notes(cleared) == {} and mark_fills(cleared) == set()
    ws = openpyxl.load_workbook(cleared)[SHEET]
    assert ws["E8"].comment.text == OWN_NOTE  # the marked cell, moved down: the clerk's note came back with it
    assert ws["A1"].comment.text == LOOKALIKE
    assert ws[CELL].comment is None and ws[CELL].fill.fill_type is None  # the inserted row: nothing painted there
    assert MARKS_SHEET not in openpyxl.load_workbook(cleared).sheetnames
    assert said.startswith("已清除校验标记，恢复了原来的填充和批注；但 ")
    named = guessed(said)
    assert named == ["D8", "F8", "G8", "H8", "I8", "J8"] and said.count("等 7 个单元格") == 1
    assert all(ws[ref].fill.fgColor.rgb == f"FF{INPUT_FILL}" for ref in [*named, "E29"])


def test_checking_again_after_a_row_was_inserted_leaves_only_the_new_marks(noted: Path, tmp_path: Path) -> None:
    """校验 clears first: the new marks are the only ones, the clerk's note sits once below the new mark (not below
    the old one), and clearing those gives the clerk's workbook back with the row inserted."""
    moved = marked_then_moved(noted, tmp_path)
    said, again = click(moved, "validate", tmp_path / "again.xlsx")
    assert said.startswith("校验完成：") and "清除上次的标注时，" in said and guessed(said)
    wb = openpyxl.load_workbook(again)
    recorded = {(s, c) for s, c, *_ in wb[MARKS_SHEET].iter_rows(min_row=3, values_only=True)}
    assert set(tool_notes(again)) == recorded
    assert {(s, c) for s, c in mark_fills(again) if s != RESULT_SHEET} <= recorded
    assert (SHEET, "E8") in recorded  # the mistake, moved down with its row
    text = wb[SHEET]["E8"].comment.text
    assert text.count(ORIGINAL_NOTE_SEPARATOR) == 1 and text.endswith(f"{ORIGINAL_NOTE_SEPARATOR}\n{OWN_NOTE}")

    said, cleared = click(again, "clear", tmp_path / "cleared.xlsx")
    assert said == "已清除校验标记，恢复了原来的填充和批注。"
    assert tool_notes(cleared) == {} and mark_fills(cleared) == set()
    assert openpyxl.load_workbook(cleared)[SHEET]["E8"].comment.text == OWN_NOTE


def test_the_server_button_checked_twice_keeps_the_clerks_note_once(noted: Path, tmp_path: Path) -> None:
    """The server button's macro sends the notes' texts as they were before the click; clearing changes them before
    painting, so the new mark goes over the clerk's own note, not over the old mark."""
    _, once = click(noted, "validate", tmp_path / "once.xlsx")
    _, twice = click(once, "validate", tmp_path / "twice.xlsx")
    assert tool_notes(twice) == tool_notes(once)


def test_the_office_js_client_cannot_find_moved_marks_and_changes_nothing(noted: Path, tmp_path: Path) -> None:
    """Office.js (xlwings Lite) knows which cells have notes, not what they say, and cannot read fills: where a
    marked cell lost its note, the marks moved, and it says so instead of restoring the wrong cells; 校验, which
    clears first, too."""
    marked = replay(noted, simulate(noted)["actions"], tmp_path / "marked.xlsx")
    insert_row(marked)
    told = MOVED_UNSEEN.format(sheet=SHEET)
    assert [a["args"][0] for a in simulate(marked, clear=True)["actions"]] == [told]  # only the message box
    document, supplement = book_json(marked)
    book = XLWINGS.Book(json=document)
    try:
        assert validate_book(book, supplement) == told
        assert [a["args"][0] for a in book.json()["actions"]] == [told]
    finally:
        book.close()


def test_clearing_after_the_marks_sheet_was_deleted_takes_the_marks_off_as_nianbao_clear(
    noted: Path, tmp_path: Path
) -> None:
    """The marks sheet (the undo record) deleted since marking (LibreOffice saves it hidden only; clerks unhide and
    delete it): 清除标记 finds the marks by their notes, as `nianbao clear` does, and leaves the workbook as it does:
    the clerk's notes back, the marked cells in the template's input fill, named. 校验 again does so first."""
    _, marked = click(noted, "validate", tmp_path / "marked.xlsx")
    wb = openpyxl.load_workbook(marked)
    del wb[MARKS_SHEET]
    wb.save(marked)
    said, cleared = click(marked, "clear", tmp_path / "cleared.xlsx")
    assert tool_notes(cleared) == {} and mark_fills(cleared) == set()
    ws = openpyxl.load_workbook(cleared)[SHEET]
    assert ws[CELL].comment.text == OWN_NOTE and ws["A1"].comment.text == LOOKALIKE
    assert said.startswith("已清除校验标记，恢复了原来的填充和批注；但 ") and CELL in guessed(said)
    assert main(["clear", str(shutil.copy(marked, tmp_path / "命令行.xlsx"))]) == 0
    assert state(cleared) == state(tmp_path / "命令行.xlsx")

    _, again = click(marked, "validate", tmp_path / "again.xlsx")  # which clears first: no mark over an old mark
    text = openpyxl.load_workbook(again)[SHEET][CELL].comment.text
    assert text.count(ORIGINAL_NOTE_SEPARATOR) == 1 and text.endswith(f"{ORIGINAL_NOTE_SEPARATOR}\n{OWN_NOTE}")
