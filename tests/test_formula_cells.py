"""Formula cells in filled reports: formulas without saved results told once per sheet (each cell still marked), and
a formula whose result unbalances an equation told as a formula, with the range it should add up where known."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from packages import edit_part, repack

from validator import check_paths
from validator.annotate.zip_painter import write_annotated
from validator.names import PRIMARY_FILL, RELATED_FILL
from validator.render.json import report_json
from validator.sources.xlsx import read_xlsx

T3_PART = "xl/worksheets/sheet4.xml"  # 表三 of the generated workbook
T3_TOTAL_ROWS = range(5, 30)  # 表三 of the generated workbook: the 总计 column J holds rows 5 to 29


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def test_formulas_without_results_are_one_finding_per_sheet_and_every_cell_is_marked(
    balanced_workbook: Path, tmp_path: Path
):
    """A workbook written by a program (openpyxl here) saves no formula results: 25 totals as formulas are one TY09
    on 表三 naming them, one on 表四 for its single formula, and every formula cell gets a fill and a note."""
    wb = openpyxl.load_workbook(balanced_workbook)
    for row in T3_TOTAL_ROWS:
        wb["表三"][f"J{row}"] = f"=SUM(D{row}:I{row})"
    wb["表四"]["E5"] = "=SUM(A5:D5)"
    path = tmp_path / "公式.xlsx"
    wb.save(path)

    (report,) = check_paths([path])
    ty09 = sorted((f for f in report.findings if f.rule == "TY09"), key=lambda f: f.cell.sheet)
    assert [f.cell.ref for f in ty09] == ["表三!J5", "表四!E5"]
    many, one = ty09
    assert many.message == (
        "表三有 25 个单元格是公式，但文件中没有保存计算结果（J5:J29；如 J5 的公式为 =SUM(D5:I5)），"
        "这些单元格未参与勾稽校验。请在 Excel 或 WPS 中打开该文件，保存后再校验。"
    )
    assert [r.cell.coordinate for r in many.related] == [f"J{row}" for row in T3_TOTAL_ROWS][1:]
    assert one.message == (  # told as the many are
        "表四 E5「行政复议 / 总计」是公式（=SUM(A5:D5)），但文件中没有保存计算结果，该单元格未参与勾稽校验。"
        "请在 Excel 或 WPS 中打开该文件，保存后再校验。"
    )

    copy = openpyxl.load_workbook(write_annotated(path, report, out_dir=tmp_path / "out").path)
    t3 = copy["表三"]
    assert _fill(t3["J5"]) == PRIMARY_FILL["error"]
    assert all(_fill(t3[f"J{row}"]) == RELATED_FILL["error"] for row in T3_TOTAL_ROWS[1:])
    assert t3["J5"].comment.text.startswith("【错误·TY09】表三有 25 个单元格是公式")
    assert t3["J17"].comment.text.startswith("【相关·错误·TY09】同样未保存计算结果的公式：表三有 25 个单元格")
    assert copy["表四"]["E5"].comment.text.startswith("【错误·TY09】表四 E5「行政复议 / 总计」是公式")


def test_formulas_showing_a_blank_are_saved_results_told_to_show_zero(balanced_workbook: Path, tmp_path: Path):
    """=IF(SUM(…)=0,"",SUM(…)) hides zeros: saved by Excel, WPS or LibreOffice, its result is an empty text (t="str",
    an empty value, written <v></v> or <v/>). That is a saved result, not a formula to calculate: the cells are blank
    as shown (TY01, taken as 0) and told to show 0, the quick reader and the exact one alike (before: TY09, 「请在
    Excel 或 WPS 中打开该文件，保存后再校验」, which saving again cannot satisfy); a blank left by openpyxl, with no
    type, is still a formula without a result."""
    zeros = [row for row in T3_TOTAL_ROWS if openpyxl.load_workbook(balanced_workbook)["表三"][f"J{row}"].value == 0]
    hidden = '<c r="J{0}" t="str"><f>IF(SUM(D{0}:I{0})=0,"",SUM(D{0}:I{0}))</f>{1}</c>'
    cells = {f"J{row}": hidden.format(row, "<v/>" if i % 2 else "<v></v>").encode() for i, row in enumerate(zeros)}
    path = repack(
        balanced_workbook, tmp_path / "显示为空.xlsx", edit_part(T3_PART, lambda x: _cells_replaced(x, cells))
    )
    (report,) = check_paths([path])
    (ty01,) = report.findings
    assert ty01.rule == "TY01" and len(ty01.related) == len(zeros) - 1 >= 5
    assert ty01.message.endswith(
        f"等 {len(zeros)} 个单元格是公式，结果显示为空。没有发生的应显示 0：请改正公式，不要把 0 显示为空；已按 0 校验。"
    )
    for exact in (False, True):
        (t3,) = [s for s in read_xlsx(path, exact=exact).sheets if s.name == "表三"]
        assert all((row, 10) not in t3.cells for row in zeros), exact

    unsaved = {k: v.replace(b' t="str"', b"") for k, v in cells.items()}
    path = repack(
        balanced_workbook, tmp_path / "未计算.xlsx", edit_part(T3_PART, lambda x: _cells_replaced(x, unsaved))
    )
    (report,) = check_paths([path])
    assert [f.rule for f in report.findings] == ["TY09"]


def _with_formula(source: Path, target: Path, coordinate: str, formula: str, result: int, **cells: bytes) -> Path:
    """`source` with 表三's cell holding a formula and its saved result, as Excel or WPS saves it; `cells` replace
    other cells of 表三 by coordinate with the XML given."""
    cells[coordinate] = b'<c r="%s"><f>%s</f><v>%d</v></c>' % (coordinate.encode(), formula.encode(), result)
    return repack(source, target, edit_part(T3_PART, lambda xml: _cells_replaced(xml, cells)))


def _cells_replaced(xml: bytes, cells: dict[str, bytes]) -> bytes:
    for coordinate, cell in cells.items():
        pattern = rb'<c r="%s"[^>]*?(/>|>.*?</c>)' % coordinate.encode()
        xml = re.sub(pattern, lambda _m, cell=cell: cell, xml, count=1)
    return xml


def test_a_total_summing_the_wrong_range_is_told_to_correct_its_formula(balanced_workbook: Path, tmp_path: Path):
    """J7 = SUM(D7:H7) leaves out 其他 (I7): the finding says J7 is that formula and the range it should add up,
    instead of telling the clerk to overwrite it with the number; the note on the copy says the same."""
    path = _with_formula(balanced_workbook, tmp_path / "公式.xlsx", "J7", "SUM(D7:H7)", 28)
    (report,) = check_paths([path])
    eq03 = next(f for f in report.findings if f.rule == "EQ03")
    assert eq03.cell.ref == "表三!J7" and eq03.expected == 29
    told = "应将 J7（公式 =SUM(D7:H7)）的结果由 28 改为 29"
    advice = "请改正该公式，不要直接改填 29：它应对 D7:I7 求和，即 =SUM(D7:I7)。"
    assert told in eq03.message and eq03.message.endswith(advice)
    copy = openpyxl.load_workbook(write_annotated(path, report, out_dir=tmp_path / "out").path)
    assert advice in copy["表三"]["J7"].comment.text and _fill(copy["表三"]["J7"]) == PRIMARY_FILL["error"]
    assert any(
        "该单元格是公式 =SUM(D7:H7)，求和范围不对：请改正公式" in str(c.value)
        for row in copy["校验结果"].iter_rows()
        for c in row
    )
    # the report's heading and its JSON name the formula too
    assert "应将 表三!J7（公式 =SUM(D7:H7)）的结果由 28 改为 29" in report.localisation.summary()[0]
    (change,) = report_json(report)["corrections"]
    assert change["formula"] == "=SUM(D7:H7)" and (change["from"], change["to"]) == (28, 29)


def test_a_part_holding_a_formula_is_told_its_result_does_not_balance(balanced_workbook: Path, tmp_path: Path):
    """D7 (自然人, a part of two sums) holds a formula whose result is 1 short: no range can be derived for a part,
    so the finding says the formula's result does not balance."""
    path = _with_formula(balanced_workbook, tmp_path / "公式.xlsx", "D7", "D5-D8-18", 20)
    (report,) = check_paths([path])
    found = [f for f in report.findings if f.rule in ("EQ02", "EQ03")]
    assert {f.cell.ref for f in found} == {"表三!D7"} and len(found) == 2
    for f in found:
        assert "D7（公式 =D5-D8-18）的结果由 20 改为 21" in f.message
        assert f.message.endswith("请核对该公式引用的单元格，不要直接改填 21。")


