"""Structure: real workbooks laid out differently, labelled differently or built wrongly, read back from .xlsx files.

Every variant is written with openpyxl by tests/builders.py and checked through `check_files`; the assertions are
the exact (rule, cell) pairs, so a structural problem must give its one ST finding and no cascade of EQ findings.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from builders import TEMPLATE, build, enumeration_comma, half_width, loose_spacing, pasted_invisibly
from packages import edit_part, repack

from validator import check_paths
from validator.findings import FileReport
from validator.forms.sample import balanced_values

VALUES = balanced_values(TEMPLATE)
RENAMED = {"封面": "Sheet0", "正文": "Sheet1", "表二": "Sheet2", "表三": "Sheet3", "表四": "Sheet4"}
REAL_SIX = ("（六）其他处理", "(六) 其他处理")  # as the published report writes it: one row, half-width brackets
WRONG_T3 = {"t3.unable_not_held.natural": VALUES["t3.unable_not_held.natural"] + 1}  # 表三!D17 in the template
NO_OTHER = {  # nothing in 表三's 其他 column (moved to 自然人), as in a report printed without that column
    f"t3.{row.key}.{col}": VALUES[f"t3.{row.key}.natural"] + VALUES[f"t3.{row.key}.other"] if col == "natural" else 0
    for row in TEMPLATE.tables["t3"].row_leaves
    for col in ("natural", "other")
}
WRONG_T4 = {"t4.cases.direct.pending": VALUES["t4.cases.direct.pending"] + 1}  # 表四!I5; blamed on 总计 J5


def check(path: Path, changes: dict[str, object] | None = None, **variant) -> FileReport:
    """Build the balanced workbook (with `changes`) as `variant`, and check the file."""
    (report,) = check_paths([build(path / "report.xlsx", VALUES | (changes or {}), **variant)])
    assert report.error is None
    return report


def only(report: FileReport, rule: str):
    (finding,) = [f for f in report.findings if f.rule == rule]
    return finding


# ---------------------------------------------------------------- layout: where the tables are

LAYOUTS = {
    "template": ({}, "表三!D17", "表四!J5"),
    "blank rows above and inside 表三, above 表四": (
        {"insert_rows": {"表三": {2: 3, 12: 2}, "表四": {2: 2}}},
        "表三!D22",
        "表四!J7",
    ),
    "blank rows between header rows": ({"insert_rows": {"表三": {3: 1, 4: 2}, "表四": {4: 1}}}, "表三!D20", "表四!J6"),
    "tables moved down and right": ({"move": {"表二": (2, 3), "表三": (4, 2), "表四": (3, 1)}}, "表三!F21", "表四!K8"),
    "renamed sheets": ({"rename": RENAMED}, "Sheet3!D17", "Sheet4!J5"),
    "blank rows in 表二": ({"insert_rows": {"表二": {5: 1, 7: 2, 16: 1}}}, "表三!D17", "表四!J5"),
}


@pytest.mark.parametrize(("variant", "t3", "t4"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_layout_variants_are_clean(tmp_path: Path, variant: dict, t3: str, t4: str) -> None:
    assert check(tmp_path, **variant).findings == []


@pytest.mark.parametrize(("variant", "t3", "t4"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_wrong_value_is_reported_at_its_real_address(tmp_path: Path, variant: dict, t3: str, t4: str) -> None:
    report = check(tmp_path, WRONG_T3 | WRONG_T4, **variant)
    assert report.flatten() == [("EQ02", t3), ("EQ03", t3), ("EQ04", t4)]


# ---------------------------------------------------------------- labels written differently


def _every_variant(text: str) -> str:
    return loose_spacing(enumeration_comma(half_width(text)))


LABELS = {
    "half-width punctuation": half_width,
    "1、 numbering": enumeration_comma,
    "spaces and line breaks": loose_spacing,
    "invisible characters": pasted_invisibly,
    "all of them": _every_variant,
    "group prefixed": {
        "（一）予以公开": "三、（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "三、（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "1.属于国家秘密": "（三）1.属于国家秘密",
        "1.本机关不掌握相关政府信息": "三、（四）1.本机关不掌握相关政府信息",
        "3.其他": "（六）3.其他",
    },
    "as published": {
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)",
        "1.属于国家秘密": "1. 属于国家秘密",
        "3.危及“三安全一稳定”": "3. 危及“三安全一稳定”",
        "（七）总计": "(七) 总计",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）": "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)",
    },
}


@pytest.mark.parametrize("relabel", LABELS.values(), ids=LABELS.keys())
def test_label_variants_are_clean(tmp_path: Path, relabel) -> None:
    assert check(tmp_path, relabel=relabel).findings == []


def test_label_variants_still_check_values(tmp_path: Path) -> None:
    report = check(tmp_path, WRONG_T3 | WRONG_T4, relabel=_every_variant)
    assert report.flatten() == [("EQ02", "表三!D17"), ("EQ03", "表三!D17"), ("EQ04", "表四!J5")]


# ---------------------------------------------------------------- structure errors: one finding, no cascade


def test_missing_other_column(tmp_path: Path) -> None:
    report = check(tmp_path, NO_OTHER, drop_column={"表三": "其他"})
    assert report.flatten() == [("ST03", "")]
    assert "「其他」列" in report.findings[0].message
    assert "42项勾稽关系中有2项因此无法校验：EQ01「其他」列、EQ02「其他」列" in report.findings[0].message
    assert "25项按缺少的数据为 0 校验" in report.findings[0].message
    assert (report.coverage.checked, report.coverage.assumed) == (40, 25)


def test_missing_other_column_with_numbers_left_out(tmp_path: Path) -> None:
    """The column is gone but the totals still count it: each unbalanced row is a warning, not an error."""
    report = check(tmp_path, drop_column={"表三": "其他"})
    other_rows = [r for r in TEMPLATE.tables["t3"].row_leaves if VALUES[f"t3.{r.key}.other"]]
    rows = [5 + TEMPLATE.tables["t3"].row_leaves.index(r) for r in other_rows]
    assert report.flatten() == sorted([*(("EQ03", f"表三!I{r}") for r in rows), ("ST03", "")])
    for f in [f for f in report.findings if f.rule == "EQ03"]:
        assert f.severity == "warning"
        assert "可能是漏填的「其他」列" in f.message


def test_missing_other_column_leaves_the_other_columns_checked(tmp_path: Path) -> None:
    report = check(tmp_path, NO_OTHER | WRONG_T3, drop_column={"表三": "其他"})
    # The column sum is an error; the row total, judged with 其他 taken as 0, only a warning.
    assert report.flatten() == [("EQ02", "表三!D28"), ("EQ03", "表三!I17"), ("ST03", "")]
    assert ("表三", 17, 4) in {(c.sheet, c.row, c.col) for c in only(report, "EQ02").cells}
    assert only(report, "EQ03").severity == "warning"


def test_other_handling_as_one_row(tmp_path: Path) -> None:
    report = check(tmp_path, collapse={"表三": REAL_SIX})
    assert report.flatten() == [("ST08", "表三!B25")]
    assert "「（六）其他处理」只填了一行" in report.findings[0].message


def test_like_the_published_report(tmp_path: Path) -> None:
    """表三 without 其他 and with （六） as one row (the real 灞桥区 report), 表四 present: exactly those two."""
    report = check(tmp_path, NO_OTHER, drop_column={"表三": "其他"}, collapse={"表三": REAL_SIX})
    assert report.flatten() == [("ST03", ""), ("ST08", "表三!B25")]
    assert "「其他」列" in only(report, "ST03").message


def test_missing_table_four(tmp_path: Path) -> None:
    report = check(tmp_path, drop_sheets=("表四",))
    assert report.flatten() == [("ST01", "")]
    assert "表四" in report.findings[0].message


_T2_BLOCKS = ("「第二十条第（一）项」", "「第二十条第（五）项」", "「第二十条第（六）项」", "「第二十条第（八）项」")


def _table_two_without(path: Path, rows: tuple[int, ...], delete: bool) -> Path:
    """The template's 表二 with `rows` deleted (`delete`), or emptied (its heading and captions left standing)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["表二"]
    if delete:
        ws.delete_rows(rows[0], len(rows))
    for row in () if delete else rows:
        for col in range(1, ws.max_column + 1):
            ws.cell(row, col).value = None
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("rows", "delete", "cell", "said"),
    [
        (
            (3, 4, 5, 8, 9, 12, 13, 14, 17, 18),
            False,
            "表二!A1",
            "表二缺失：工作表「表二」第1行有标题「二、主动公开政府信息情况」，但其下没有表二的表格"
            + "".join(_T2_BLOCKS)
            + "。请按官方格式补上这些表格，没有发生的填 0。",
        ),
        (
            tuple(range(7, 16)),
            True,
            "",
            "找不到表二中的表格「第二十条第（五）项」「第二十条第（六）项」（表二的其他表格已找到）。"
            "请按官方格式补上这些表格，没有发生的填 0。",
        ),
    ],
    ids=("every block", "two blocks"),
)
def test_blocks_of_table_two_missing_are_said_once(tmp_path: Path, rows, delete, cell: str, said: str) -> None:
    """表二's tables gone from its sheet (all four blocks under its heading and captions, or the rows of （五） and
    （六）): one ST01 names the blocks missing, not one per block (before: four, or two, findings)."""
    path = _table_two_without(build(tmp_path / "report.xlsx", VALUES), rows, delete)
    (report,) = check_paths([path])
    assert report.flatten() == [("ST01", cell)]
    assert only(report, "ST01").message == said


