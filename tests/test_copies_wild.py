"""Annotated copies of workbooks as agencies really have them: the official template filled and saved again by
LibreOffice, then worked on by the clerk who gets the copy back (sheets renamed, the copy saved by another
program); marks sit on the right cells, and clearing takes every one of them away."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment

from validator.annotate.plan import ORIGINAL_NOTE_SEPARATOR
from validator.cli import main
from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values, fill_workbook
from validator.names import INPUT_FILL, MARKS_SHEET, PRIMARY_FILL, RELATED_FILL, RESULT_SHEET
from validator.spec import default_template

TEMPLATE = default_template()
BLANK = Path(__file__).parents[1] / "templates" / f"{TEMPLATE.id}.xlsx"
# Two typing mistakes on 表三 (5 too many natural persons and businesses): both cells are marked.
PLANTED = {"t3.new.natural": 5, "t3.new.business": 5}


def slot(key: str) -> tuple[str, str]:
    """(sheet, cell) of an input of the template."""
    return next((s.name, p.coordinate) for s in template_layout(TEMPLATE) for p in s.slots if p.key == key)


MARKED = [slot(key) for key in PLANTED]


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory: pytest.TempPathFactory, convert) -> Path:
    """The official template filled with the planted mistakes by a program, then saved again by LibreOffice."""
    folder = tmp_path_factory.mktemp("filled")
    values = balanced_values(TEMPLATE)
    for key, more in PLANTED.items():
        values[key] += more
    fill_workbook(BLANK, folder / "src.xlsx", values, TEMPLATE)
    (folder / "lo").mkdir()
    return convert(folder / "src.xlsx", "xlsx:Calc MS Excel 2007 XML", folder / "lo")


def checked(source: Path, folder: Path) -> Path:
    """The annotated copy `nianbao check` writes for a copy of `source` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "年报.xlsx"
    path.write_bytes(source.read_bytes())
    assert main(["check", str(path)]) == 1
    return folder / "年报.校验.xlsx"


def tool_notes(path: Path) -> dict[tuple[str, str], str]:
    """The notes the tool wrote, by (sheet, cell): told by their text, as LibreOffice drops a note's author."""
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.comment.text
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None and cell.comment.text.startswith(("【错误", "【相关"))
    }


def fills(path: Path, sheet: str) -> dict[str, str | None]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {cell: ws[cell].fill.fgColor.rgb if ws[cell].fill.fill_type else None for _, cell in MARKED}


def saved_again(path: Path, saver: str, convert) -> None:
    """The copy as the clerk's program saves it after editing with openpyxl: openpyxl's own file, or that file
    opened and saved again by LibreOffice (which drops the notes' author)."""
    if saver == "libreoffice":
        folder = path.parent / "saved"
        folder.mkdir()
        path.write_bytes(convert(path, "xlsx:Calc MS Excel 2007 XML", folder).read_bytes())


def test_the_marks_sit_on_the_planted_cells(saved_by_libreoffice: Path, tmp_path: Path) -> None:
    copy = checked(saved_by_libreoffice, tmp_path)
    notes = tool_notes(copy)
    for sheet, cell in MARKED:
        assert notes[(sheet, cell)].startswith("【错误·")


@pytest.mark.parametrize(("then", "saver"), [("clear", "openpyxl"), ("clear", "libreoffice"), ("check", "openpyxl")])
def test_a_sheet_renamed_in_the_copy_loses_its_marks(
    saved_by_libreoffice: Path, tmp_path: Path, then: str, saver: str, convert
) -> None:
    """The clerk renames 表三 in the copy and saves it (the table is still found by its labels): clearing, or
    checking the copy again, takes the old marks off the renamed sheet instead of keeping them as the cells' own."""
    copy = checked(saved_by_libreoffice, tmp_path)
    sheet = MARKED[0][0]
    before = fills(saved_by_libreoffice, sheet)
    first = tool_notes(copy)
    wb = openpyxl.load_workbook(copy)
    wb[sheet].title = f"{sheet}（修改）"
    wb.save(copy)
    saved_again(copy, saver, convert)
    renamed = f"{sheet}（修改）"
    if then == "clear":
        assert main(["clear", str(copy)]) == 0
        assert openpyxl.load_workbook(copy).sheetnames[-1] != MARKS_SHEET
        assert tool_notes(copy) == {}
        assert fills(copy, renamed) == before
    else:
        assert main(["check", str(copy)]) == 1
        # the same cells as the first time, none with the old mark kept as its own note below the new one
        notes = tool_notes(copy)
        assert set(notes) == {(renamed if s == sheet else s, cell) for s, cell in first}
        assert not any(ORIGINAL_NOTE_SEPARATOR in text for text in notes.values())
        assert main(["clear", str(copy)]) == 0
        assert RESULT_SHEET not in openpyxl.load_workbook(copy).sheetnames
        assert tool_notes(copy) == {}
        assert fills(copy, renamed) == before


