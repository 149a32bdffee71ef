"""Formula cells in filled reports: formulas without saved results told once per sheet, each cell still marked."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from validator import check_paths
from validator.annotate.zip_painter import write_annotated
from validator.names import PRIMARY_FILL, RELATED_FILL

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
    assert one.message.startswith("表四 E5「行政复议 / 总计」是公式（=SUM(A5:D5)），但文件中没有保存计算结果。")

    copy = openpyxl.load_workbook(write_annotated(path, report, out_dir=tmp_path / "out").path)
    t3 = copy["表三"]
    assert _fill(t3["J5"]) == PRIMARY_FILL["error"]
    assert all(_fill(t3[f"J{row}"]) == RELATED_FILL["error"] for row in T3_TOTAL_ROWS[1:])
    assert t3["J5"].comment.text.startswith("【错误·TY09】表三有 25 个单元格是公式")
    assert t3["J17"].comment.text.startswith("【相关·错误·TY09】同样未保存计算结果的公式：表三有 25 个单元格")
    assert copy["表四"]["E5"].comment.text.startswith("【错误·TY09】表四 E5「行政复议 / 总计」是公式")
