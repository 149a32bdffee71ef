"""The Excel button through xlwings' own JSON Book (the Office.js client's shape): the same findings and marks as the
command line, exact clearing either way, notes of the user's kept. The recorded actions are replayed on the file
(tests/excel_replay.py) to see the workbook the button leaves behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from excel_replay import replay
from openpyxl.comments import Comment
from test_rule_cases import _apply, _cases

from validator import check_paths
from validator.annotate.zip_painter import write_annotated
from validator.cellref import coordinate
from validator.cli import main
from validator.demo import MISTAKES
from validator.excel import painter
from validator.excel.actions import validate_book
from validator.excel.simulate import book_json, import_xlwings, simulate
from validator.excel.source import read_book
from validator.findings import FileReport
from validator.forms.sample import balanced_values, fill_workbook
from validator.names import MARKS_SHEET, RESULT_SHEET, RESULT_TITLE
from validator.render.json import finding_json
from validator.sources.xlsx import read_xlsx
from validator.spec import Template, default_template, get_template


def run(capsys: pytest.CaptureFixture, *argv: object) -> tuple[int, dict]:
    code = main([str(a) for a in argv])
    return code, json.loads(capsys.readouterr().out)


def cli_findings(capsys: pytest.CaptureFixture, path: Path) -> list[dict]:
    _, document = run(capsys, "check", path, "--format", "json", "--no-annotate")
    return document["results"][0]["findings"]


def marked(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """Cell → (fill RGB, note) of every cell the workbook's undo record lists."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for sheet, cell, *_ in wb[MARKS_SHEET].iter_rows(min_row=3, values_only=True):
        c = wb[sheet][cell]
        out[f"{sheet}!{cell}"] = (c.fill.fgColor.rgb, c.comment.text if c.comment else None)
    return out