def test_a_typed_number_is_told_the_number(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表三"]["J7"] = 28
    wb.save(tmp_path / "数字.xlsx")
    (report,) = check_paths([tmp_path / "数字.xlsx"])
    eq03 = next(f for f in report.findings if f.rule == "EQ03")
    assert "应将 J7 由 28 改为 29" in eq03.message and "公式" not in eq03.message


def test_formulas_as_libreoffice_and_excel_fill_down_save_them_are_told(balanced_workbook: Path, tmp_path: Path):
    """LibreOffice writes <f aca="false">; Excel stores a total filled down a column as one shared formula whose
    other cells have no text of their own: each is still told as its formula, references moved as Excel shows them."""
    libreoffice = _with_formula(
        balanced_workbook, tmp_path / "lo.xlsx", "J6", "SUM(D6:H6)", 0,
        J7=b'<c r="J7"><f aca="false">SUM(D7:H7)</f><v>28</v></c>',
    )  # fmt: skip
    filled = _with_formula(
        balanced_workbook, tmp_path / "filled.xlsx", "J6", "SUM(D6:I6)", 1,
        J5=b'<c r="J5"><f t="shared" ref="J5:J27" si="0">SUM(D5:H5)</f><v>1</v></c>',
        J7=b'<c r="J7"><f t="shared" si="0"/><v>28</v></c>',
    )  # fmt: skip
    for path in (libreoffice, filled):
        (report,) = check_paths([path])
        (eq03,) = [f for f in report.findings if f.rule == "EQ03" and f.cell.coordinate == "J7"]
        assert "应将 J7（公式 =SUM(D7:H7)）的结果由 28 改为 29" in eq03.message, path.name
        assert eq03.message.endswith("它应对 D7:I7 求和，即 =SUM(D7:I7)。")


def test_a_right_sum_over_text_that_is_still_wrong_is_told_both(balanced_workbook: Path, tmp_path: Path):
    """=SUM(D7:I7) is the right range and leaves out D7 typed as text ("21"), but its saved 7 is 1 short even with
    it: the clerk is told to convert D7 and to recalculate, not that the text is the whole story."""
    path = _with_formula(
        balanced_workbook, tmp_path / "text.xlsx", "J7", "SUM(D7:I7)", 7,
        D7=b'<c r="D7" t="inlineStr"><is><t>21</t></is></c>',
    )  # fmt: skip
    (report,) = check_paths([path])
    eq03 = next(f for f in report.findings if f.rule == "EQ03")
    assert "应将 J7（公式 =SUM(D7:I7)）的结果由 7 改为 29" in eq03.message
    assert eq03.message.endswith(
        "该公式的范围正确，其中 D7 是文本形式的数字，SUM 不计入文本，请把它改为数值；"
        "但计入后保存的结果仍与各项之和不符：改为数值后请在 Excel 中重新计算（按 F9）并保存，再校验。"
    )


def test_totals_summing_too_little_are_the_correction_not_the_parts(balanced_workbook: Path, tmp_path: Path):
    """J5 and J7 leave out 其他 (I5, I7 hold 1), and the grand total J28 =SUM(J7:J27) follows J7: changing these
    three results balances every equation, as would zeroing I7 and I28 and changing J5 (as many cells); a formula's
    result follows its cells, so the formulas are the one correction (before, five equally cheap corrections were
    offered, most changing correct parts), and J28 is told it needs no change of its own."""
    cells = {f"{c}28": b'<c r="%s28"><f>SUM(%s7:%s27)</f><v>%d</v></c>' % (c.encode(), c.encode(), c.encode(), v)
             for c, v in zip("DEFGHIJ", (38, 8, 1, 1, 4, 1, 52))}  # fmt: skip
    path = _with_formula(
        balanced_workbook, tmp_path / "两行.xlsx", "J5", "SUM(D5:H5)", 53,
        J7=b'<c r="J7"><f>SUM(D7:H7)</f><v>28</v></c>', **cells,
    )  # fmt: skip
    (report,) = check_paths([path])
    assert report.localisation.status == "unique"
    assert [(c.cell.coordinate, c.expected, c.formula) for c in report.localisation.corrections] == [
        ("J5", 54, "=SUM(D5:H5)"),
        ("J28", 53, "=SUM(J7:J27)"),
        ("J7", 29, "=SUM(D7:H7)"),
    ]
    (total,) = [f for f in report.findings if f.rule == "EQ03" and f.cell.coordinate == "J28"]
    assert total.message.endswith("该公式的范围正确：J7 的公式改正后，它的结果随之变为 53。")
    # J28 only follows J7: not a cell to correct, in the heading, the results table and JSON alike
    assert [c.role for c in report.localisation.corrections] == ["range", "follows", "range"]
    assert report.localisation.summary()[0] == (
        "勾稽关系：最少需更正 2 个单元格。应将 表三!J5（公式 =SUM(D5:H5)）的结果由 53 改为 54、"
        "表三!J28（公式 =SUM(J7:J27)）的结果随之由 52 变为 53（不必改动）、表三!J7（公式 =SUM(D7:H7)）的结果由 28 改为 29。"
    )
    rows = [[c.value for c in row] for row in _results(write_annotated(path, report, out_dir=tmp_path / "out").path)]
    assert any(str(r[0]).startswith("建议更正：使全部勾稽关系平衡最少需更正 2 个单元格") for r in rows)
    (j28,) = [r for r in rows if r[1] == "表三!J28"]
    assert j28[4].startswith("随之变化，不必改动；该单元格是公式 =SUM(J7:J27)，范围正确；涉及问题")
    assert [c["formula_role"] for c in report_json(report)["corrections"]] == ["range", "follows", "range"]


def test_totals_adding_their_parts_another_way_follow_the_corrected_part(balanced_workbook: Path, tmp_path: Path):
    """D7 typed 22 for 21 under totals written by hand, each adding exactly its parts: D28 as a chain of + or a SUM
    of anchored ranges; J7 across its row (with Lotus's leading +) and J28 as a SUM of two ranges and a cell. Each
    follows D7, as =SUM(D7:D27) would: one cell to change (before: 「请改正该公式…即 =SUM(D7:D27)」, two cells)."""
    plus = "+".join(f"D{row}" for row in range(7, 28))
    cases = (
        ("D28", plus, 39, {}),
        ("D28", "SUM($D$7:$D$20,D21:$D$27)", 39, {}),
        ("J28", "SUM(J7:J20)+SUM(J21:J26)+J27", 54, {"J7": b'<c r="J7"><f>+D7+E7+F7+G7+H7+I7</f><v>30</v></c>'}),
    )
    for number, (total, formula, result, others) in enumerate(cases):
        path = _with_formula(
            balanced_workbook, tmp_path / f"{number}.xlsx", total, formula, result,
            D7=b'<c r="D7"><v>22</v></c>', **others,
        )  # fmt: skip
        (report,) = check_paths([path])
        corrections = report.localisation.corrections
        follow = sorted([total, *others])
        assert sorted((c.cell.coordinate, c.role or "") for c in corrections) == sorted(
            [("D7", "")] + [(k, "follows") for k in follow]
        ), formula
        assert report.localisation.summary()[0].startswith("勾稽关系：最少需更正 1 个单元格。")
        told = [f.message for f in report.findings if f.cell.coordinate == total]
        assert told and all(f"的结果随之由 {result} 变为 {result - 1}（不必改动）" in m for m in told)
        assert all("该公式的范围正确：" in m for m in told), told


def test_a_chain_of_plus_leaving_out_a_part_is_told_its_range(balanced_workbook: Path, tmp_path: Path):
    path = _with_formula(balanced_workbook, tmp_path / "少一项.xlsx", "J7", "D7+E7+F7+G7+H7", 28)
    (report,) = check_paths([path])
    eq03 = next(f for f in report.findings if f.rule == "EQ03")
    assert eq03.message.endswith("请改正该公式，不要直接改填 29：它应对 D7:I7 求和，即 =SUM(D7:I7)。")


def _results(path: Path) -> list:
    return list(openpyxl.load_workbook(path)["校验结果"].iter_rows())


def test_sums_leaving_out_numbers_stored_as_text_are_checked_as_converted(balanced_workbook: Path, tmp_path: Path):
    """D7 ("21") and E5 ("7") are numbers stored as text inside right SUM ranges, whose saved results leave them out
    (J5, J7, D28 directly; J28 through J7): the totals are checked with the values they will have once the text is a
    number, so no equation fails and no correct cell is to be changed (before: 「应将 D5 由 39 改为 …」); the TY03
    of each cell says which SUM formulas left it out, by how much, and the note on the copy says the same."""
    path = _with_formula(
        balanced_workbook, tmp_path / "两处文本.xlsx", "J5", "SUM(D5:I5)", 47,
        E5=b'<c r="E5" t="inlineStr"><is><t>7</t></is></c>',
        D7=b'<c r="D7" t="inlineStr"><is><t>21</t></is></c>',
        J7=b'<c r="J7"><f>SUM(D7:I7)</f><v>8</v></c>',
        D28=b'<c r="D28"><f>SUM(D7:D27)</f><v>17</v></c>',
        J28=b'<c r="J28"><f>SUM(J7:J27)</f><v>32</v></c>',
    )  # fmt: skip
    (report,) = check_paths([path])
    assert report.localisation.status == "none" and report.localisation.summary() == []
    e5, d7 = sorted(report.findings, key=lambda f: f.cell.col, reverse=True)
    assert [(f.rule, f.cell.ref) for f in (e5, d7)] == [("TY03", "表三!E5"), ("TY03", "表三!D7")]
    assert e5.message.endswith(
        "请改为数值 7。SUM 不计入文本，因此它未计入 J5 的公式结果（少算 7）；改为数值后这些结果随之更正，不必改动公式。"
    )
    assert d7.message.endswith(
        "SUM 不计入文本，因此它未计入 D28、J7、J28 的公式结果（各少算 21）；改为数值后这些结果随之更正，不必改动公式。"
    )
    assert report.values["t3.new.total"] == 54  # checked as it will be
    copy = openpyxl.load_workbook(write_annotated(path, report, out_dir=tmp_path / "out").path)
    assert _fill(copy["表三"]["E5"]) == _fill(copy["表三"]["D7"]) == PRIMARY_FILL["warning"]
    assert "因此它未计入 D28、J7、J28 的公式结果" in copy["表三"]["D7"].comment.text


def test_one_number_stored_as_text_is_told_which_sums_leave_it_out(balanced_workbook: Path, tmp_path: Path):
    path = _with_formula(
        balanced_workbook, tmp_path / "文本.xlsx", "J7", "SUM(D7:I7)", 8,
        D7=b'<c r="D7" t="inlineStr"><is><t>21</t></is></c>',
    )  # fmt: skip
    (report,) = check_paths([path])
    (ty03,) = report.findings
    assert ty03.message.endswith(
        "请改为数值 21。SUM 不计入文本，因此它未计入 J7 的公式结果（少算 21）；改为数值后这些结果随之更正，不必改动公式。"
    )


def test_a_table_pasted_as_text_is_one_finding_per_sheet(balanced_workbook: Path, tmp_path: Path):
    """表三's rows 5 to 9 pasted as text: one TY03 names the ranges, every cell is marked (before: 35 findings)."""
    wb = openpyxl.load_workbook(balanced_workbook)
    for row in range(5, 10):
        for col in "DEFGHIJ":
            wb["表三"][f"{col}{row}"] = str(wb["表三"][f"{col}{row}"].value)
    wb.save(tmp_path / "文本表.xlsx")
    (report,) = check_paths([tmp_path / "文本表.xlsx"])
    (ty03,) = report.findings
    assert ty03.message.startswith(
        "表三有 35 个单元格是以文本形式存储的数字（D5:D9、E5:E9、F5:F9、G5:G9、H5:H9、I5:I9、J5:J9；如 D5 填的是「39」）"
    )
    assert len(ty03.related) == 34
    copy = openpyxl.load_workbook(write_annotated(tmp_path / "文本表.xlsx", report, out_dir=tmp_path / "out").path)
    assert all(_fill(copy["表三"][f"{c}{r}"]) for c in "DEFGHIJ" for r in range(5, 10))