@pytest.mark.parametrize("saver", ["openpyxl", "libreoffice"])
def test_a_sheet_copied_in_the_copy_loses_its_marks_too(
    saved_by_libreoffice: Path, tmp_path: Path, saver: str, convert
) -> None:
    """The clerk keeps the marked 表三 as a copy of the sheet before correcting it: clearing takes the marks off both,
    the copy included (it is cleared like the sheet it was copied from)."""
    copy = checked(saved_by_libreoffice, tmp_path)
    sheet = MARKED[0][0]
    before = fills(saved_by_libreoffice, sheet)
    wb = openpyxl.load_workbook(copy)
    duplicate = wb.copy_worksheet(wb[sheet]).title
    wb.save(copy)
    saved_again(copy, saver, convert)
    assert {s for s, _ in tool_notes(copy)} == {sheet, duplicate}
    assert main(["clear", str(copy)]) == 0
    assert tool_notes(copy) == {}
    assert fills(copy, sheet) == fills(copy, duplicate) == before


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_clearing_a_workbook_checked_through_libreoffice_names_its_copy(
    saved_by_libreoffice: Path, tmp_path: Path, fmt: str, convert, capsys
) -> None:
    """The agency saves its report as .xls or .ods; checking it writes the converted workbook's copy 年报.xls.校验.xlsx.
    Clearing the .xls itself says that the marks are in that copy (not: save it as .xlsx and check it again)."""
    source = convert(saved_by_libreoffice, fmt, tmp_path)
    assert main(["check", str(source)]) == 1
    copy = tmp_path / f"{source.name}.校验.xlsx"
    assert tool_notes(copy)
    capsys.readouterr()
    assert main(["clear", str(source)]) == 2
    said = capsys.readouterr().err
    assert f"「{copy.name}」" in said and "清除标注" in said and "后再校验" not in said
    assert main(["clear", str(copy)]) == 0
    assert tool_notes(copy) == {}


def mark_fills(path: Path) -> set[tuple[str, str]]:
    """The cells filled in a mark's colour."""
    marks = {f"FF{rgb}" for rgb in (*PRIMARY_FILL.values(), *RELATED_FILL.values())}
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb in marks
    }


OWN_NOTE = "自然人含委托代理人申请"


def with_own_notes(source: Path, folder: Path) -> Path:
    """The workbook with the clerk's own notes: one on the first marked cell, one elsewhere that looks like a mark."""
    sheet, cell = MARKED[0]
    wb = openpyxl.load_workbook(source)
    wb[sheet][cell].comment = Comment(OWN_NOTE, "李四")
    wb[sheet]["A1"].comment = Comment("【提示】本表单位为件", "李四")  # a note of the clerk's, not a mark
    folder.mkdir()
    wb.save(folder / "年报.xlsx")
    return folder / "年报.xlsx"