def test_misspelt_row_label_is_checked_under_the_official_label(tmp_path: Path) -> None:
    misspelt = {"5.属于三类内部事务信息": "5.属于三类内容事务信息"}
    report = check(tmp_path, relabel=misspelt)
    assert report.flatten() == [("ST04", "表三!C13")]
    assert "「5.属于三类内部事务信息」" in report.findings[0].message
    wrong = check(tmp_path, {"t3.withheld_internal.natural": 1}, relabel=misspelt)
    assert wrong.flatten() == [("EQ02", "表三!D13"), ("EQ03", "表三!D13"), ("ST04", "表三!C13")]


def test_misspelt_column_repeated_in_every_group(tmp_path: Path) -> None:
    """A header cut the same way under 行政复议 and both 行政诉讼 groups is matched within its own group."""
    report = check(tmp_path, relabel={"尚未审结": "尚未审"})
    assert report.flatten() == [("ST04", "表四!D4"), ("ST04", "表四!I4"), ("ST04", "表四!N4")]
    wrong = check(tmp_path, WRONG_T4, relabel={"尚未审结": "尚未审"})
    assert [f for f in wrong.flatten() if f[0] != "ST04"] == [("EQ04", "表四!J5")]


def test_extra_row_with_numbers(tmp_path: Path) -> None:
    report = check(tmp_path, extra_row={"表三": (9, "其中：网上申请", (2, 0, 0, 0, 0, 0, 2))})
    assert report.flatten() == [("ST05", "表三!B9")]
    assert "「其中：网上申请」" in report.findings[0].message


