"""Write-back: annotated copies mark the right cells, keep everything else, and undo exactly."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as XLImage
from openpyxl.styles import Alignment, Border, Color, Font, GradientFill, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image

from validator.annotate.plan import Mark, plan_marks
from validator.annotate.zip_painter import annotated_path, clear_file, write_annotated
from validator.atomic import save_atomic
from validator.cellref import CellRef
from validator.findings import FileReport, Finding, Related
from validator.names import MARKS_SHEET, RESULT_SHEET

J8, C8, D8, E9 = (CellRef("表三", r, c) for r, c in ((8, 10), (8, 3), (8, 4), (9, 5)))
T4_C5 = CellRef("表四", 5, 3)
USER_SHEETS = ["表二", "表三", "表四"]
Convert = Callable[[Path, str, Path], Path]  # the `convert` fixture of conftest: (file, format, out dir) → file
ERROR_RGB = (255, 199, 206)  # FFC7CE
RELATED_RGB = (253, 235, 238)  # FDEBEE


# ---------------------------------------------------------------- inputs


def build_source(path: Path) -> Path:
    """A workbook with the things a real report has: merges, own fills, formats, notes, validation, names, an image."""
    wb = openpyxl.Workbook()
    t2 = wb.active
    t2.title = "表二"
    t2["A1"] = "二、主动公开政府信息情况"
    t2.merge_cells("A1:E1")
    t2["B3"], t2["C3"] = 12, 3
    png = path.with_name("logo.png")
    Image.new("RGB", (60, 30), (30, 120, 200)).save(png)
    t2.add_image(XLImage(png), "G3")

    t3 = wb.create_sheet("表三")
    t3["A1"] = "三、收到和处理政府信息公开申请情况"
    t3.merge_cells("A1:J1")
    t3["A1"].font = Font(bold=True, size=14)
    t3["A1"].alignment = Alignment(horizontal="center")
    t3.row_dimensions[1].height = 30
    t3["A8"] = "一、本年新收政府信息公开申请数量"
    t3.merge_cells("A8:B8")
    t3["A8"].comment = Comment("原有批注：本行为新收申请", "张三")
    thin = Side(style="thin")
    for row in range(8, 11):
        for col in range(3, 11):
            cell = t3.cell(row, col, row * 10 + col)
            cell.number_format = "#,##0"
            cell.font = Font(name="宋体", size=11, color="FF1F3864")
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.protection = Protection(locked=col == 10)
    t3["J8"] = 7
    t3["J9"] = "=SUM(C9:I9)"
    t3["C8"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.7999816888943144))
    t3["D8"].fill = GradientFill(type="linear", degree=90, stop=("FFFFFFFF", "FF4472C4"))
    t3["E9"].fill = PatternFill("solid", start_color="FFEEEEEE", end_color="FFEEEEEE")
    t3["F9"].fill = PatternFill("gray125")
    t3["J8"].comment = Comment("填报人：合计按系统导出", "李四")
    validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    validation.add("C8:J10")
    t3.add_data_validation(validation)
    t3.freeze_panes = "C8"
    t3.column_dimensions["A"].width = 30
    t3.column_dimensions["C"].width = 11.5

    t4 = wb.create_sheet("表四")
    t4["A5"] = "行政复议"
    t4["C5"], t4["D5"], t4["E5"] = 1, 2, 3
    t4["D6"] = "=C5+1"
    t4["A6"] = CellRichText(["说明：", TextBlock(InlineFont(b=True, color="FFC00000"), "本表单位为件")])
    t4.defined_names["本表合计"] = DefinedName("本表合计", attr_text="'表四'!$C$5")
    wb.defined_names["申请合计"] = DefinedName("申请合计", attr_text="'表三'!$J$8:$J$10")

    wb.active = 1
    t2.sheet_view.tabSelected = False
    t3.sheet_view.tabSelected = True
    wb.save(path)
    return path


def sample_report(path: Path) -> FileReport:
    return FileReport(
        path=str(path),
        template="2021",
        findings=[
            Finding("EQ03", "error", "合计应为 20，实为 7", J8, (Related(C8, "加数"), Related(D8, "加数")), 20, 7),
            Finding("TY01", "warning", "应填写整数", T4_C5),
            Finding("XY01", "info", "与上年相比变化较大", E9, (Related(T4_C5, "上年数"),)),
            Finding("ST01", "error", "缺少表五"),
        ],
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return build_source(tmp_path / "年报.xlsx")


# ---------------------------------------------------------------- comparing workbooks


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, rich_text=True)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


STYLE_PARTS = ("font", "fill", "border", "alignment", "protection")


def style(cell) -> tuple:
    return (*(copy(getattr(cell, a)) for a in STYLE_PARTS), cell.number_format)


def note(cell) -> tuple | None:
    return (cell.comment.text, cell.comment.author) if cell.comment else None


def cells(ws) -> dict[str, tuple]:
    """Every cell's value, style, note and link, keyed by coordinate."""
    return {
        c.coordinate: (c.value, style(c), note(c), c.hyperlink.location if c.hyperlink else None)
        for row in ws.iter_rows(min_row=1, max_row=max(ws.max_row, 12), max_col=max(ws.max_column, 12))
        for c in row
    }