def state(path: Path) -> dict:
    """Sheets, values, fills (RGB: Excel ignores the alpha byte) and notes: what marking and clearing may change."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {
            c.coordinate: (
                c.value,
                c.fill.fill_type,
                str(c.fill.fgColor.rgb)[-6:],
                c.comment.text if c.comment else None,
            )
            for row in ws.iter_rows()
            for c in row
        }
        for ws in wb.worksheets
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, balanced_workbook: Path) -> Path:
    """The workbook of `make demo`: the official template with two mistakes."""
    template = default_template()
    path = tmp_path_factory.mktemp("demo") / "示例.xlsx"
    fill_workbook(balanced_workbook, path, balanced_values(template) | MISTAKES, template)
    return path


def test_the_json_book_reads_what_the_file_reader_reads(demo: Path) -> None:
    document, supplement = book_json(demo)
    grid = read_book(import_xlwings().Book(json=document), supplement)
    assert [(s.name, s.cells, s.merges) for s in grid.sheets] == [
        (s.name, s.cells, s.merges) for s in read_xlsx(demo).sheets
    ]
    assert grid.template_id == read_xlsx(demo).template_id


def test_simulate_matches_the_command_line_and_clears_back(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code, simulated = run(capsys, "excel", "simulate", demo)
    assert code == 1 and simulated["findings"] == cli_findings(capsys, demo)
    assert {f["rule"] for f in simulated["findings"]} == {"EQ02", "EQ03", "TY02"}

    run(capsys, "check", demo, "--out", tmp_path / "cli", "--format", "json")
    by_cli = tmp_path / "cli" / "示例.校验.xlsx"
    by_button = replay(demo, simulated["actions"], tmp_path / "button.xlsx")
    assert marked(by_button) == marked(by_cli) and len(marked(by_cli)) == 29
    wb = openpyxl.load_workbook(by_button)
    assert wb.sheetnames[0] == RESULT_SHEET and wb.active.title == RESULT_SHEET
    assert wb[MARKS_SHEET].sheet_state == "hidden"  # Office.js cannot very-hide
    links = [c.hyperlink.location for c in wb[RESULT_SHEET]["D"] if c.hyperlink]
    assert links == ["'表三'!E7", "'表三'!E7", "'表四'!G5"]

    _, cleared = run(capsys, "excel", "simulate", by_button, "--clear")
    assert cleared["findings"] == []
    assert state(replay(by_button, cleared["actions"], tmp_path / "cleared.xlsx")) == state(demo)


def test_a_copy_marked_by_the_command_line_is_cleared_by_the_button_and_back(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    run(capsys, "check", demo, "--out", tmp_path, "--format", "json")
    by_cli = tmp_path / "示例.校验.xlsx"
    _, cleared = run(capsys, "excel", "simulate", by_cli, "--clear")
    assert state(replay(by_cli, cleared["actions"], tmp_path / "cleared.xlsx")) == state(demo)

    _, simulated = run(capsys, "excel", "simulate", demo)
    by_button = replay(demo, simulated["actions"], tmp_path / "button.xlsx")
    assert main(["clear", str(by_button)]) == 0
    assert state(by_button) == state(demo)  # the input fill comes back: the template's own


def test_a_cell_with_its_own_note_keeps_it(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    wb = openpyxl.load_workbook(demo)
    wb["表三"]["E7"].comment = Comment("含两家企业的合并申请", "填报人")
    wb.save(noted := tmp_path / "有批注.xlsx")
    _, simulated = run(capsys, "excel", "simulate", noted)
    touched = [a for a in simulated["actions"] if a["func"] in ("addNote", "deleteNote") and "$E$7" in a["args"]]
    assert touched == []  # Office.js cannot read the note's text, so it is left alone
    by_button = replay(noted, simulated["actions"], tmp_path / "button.xlsx")
    assert marked(by_button)["表三!E7"] == ("FFFFC7CE", "含两家企业的合并申请")
    rows = [r for r in openpyxl.load_workbook(by_button)[RESULT_SHEET].iter_rows(values_only=True) if r[3] == "表三!E7"]
    assert len(rows) == 2  # the findings of that cell are still listed

    _, cleared = run(capsys, "excel", "simulate", by_button, "--clear")
    assert state(replay(by_button, cleared["actions"], tmp_path / "cleared.xlsx")) == state(noted)
    assert main(["clear", str(by_button)]) == 0 and state(by_button) == state(noted)


def test_the_template_lets_the_button_paint_a_protected_sheet(balanced_workbook: Path) -> None:
    for ws in openpyxl.load_workbook(balanced_workbook).worksheets:
        assert ws.protection.sheet and not ws.protection.formatCells and not ws.protection.objects, ws.title


class ExcelProtection:
    """The protection part of a desktop Excel worksheet's COM object, as Microsoft documents Worksheet.Protect and
    Unprotect: Unprotect without the password of a sheet that has one makes Excel ask the clerk for it; Protect
    sets what it is given, every permission it is not given off. (xlwings runs only its JSON Book on Linux, whose
    sheets have no protection to lift: this stands in for Excel, not for the painter.)"""

    def __init__(self, password: str | None, **allowed: bool) -> None:
        self.Protect(Password=password, **allowed)

    def Unprotect(self, *password: str) -> None:
        assert password or self.password is None, "Excel would ask the clerk for the password"
        if self.password not in (None, *password):
            raise RuntimeError("您提供的密码不正确。")  # Excel's error, raised by pywin32 as a com_error
        self.ProtectContents = False

    def Protect(self, Password=None, DrawingObjects=True, Contents=True, Scenarios=True, UserInterfaceOnly=False,
                **allowed: bool) -> None:  # fmt: skip
        self.password, self.ProtectContents, self.ProtectDrawingObjects = Password, Contents, DrawingObjects
        self.ProtectScenarios, self.ProtectionMode = Scenarios, UserInterfaceOnly
        self.Protection = SimpleNamespace(**dict.fromkeys(painter._ALLOWED, False) | allowed)

    def state(self) -> tuple:
        return (self.password, self.ProtectContents, self.ProtectDrawingObjects, self.ProtectScenarios,
                self.ProtectionMode, vars(self.Protection))  # fmt: skip


@pytest.mark.parametrize("password", [None, "1234"])
def test_the_desktop_button_protects_every_sheet_again_as_it_was(
    demo: Path, password: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The demo's marks are on 表三 and 表四, protected by the clerk, 表四 perhaps with a password. The desktop button
    lifts the protection around its painting and puts every sheet's back with all its permissions; a password stops
    it, named in a message box, before clearing the last check's results sheet: 表三 (lifted first) protected again,
    the workbook untouched."""
    xw = import_xlwings()
    sheets = {"表三": ExcelProtection(None, AllowSorting=True, AllowFormattingCells=True),
              "表四": ExcelProtection(password, DrawingObjects=False, AllowFiltering=True)}  # fmt: skip
    before = {name: com.state() for name, com in sheets.items()}
    json_api = xw.main.Sheet.api.fget
    monkeypatch.setattr(xw.main.Sheet, "api", property(lambda sheet: sheets.get(sheet.name) or json_api(sheet)))
    wb = openpyxl.load_workbook(demo)
    wb.create_sheet(RESULT_SHEET, 0)["A1"] = RESULT_TITLE  # the last check's, which checking again deletes
    wb.save(path := tmp_path / "年报.xlsx")
    document, supplement = book_json(path)
    book = xw.Book(json=document)
    try:
        message = validate_book(book, supplement)
        actions = [a["func"] for a in book.json()["actions"]]
    finally:
        book.close()
    assert {name: com.state() for name, com in sheets.items()} == before
    if password:
        assert message == painter.PASSWORD.format(sheet="表四") and actions == ["alert"]  # the workbook untouched
    else:
        assert message.startswith("校验完成") and "setRangeColor" in actions