def test_merged_input_cells(tmp_path: Path) -> None:
    report = check(tmp_path, merge={"表三": "D7:E7"})
    assert report.flatten() == [("ST06", "表三!D7")]
    assert "D7:E7" in report.findings[0].message


def test_trial_2019_table_two(tmp_path: Path) -> None:
    report = check(tmp_path, trial_2019=True)
    assert report.flatten() == [("ST07", "")]
    assert "2019年试行格式" in report.findings[0].message


def test_trial_2019_table_two_leaves_tables_three_and_four_checked(tmp_path: Path) -> None:
    report = check(tmp_path, WRONG_T3 | WRONG_T4, trial_2019=True)
    assert report.flatten() == [("EQ02", "表三!D17"), ("EQ03", "表三!D17"), ("EQ04", "表四!J5"), ("ST07", "")]


@pytest.mark.parametrize("written", ["六、其他处理", "三、（六）其他处理", "（六）其他处理："])
def test_other_handling_as_one_row_in_other_spellings(tmp_path: Path, written: str) -> None:
    report = check(tmp_path, collapse={"表三": ("（六）其他处理", written)})
    assert report.flatten() == [("ST08", "表三!B25")]


# A clerk's row "6.其他不予处理情形" inside 表三's outcomes (before 表三!A25), its 1 counted in （七）总计 (the total's
# formula widened over it) and taken off （一）予以公开 (表三!D7): each official item is right, the total is not.
CLERKS_ROW = {
    "t3.disclosed.natural": VALUES["t3.disclosed.natural"] - 1,
    "t3.disclosed.total": VALUES["t3.disclosed.total"] - 1,
}


