"""汇总.xlsx as written for real results, read back by openpyxl, python-calamine and LibreOffice: the same cells, the
status fills, the links to the annotated copies, the office's decision list and the print setup."""

from __future__ import annotations

import shutil
from pathlib import Path, PureWindowsPath
from urllib.parse import unquote

import openpyxl
import pytest
import python_calamine
from batch_set import HOSTILE
from builders import TEMPLATE, build

from validator import check_paths
from validator.batch.inputs import Skipped
from validator.batch.outcome import Outcome
from validator.batch.rows import FINDING_HEADERS
from validator.batch.summary_xlsx import MAX_WIDTH, write_summary
from validator.batch.totals import NOTE_ROWS
from validator.batch.work import unreadable
from validator.findings import Copy
from validator.forms.layout import sheet_layout
from validator.forms.sample import balanced_values, valid_credit_code
from validator.names import LABEL_FILL
from validator.render.json import report_json

COPY = "标注/本年 二/乙.校验.xlsx"  # a space and a sub-folder: the link must still lead there
LATER = "以排在后面的该份为准；如应以本份为准，请撤下另一份后重新校验"
FILLS = {"通过": "C6EFCE", "有错误": "FFC7CE", "无法读取": "D9D9D9"}


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("summary")
    good = balanced_values(TEMPLATE) | {"agency_name": HOSTILE}
    wrong = balanced_values(TEMPLATE) | {"agency_name": "某县乙局", "t3.new.total": 999}
    wrong["credit_code"] = valid_credit_code("11330521MB0000002")  # another agency: 甲 is summed
    paths = [build(root / "甲.xlsx", good), build(root / "乙.xlsx", wrong)]
    reports = check_paths(paths)
    for report, path in zip(reports, paths):
        report.path = f"本年/{path.name}"
    docs = [report_json(reports[0]), report_json(reports[1], Copy(COPY))]
    docs.append(report_json(unreadable("本年/丙.xlsx", "文件已损坏，无法打开。")))
    target = root / "汇总.xlsx"
    write_summary(target, Outcome(docs, [Skipped("说明.txt", "不是工作簿")], None, None))
    return target, docs


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def test_agency_rows_status_fills_and_links(summary):
    path, docs = summary
    ws = openpyxl.load_workbook(path)["汇总"]
    header = [c.value for c in ws[1]]
    assert all(c.font.b and _fill(c) == "F2F2F2" for c in ws[1])
    status, copy = header.index("状态") + 1, header.index("标注副本") + 1
    assert [ws.cell(r, header.index("文件") + 1).value for r in (2, 3, 4)] == [d["file"] for d in docs]
    assert [ws.cell(r, status).value for r in (2, 3, 4)] == ["通过", "有错误", "无法读取"]
    assert [_fill(ws.cell(r, status)) for r in (2, 3, 4)] == [FILLS["通过"], FILLS["有错误"], FILLS["无法读取"]]
    assert ws.cell(2, 1).value == HOSTILE and ws.cell(2, 1).data_type == "s"  # text, never a formula
    assert not [c.coordinate for sheet in ws.parent for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    link = ws.cell(3, copy)
    assert link.value == "打开" and link.font.u == "single" and link.font.color.rgb.endswith("0563C1")
    assert PureWindowsPath(unquote(link.hyperlink.target)).as_posix() == COPY
    assert ws.cell(2, copy).hyperlink is None and ws.cell(4, copy).hyperlink is None
    assert ws.cell(3, header.index("错误") + 1).value == docs[1]["counts"]["error"] > 0


def test_tables_freeze_filter_print_and_fit(summary):
    path, _ = summary
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "规则统计", "问题明细", "全区合计", "未校验的文件"]
    for ws in wb:
        assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_options.gridLines) == (
            "landscape",
            9,
            True,
        )
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        if ws.title == "全区合计":
            continue
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert (ws.freeze_panes, ws.print_title_rows, ws.auto_filter.ref) == ("A2", "$1:$1", f"A1:{last}{ws.max_row}")
        # stored as Excel stores a width: with the cell's padding (under one character)
        assert all(0 < d.width <= MAX_WIDTH + 1 for d in ws.column_dimensions.values())
    details = wb["问题明细"]
    message = FINDING_HEADERS.index("说明")
    for row in details.iter_rows(min_row=2):
        tall = len(str(row[message].value)) > MAX_WIDTH
        assert row[message].alignment.wrap_text is (True if tall else None)
        assert all(c.alignment.vertical == ("top" if tall else None) for c in row)
    assert [tuple(r) for r in wb["未校验的文件"].iter_rows(min_row=2, values_only=True)] == [("说明.txt", "不是工作簿")]


