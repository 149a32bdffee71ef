"""Yet more ways agencies publish their reports' tables, each read as a careful reader reads it: a 「合计」 column
added right of 总计 (said once, its numbers left out), zeros typed as the letter O, sections typed out of order
(read, and said), and zeros left blank in a PDF whose page breaks cut rows."""

from __future__ import annotations

import re
from pathlib import Path

import documents
import pytest
from builders import published
from test_import import SOFFICE, _as_pdf, _findings
from test_published_variants import _cut_tops, _t3_findings, _value, _with_t3
from test_structure import VALUES

from validator import check_paths
from validator.sources.xlsx import load

RENDERINGS = {
    "html": lambda parts, path: path.write_bytes(documents.clean_html(parts)) and path,
    "docx": documents.docx,
    "pdf": documents.pdf,
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list]:
    """The balanced report on one sheet, and its parts as published."""
    root = tmp_path_factory.mktemp("variants3")
    xlsx = published(root / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    return xlsx, documents.segments(load(xlsx).grid.sheets[0])


def _with_total_column(parts: list, numeral: str, header_rows: int, total: dict[int, str]) -> list:
    """The parts with a 「合计」 column added right of the table under section `numeral`: its header merged down the
    `header_rows`, `total` by row under it."""
    at = documents.section_table(parts, numeral)
    table, col = parts[at], parts[at].cols + 1
    cells = table.cells | {(1, col): "合计"} | {(r, col): text for r, text in total.items()}
    covered = {(r, col) for r in range(2, header_rows + 1)}
    grown = documents.Tbl(cells, [*table.merges, (1, col, header_rows, col)], table.rows, col, table.covered | covered)
    return [*parts[:at], grown, *parts[at + 1 :]]


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_total_column_added_right_of_table_three_s_total_is_said_once(report, tmp_path: Path, fmt: str) -> None:
    """表三 with a 「合计」 column after 「总计」 (some agencies add one, repeating each row's total): it is no column of
    the national format, said once (ST05, its numbers not checked, delete it), where before it was passed over in
    silence; every official number is read as before, no equation fails."""
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    totals = {r: t3.cells[(r, t3.cols)] for r in range(4, t3.rows + 1)}
    path = RENDERINGS[fmt](_with_total_column(parts, "三", 3, totals), tmp_path / f"total.{fmt}")
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "ST05"]
    assert said.startswith("表三第11列「合计」不是官方格式中的列，其中的数字未参与校验。请删除该列"), said
    assert [f for f in _findings(path) if f[0] != "ST05"] == _findings(xlsx)
    assert _value(path, "t3.new.total") == VALUES["t3.new.total"]


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_a_total_column_added_right_of_table_four_is_said_once(report, tmp_path: Path, fmt: str) -> None:
    """表四 printed the official way with a 「合计」 column after 复议后起诉's 「总计」 (all cases): said once (ST05)."""
    xlsx, parts = report
    path = RENDERINGS[fmt](_with_total_column(parts, "四", 3, {4: "7"}), tmp_path / f"total.{fmt}")
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "ST05"]
    assert said.startswith("表四第16列「合计」不是官方格式中的列，其中的数字未参与校验。"), said
    assert [f for f in _findings(path) if f[0] != "ST05"] == _findings(xlsx)


@pytest.mark.parametrize("letter", ["O", "o", "Ｏ"])
@pytest.mark.parametrize("fmt", RENDERINGS)
def test_zero_typed_as_the_letter_o_is_zero(report, tmp_path: Path, fmt: str, letter: str) -> None:
    """表三's zeros typed as the letter 「O」 (lower case, full width): each is 0, said once for the table (TY04, type the
    digit 0), not 127 cells of no number (TY07) leaving every equation they are in unchecked; the table's labels,
    text beside the numbers, are read as ever."""
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    lettered = _with_t3(parts, {k: letter for k, v in t3.cells.items() if v == "0"})
    path = RENDERINGS[fmt](lettered, tmp_path / f"zeros.{fmt}")
    (checked,) = check_paths([path])
    said = [f.message for f in checked.findings if f.rule == "TY04"]
    assert len(said) == 1 and "个单元格用字母「O」填了 0，已按 0 校验。请填阿拉伯数字 0。" in said[0], said
    assert checked.coverage.checked == checked.coverage.total
    assert [f for f in _findings(path) if f[0] != "TY04"] == _findings(xlsx)
    assert _value(path, "t3.withheld_secret.natural") == 0


def test_one_cell_typed_as_the_letter_o_is_told_where(report, tmp_path: Path) -> None:
    """A single zero typed as 「O」: told at its cell, as typed."""
    xlsx, parts = report
    path = RENDERINGS["html"](_with_t3(parts, {(8, 4): "O"}), tmp_path / "one.html")
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "TY04"]
    assert "填了字母「O」。请填阿拉伯数字 0；已按 0 校验。" in said, said
    assert [f for f in _findings(path) if f[0] != "TY04"] == _findings(xlsx)


def _section_at(parts: list, numeral: str) -> int:
    return next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(f"{numeral}、"))