def test_a_row_the_total_includes_is_named_as_the_cause(tmp_path: Path) -> None:
    report = check(tmp_path, CLERKS_ROW, extra_row={"表三": (25, "6.其他不予处理情形", (1, 0, 0, 0, 0, 0, 1))})
    assert report.flatten() == [("EQ02", "表三!D29"), ("EQ02", "表三!J29"), ("ST05", "表三!B25")]
    assert report.localisation.status == "none"  # no official cell is to be changed
    first, total = sorted((f for f in report.findings if f.rule == "EQ02"), key=lambda f: f.cell.col)
    total_natural = VALUES["t3.outcome_total.natural"]
    assert first.message == (
        f"表三「自然人」列：D29「（七）总计 / 自然人」 = {total_natural}，"
        f"「（一）予以公开」至「3.其他」21 项之和（D7:D24、D26:D28） = {total_natural - 1}，"
        "相差 1，正好等于夹在各项之间的第25行「6.其他不予处理情形」中的 1（D25）。该行不是官方格式中的行，"
        "其中的数字不属于任何官方项目，未计入各项之和，很可能就是不平衡的原因（例如合计的公式把该行也加了进去）。"
        "请把这些数字并入对应的官方行后删除该行；如它们不应计入，删除该行并改正 D29。其他单元格不必改动。"
    )
    assert first.expected is None
    assert ("表三!D25", "官方格式中没有的行") in [(r.cell.ref, r.role) for r in first.related]
    assert "（J7:J24、J26:J28）" in total.message


def test_a_row_of_numbers_without_a_label_is_reported(tmp_path: Path) -> None:
    path = build(tmp_path / "report.xlsx", VALUES | CLERKS_ROW, insert_rows={"表三": {25: 1}})
    wb = openpyxl.load_workbook(path)
    wb["表三"]["D25"], wb["表三"]["J25"] = 1, 1
    wb.save(path)
    (report,) = check_paths([path])
    assert report.flatten() == [("EQ02", "表三!D29"), ("EQ02", "表三!J29"), ("ST05", "表三!D25")]
    assert only(report, "ST05").message == (
        "表三第25行有数字（自 D25 起）但没有行标签，不是官方格式中的行，其中的数字未参与校验。"
        "请把这些数字并入对应的官方行后删除该行；如该行本是某一官方行，请补上官方标签。"
    )
    first = next(f for f in report.findings if f.cell.ref == "表三!D29")
    assert "正好等于夹在各项之间的第25行（没有标签）中的 1（D25）" in first.message
    assert report.localisation.status == "none"


def test_a_row_that_does_not_explain_the_difference_is_still_named(tmp_path: Path) -> None:
    """The total includes the row and a part is mistyped as well: the correction that counts the row is found."""
    held = VALUES["t3.unable_not_held.natural"]
    slip = {"t3.unable_not_held.natural": held - 1}  # 表三!D17, above the inserted row
    report = check(tmp_path, CLERKS_ROW | slip, extra_row={"表三": (25, "6.其他不予处理情形", (1, 0, 0, 0, 0, 0, 1))})
    assert report.flatten() == [("EQ02", "表三!D17"), ("EQ02", "表三!J29"), ("EQ03", "表三!D17"), ("ST05", "表三!B25")]
    natural = next(f for f in report.findings if f.rule == "EQ02" and "「自然人」列" in f.message)
    assert (
        "相差 2。另外，夹在各项之间的第25行「6.其他不予处理情形」中的 1（D25）不属于任何官方项目，未计入上述之和，"
        "但合计看来包含了它们（以下更正按此推算）：请把它们并入对应的官方行后删除该行。"
        f"按全部勾稽关系推算，应将 D17 由 {held - 1} 改为 {held}（"
    ) in natural.message
    assert [(c.cell.ref, c.expected) for c in report.localisation.corrections] == [("表三!D17", held)]


def test_an_unlabelled_row_below_the_table_is_not_its_row(tmp_path: Path) -> None:
    """Numbers without a label under a table (a clerk's scratch sums) are not taken for one of its rows."""
    path = build(tmp_path / "report.xlsx", VALUES)
    wb = openpyxl.load_workbook(path)
    wb["表三"]["D32"] = 7
    wb.save(path)
    (report,) = check_paths([path])
    assert report.flatten() == []


def test_subtotal_row_is_reported(tmp_path: Path) -> None:
    """A group label written as a row of its own with numbers is a subtotal the format does not have."""
    report = check(tmp_path, extra_row={"表三": (9, "（三）不予公开", (2, 1, 0, 0, 0, 0, 3))})
    assert report.flatten() == [("ST05", "表三!B9")]
    assert "小计行" in report.findings[0].message