def test_decision_list_on_every_finding(summary):
    path, _ = summary
    ws = openpyxl.load_workbook(path)["问题明细"]
    (choice,) = ws.data_validations.dataValidation
    column = openpyxl.utils.get_column_letter(FINDING_HEADERS.index("处理意见") + 1)
    assert (choice.type, choice.formula1, str(choice.sqref)) == (
        "list",
        '"接受,退回"',
        f"{column}2:{column}{ws.max_row}",
    )
    assert choice.showErrorMessage and choice.showInputMessage and choice.allow_blank
    assert choice.errorTitle == "处理意见" and "接受" in choice.error and "--since" in choice.prompt


def test_region_totals_sum_the_report_that_passed(summary):
    path, _ = summary
    ws = openpyxl.load_workbook(path)["全区合计"]
    assert "纳入合计：1 份" in ws["A2"].value and ws["A1"].font.b
    values, top = balanced_values(TEMPLATE), NOTE_ROWS + 1
    for sheet in (s for s in TEMPLATE.sheets if s.tables):
        layout = sheet_layout(sheet)
        for slot in layout.slots:
            assert ws.cell(slot.row + top, slot.col).value == pytest.approx(float(values[slot.key])), slot.key
        caption = layout.blocks[0]
        assert ws.cell(caption.top + top, caption.left).value == sheet.title
        for b in layout.blocks:  # labels look as in the official form: grey, bordered, merged over their rectangle
            cell = ws.cell(b.top + top, b.left)
            assert cell.value == b.text
            labelled = b.role != "title"
            assert (cell.border.left.style == "thin", _fill(cell) == LABEL_FILL) == (labelled, labelled), b
            if b.merged:
                assert f"{cell.coordinate}:{ws.cell(b.bottom + top, b.right).coordinate}" in ws.merged_cells, b
        top += max(b.bottom for b in layout.blocks) + 1


def test_region_totals_count_each_agency_once_and_only_the_batch_year(tmp_path: Path):
    """Of one agency's reports the last in the batch's order is summed (of an identical twin, one; of a second
    version with errors, none), a report of another year never; the sheet lists each one left out and why."""

    def report(name: str, code17: str, **changes: object) -> dict[str, object]:
        return balanced_values(TEMPLATE) | {"agency_name": name, "credit_code": valid_credit_code(code17)} | changes

    paths = [build(tmp_path / "民政局.xlsx", report("某县民政局", "11330521MB0000032"))]
    paths.append(Path(shutil.copy(paths[0], tmp_path / "民政局（重发）.xlsx")))  # byte-identical
    paths.append(build(tmp_path / "人防办.xlsx", report("某县人防办", "11330521MB0000928", report_year=2024)))
    paths.append(build(tmp_path / "甲局.xlsx", report("某县甲局", "11330521MB0000001")))
    paths.append(build(tmp_path / "甲局-改.xlsx", report("某县甲局", "11330521MB0000001", **{"t3.new.total": 999})))
    paths.append(build(tmp_path / "乙局.xlsx", report("某县乙局", "11330521MB0000002")))
    reports = check_paths(paths)
    for r, path in zip(reports, paths):
        r.path = path.name
    assert [r.counts["error"] > 0 for r in reports] == [False, False, False, False, True, False]
    write_summary(tmp_path / "汇总.xlsx", Outcome([report_json(r) for r in reports], [], None, None))
    ws = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["全区合计"]
    assert "2025 年度" in ws["A1"].value
    assert "纳入合计：2 份" in ws["A2"].value and "未纳入：4 份" in ws["A2"].value
    assert "排在最后的一份" in ws["A3"].value and "其他报告年度" in ws["A3"].value
    values, top = balanced_values(TEMPLATE), NOTE_ROWS + 1
    for sheet in (s for s in TEMPLATE.sheets if s.tables):  # 民政局（重发） and 乙局
        layout = sheet_layout(sheet)
        for slot in layout.slots:
            assert ws.cell(slot.row + top, slot.col).value == pytest.approx(2 * float(values[slot.key])), slot.key
        top += max(b.bottom for b in layout.blocks) + 1
    assert ws.cell(top + 1, 1).value == "未纳入合计的报告（4 份）"
    assert [ws.cell(r, 1).value for r in range(top + 2, ws.max_row + 1)] == [
        f"民政局.xlsx：与 民政局（重发）.xlsx 是同一单位（机关名称相同），{LATER}",
        "人防办.xlsx：报告年度为 2024，不是本批的 2025 年度；如填错，请单位改正后重新报送",
        f"甲局.xlsx：与 甲局-改.xlsx 是同一单位（机关名称相同），{LATER}",
        "甲局-改.xlsx：有错误，改正后重新校验即可纳入合计",
    ]