@pytest.mark.parametrize("saver", ["openpyxl", "libreoffice"])
def test_a_row_inserted_in_the_copy_leaves_no_mark_behind(
    saved_by_libreoffice: Path, tmp_path: Path, saver: str, convert
) -> None:
    """The clerk inserts a row above the marked cells in the copy (the notes and fills move down with their cells)
    and clears it: no mark stays on the moved cells, the clerk's own note on a marked cell stays with that cell, and
    the new row does not get a marked cell's fill; the clerk's own notes elsewhere stay."""
    sheet, cell = MARKED[0]
    copy = checked(with_own_notes(saved_by_libreoffice, tmp_path / "src"), tmp_path / "copy")
    wb = openpyxl.load_workbook(copy)
    row = wb[sheet][cell].row
    wb[sheet].insert_rows(row)
    wb.save(copy)
    saved_again(copy, saver, convert)
    assert main(["clear", str(copy)]) == 0
    assert tool_notes(copy) == {}
    assert mark_fills(copy) == set()
    ws = openpyxl.load_workbook(copy)[sheet]
    moved = ws.cell(row + 1, ws[cell].column)
    assert moved.comment is not None and moved.comment.text == OWN_NOTE
    assert ws[cell].fill.fill_type is None and ws[cell].comment is None
    assert ws["A1"].comment.text == "【提示】本表单位为件"