def test_extra_row_below_the_table(tmp_path: Path) -> None:
    path = build(tmp_path / "report.xlsx", VALUES)
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    ws["A30"] = "其中：网上申请"
    for col, n in zip("DEFGHIJ", (5, 1, 0, 0, 0, 0, 6)):
        ws[f"{col}30"] = n
    wb.save(path)
    (report,) = check_paths([path])
    assert report.flatten() == [("ST05", "表三!A30")]


# ---------------------------------------------------------------- headings and captions are labels too

HEADINGS = {
    "table title altered": ({"二、主动公开政府信息情况": "二、主动公开政府信息"}, [("ST04", "表二!A1")]),
    "table title missing": ({"三、收到和处理政府信息公开申请情况": ""}, [("ST04", "")]),
    "caption altered": ({"第二十条第（五）项": "第二十条第（五）款"}, [("ST04", "表二!A7")]),
    "caption missing": ({"第二十条第（八）项": ""}, [("ST04", "")]),
    "section heading altered": ({"五、存在的主要问题及改进情况": "五、存在的问题和改进措施"}, [("ST04", "正文!A3")]),
}


@pytest.mark.parametrize(("relabel", "expected"), HEADINGS.values(), ids=HEADINGS.keys())
def test_headings_and_captions_are_checked(tmp_path: Path, relabel: dict, expected: list) -> None:
    report = check(tmp_path, relabel=relabel)
    assert report.flatten() == expected
    assert all(f.severity == "warning" for f in report.findings)
    official = next(iter(relabel))
    assert f"「{official}」" in report.findings[0].message


def test_an_altered_section_heading_still_reads_its_text(tmp_path: Path) -> None:
    report = check(tmp_path, relabel={"五、存在的主要问题及改进情况": "五、存在的问题和改进措施"})
    assert report.values["problems"] == VALUES["problems"]


# ---------------------------------------------------------------- which sheet holds a table (ST10)


def _with_sheets(path: Path, edit) -> Path:
    """The balanced workbook, edited as a whole (copies, hidden sheets, changed cells) with openpyxl."""
    source = build(path / "balanced.xlsx", VALUES)
    wb = openpyxl.load_workbook(source)
    edit(wb)
    wb.save(path / "report.xlsx")
    return path / "report.xlsx"