@pytest.mark.parametrize("fmt", RENDERINGS)
def test_sections_typed_out_of_order_are_read_and_said_once(report, tmp_path: Path, fmt: str) -> None:
    """「四、政府信息公开行政复议、行政诉讼情况」 and 表四 typed before 「三、收到和处理政府信息公开申请情况」: every
    section is read as ever, and the order is said once (ST11, at 四's heading: move 三 before it), where before
    nothing told the agency its report differs from the national format."""
    xlsx, parts = report
    three, four = _section_at(parts, "三"), _section_at(parts, "四")
    swapped = [*parts[:three], *parts[four : four + 2], *parts[three:four], *parts[four + 2 :]]
    path = RENDERINGS[fmt](swapped, tmp_path / f"swapped.{fmt}")
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "ST11"]
    assert said.startswith(
        "年报各部分的顺序与官方格式不同：「四、政府信息公开行政复议、行政诉讼情况」排在了「三、收到和处理政府信息公开申请情况」之前。"
        "各部分已按其标题读取并照常校验；请把「三、收到和处理政府信息公开申请情况」移到「四、政府信息公开行政复议、行政诉讼情况」之前"
    ), said
    assert "正文第5段）" in said  # where 四's heading is
    assert [f for f in _findings(path) if f[0] != "ST11"] == _findings(xlsx)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_zeros_left_blank_across_pdf_page_breaks_read_as_in_the_word_file(report, tmp_path: Path) -> None:
    """表三 with its zeros left blank (as many agencies leave them), printed by LibreOffice with rows breaking across
    pages: wherever the break falls, a blank row's numbered label cut in two (「3.要求」 + 「提供公开出版物」) is one
    row, and a blank row on top of a page is no lower part of the number above it (not 「4.保护第三方合法权益」's
    total merged with 「5.属于三类内部事务信息」's, ST06): 表三 reads as in the Word file."""
    _, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    blank = _with_t3(parts, {k: "" for k, v in t3.cells.items() if v == "0"})
    docs = [
        documents.docx(blank[:1] + ["本机关认真贯彻条例。"] * lead + blank[1:], tmp_path / f"l{lead}.docx")
        for lead in (4, 8)
    ]
    tops = []
    for docx, pdf_path in zip(docs, _as_pdf(tmp_path, *docs)):
        tops += [next(text for text in top if text) for top in _cut_tops(pdf_path) if not any(top[3:])]
        assert _t3_findings(pdf_path) == _t3_findings(docx), pdf_path.name
    assert {"5.属于三类内部事务信息", "提供公开出版物"} <= set(tops)  # the breaks fell in blank rows


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_a_group_s_first_row_on_top_of_a_pdf_page_is_no_lower_part_of_the_row_above(report, tmp_path: Path) -> None:
    """表三 with its sub-rows typed without their numbers and its zeros left blank, printed by LibreOffice with the
    page break right under 「要求行政机关确认或重新出具已获取信息」 (left blank): 「（六）其他处理」 and its first row
    on top of the next page begin a group, they are no lower part of the row above (not one row 「要求行政机关确认…
    申请人无正当理由…」, 「5.要求行政机关确认或重新出具已获取信息」 missing, ST02): 表三 reads as in the Word file."""
    _, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    changed = {k: "" for k, v in t3.cells.items() if v == "0"}
    changed |= {k: re.sub(r"^\d\.", "", v) for k, v in t3.cells.items() if k[1] == 3}
    plain = _with_t3(parts, changed)
    docx = documents.docx(plain[:1] + ["本机关认真贯彻条例。"] * 2 + plain[1:], tmp_path / "l2.docx")
    (pdf_path,) = _as_pdf(tmp_path, docx)
    assert any(top[1] == "（六）其他处理" for top in _cut_tops(pdf_path))  # the break fell under 「（五）」's last row
    assert _t3_findings(pdf_path) == _t3_findings(docx)


def test_an_item_worded_as_a_later_section_is_no_section_out_of_order(report, tmp_path: Path) -> None:
    """「一、总体情况」 with an item 「（四）政府信息公开行政复议、行政诉讼情况」 in it (some reports go through the
    sections' matters so): the item is no section 四 put before 三, the sections are in order (no ST11)."""
    xlsx, parts = report
    one = _section_at(parts, "一")
    itemised = [*parts[: one + 2], "（四）政府信息公开行政复议、行政诉讼情况", "本年度未发生。", *parts[one + 2 :]]
    path = RENDERINGS["html"](itemised, tmp_path / "itemised.html")
    assert _findings(path) == _findings(xlsx)


@pytest.mark.parametrize("zero", ["O", "零"])
def test_table_four_s_zeros_typed_otherwise_are_no_labels_of_its_row(tmp_path: Path, zero: str) -> None:
    """表四 without a case, every cell typed 「O」 (or 「零」): the cell told first is named by its row's category and
    its column (「行政复议」「结果维持」), as for 「〇」, not by what it holds (「表四 第4行「O」第1列」: the cell's
    text taken for the row's label)."""
    xlsx = published(
        tmp_path / "none.xlsx", {k: 0 if k.startswith("t4.") else v for k, v in VALUES.items() if v is not None}
    )
    parts = documents.segments(load(xlsx).grid.sheets[0])
    at = documents.section_table(parts, "四")
    t4 = parts[at]
    typed = documents.Tbl(
        {k: zero if v == "0" else v for k, v in t4.cells.items()}, t4.merges, t4.rows, t4.cols, t4.covered
    )
    path = RENDERINGS["html"]([*parts[:at], typed, *parts[at + 1 :]], tmp_path / "typed.html")
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "TY04"]
    assert said.startswith("表四「行政复议 / 结果维持」等 15 个单元格") and said.endswith(
        "（原文位置：表四 第4行「行政复议」「结果维持」列）"
    ), said