def button_marks(actions: list[dict], sheets: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Cell → (fill RGB, note) painted by the actions on the workbook's own sheets (before any sheet is added)."""
    out: dict[str, list] = {}
    for a in actions:
        if a["func"] == "addSheet":
            break
        if a["func"] in ("setRangeColor", "addNote"):
            ref = f"{sheets[a['sheet_position']]}!{coordinate(a['start_row'] + 1, a['start_column'] + 1)}"
            entry = out.setdefault(ref, [None, None])
            entry[a["func"] == "addNote"] = a["args"][-1] if a["func"] == "addNote" else "FF" + a["args"][0][1:]
    return {ref: tuple(entry) for ref, entry in out.items()}


@pytest.mark.parametrize(("code", "template_id", "case"), _cases())
def test_every_rule_case_gets_the_command_lines_findings_and_marks(
    code: str, template_id: str, case: dict, balanced_of: Callable[[Template], Path], tmp_path: Path
) -> None:
    """In-process, to stay fast: the same functions as `nianbao check` and `nianbao excel simulate`."""
    path = tmp_path / "case.xlsx"
    _apply(balanced_of(get_template(template_id)), path, case)
    simulated = simulate(path)
    (report,) = check_paths([path])
    assert simulated["findings"] == [finding_json(f, report.template) for f in report.sorted_findings()]
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert button_marks(simulated["actions"], sheets) == copy_marks(path, report, tmp_path / "out")


def copy_marks(path: Path, report: FileReport, out: Path) -> dict[str, tuple[str | None, str | None]]:
    """The fill and note of every cell the command line's annotated copy marks, by sheet!cell."""
    if not report.findings:
        return {}
    wb = openpyxl.load_workbook(write_annotated(path, report, out).path)
    rows = wb[MARKS_SHEET].iter_rows(min_row=3, values_only=True)
    return {f"{s}!{c}": (wb[s][c].fill.fgColor.rgb, wb[s][c].comment.text) for s, c, *_ in rows}


def test_simulate_explains_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (not_a_book := tmp_path / "年报.xlsx").write_text("不是工作簿", encoding="utf-8")
    assert main(["excel", "simulate", str(not_a_book)]) == 2
    assert "无法处理" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["excel"])
    assert exit_info.value.code == 3 and "命令用法有误" in capsys.readouterr().err


def test_a_workbook_of_no_worksheet_to_check_is_told_so_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Only chart sheets (xlwings lists worksheets only), or only the results sheet of an earlier check: the button says
    so in a message box and changes nothing; `nianbao excel simulate` says it (exit 2)."""
    from openpyxl.chart import BarChart

    wb = openpyxl.Workbook()
    wb.create_chartsheet("图表").add_chart(BarChart())
    wb.remove(wb.active)
    wb.save(charts := tmp_path / "图表.xlsx")
    assert main(["excel", "simulate", str(charts)]) == 2
    told = capsys.readouterr().err
    assert told.startswith(f"无法处理 {charts}：工作簿中没有可校验的工作表：只有图表工作表") and "请在年报模板" in told

    xw = import_xlwings()
    results = {"name": RESULT_SHEET, "values": [["校验结果"]], "visibility": "Visible", "notes": [], "pictures": [],
               "shapes": [], "charts": [], "tables": [], "print_area": None}  # fmt: skip
    for sheets in ([], [results]):
        book = xw.Book(json={"client": "Office.js", "version": xw.__version__, "names": [], "sheets": sheets,
                             "book": {"name": "年报.xlsx", "active_sheet_index": 0, "selection": "A1"}})  # fmt: skip
        try:
            message = validate_book(book)
            [alert] = book.json()["actions"]
        finally:
            book.close()
        assert message == alert["args"][0] and message.startswith("工作簿中没有可校验的工作表")