def dump(wb) -> dict:
    return {ws.title: (ws.sheet_state, cells(ws)) for ws in wb.worksheets}


def workbook_features(wb) -> dict:
    """Everything besides cells that annotating must keep."""
    sheets = {}
    for name in USER_SHEETS:
        ws = wb[name]
        sheets[name] = (
            sorted(str(r) for r in ws.merged_cells.ranges),
            [(str(dv.sqref), dv.type, dv.operator, dv.formula1) for dv in ws.data_validations.dataValidation],
            {k: v.attr_text for k, v in ws.defined_names.items()},
            ws.freeze_panes,
            {k: d.width for k, d in ws.column_dimensions.items()},
            {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            [(i.anchor._from.row, i.anchor._from.col, i.width, i.height) for i in ws._images],
        )
    return {"names": {k: v.attr_text for k, v in wb.defined_names.items()}, "sheets": sheets}


def parts(path: Path) -> Counter[str]:
    """Package parts by kind: openpyxl numbers sheets and comments by position, so digits are not compared."""
    with zipfile.ZipFile(path) as zf:
        return Counter(re.sub(r"\d+", "N", name) for name in zf.namelist())


# ---------------------------------------------------------------- plan (pure)


def test_plan_marks_one_mark_per_cell_worst_severity_and_notes() -> None:
    marks = plan_marks(sample_report(Path("x.xlsx")).findings)
    assert [m.cell for m in marks] == sorted([J8, C8, D8, E9, T4_C5])
    by_cell = {m.cell: m for m in marks}
    assert by_cell[J8] == Mark(J8, "error", True, "【错误·EQ03】合计应为 20，实为 7")
    assert by_cell[C8] == Mark(C8, "error", False, "【相关·错误·EQ03】加数：合计应为 20，实为 7")
    assert by_cell[T4_C5] == Mark(
        T4_C5, "warning", True, "【警告·TY01】应填写整数\n【相关·提示·XY01】上年数：与上年相比变化较大"
    )
    assert [by_cell[c].colour for c in (J8, C8, T4_C5, E9)] == ["FFC7CE", "FDEBEE", "FFEB9C", "DDEBF7"]


def test_plan_marks_ignores_cell_less_findings_and_repeats() -> None:
    repeated = Finding("EQ01", "warning", "不等", J8, (Related(J8, "合计"),))
    assert plan_marks([Finding("ST01", "error", "缺表")]) == []
    assert plan_marks([repeated, repeated]) == [Mark(J8, "warning", True, "【警告·EQ01】不等")]


# ---------------------------------------------------------------- annotated copy


def test_annotated_copy_marks_cells_and_keeps_everything_else(source: Path, tmp_path: Path) -> None:
    report = sample_report(source)
    out = write_annotated(source, report, out_dir=tmp_path / "out").path
    assert out == tmp_path / "out" / "年报.校验.xlsx"
    original, annotated = load(source), load(out)

    assert annotated.sheetnames == [RESULT_SHEET, *USER_SHEETS, MARKS_SHEET]
    assert annotated.active.title == RESULT_SHEET
    assert [ws.title for ws in annotated if ws.sheet_view.tabSelected] == [RESULT_SHEET]
    assert annotated[MARKS_SHEET].sheet_state == "veryHidden"
    expected_fills = {J8: "FFFFC7CE", C8: "FFFDEBEE", D8: "FFFDEBEE", E9: "FFDDEBF7", T4_C5: "FFFFEB9C"}
    for ref, rgb in expected_fills.items():
        cell = annotated[ref.sheet][ref.coordinate]
        assert (cell.fill.fill_type, cell.fill.fgColor.rgb) == ("solid", rgb), ref
        assert cell.comment.author == "年报校验"
    assert annotated["表三"]["J8"].comment.text == (
        "【错误·EQ03】合计应为 20，实为 7\n——原批注——\n填报人：合计按系统导出"
    )
    assert annotated["表三"]["C8"].comment.text == "【相关·错误·EQ03】加数：合计应为 20，实为 7"

    marked = {r.coordinate for r in expected_fills if r.sheet == "表三"}, {T4_C5.coordinate}
    for name, skip in zip(USER_SHEETS, (set(), *marked), strict=True):
        before, after = cells(original[name]), cells(annotated[name])
        for coordinate in skip:  # marked: only fill and note may differ
            (value, style_before, *_), (value_after, style_after, *_) = before.pop(coordinate), after.pop(coordinate)
            assert value == value_after and style_before[:1] + style_before[2:] == style_after[:1] + style_after[2:]
        assert before == after, name
    assert annotated["表三"]["J9"].value == "=SUM(C9:I9)"
    assert isinstance(annotated["表四"]["A6"].value, CellRichText)
    assert workbook_features(annotated) == workbook_features(original)
    # added: the two tool sheets, notes (with their VML and sheet relations) on 表四, which had none, the undo store
    added = ["xl/worksheets/sheetN.xml"] * 2 + ["xl/commentsN.xml", "xl/drawings/vmlDrawingN.vml"]
    assert parts(out) == parts(source) + Counter([*added, "xl/worksheets/_rels/sheetN.xml.rels", "nianbao/undo.zip"])
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        kept = [n for n in a.namelist() if a.read(n) == b.read(n)]
        assert b.namelist()[: len(a.namelist())] == a.namelist()  # in their order, new parts after them
    changed = {
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet3.xml",
        "xl/comments/comment1.xml",
        "xl/drawings/commentsDrawing1.vml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    assert set(a.namelist()) - set(kept) == changed


def result_rows(ws) -> list[tuple]:
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    assert ws.freeze_panes == f"A{header + 1}"
    return list(ws.iter_rows(min_row=header + 1, max_col=5))


def test_results_sheet_lists_findings_with_links(source: Path, tmp_path: Path) -> None:
    report = sample_report(source)
    wb = openpyxl.load_workbook(write_annotated(source, report, out_dir=tmp_path).path)
    ws = wb[RESULT_SHEET]
    column_a = [ws.cell(r, 1).value for r in range(1, 6)]
    assert "文件：年报.xlsx" in column_a and "模板：2021" in column_a
    assert "结果：错误 2 项，警告 1 项，提示 1 项" in column_a
    rows = result_rows(ws)
    expected = [(f.rule, f.cell.ref if f.cell else "整个工作簿", f.message) for f in report.sorted_findings()]
    assert [(r[1].value, r[3].value, r[4].value) for r in rows] == expected
    assert [r[0].value for r in rows] == [1, 2, 3, 4]
    assert rows[0][2].fill.fgColor.rgb == "FFFFC7CE"
    for row, finding in zip(rows, report.sorted_findings(), strict=True):
        link = row[3].hyperlink
        if finding.cell is None:
            assert link is None
            continue
        assert link.target is None and link.location == f"'{finding.cell.sheet}'!{finding.cell.coordinate}"
        sheet, coordinate = link.location.rsplit("!", 1)
        assert wb[sheet.strip("'")][coordinate].coordinate == finding.cell.coordinate


def test_results_sheet_without_findings_says_so(source: Path, tmp_path: Path) -> None:
    report = FileReport(path=str(source), template="2021", notices=["说明一", "说明二"])
    ws = openpyxl.load_workbook(write_annotated(source, report, out_dir=tmp_path).path)[RESULT_SHEET]
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "说明：说明一" in texts and "说明：说明二" in texts
    assert texts[-1] == "未发现问题。" and "序号" not in texts


def test_source_untouched_and_in_place_keeps_backup(source: Path) -> None:
    digest = sha(source)
    write_annotated(source, sample_report(source))
    assert sha(source) == digest

    out = write_annotated(source, sample_report(source), in_place=True).path
    backup = source.with_name("年报.bak.xlsx")
    assert out == source and sha(backup) == digest and sha(source) != digest
    assert openpyxl.load_workbook(source).sheetnames[0] == RESULT_SHEET


def test_annotating_again_replaces_old_marks(source: Path, tmp_path: Path) -> None:
    once = write_annotated(source, sample_report(source), out_dir=tmp_path / "once").path
    twice = write_annotated(once, sample_report(source), out_dir=tmp_path / "twice").path
    assert dump(load(twice)) == dump(load(once))

    other = FileReport(path=str(source), findings=[Finding("EQ01", "warning", "不等", CellRef("表四", 6, 4))])
    redone = load(write_annotated(once, other, out_dir=tmp_path / "other").path)
    original = load(source)
    for ref in (J8, C8, D8, E9, T4_C5):
        assert style(redone[ref.sheet][ref.coordinate]) == style(original[ref.sheet][ref.coordinate]), ref
        assert note(redone[ref.sheet][ref.coordinate]) == note(original[ref.sheet][ref.coordinate]), ref
    assert redone["表四"]["D6"].fill.fgColor.rgb == "FFFFEB9C"
    assert len(result_rows(redone[RESULT_SHEET])) == 1


def test_clear_restores_the_original_exactly(source: Path, tmp_path: Path) -> None:
    annotated = write_annotated(source, sample_report(source), out_dir=tmp_path).path
    cleared = tmp_path / "cleared.xlsx"
    assert clear_file(annotated, cleared)
    original, restored = load(source), load(cleared)
    assert restored.sheetnames == USER_SHEETS
    assert dump(restored) == dump(original)
    assert workbook_features(restored) == workbook_features(original)
    assert restored.active.title == "表三"
    assert [ws.sheet_view.tabSelected for ws in restored] == [ws.sheet_view.tabSelected for ws in original]
    assert parts(cleared) == parts(source)

    digest = sha(source)
    assert not clear_file(source, tmp_path / "nothing.xlsx")
    assert sha(source) == digest and not (tmp_path / "nothing.xlsx").exists()


def entries(path: Path) -> dict[str, bytes]:
    """Every entry of a package by name, in order."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_marking_twice_then_clearing_gives_back_every_part(source: Path, tmp_path: Path) -> None:
    wb = load(source)
    wb["表三"]["J8"].comment = Comment("宽批注", "王五", height=200, width=300)
    wb.save(noted := tmp_path / "宽批注.xlsx")
    once = write_annotated(noted, sample_report(noted), out_dir=tmp_path / "once").path
    twice = write_annotated(once, sample_report(noted), out_dir=tmp_path / "twice").path
    assert entries(twice) == entries(once)  # checking a copy again repaints the same marks
    cleared = tmp_path / "cleared.xlsx"
    assert clear_file(twice, cleared) and not clear_file(cleared, tmp_path / "again.xlsx")
    assert list(entries(cleared).items()) == list(entries(noted).items())  # the note's size with it


def test_copies_written_seconds_apart_hold_the_same_parts(source: Path, tmp_path: Path) -> None:
    """No clock in what a copy holds (zip dates entries to 2 seconds): the same check gives the same parts later."""
    first = write_annotated(source, sample_report(source), out_dir=tmp_path / "first").path
    time.sleep(2.1)
    second = write_annotated(source, sample_report(source), out_dir=tmp_path / "second").path
    assert entries(second) == entries(first)


def marked_copy(source: Path, tmp_path: Path, *findings: Finding) -> openpyxl.Workbook:
    return load(write_annotated(source, FileReport(path=str(source), findings=list(findings)), tmp_path).path)


def test_marks_on_merged_cells_go_to_the_top_left_cell(source: Path, tmp_path: Path) -> None:
    wb = marked_copy(source, tmp_path, Finding("TX01", "info", "标题有误", CellRef("表三", 1, 5)))
    assert wb["表三"]["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert wb["表三"]["A1"].comment.text == "【提示·TX01】标题有误"


def test_a_user_sheet_named_like_the_results_sheet_survives(source: Path, tmp_path: Path) -> None:
    wb = load(source)
    wb.create_sheet(RESULT_SHEET)["A1"] = "用户自己的表"
    wb.save(own := tmp_path / "own.xlsx")
    out = write_annotated(own, sample_report(own), tmp_path / "out").path
    marked = load(out)
    assert marked.sheetnames[0] != RESULT_SHEET and marked.active is marked.worksheets[0]
    assert clear_file(out) and load(out)[RESULT_SHEET]["A1"].value == "用户自己的表"


# ---------------------------------------------------------------- files and paths


def test_annotated_path_does_not_stack_suffixes_on_our_own_copies(source: Path, tmp_path: Path) -> None:
    assert annotated_path(source, None) == source.with_name("年报.校验.xlsx")
    copy_path = write_annotated(source, sample_report(source)).path
    assert (
        write_annotated(copy_path, sample_report(copy_path), tmp_path / "o").path == tmp_path / "o" / "年报.校验.xlsx"
    )
    assert write_annotated(copy_path, sample_report(copy_path)).path == copy_path  # refreshed in place: it is ours


def test_a_users_file_named_like_a_copy_is_never_overwritten(source: Path, tmp_path: Path) -> None:
    own = tmp_path / "总结.校验.xlsx"
    shutil.copyfile(source, own)
    before = own.read_bytes()
    assert write_annotated(own, sample_report(own)).path == tmp_path / "总结.校验.校验.xlsx"
    assert own.read_bytes() == before


def test_in_place_never_overwrites_an_earlier_backup(source: Path, tmp_path: Path) -> None:
    target = source
    original = target.read_bytes()
    write_annotated(target, sample_report(target), in_place=True)
    write_annotated(target, sample_report(target), in_place=True)
    assert (tmp_path / "年报.bak.xlsx").read_bytes() == original
    assert (tmp_path / "年报.bak2.xlsx").is_file()


def with_extra_parts(
    source: Path, target: Path, extra: dict[str, bytes], edit: dict[str, list[tuple[str, str]]]
) -> Path:
    """A copy of source's package with parts added and (old, new) text replacements in existing parts."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            for old, new in edit.get(name, []):
                assert old.encode() in data, (name, old)
                data = data.replace(old.encode(), new.encode(), 1)
            zout.writestr(name, data)
        for name, data in extra.items():
            zout.writestr(name, data)
    return target


def test_macros_are_kept_and_renamed_extensions_load(source: Path, tmp_path: Path) -> None:
    vba = b"\xd0\xcf\x11\xe0 fake vba project"
    vba_rel = (
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        ' Target="vbaProject.bin"/></Relationships>'
    )
    edits = {
        "[Content_Types].xml": [("sheet.main+xml", "sheet.macroEnabled.main+xml")],
        "xl/_rels/workbook.xml.rels": [("</Relationships>", vba_rel)],
    }
    macro = with_extra_parts(source, tmp_path / "宏.xlsm", {"xl/vbaProject.bin": vba}, edits)
    out = write_annotated(macro, sample_report(macro)).path
    assert out.name == "宏.校验.xlsm"
    with zipfile.ZipFile(out) as zf:
        assert zf.read("xl/vbaProject.bin") == vba
        assert b"macroEnabled" in zf.read("[Content_Types].xml")

    renamed = shutil.copy(source, tmp_path / "年报.dat")
    assert load(write_annotated(renamed, sample_report(renamed)).path).sheetnames[1:-1] == USER_SHEETS


def test_save_atomic_leaves_no_partial_file(source: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    (blocked / "目标.xlsx").mkdir(parents=True)  # a directory where the file should go: os.replace fails
    with pytest.raises(OSError):
        save_atomic(load(source), blocked / "目标.xlsx")
    assert [p.name for p in blocked.iterdir()] == ["目标.xlsx"]


# ---------------------------------------------------------------- parts openpyxl would drop

SHAPE_DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<xdr:twoCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff>
</xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>8</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>
<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="文本框 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>
<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>
<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>填报说明</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/>
</xdr:twoCellAnchor></xdr:wsDr>""".encode()
SHAPE_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Target="../drawings/drawing9.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"/></Relationships>"""
MAIN_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>表二!$B$3:$C$3</xm:f></x14:formula1>'
    "<xm:sqref>H5</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"
)


def lossy_workbook(source: Path, target: Path) -> Path:
    """source plus a text box on 表四 and a cross-sheet (x14) data validation on 表三, written by hand."""
    return with_extra_parts(
        source,
        target,
        {"xl/drawings/drawing9.xml": SHAPE_DRAWING, "xl/worksheets/_rels/sheet3.xml.rels": SHAPE_RELS},
        {
            "xl/worksheets/sheet3.xml": [
                (MAIN_NS, f"{MAIN_NS} {R_NS}"),
                ("</worksheet>", '<drawing r:id="rId9"/></worksheet>'),
            ],
            "xl/worksheets/sheet2.xml": [("</worksheet>", X14_VALIDATION)],
            "[Content_Types].xml": [
                (
                    "</Types>",
                    '<Override PartName="/xl/drawings/drawing9.xml" '
                    'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
                )
            ],
        },
    )


def test_parts_openpyxl_would_drop_survive(source: Path, tmp_path: Path) -> None:
    lossy = lossy_workbook(source, tmp_path / "有文本框.xlsx")
    report = sample_report(lossy)
    written = write_annotated(lossy, report)
    assert written.notices == () and report.notices == []
    before, after = entries(lossy), entries(written.path)
    assert after["xl/drawings/drawing9.xml"] == before["xl/drawings/drawing9.xml"]
    assert (
        b"txBox" in after["xl/drawings/drawing9.xml"] and b'<drawing r:id="rId9"/>' in after["xl/worksheets/sheet3.xml"]
    )
    assert after["xl/worksheets/sheet2.xml"].count(b"x14:dataValidation ") == 1  # 表三, marked, keeps its extension
    assert load(written.path)["表三"]["J8"].fill.fgColor.rgb == "FFFFC7CE"


RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}"
 Target="{target}"/></Relationships>"""
CHART_DRAWING = b"""<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">
<xdr:twoCellAnchor><xdr:graphicFrame macro=""/></xdr:twoCellAnchor></xdr:wsDr>"""


@pytest.mark.parametrize(
    ("kind", "part", "expected"),
    [
        ("control", "xl/activeX/activeX1.xml", "ActiveX 控件（表四）"),
        ("ctrlProp", "xl/ctrlProps/ctrlProp1.xml", "表单控件（表四）"),
        ("threadedComment", "xl/threadedComments/threadedComment1.xml", "可回复的新式批注（表四）"),
        ("slicer", "xl/slicers/slicer1.xml", "切片器（表四）"),
        ("drawing", "xl/drawings/drawing9.xml", "图表（表四）"),  # a chart, found through its drawing
    ],
)
def test_parts_of_any_kind_survive_on_a_marked_sheet(
    source: Path, tmp_path: Path, kind: str, part: str, expected: str
) -> None:
    rels = RELS.format(kind=kind, target=f"../{part.removeprefix('xl/')}").encode()
    extra = {part: b"<x/>", "xl/worksheets/_rels/sheet3.xml.rels": rels}
    if kind == "drawing":
        chart_rels = RELS.format(kind="chart", target="../charts/chart1.xml").encode()
        extra |= {
            part: CHART_DRAWING,
            "xl/drawings/_rels/drawing9.xml.rels": chart_rels,
            "xl/charts/chart1.xml": b"<c/>",
        }
    with_part = with_extra_parts(source, tmp_path / "x.xlsx", extra, {})
    report = FileReport(path=str(with_part), findings=[Finding("TY01", "warning", "应填写整数", T4_C5)])
    after = entries(write_annotated(with_part, report).path)
    assert all(after[name] == data for name, data in extra.items() if name != "xl/worksheets/_rels/sheet3.xml.rels")
    assert b'Id="rId9"' in after["xl/worksheets/_rels/sheet3.xml.rels"], expected


# ---------------------------------------------------------------- LibreOffice


@pytest.fixture
def pdftoppm(pdftotext: str) -> str:
    """poppler's PDF-to-PNG program, installed together with pdftotext (poppler-utils)."""
    return str(Path(pdftotext).with_name("pdftoppm"))


FODS_WITH_SHAPE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet><table:table table:name="表二"><table:shapes>
<draw:rect svg:x="1cm" svg:y="1cm" svg:width="4cm" svg:height="2cm"><text:p>填报说明</text:p></draw:rect>
</table:shapes><table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>
</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document>"""


def test_a_shape_in_a_libreoffice_made_file_survives(convert: Convert, tmp_path: Path) -> None:
    fods = tmp_path / "形状.fods"
    fods.write_text(FODS_WITH_SHAPE, encoding="utf-8")
    xlsx = convert(fods, "xlsx:Calc MS Excel 2007 XML", tmp_path)
    report = FileReport(path=str(xlsx), findings=[Finding("TY01", "warning", "应填写整数", CellRef("表二", 1, 1))])
    before, after = entries(xlsx), entries(write_annotated(xlsx, report).path)
    drawings = [name for name in before if name.startswith("xl/drawings/drawing")]
    assert drawings and all(after[name] == before[name] for name in drawings)


def test_libreoffice_renders_the_error_fill(
    source: Path, tmp_path: Path, convert: Convert, pdftotext: str, pdftoppm: str
) -> None:
    annotated = write_annotated(source, sample_report(source), out_dir=tmp_path).path
    pdf = convert(annotated, "pdf", tmp_path)
    subprocess.run([pdftoppm, "-r", "72", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    first_page = subprocess.run([pdftotext, "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True)
    assert "校验结果" in first_page.stdout
    pixels = [
        {rgb: n for n, rgb in Image.open(png).convert("RGB").getcolors(1 << 24)}
        for png in sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    ]
    assert pixels[0].get(ERROR_RGB, 0) > 0  # the 级别 cells of the errors on the results sheet
    # Past the results sheet, the only error fill is that of 表三!J8 (at 72 dpi a cell is about 66 × 20 px).
    on_sheets = sum(page.get(ERROR_RGB, 0) for page in pixels[1:])
    assert on_sheets >= 500, f"表三!J8 is not visibly filled: {on_sheets} pixels of FFC7CE"
    assert sum(page.get(RELATED_RGB, 0) for page in pixels[1:]) >= 1000  # C8 and D8