def test_region_totals_name_how_reports_are_one_agency_and_leave_out_reports_of_no_agency(tmp_path: Path):
    """A report without 机关名称 is its agency's by the code (and said so); one with neither name nor code cannot be
    told apart from another agency's copy: it is left out (summing it could count an agency twice), and said why."""
    values = balanced_values(TEMPLATE)
    named = values | {"agency_name": "某县甲局", "credit_code": valid_credit_code("11330521MB0000001")}
    paths = [build(tmp_path / "甲局.xlsx", named), build(tmp_path / "甲局无名称.xlsx", named | {"agency_name": None})]
    paths += [
        build(tmp_path / p, values | {"agency_name": None, "credit_code": None}) for p in ("无名1.xlsx", "无名2.xlsx")
    ]
    reports = check_paths(paths)
    for r, path in zip(reports, paths):
        r.path = path.name
    assert [r.counts["error"] for r in reports] == [0, 0, 0, 0]
    write_summary(tmp_path / "汇总.xlsx", Outcome([report_json(r) for r in reports], [], None, None))
    ws = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["全区合计"]
    assert "纳入合计：1 份" in ws["A2"].value and "未纳入：3 份" in ws["A2"].value
    assert "机关名称和统一社会信用代码都未填写的报告不计入" in ws["A3"].value
    top = NOTE_ROWS + 1
    for sheet in (s for s in TEMPLATE.sheets if s.tables):  # 甲局无名称.xlsx alone
        layout = sheet_layout(sheet)
        for slot in layout.slots:
            assert ws.cell(slot.row + top, slot.col).value == pytest.approx(float(values[slot.key])), slot.key
        top += max(b.bottom for b in layout.blocks) + 1
    assert ws.cell(top + 1, 1).value == "未纳入合计的报告（3 份）"
    no_agency = (
        "未填写机关名称和统一社会信用代码，无法确认是哪个单位（也无法判断是否与其他报告重复），请单位补填后重新报送"
    )
    assert [ws.cell(r, 1).value for r in range(top + 2, ws.max_row + 1)] == [
        f"甲局.xlsx：与 甲局无名称.xlsx 是同一单位（统一社会信用代码相同），{LATER}",
        f"无名1.xlsx：{no_agency}",
        f"无名2.xlsx：{no_agency}",
    ]


def test_calamine_reads_the_same_cells(summary):
    path, _ = summary
    wb = openpyxl.load_workbook(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == wb.sheetnames
    for name in ("汇总", "规则统计", "问题明细", "未校验的文件"):
        rows = book.get_sheet_by_name(name).to_python()
        expected = [["" if v is None else v for v in row] for row in wb[name].iter_rows(values_only=True)]
        assert [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in rows] == expected


def test_libreoffice_shows_the_text_as_typed(summary, convert, tmp_path: Path):
    path, _ = summary
    text = convert(path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path).read_text("utf-8")
    assert HOSTILE.replace('"', '""') in text and "有错误" in text and "无法读取" in text


def test_a_copy_path_too_long_for_a_link_is_shown_as_text(summary, tmp_path: Path):
    _, docs = summary
    deep = "标注/" + "很长的文件夹名/" * 300 + "乙.校验.xlsx"  # over Excel's 2,080 characters for a link
    write_summary(tmp_path / "汇总.xlsx", Outcome([docs[1] | {"annotated": deep}], [], None, None))
    ws = openpyxl.load_workbook(tmp_path / "汇总.xlsx")["汇总"]
    cell = ws.cell(2, [c.value for c in ws[1]].index("标注副本") + 1)
    assert (cell.value, cell.hyperlink) == (deep, None)
