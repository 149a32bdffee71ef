"""Reports laid out as published: every section on one sheet, tables missing or cut, and what the checks still do.

The seed is the real 灞桥区投资合作和商务局 2021 report (shared/reference/000_0197dba437d264a9.txt): 表三 printed
without the 其他 column and with （六）其他处理 as one row, and the heading of 表四 with no table under it.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from builders import published
from test_structure import NO_OTHER, REAL_SIX, VALUES

from validator import check_paths, results_document
from validator.annotate.zip_painter import write_annotated
from validator.findings import FileReport
from validator.forms.layout import template_layout
from validator.forms.sample import balanced_values
from validator.spec import get_template

AS_PUBLISHED = {"drop_column": {"表三": "其他"}, "collapse": {"表三": REAL_SIX}}
SEED = {**AS_PUBLISHED, "headings_only": ("表四",)}


def check(path: Path, changes: dict[str, object] | None = None, **variant) -> FileReport:
    (report,) = check_paths([published(path / "report.xlsx", VALUES | NO_OTHER | (changes or {}), **variant)])
    assert report.error is None
    return report


def by_rule(report: FileReport, rule: str):
    return [f for f in report.findings if f.rule == rule]


def test_all_sections_on_one_sheet_are_found(tmp_path: Path) -> None:
    """Tables under their own headings, the text sections between them: every input found, nothing wrong."""
    assert check(tmp_path, cover=True).findings == []


def test_a_workbook_without_a_cover_whose_title_lacks_the_year_takes_it_from_the_text(tmp_path: Path) -> None:
    """The report pasted into a workbook under a title naming no year: the cover is asked for (the template has
    one), and what was taken from where is said."""
    report = check(tmp_path, title="某县人民政府办公室政府信息公开工作年度报告")
    assert [f.message for f in report.findings] == [
        "找不到「封面」（机关名称、统一社会信用代码、报告年度、机关层级、机关类别、联系人、联系电话）。"
        "机关名称已取自标题，报告年度已按正文「2025年，本机关认真贯彻《中华人民共和…」取为2025年度。请按官方格式补上。"
    ]
    assert report.agency["agency_name"] == "某县人民政府办公室" and report.agency["report_year"] == 2025


def test_a_title_pasted_with_characters_nobody_sees_names_the_agency_without_them(tmp_path: Path) -> None:
    """A title copied from a web page carries zero-width spaces and a byte order mark: its agency and year are read
    as seen, from the title."""
    report = check(tmp_path, title="\ufeff某县人民政府\u200b办公室20\u200b25年度政府信息公开工作\u00ad年度报告\u200b")
    assert "机关名称、报告年度已取自标题" in by_rule(report, "ST09")[0].message
    assert report.agency["agency_name"] == "某县人民政府办公室" and report.agency["report_year"] == 2025


def test_the_seed_report_as_published(tmp_path: Path) -> None:
    report = check(tmp_path, **SEED)
    assert sorted(f.rule for f in report.findings) == ["ST01", "ST03", "ST08", "ST09"]  # ST09: a workbook without cover
    assert "机关名称、报告年度已取自标题" in by_rule(report, "ST09")[0].message
    assert report.agency["agency_name"] == "某机关" and report.agency["report_year"] == 2025
    (missing,) = by_rule(report, "ST01")
    assert missing.message.startswith("表四缺失")
    assert missing.cell.ref == "Sheet1!A53"  # the heading with nothing under it
    assert "42项勾稽关系中有3项因此无法校验：EQ04「行政复议」组" in missing.message
    (column,) = by_rule(report, "ST03")
    assert "缺少「其他」列" in column.message
    assert "42项勾稽关系中有2项因此无法校验：EQ01「其他」列、EQ02「其他」列" in column.message
    (one_row,) = by_rule(report, "ST08")
    assert "42项勾稽关系中有2项因此无法校验：EQ03「2.申请人逾期" in one_row.message
    # Every check that can still be decided ran: 42 − 3 (表四) − 2 (其他 column) − 2 (the two hidden sub-rows).
    cov = report.coverage
    assert (cov.total, cov.checked, cov.assumed, len(cov.unchecked)) == (42, 35, 23, 7)


def test_no_finding_takes_rows_of_table_three_for_table_four(tmp_path: Path) -> None:
    report = check(tmp_path, **SEED)
    assert not [f for f in report.findings if "表四" in f.message and f.rule != "ST01"]
    assert not by_rule(report, "ST05")


def test_the_seed_still_checks_column_sums_through_the_single_row(tmp_path: Path) -> None:
    """（六） as one row is the sum of its three sub-rows: a wrong number there still unbalances its column."""
    key = "t3.other_no_correction.natural"  # the first sub-row takes the single row's value
    report = check(tmp_path, {key: VALUES[key] + 2}, **SEED)
    (column_sum,) = by_rule(report, "EQ02")
    assert column_sum.severity == "error"
    single_row = next(c for c in column_sum.cells if c.row == 49)  # the （六） row of the published layout
    assert single_row.col == 4
    assert "（六）其他处理" in column_sum.message or "（六）其他处理" in str(report.findings)


def test_the_seed_with_a_wrong_column_sum(tmp_path: Path) -> None:
    report = check(tmp_path, {"t3.disclosed.business": VALUES["t3.disclosed.business"] + 5}, **SEED)
    assert {f.rule for f in report.findings if f.severity == "error"} >= {"EQ02", "ST01"}


def test_coverage_in_json(tmp_path: Path) -> None:
    report = check(tmp_path, **SEED)
    (result,) = results_document([report])["results"]
    assert result["coverage"]["total"] == 42
    assert result["coverage"]["checked"] == 35
    assert result["coverage"]["assumed"] == 23
    assert "EQ04「行政复议」组" in result["coverage"]["unchecked"]


def test_full_coverage_when_nothing_is_missing(tmp_path: Path) -> None:
    report = check(tmp_path, cover=True)
    assert (report.coverage.total, report.coverage.checked, report.coverage.unchecked) == (42, 42, ())


def test_without_table_layout_template_order(tmp_path: Path) -> None:
    """表四 printed with its table on the same sheet is checked like any other."""
    report = check(tmp_path, {"t4.cases.review.total": 9}, cover=True, **AS_PUBLISHED)
    assert [(f.rule, f.key) for f in report.findings if f.rule.startswith("EQ")] == [("EQ04", "t4.cases.review.total")]


def test_coverage_on_the_results_sheet(tmp_path: Path) -> None:
    path = published(tmp_path / "seed.xlsx", VALUES | NO_OTHER, **SEED)
    (report,) = check_paths([path])
    written = write_annotated(path, report, out_dir=tmp_path / "out")
    sheet = openpyxl.load_workbook(written.path)["校验结果"]
    lines = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    (line,) = [x for x in lines if x.startswith("校验范围：")]
    assert line.startswith(
        "校验范围：42项勾稽关系中校验了35项（其中23项按缺少的数据为 0 校验），7项无法校验（EQ01「其他」列"
    )


# ---------------------------------------------------------------- the 2019 layout (issue 6: a wrong column sum is flagged)


def test_a_2019_report_as_published_with_a_wrong_column_sum_is_flagged(tmp_path: Path) -> None:
    """A 2020 report in the trial format pasted onto one sheet: detected as the 2019 template, its sums checked."""
    trial = get_template("gov-info-annual-report-2019")
    values = balanced_values(trial) | {"report_year": 2020}
    key = "t3.outcome_total.business"  # （七）总计 / 商业企业: the column no longer adds up
    path = published(tmp_path / "2020.xlsx", values | {key: values[key] + 3}, cover=True, layout=template_layout(trial))
    (report,) = check_paths([path])
    assert report.template == trial.id
    assert report.coverage.checked == report.coverage.total
    column_sums = [f for f in report.findings if f.rule in ("EQ01", "EQ02")]
    assert column_sums and all(f.severity == "error" for f in column_sums)
    assert key in {f.key for f in report.findings}


def test_a_section_is_all_its_paragraphs(tmp_path: Path) -> None:
    """Text pasted as one paragraph per row: the section is every row up to the next heading, tables excluded."""
    paragraphs = {"overview": ("2021年，本机关扎实推进政府信息公开工作。", "一是夯实工作责任。", "二是强化信息报送。")}
    report = check(tmp_path, paragraphs=paragraphs, cover=True)
    assert report.values["overview"] == "\n".join(paragraphs["overview"])
    assert report.values["problems"] == VALUES["problems"]