def test_an_edited_copy_of_table_three_is_named_and_left_unchecked(tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        copy = wb.copy_worksheet(wb["表三"])
        copy.title = "表三（修改稿）"
        copy["D17"] = VALUES["t3.unable_not_held.natural"] + 1  # unbalanced, but not the sheet checked

    (report,) = check_paths([_with_sheets(tmp_path, edit)])
    finding = only(report, "ST10")
    assert finding.severity == "info" and finding.cell is None
    assert "按工作表「表三」校验" in finding.message and "未校验「表三（修改稿）」" in finding.message
    assert "名称为「表三」" in finding.message
    assert report.flatten() == [("ST10", "")]  # the copy's unbalanced 表三!D17 is not checked


def test_equal_copies_take_the_visible_one_and_say_so(tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["表三"].title = "Sheet3"
        copy = wb.copy_worksheet(wb["Sheet3"])
        copy.title = "Sheet9"
        wb["Sheet3"].sheet_state = "hidden"
        copy["D17"] = VALUES["t3.unable_not_held.natural"] + 1

    (report,) = check_paths([_with_sheets(tmp_path, edit)])
    message = only(report, "ST10").message
    assert "按工作表「Sheet9」校验（各表栏目相当，取未隐藏的一张）" in message and "未校验「Sheet3」" in message
    assert report.flatten() == [("EQ02", "Sheet9!D17"), ("EQ03", "Sheet9!D17"), ("ST10", "")]


def test_a_hidden_table_three_is_checked_and_said(tmp_path: Path) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["表三"].sheet_state = "hidden"

    (report,) = check_paths([_with_sheets(tmp_path, edit)])
    message = only(report, "ST10").message
    assert message.startswith("「表三」按隐藏的工作表「表三」校验") and "请取消隐藏" in message
    assert report.flatten() == [("ST10", "")]


STACKED = {"统计表": ("表二", "表三", "表四")}  # an agency's own workbook: 封面, 正文, and the tables on one sheet
# Sheets agencies keep beside their report, each naming a few labels that only one table has
STRAY_SHEETS = {
    "a note naming 行政处罚": {"备注": [["行政处罚", "见附件清单"]]},
    "a ledger of review and litigation cases": {
        "复议诉讼案件": [
            ["序号", "案件类型", "结果"],
            *([i, "行政复议", result] for i, result in enumerate(("结果维持", "结果纠正", "其他结果", "尚未审结"), 1)),
        ]
    },
    "a ledger of decisions and applicants": {
        "台账": [["类别", "件数"], ["行政许可", 12], ["行政处罚", 3], ["行政强制", 1], ["自然人", 40], ["商业企业", 2]]
    },
}


@pytest.mark.parametrize("sheets", STRAY_SHEETS.values(), ids=STRAY_SHEETS.keys())
def test_a_sheet_naming_a_few_labels_never_takes_a_table_from_the_sheet_holding_it(tmp_path: Path, sheets: dict):
    """表二 to 表四 stacked on 「统计表」 beside a note or a ledger: every table is read from 统计表, and the other sheet
    is no copy of a table to speak of (before: it was taken for the table it names a label of, being the one sheet no
    other table was read from: 4 × ST01 「找不到表二中的表格…」, or 表四 read from the ledger)."""
    path = build(tmp_path / "report.xlsx", VALUES | WRONG_T3 | WRONG_T4, stack=STACKED)
    wb = openpyxl.load_workbook(path)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    (report,) = check_paths([path])
    assert {loc.sheet for loc in report.cells.values()} == {"封面", "正文", "统计表"}
    assert [rule for rule, _ in report.flatten()] == ["EQ02", "EQ03", "EQ04"]
    assert report.coverage.checked == report.coverage.total


def _saved_results(path: Path, part: str, results: dict[str, int]) -> Path:
    """`path` with the formulas of the cells of `results` in sheet part `part` given their saved results, as Excel or
    WPS saves them (openpyxl saves none)."""

    def edit(xml: bytes) -> bytes:
        for coordinate, value in results.items():
            xml = re.sub(
                rb'(<c r="%s"><f>[^<]*</f>)(?:<v></v>|<v */>)' % coordinate.encode(), rb"\g<1><v>%d</v>" % value, xml
            )
        return xml

    return repack(path, path.with_name("saved.xlsx"), edit_part(part, edit))


def test_a_helper_sheet_naming_a_label_of_table_two_is_no_copy_of_it(tmp_path: Path) -> None:
    """「数据源」 holds 行政许可 and the figure 表二!B9 is calculated from (=数据源!B1): it is no copy of 表二, and
    nothing is said of it (before: ST10 「…请删除多余的工作表」, which would break the formula)."""
    licensing = VALUES["t2_5.licensing.decisions"]

    def edit(wb: openpyxl.Workbook) -> None:
        helper = wb.create_sheet("数据源")
        helper["A1"], helper["B1"] = "行政许可", licensing
        wb["表二"]["B9"] = "=数据源!B1"

    path = _saved_results(_with_sheets(tmp_path, edit), "xl/worksheets/sheet3.xml", {"B9": licensing})
    (report,) = check_paths([path])
    assert report.flatten() == []
    assert report.values["t2_5.licensing.decisions"] == licensing


def test_a_copy_that_formulas_refer_to_is_to_be_kept_not_deleted(tmp_path: Path) -> None:
    """表三's cells calculated from a whole copy of it, 「表三数据」 (表三!D5 =表三数据!D5): the copy is named and left
    unchecked, but not to be deleted, which would break the formulas; an unreferenced copy is still to be deleted."""
    natural = VALUES["t3.new.natural"]

    def edit(wb: openpyxl.Workbook) -> None:
        wb.copy_worksheet(wb["表三"]).title = "表三数据"
        wb.copy_worksheet(wb["表三"]).title = "表三（旧）"
        wb["表三"]["D5"] = "=表三数据!D5"

    path = _saved_results(_with_sheets(tmp_path, edit), "xl/worksheets/sheet4.xml", {"D5": natural})
    (report,) = check_paths([path])
    assert report.values["t3.new.natural"] == natural
    assert only(report, "ST10").message == (
        "工作簿中有 3 张工作表有「表三」的栏目：按工作表「表三」校验（各表栏目相当，取名称为「表三」的一张），"
        "未校验「表三数据」、「表三（旧）」。请删除多余的工作表（「表三（旧）」），只保留要报送的一张。"
        "「表三数据」被其他工作表的公式引用（如 表三!D5 的公式 =表三数据!D5），删除会使这些公式出错，请保留；"
        "校验的是「表三」中的数字。"
    )


def _with_sheets_of(path: Path, other: Path, suffix: str) -> Path:
    """The workbook at `path` with every sheet of the workbook `other` added after its own, named with `suffix`."""
    wb = openpyxl.load_workbook(path)
    for ws in openpyxl.load_workbook(other).worksheets:
        copy = wb.create_sheet(ws.title + suffix)
        for cell in (cell for row in ws.iter_rows() for cell in row if cell.value is not None):
            copy[cell.coordinate] = cell.value
        for merge in ws.merged_cells.ranges:
            copy.merge_cells(merge.coord)
    wb.save(path)
    return path


def test_another_agencys_report_in_the_workbook_is_an_error_naming_it(tmp_path: Path) -> None:
    """A county office forwards the town's report in its own workbook (「封面(城关镇)」 to 「表四(城关镇)」, the town's
    表三 unbalanced): one ST12 error names the town, says its sheets were not checked and asks for a file per agency
    (before: 5 × ST10 提示 「…请删除多余的工作表」, exit 0, and in a batch the town counted as not submitted)."""
    county = build(tmp_path / "report.xlsx", VALUES)
    town = build(tmp_path / "town.xlsx", VALUES | WRONG_T3 | {"agency_name": "某县城关镇人民政府"})
    (report,) = check_paths([_with_sheets_of(county, town, "(城关镇)")])
    assert report.flatten() == [("ST12", "封面(城关镇)!B2")]
    (finding,) = report.findings
    assert finding.severity == "error"
    assert finding.message == (
        "工作簿中还有另一个机关的年报：工作表「封面(城关镇)」的机关名称为「某县城关镇人民政府」，"
        "而本次校验的是「某县人民政府办公室」的年报。"
        "工作表「封面(城关镇)」「正文(城关镇)」「表二(城关镇)」「表三(城关镇)」「表四(城关镇)」都未校验，"
        "其中的问题不会被发现，批量校验也不会把「某县城关镇人民政府」计为已报送。"
        "请把每个机关的年报分别保存为一个工作簿文件，各自报送、校验；不要直接删除这些工作表。"
    )


STALE_SETS = {  # sheets of an older report beside the one checked: what they hold, and whether they are hidden
    "the agency's own older version": (WRONG_T3, False),
    "another agency's workbook reused, its sheets hidden": (WRONG_T3 | {"agency_name": "某县城关镇人民政府"}, True),
}


@pytest.mark.parametrize(("changes", "hidden"), STALE_SETS.values(), ids=STALE_SETS.keys())
def test_a_stale_second_set_of_sheets_is_copies_to_delete(tmp_path: Path, changes: dict, hidden: bool) -> None:
    """An older version of the report kept beside it, or the sheets of another agency's workbook the report was
    filled in, hidden: copies (ST10, 提示), not another report."""
    current = build(tmp_path / "report.xlsx", VALUES)
    path = _with_sheets_of(current, build(tmp_path / "older.xlsx", VALUES | changes), "（旧）")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[5:]:
        ws.sheet_state = "hidden" if hidden else "visible"
    wb.save(path)
    (report,) = check_paths([path])
    assert report.flatten() == [("ST10", "")] * 5
    assert all(f.message.endswith("请删除多余的工作表，只保留要报送的一张。") for f in report.findings)


def insert_blank(ws, at: int, axis: str) -> None:
    """A blank "row" or "col" inserted before `at` as Excel inserts one: openpyxl's insert_rows and insert_cols move
    the cells (values, formats, notes) but not merges: a merge past it moves, one across it widens."""
    merges = list(ws.merged_cells.ranges)
    for m in merges:
        ws.unmerge_cells(m.coord)
    getattr(ws, f"insert_{axis}s")(at)
    for m in merges:
        if getattr(m, f"min_{axis}") >= at:
            m.shift(**{f"{axis}_shift": 1})
        elif getattr(m, f"max_{axis}") >= at:
            m.expand(**{"down" if axis == "row" else "right": 1})
        ws.merge_cells(m.coord)


def test_an_extra_column_with_numbers_is_reported_not_ignored(tmp_path: Path) -> None:
    """A 法人 subtotal column inserted before 总计 and filled: its numbers are checked by nothing, so say so."""
    path = build(tmp_path / "report.xlsx", VALUES)
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    insert_blank(ws, 10, "col")
    ws["J4"] = "法人或其他组织小计"
    for row in range(5, 30):
        ws.cell(row, 10, sum(ws.cell(row, c).value or 0 for c in range(5, 10)))
    wb.save(path)
    (report,) = check_paths([path])
    assert report.flatten() == [("ST05", "表三!J4")]
    assert "表三第 J 列「法人或其他组织小计」不是官方格式中的列" in report.findings[0].message


def test_a_visible_copy_is_checked_not_the_hidden_stale_original(tmp_path: Path) -> None:
    """Excel's 移动或复制 makes 「表三 (2)」; the clerk edits it and hides the original 「表三」, balanced but stale."""
    path = build(tmp_path / "report.xlsx", VALUES)
    wb = openpyxl.load_workbook(path)
    copy = wb.copy_worksheet(wb["表三"])
    copy.title = "表三 (2)"
    copy["D17"] = VALUES["t3.unable_not_held.natural"] + 1  # the slip, in the copy only (表三!D17: WRONG_T3)
    wb["表三"].sheet_state = "hidden"
    wb.save(path)
    (report,) = check_paths([path])
    assert {f.cell.sheet for f in report.findings if f.rule.startswith("EQ")} == {"表三 (2)"}
    (choice,) = [f for f in report.findings if f.rule == "ST10"]
    assert "按工作表「表三 (2)」校验（各表栏目相当，取未隐藏的一张）" in choice.message


# ---------------------------------------------------------------- rows 表四 does not have: it has one row of numbers

T4 = TEMPLATE.tables["t4"]
T4_NUMBERS = [VALUES[T4.cell_key(T4.row_leaves[0].key, leaf.key)] for leaf in T4.column_leaves]  # 表四!A5:O5


def _with_cells(path: Path, sheet: str, cells: dict[str, object]) -> FileReport:
    """The workbook at `path` with `cells` of `sheet` filled in, checked."""
    wb = openpyxl.load_workbook(path)
    for address, value in cells.items():
        wb[sheet][address] = value
    wb.save(path)
    (report,) = check_paths([path])
    assert report.error is None
    return report


def _row(row: int, values: list[object], first: str = "A") -> dict[str, object]:
    """`values` on one row from column `first` on."""
    return {f"{chr(ord(first) + i)}{row}": v for i, v in enumerate(values)}


def test_a_second_row_of_numbers_under_table_four_is_reported(tmp_path: Path) -> None:
    report = _with_cells(build(tmp_path / "report.xlsx", VALUES), "表四", _row(6, T4_NUMBERS))
    assert report.flatten() == [("ST05", "表四!A6")]
    assert report.findings[0].message == (
        "表四第6行有数字（自 A6 起），不是官方格式中的行（该表只有一行数字），其中的数字未参与校验。"
        "请删除该行；如其中的数字应当计入，请先把它们加到第5行对应的单元格中。"
    )


def test_a_total_row_under_table_four_is_reported_at_its_label(tmp_path: Path) -> None:
    """表四 moved right of a column of its own, a 合计 row under it labelled there: named by its label."""
    path = build(tmp_path / "report.xlsx", VALUES, move={"表四": (0, 1)})
    report = _with_cells(path, "表四", {"A6": "合计"} | _row(6, T4_NUMBERS[:5], "B"))
    assert report.flatten() == [("ST05", "表四!A6")]
    assert report.findings[0].message.startswith("表四第6行「合计」不是官方格式中的行，其中的数字未参与校验。")


NOT_T4_ROWS = {
    "a note under the table": {"A6": "注：本表数字单位为件。"},
    "numbers under a blank row": _row(7, T4_NUMBERS),
    "a note, then numbers": {"A6": "注：本表数字单位为件。"} | _row(7, T4_NUMBERS),
}


@pytest.mark.parametrize("cells", NOT_T4_ROWS.values(), ids=NOT_T4_ROWS.keys())
def test_what_follows_table_four_is_not_its_row(tmp_path: Path, cells: dict) -> None:
    assert _with_cells(build(tmp_path / "report.xlsx", VALUES), "表四", cells).flatten() == []


def test_a_column_of_numbers_beside_table_four_printed_tall_is_reported(tmp_path: Path) -> None:
    """表四 printed tall (its numbers down column D): a second column of numbers is its second row, across."""
    path = build(tmp_path / "report.xlsx", VALUES, transpose=("表四",))
    report = _with_cells(path, "表四", {f"E{r}": v for r, v in enumerate(T4_NUMBERS, 2)})
    assert report.flatten() == [("ST05", "表四!E2"), ("ST11", "表四!C2")]
    assert "第 E 列有数字（自 E2 起），不是官方格式中的列" in only(report, "ST05").message