def test_clearing_says_which_fills_it_could_not_give_back(
    saved_by_libreoffice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where a row was inserted above marked cells, their original fill is unknown: clearing gives them the template's
    input fill and names them, so that the clerk checks their colour; a copy cleared as marked says nothing of it."""
    sheet, cell = MARKED[0]
    untouched = checked(saved_by_libreoffice, tmp_path / "untouched")
    copy = checked(saved_by_libreoffice, tmp_path / "copy")
    wb = openpyxl.load_workbook(copy)
    row = wb[sheet][cell].row
    wb[sheet].insert_rows(row)
    wb.save(copy)
    capsys.readouterr()
    assert main(["clear", str(untouched)]) == 0
    assert "无从得知" not in capsys.readouterr().out
    assert main(["clear", str(copy)]) == 0
    said = capsys.readouterr().out
    assert "原来的填充无从得知，已设为模板填写区的浅绿色" in said
    named = re.findall(rf"{sheet}!([A-Z]+\d+)", said)
    ws = openpyxl.load_workbook(copy)[sheet]
    assert named and all(ws[ref].row > row and ws[ref].fill.fgColor.rgb == f"FF{INPUT_FILL}" for ref in named)


@pytest.mark.parametrize("then", ["clear", "check"])
def test_a_copy_whose_marks_sheet_was_deleted_loses_its_marks(
    saved_by_libreoffice: Path, tmp_path: Path, then: str, convert
) -> None:
    """LibreOffice saves the very hidden marks sheet as a hidden one; the clerk unhides and deletes it. Clearing
    still takes every mark off (the clerk's own note comes back from below the mark's text), and checking again does
    not keep the old marks as the cells' own notes."""
    sheet, cell = MARKED[0]
    copy = checked(with_own_notes(saved_by_libreoffice, tmp_path / "src"), tmp_path / "copy")
    saved_again(copy, "libreoffice", convert)
    wb = openpyxl.load_workbook(copy)
    assert wb[MARKS_SHEET].sheet_state == "hidden"
    del wb[MARKS_SHEET]
    wb.save(copy)
    if then == "check":
        assert main(["check", str(copy)]) == 1
        notes = tool_notes(copy)
        assert {c for s, c in notes if s == sheet} >= {c for s, c in MARKED if s == sheet}
        assert not any(ORIGINAL_NOTE_SEPARATOR in text for (s, c), text in notes.items() if (s, c) != (sheet, cell))
        assert notes[(sheet, cell)].count(ORIGINAL_NOTE_SEPARATOR) == 1
        assert notes[(sheet, cell)].endswith(f"{ORIGINAL_NOTE_SEPARATOR}\n{OWN_NOTE}")
    assert main(["clear", str(copy)]) == 0
    assert tool_notes(copy) == {} and mark_fills(copy) == set()
    ws = openpyxl.load_workbook(copy)[sheet]
    assert ws[cell].comment.text == OWN_NOTE and ws["A1"].comment.text == "【提示】本表单位为件"
    assert RESULT_SHEET not in openpyxl.load_workbook(copy).sheetnames


def explained(copy: Path, text: str) -> None:
    """The agency's explanation typed in the copy's results sheet, in the first 单位说明 cell."""
    wb = openpyxl.load_workbook(copy)
    ws = wb[RESULT_SHEET]
    row, col = next((c.row, c.column) for r in ws.iter_rows() for c in r if c.value == "单位说明")
    ws.cell(row + 1, col, text)
    wb.save(copy)


@pytest.mark.parametrize("then", ["clear", "check"])
def test_a_results_sheet_renamed_in_the_copy_is_known_by_its_title(
    saved_by_libreoffice: Path, tmp_path: Path, then: str, capsys
) -> None:
    """The clerk types an explanation and renames 校验结果 to 第一轮校验结果 (the reader still takes the explanation
    from it, by its title): checking again replaces it with the new results sheet instead of keeping both, and
    clearing keeps it for its explanation as it keeps 校验结果 (last, said so)."""
    copy = checked(saved_by_libreoffice, tmp_path)
    explained(copy, "自然人申请含委托代理人提出的申请，已核实")
    wb = openpyxl.load_workbook(copy)
    wb[RESULT_SHEET].title = "第一轮校验结果"
    wb.save(copy)
    capsys.readouterr()
    if then == "check":
        assert main(["check", str(copy), "--format", "json"]) == 1
        assert '"explanation": "自然人申请含委托代理人提出的申请，已核实"' in capsys.readouterr().out
        names = openpyxl.load_workbook(copy).sheetnames
        assert names[0] == RESULT_SHEET and "第一轮校验结果" not in names
    else:
        assert main(["clear", str(copy)]) == 0
        assert "「第一轮校验结果」工作表中填写的单位说明已保留" in capsys.readouterr().out
        assert openpyxl.load_workbook(copy).sheetnames[-1] == "第一轮校验结果"
        assert tool_notes(copy) == {}


def test_marks_stacked_by_earlier_versions_are_all_taken_off(saved_by_libreoffice: Path, tmp_path: Path) -> None:
    """Earlier versions kept an old mark as the cell's own note below the new one (a renamed sheet checked again):
    clearing gives back the clerk's note below all of them, and takes a stack without one off entirely."""
    sheet, cell = MARKED[0]
    other = MARKED[1][1]
    copy = checked(with_own_notes(saved_by_libreoffice, tmp_path / "src"), tmp_path / "copy")
    wb = openpyxl.load_workbook(copy)
    ws = wb[sheet]
    ws[cell].comment = Comment(
        f"{ws[cell].comment.text}\n{ORIGINAL_NOTE_SEPARATOR}\n{ws[cell].comment.text}", "年报校验"
    )
    mark = ws[other].comment.text
    ws[other].comment = Comment(f"{mark}\n{ORIGINAL_NOTE_SEPARATOR}\n{mark}", "年报校验")
    del wb[MARKS_SHEET]
    wb.save(copy)
    assert main(["clear", str(copy)]) == 0
    ws = openpyxl.load_workbook(copy)[sheet]
    assert ws[cell].comment.text == OWN_NOTE and ws[other].comment is None
    assert tool_notes(copy) == {} and mark_fills(copy) == set()


def test_rows_shown_for_marks_are_not_hidden_again_where_rows_were_inserted(
    saved_by_libreoffice: Path, tmp_path: Path
) -> None:
    """The marked row was hidden (the copy shows it); the clerk inserts a row above it: clearing does not hide the
    recorded row number again, which now holds the row that was above the marked one."""
    sheet, cell = MARKED[0]
    wb = openpyxl.load_workbook(saved_by_libreoffice)
    row = wb[sheet][cell].row
    wb[sheet].row_dimensions[row].hidden = True
    (tmp_path / "src").mkdir()
    wb.save(tmp_path / "src" / "年报.xlsx")
    copy = checked(tmp_path / "src" / "年报.xlsx", tmp_path / "copy")
    wb = openpyxl.load_workbook(copy)
    assert not wb[sheet].row_dimensions[row].hidden
    wb[sheet].insert_rows(row - 1)
    wb.save(copy)
    assert main(["clear", str(copy)]) == 0
    ws = openpyxl.load_workbook(copy)[sheet]
    assert not ws.row_dimensions[row].hidden  # the row above the marked one, moved down
    assert tool_notes(copy) == {}
