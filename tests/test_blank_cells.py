"""Blank number cells (TY01) and placeholders (TY02) many at once: one thing to fix is told once per table, each
cell still marked; a cell whose value the equations recover is told alone, with that value."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from validator import check_paths
from validator.annotate.zip_painter import write_annotated

INPUTS = range(5, 30), "DEFGHI"  # 表三's rows and applicant columns in the generated workbook (J is the 总计)


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def _emptied(source: Path, path: Path, value: object, also: dict[str, object] | None = None) -> list[str]:
    """表三's zero inputs set to `value` (None: blank), and `also`; the coordinates emptied."""
    wb = openpyxl.load_workbook(source)
    ws = wb["表三"]
    rows, cols = INPUTS
    zeros = [f"{c}{r}" for r in rows for c in cols if ws[f"{c}{r}"].value == 0]
    for ref in zeros:
        ws[ref] = value
    for ref, v in (also or {}).items():
        ws[ref] = v
    wb.save(path)
    return zeros


def test_many_blank_cells_of_a_table_are_one_finding_and_every_cell_is_marked(balanced_workbook: Path, tmp_path):
    path = tmp_path / "空白.xlsx"
    zeros = _emptied(balanced_workbook, path, None)
    assert len(zeros) >= 6
    (report,) = check_paths([path])
    (blank,) = report.findings
    assert blank.rule == "TY01" and blank.cell.ref == f"表三!{zeros[0]}"
    assert f"」等 {len(zeros)} 个单元格为空。没有发生的请填 0；已按 0 校验。" in blank.message
    assert sorted(r.cell.coordinate for r in blank.related) == sorted(zeros[1:])
    copy = openpyxl.load_workbook(write_annotated(path, report, out_dir=tmp_path / "out").path)
    assert all(_fill(copy["表三"][ref]) for ref in zeros)


def test_a_placeholder_is_told_with_its_kind_and_a_recovered_blank_alone_with_its_value(
    balanced_workbook: Path, tmp_path
):
    """Zeros written as 「—」 are one TY02; 「/」 in a few cells is told cell by cell; a blank whose value the
    equations recover is told with that value, not among the others."""
    wb = openpyxl.load_workbook(balanced_workbook)
    nonzero = next(f"D{r}" for r in INPUTS[0] if wb["表三"][f"D{r}"].value not in (0, None))
    value = wb["表三"][nonzero].value
    path = tmp_path / "占位符.xlsx"
    dashes = _emptied(balanced_workbook, path, "—", {nonzero: None})
    wb = openpyxl.load_workbook(path)
    slashes = dashes[-3:]
    for ref in slashes:
        wb["表三"][ref] = "/"
    wb.save(path)
    (report,) = check_paths([path])
    told = sorted((f.rule, f.cell.coordinate, len(f.related)) for f in report.findings if f.rule in ("TY01", "TY02"))
    assert told == sorted(
        [("TY01", nonzero, 0), ("TY02", dashes[0], len(dashes) - 4)] + [("TY02", ref, 0) for ref in slashes]
    )
    (recovered,) = [f for f in report.findings if f.rule == "TY01"]
    assert recovered.message.endswith(f"按全部勾稽关系推算，应填 {value}。")
