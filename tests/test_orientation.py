"""Tables printed across: 表三 with 自然人… down the side and the items as columns, 表四 printed tall (groups and
results down the side, the numbers in one column); and 表四 printed as a grid (行政复议, 未经复议直接起诉 and 复议后起诉
each a row under one row of 结果维持…总计, beside a merged 行政诉讼 or not). Each is read into the places of the official
form by the same labels, with one ST11, in workbooks and in published web pages and Word documents.
"""

from __future__ import annotations

from pathlib import Path

import documents
import pytest
from builders import TEMPLATE, build, published
from test_structure import VALUES, WRONG_T3, WRONG_T4
from test_table_parts import _grown, _tbl

from validator import check_paths
from validator.findings import FileReport
from validator.locate import locate
from validator.sources.formats import load_file
from validator.sources.xlsx import load

ACROSS = ("表三", "表四")
RENDERINGS = {
    "html": lambda parts, path: path.write_bytes(documents.clean_html(parts)),
    "word.html": lambda parts, path: path.write_bytes(documents.word_html(parts)),
    "docx": lambda parts, path: documents.docx(parts, path),
}


def _checked(path: Path) -> FileReport:
    (report,) = check_paths([path])
    assert report.error is None
    return report


def _rendered(tmp_path: Path, fmt: str, values: dict, **variant) -> Path:
    """The report laid out as published (`variant` applied to its tables), rendered as `fmt`."""
    tmp_path.mkdir(exist_ok=True)
    sheet = load(published(tmp_path / "report.xlsx", values, **variant)).grid.sheets[0]
    path = tmp_path / f"report.{fmt}"
    RENDERINGS[fmt](documents.segments(sheet), path)
    return path


def _equations(report: FileReport) -> list[tuple]:
    return sorted((f.rule, f.key, f.expected, f.actual) for f in report.findings if not f.rule.startswith("ST"))


def test_a_workbook_with_tables_printed_across_reads_every_value_into_its_place(tmp_path: Path) -> None:
    path = build(tmp_path / "across.xlsx", VALUES, transpose=ACROSS)
    located = locate(load(path).grid, TEMPLATE)
    keys = [k for k in VALUES if k.startswith(("t3.", "t4."))]
    assert {k: located.cells[k].raw for k in keys} == {k: VALUES[k] for k in keys}
    assert _checked(path).flatten() == [("ST11", "表三!B5"), ("ST11", "表四!C2")]


def test_wrong_values_printed_across_are_found_at_their_cells(tmp_path: Path) -> None:
    report = _checked(build(tmp_path / "across.xlsx", VALUES | WRONG_T3 | WRONG_T4, transpose=ACROSS))
    # 表三!D17 and 表四!J5 of the official form: its row and column swapped (below the sheet title)
    assert [f for f in report.flatten() if f[0] != "ST11"] == [
        ("EQ02", "表三!P5"),
        ("EQ03", "表三!P5"),
        ("EQ04", "表四!D11"),
    ]


def test_the_warning_says_what_runs_the_other_way(tmp_path: Path) -> None:
    report = _checked(build(tmp_path / "across.xlsx", VALUES, transpose=ACROSS))
    t3, t4 = (f.message for f in report.findings)
    assert "表三的行和列与官方格式对调" in t3 and "「自然人」等各列印成了行" in t3
    assert "「一、本年新收政府信息公开申请数量」等各行印成了列" in t3
    assert "表四的行和列与官方格式对调" in t4 and "「行政复议」「结果维持」等各列印成了行" in t4


def test_problems_of_a_table_printed_across_name_rows_and_columns_as_printed(tmp_path: Path) -> None:
    """An extra row of the official form is a column as printed; a misspelt label is a row label as printed."""
    report = _checked(
        build(
            tmp_path / "across.xlsx",
            VALUES,
            transpose=("表三",),
            extra_row={"表三": (9, "其中：网上申请", (2, 0, 0, 0, 0, 0, 2))},
            relabel={"商业企业": "商业企"},
        )
    )
    assert [f.rule for f in report.findings] == ["ST11", "ST04", "ST05"]  # what the others are read by comes first
    assert report.flatten() == [("ST04", "表三!C6"), ("ST05", "表三!H3"), ("ST11", "表三!B5")]
    _, misspelt, extra = (f.message for f in report.findings)
    assert "与官方行标签「商业企业」不一致" in misspelt
    assert "表三第 H 列「其中：网上申请」不是官方格式中的列" in extra and "请删除该列" in extra


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_published_report_with_tables_printed_across_reads_as_the_official_one(tmp_path: Path, fmt: str) -> None:
    values = VALUES | WRONG_T3 | WRONG_T4
    official = _checked(_rendered(tmp_path / "official", fmt, values))
    across = _checked(_rendered(tmp_path / "across", fmt, values, transpose=ACROSS))
    assert _equations(across) == _equations(official) != []
    assert [f.rule for f in across.findings if f.rule.startswith("ST")] == ["ST11", "ST11"]
    place = next(f for f in across.findings if f.rule == "ST11").message
    assert "原文位置：表三" in place


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_published_table_printed_across_reads_every_value(tmp_path: Path, fmt: str) -> None:
    grid = load_file(_rendered(tmp_path, fmt, VALUES, transpose=ACROSS)).grid
    located = locate(grid, TEMPLATE)
    keys = [k for k in VALUES if k.startswith(("t3.", "t4."))]
    assert {k: str(located.cells[k].raw) for k in keys} == {k: str(VALUES[k]) for k in keys}


