"""The annotation plan and the undo record are painter-neutral: anchoring, foreign cells, records of other painters."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from test_writeback import C8, J8, T4_C5, build_source, dump, load, sample_report

from validator.annotate.plan import free_sheet_name, plan_annotation
from validator.annotate.results import link_location
from validator.annotate.undo import KEPT, Original, SavedNote, UndoRecord, fill_colour, read_record
from validator.annotate.zip_painter import clear_file, write_annotated
from validator.cellref import CellRef
from validator.findings import FileReport, Finding, Related
from validator.names import INPUT_FILL, MARKS_SHEET, RESULT_SHEET

SHEETS = {"表三": [(1, 1, 1, 10), (8, 1, 8, 2)], "表四": []}


def test_marks_are_anchored_to_merges_and_never_leave_the_workbook() -> None:
    last_year = CellRef("表三", 8, 10, workbook="2024年报.xlsx")
    report = FileReport(
        "x.xlsx",
        findings=[
            Finding("TX01", "info", "标题有误", CellRef("表三", 1, 5)),
            Finding("XY01", "warning", "与上年不符", J8, (Related(last_year, "上年数"), Related(C8, "加数"))),
            Finding("XY02", "warning", "上年数有误", last_year),
            Finding("ST01", "error", "缺少表五", CellRef("表五", 3, 3)),
        ],
    )
    plan = plan_annotation(report, SHEETS)
    assert [m.cell.ref for m in plan.marks] == ["表三!A1", "表三!C8", "表三!J8"]
    links = {row[1].value: row[3].link for row in plan.results.tables[0].rows}
    assert links == {"TX01": CellRef("表三", 1, 5), "XY01": J8, "XY02": None, "ST01": None}
    places = {row[1].value: row[3].value for row in plan.results.tables[0].rows}
    assert places["XY02"] == "[2024年报.xlsx]表三!J8" and places["ST01"] == "表五!C3"


def test_results_content_without_findings_and_sheet_names() -> None:
    content = plan_annotation(FileReport("d/x.xlsx", notices=["说明一"]), SHEETS, ["写入\x01说明"]).results
    assert content.lines[0] == "文件：x.xlsx" and content.lines[-2:] == ("说明：说明一", "说明：写入\ufffd说明")
    assert content.tables == () and content.empty == "未发现问题。"
    assert free_sheet_name(RESULT_SHEET, ["表三"]) == RESULT_SHEET
    assert free_sheet_name(RESULT_SHEET, [RESULT_SHEET, "校验结果1"]) == "校验结果2"
    assert link_location(CellRef("张三's 表", 2, 3)) == "'张三''s 表'!C2"


def test_undo_record_round_trips_and_reads_every_fill_form() -> None:
    record = UndoRecord("xlwings", RESULT_SHEET, "表三", {"x": 1})
    record.originals += [
        Original("表三", "J8", "#00FF00", SavedNote("原批注\x02", "李四", 300, 200)),
        Original("表三", "C8", "", KEPT),
        Original("表四", "C5", "none", None),
    ]
    again = read_record(record.rows(), ["表三", "表四"])
    assert again == record
    solid_xml = '<fill><patternFill patternType="solid"><fgColor rgb="FFEEEEEE"/></patternFill></fill>'
    theme_xml = '<fill><patternFill patternType="solid"><fgColor theme="4" tint="0.8"/></patternFill></fill>'
    forms = ["#00ff00", "none", "", solid_xml, theme_xml, "<fill><patternFill/></fill>", "<fill><gradientFill/></fill>"]
    assert [fill_colour(f) for f in forms] == ["00FF00", None, INPUT_FILL, "EEEEEE", INPUT_FILL, None, INPUT_FILL]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return build_source(tmp_path / "年报.xlsx")


def test_a_version_1_record_is_still_cleared_exactly(source: Path, tmp_path: Path) -> None:
    """Copies written before the record had a version keep their view state at the top level of the state."""
    marked = write_annotated(source, sample_report(source), out_dir=tmp_path).path
    wb = openpyxl.load_workbook(marked, rich_text=True)
    state = json.loads(wb[MARKS_SHEET]["B1"].value)
    version_1 = {
        "active": 1,
        "tabs": {"表三": [True]},
        "first_sheet": 0,
        "results": state["results"],
    }  # as written then
    wb[MARKS_SHEET]["B1"] = json.dumps(version_1, ensure_ascii=False)
    wb.save(marked)
    assert clear_file(marked, tmp_path / "cleared.xlsx")
    assert dump(load(tmp_path / "cleared.xlsx")) == dump(load(source))


def test_a_record_of_a_painter_that_cannot_read_fills_or_notes(source: Path, tmp_path: Path) -> None:
    """What the xlwings painter writes on Office.js: no fill read (the input fill comes back), notes left alone."""
    wb = openpyxl.load_workbook(source, rich_text=True)
    wb.create_sheet(RESULT_SHEET, 0)["A1"] = "结果"
    record = UndoRecord("xlwings", RESULT_SHEET, "表四")
    record.originals += [Original("表三", "J8", "", KEPT), Original("表四", "C5", "#ABCDEF", None)]
    store = wb.create_sheet(MARKS_SHEET)
    store.sheet_state = "hidden"  # Office.js cannot very-hide a sheet
    for row in record.rows():
        store.append(row)
    wb["表三"]["J8"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFC7CE")
    wb["表四"]["C5"].comment = Comment("【警告·TY01】应填写整数", "年报校验")
    wb.save(tmp_path / "marked.xlsx")

    assert clear_file(tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx")
    cleared = openpyxl.load_workbook(tmp_path / "cleared.xlsx")
    assert cleared.sheetnames == ["表二", "表三", "表四"] and cleared.active.title == "表四"
    assert cleared["表三"]["J8"].fill.fgColor.rgb == f"FF{INPUT_FILL}"
    assert cleared["表三"]["J8"].comment.text == "填报人：合计按系统导出"  # kept: never touched
    assert cleared[T4_C5.sheet][T4_C5.coordinate].fill.fgColor.rgb == "FFABCDEF"
    assert cleared[T4_C5.sheet][T4_C5.coordinate].comment is None
