"""The two ways of reading cached values (python-calamine, and openpyxl when formulas or errors are present) agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from validator import check_paths
from validator.sources.grid import ExcelError, ReadError, Uncached
from validator.sources.xlsx import read_xlsx


def _comparable(value: object) -> object:
    # calamine gives dates as date, openpyxl as midnight datetimes; both are "a date" to the value rules.
    return value.date() if isinstance(value, dt.datetime) else value


def test_fast_and_exact_reads_agree(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    ws = wb["表三"]
    ws["D7"], ws["E7"], ws["F7"], ws["G7"] = "２１", True, dt.datetime(2024, 3, 1), " 4 "
    ws.merge_cells("L2:M3")
    hidden = wb.create_sheet("备注")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "内部备注"
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    fast, exact = read_xlsx(path), read_xlsx(path, exact=True)
    assert (
        [s.name for s in fast.sheets]
        == [s.name for s in exact.sheets]
        == ["封面", "正文", "表二", "表三", "表四", "备注"]
    )
    assert fast.template_id == exact.template_id == "gov-info-annual-report-2021"
    for a, b in zip(fast.sheets, exact.sheets):
        assert {k: _comparable(v) for k, v in a.cells.items()} == {k: _comparable(v) for k, v in b.cells.items()}
        assert sorted(a.merges) == sorted(b.merges)
        assert a.visible == b.visible
    assert not fast.sheets[-1].visible
    assert (2, 12, 3, 13) in fast.sheet("表三").merges


def test_formulas_and_errors_are_seen(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表三"]["J7"] = "=SUM(D7:I7)"  # openpyxl saves no result: Excel never calculated it
    wb["表三"]["J8"] = "#DIV/0!"
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    cells = read_xlsx(path).sheet("表三").cells
    assert isinstance(cells[(7, 10)], Uncached) and cells[(7, 10)] == "=SUM(D7:I7)"
    assert isinstance(cells[(8, 10)], ExcelError) and cells[(8, 10)] == "#DIV/0!"


def test_a_far_away_cell_is_refused_before_any_reader_allocates_it(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["表三"]["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(ReadError, match="使用区域异常大") as refused:
        read_xlsx(path)
    assert refused.value.reason == "too_large"


def test_a_workbook_made_from_another_template_is_told(balanced_workbook: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(balanced_workbook)
    wb["_模板信息"]["B1"] = "gov-info-annual-report-2019"
    path = tmp_path / "other.xlsx"
    wb.save(path)
    (report,) = check_paths([path])
    assert report.findings == []
    assert report.notices == [
        "该工作簿由模板「gov-info-annual-report-2019」生成，本次按「gov-info-annual-report-2021」（国办公开办函〔2021〕30号）校验。"
    ]