# 表四 as a grid: its header row, then 行政复议, 未经复议直接起诉 and 复议后起诉 a row each (below the sheet title)
GRIDS = {"beside 行政诉讼": {"表四": True}, "groups alone": {"表四": False}}
T4 = [k for k in VALUES if k.startswith("t4.")]


@pytest.mark.parametrize("fold", GRIDS.values(), ids=GRIDS.keys())
def test_a_workbook_with_table_four_as_a_grid_reads_every_value_into_its_place(tmp_path: Path, fold: dict) -> None:
    path = build(tmp_path / "grid.xlsx", VALUES, fold=fold)
    located = locate(load(path).grid, TEMPLATE)
    assert {k: located.cells[k].raw for k in T4} == {k: VALUES[k] for k in T4}
    first = "C" if fold["表四"] else "B"  # the first column of numbers: right of one or two columns of labels
    assert located.cells["t4.cases.after_review.total"].cell.coordinate == f"{chr(ord(first) + 4)}5"
    assert _checked(path).flatten() == [("ST11", f"表四!{first}2")]


@pytest.mark.parametrize(("fold", "total"), tuple(zip(GRIDS.values(), ("G4", "F4"))), ids=GRIDS.keys())
def test_a_wrong_value_in_table_four_as_a_grid_is_found_at_its_cell(tmp_path: Path, fold: dict, total: str) -> None:
    report = _checked(build(tmp_path / "grid.xlsx", VALUES | WRONG_T4, fold=fold))
    # 表四!J5 of the official form: 未经复议直接起诉's 总计, on that group's row
    assert [f for f in report.flatten() if f[0] != "ST11"] == [("EQ04", f"表四!{total}")]
    (warning,) = (f.message for f in report.findings if f.rule == "ST11")
    assert "表四按类别分行排列" in warning and "「行政复议」「未经复议直接起诉」「复议后起诉」各占一行" in warning


@pytest.mark.parametrize("fold", GRIDS.values(), ids=GRIDS.keys())
@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_published_table_four_as_a_grid_reads_as_the_official_one(tmp_path: Path, fmt: str, fold: dict) -> None:
    values = VALUES | WRONG_T3 | WRONG_T4
    official = _checked(_rendered(tmp_path / "official", fmt, values))
    grid = _checked(_rendered(tmp_path / "grid", fmt, values, fold=fold))
    assert _equations(grid) == _equations(official) != []
    assert [f.rule for f in grid.findings if f.rule.startswith("ST")] == ["ST11"]
    wrong = next(f.message for f in grid.findings if f.rule == "EQ04")
    assert "（原文位置：表四 第3行「未经复议直接起诉」「总计」列）" in wrong  # the group's row as published


@pytest.mark.parametrize("fmt", ("html", "docx"))
def test_a_published_table_four_as_a_grid_reads_every_value(tmp_path: Path, fmt: str) -> None:
    located = locate(load_file(_rendered(tmp_path, fmt, VALUES, fold=GRIDS["beside 行政诉讼"])).grid, TEMPLATE)
    assert {k: str(located.cells[k].raw) for k in T4} == {k: str(VALUES[k]) for k in T4}


MERGED = {
    "表四 as a grid": ({"fold": {"表四": True}, "merge": {"表四": "C4:D4"}}, "表四!C4", "C4:D4"),
    "表三 across": ({"transpose": ("表三",), "merge": {"表三": "D6:E6"}}, "表三!D6", "D6:E6"),
}


@pytest.mark.parametrize(("variant", "cell", "area"), MERGED.values(), ids=MERGED.keys())
def test_merged_inputs_of_a_table_printed_otherwise_are_found_at_their_cells(
    tmp_path: Path, variant: dict, cell: str, area: str
) -> None:
    """The merge hides the second value: one ST06 at the merge as printed, and the hidden input unknown (no TY01)."""
    report = _checked(build(tmp_path / "merged.xlsx", VALUES, **variant))
    assert [f for f in report.flatten() if f[0] != "ST11"] == [("ST06", cell)]
    assert f"{area} 是合并单元格" in next(f.message for f in report.findings if f.rule == "ST06")


# 表四's group labels joined in one cell, as some reports print a grid: the group with its outer group
JOINED = {
    "行政诉讼（…）": {"未经复议直接起诉": "行政诉讼（未经复议直接起诉）", "复议后起诉": "行政诉讼（复议后起诉）"},
    "…的行政诉讼": {"未经复议直接起诉": "未经复议直接起诉的行政诉讼", "复议后起诉": "复议后起诉的行政诉讼"},
}


@pytest.mark.parametrize("fold", GRIDS.values(), ids=GRIDS.keys())
@pytest.mark.parametrize("joined", JOINED.values(), ids=JOINED.keys())
@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_grid_labelling_a_group_with_its_outer_group_in_one_cell(tmp_path: Path, fmt: str, joined, fold) -> None:
    """「行政诉讼（复议后起诉）」 names 复议后起诉 under 行政诉讼: every value read into its place, as for the grid
    labelled the official way, beside a merged 行政诉讼 or not."""
    path = _rendered(tmp_path, fmt, VALUES | WRONG_T4, fold=fold, relabel=joined)
    report = _checked(path)
    official = _checked(_rendered(tmp_path / "official", fmt, VALUES | WRONG_T4))
    assert [f.rule for f in report.findings if f.rule.startswith("ST")] == ["ST11"]
    assert _equations(report) == _equations(official) != []
    located = locate(load_file(path).grid, TEMPLATE)
    t4 = {k: v for k, v in (VALUES | WRONG_T4).items() if k.startswith("t4.")}
    assert {k: str(located.cells[k].raw) for k in t4} == {k: str(v) for k, v in t4.items()}


def _grid_with(tmp_path: Path, fmt: str, fold: dict, grown) -> FileReport:
    """The balanced report with 表四 as a grid, `grown` (its table, the number of label columns → the table) applied
    to that table as published, rendered as `fmt` and checked."""
    tmp_path.mkdir(exist_ok=True)
    sheet = load(published(tmp_path / "report.xlsx", VALUES, fold=fold)).grid.sheets[0]
    parts = documents.segments(sheet)
    i = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith("四、")) + 1
    parts[i] = grown(parts[i], 2 if fold["表四"] else 1)
    path = tmp_path / f"report.{fmt}"
    RENDERINGS[fmt](parts, path)
    return _checked(path)


def _total_row(table: documents.Tbl, labels: int) -> documents.Tbl:
    """A 合计 row under the groups' rows: the sum of each column, labelled across the label columns."""
    sums = [
        str(sum(int(table.cells[(r, c)]) for r in range(2, table.rows + 1))) for c in range(labels + 1, table.cols + 1)
    ]
    return _grown(table, [["合计", *[""] * (labels - 1), *sums]], ((1, 1, 1, labels),) if labels > 1 else ())


def _unlabelled_row(table: documents.Tbl, labels: int) -> documents.Tbl:
    """A row of numbers without a label between 行政复议's row and the next group's."""
    rows = [[table.cells.get((r, c), "") for c in range(1, table.cols + 1)] for r in range(1, table.rows + 1)]
    rows.insert(2, [""] * labels + ["1"] * (table.cols - labels))
    merges = [(t + (t > 2), lf, b + (b > 2), rt) for t, lf, b, rt in table.merges]
    return _tbl(rows, merges)


def _total_column(table: documents.Tbl, labels: int) -> documents.Tbl:
    """A 合计 column after 总计 (the groups' totals again)."""
    rows = [[table.cells.get((r, c), "") for c in range(1, table.cols + 1)] for r in range(1, table.rows + 1)]
    for r, row in enumerate(rows, 1):
        row.append("合计" if r == 1 else row[-1])
    return _tbl(rows, table.merges)


EXTRA_IN_GRID = {  # what is added to 表四 as a grid, and what ST05 says of it
    "合计行": (_total_row, "表四第5行「合计」不是官方格式中的行，其中的数字未参与校验。"),
    "没有标签的一行数字": (
        _unlabelled_row,
        "表四第3行有数字，不是官方格式中的行（该表每一类别（「行政复议」「未经复议直接起诉」「复议后起诉」）一行数字）",
    ),
    "合计列": (_total_column, "表四第{}列「合计」不是官方格式中的列，其中的数字未参与校验。"),
}


@pytest.mark.parametrize("extra", EXTRA_IN_GRID)
@pytest.mark.parametrize("fold", GRIDS.values(), ids=GRIDS.keys())
@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_row_or_column_added_to_table_four_as_a_grid(tmp_path: Path, fmt: str, fold: dict, extra: str) -> None:
    """A row of numbers that is no group's (a 合计 row under the groups, a row between them) or a column that is no
    outcome: ST05 once, as for such a row or column of the table printed the official way; every value of the
    groups read as ever."""
    grown, said = EXTRA_IN_GRID[extra]
    report = _grid_with(tmp_path, fmt, fold, grown)
    (st05,) = [f.message for f in report.findings if f.rule == "ST05"]
    assert st05.startswith(said.format(8 if fold["表四"] else 7))
    assert [f.rule for f in report.findings if f.rule != "ST05"] == ["ST11"]
    assert {k: str(v) for k, v in report.values.items() if k in T4} == {k: str(VALUES[k]) for k in T4}
