"""Published reports where one cause used to be said many times, or a second cause not at all: a table running off a
PDF page said once for all the columns it lost, and sections typed out of order said beside tables moved to 附表."""

from __future__ import annotations

from pathlib import Path

import documents
import pytest
from builders import published
from test_import import SOFFICE, _published_as
from test_published_variants2 import _printed, _section_at
from test_sections import _APPENDIX_HEADINGS, WRONG, _appended, _parts
from test_sections import _findings as _not_st11
from test_structure import VALUES

from validator import check_paths
from validator.sources.xlsx import load

CLIPPED = "原文的表格超出了 PDF 页面的边缘"


def _four_before_three(parts: list) -> list:
    """The parts with 「四、…」 and 表四 typed before 「三、…」 and 表三."""
    three, four = _section_at(parts, "三"), _section_at(parts, "四")
    swapped = [*parts[:three], *parts[four : four + 2], *parts[three:four], *parts[four + 2 :]]
    assert "".join(p[0] for p in swapped if isinstance(p, str) and p[1:2] == "、") == "一二四三五六"
    return swapped


@pytest.mark.parametrize(
    ("printer", "lost"),
    [
        ("chromium", "表三缺少 4 列：「社会公益组织」「法律服务机构」「其他」（申请人情况、法人或其他组织下），「总计」（申请人情况下）。"),
        ("libreoffice", "表四缺少 4 列：「结果纠正」「其他结果」「尚未审结」「总计」（行政诉讼、复议后起诉下）。"),
    ],
)  # fmt: skip
def test_columns_a_pdf_page_s_edge_cut_off_are_said_once(tmp_path: Path, printer: str, lost: str) -> None:
    """A CMS page whose cells do not wrap (`<td nowrap>`) with 四 typed before 三, printed to PDF: a table runs off the
    paper and its last four columns are not printed. The cause is one, so is the finding: one ST03 naming every column
    lost, why (the page's edge) and what to do once, where there were four ST03 each repeating the page's edge; the
    columns printed are read and checked as ever (the rest of the last column's header, printed beyond the page's
    edge, is no paragraph cutting 表四's header from its numbers: 「行政复议 / 结果维持」 is read, not blank, TY01)."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    page = tmp_path / "nowrap.html"
    page.write_bytes(documents.clean_html(_four_before_three(documents.segments(load(xlsx).grid.sheets[0]))))
    assert b"<td nowrap" in page.read_bytes()
    (checked,) = check_paths([_printed(page, printer)])
    clipped = [f for f in checked.findings if CLIPPED in f.message]
    assert [f.rule for f in clipped] == ["ST03"], [f.message for f in clipped]
    (said,) = clipped
    assert said.message.startswith(lost + CLIPPED), said.message
    assert "请提供 Word 或网页版本，或把该页设为横向重新导出 PDF 后再校验。" in said.message
    assert "请按官方格式补上" not in said.message
    table = lost[:2]
    assert not [
        f for f in checked.findings if f.rule in ("ST01", "ST03") and f.message.startswith(table) and f is not said
    ]
    read = "t3.new.natural" if table == "表三" else "t4.cases.review.upheld"
    assert checked.values[read] == VALUES[read]


@pytest.mark.parametrize("style", ["official", "附表", "none"])
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_sections_out_of_order_are_said_beside_moved_tables(tmp_path: Path, fmt: str, style: str) -> None:
    """「四、…」 typed before 「三、…」 in the text, and the tables appended after it (附表): two causes, two findings
    (ST11), each saying what to do: put the tables under their headings, and move 「三、…」 before 「四、…」. Before,
    the appendix hid the order (only the 附表 ST11). Every table is read and checked as in place."""
    parts = _parts(tmp_path, WRONG)
    expected = _not_st11(_published_as(parts, tmp_path / "in_place", fmt))
    path = _published_as(_appended(_four_before_three(parts), _APPENDIX_HEADINGS[style]), tmp_path / "both", fmt)
    (checked,) = check_paths([path])
    moved, order = [f.message for f in checked.findings if f.rule == "ST11"]
    assert moved.startswith("表二、表三、表四没有放在各自的章节标题之下"), moved
    assert "请按官方格式把各表放在对应的章节标题之下" in moved
    assert order.startswith(
        "年报各部分的顺序与官方格式不同：「四、政府信息公开行政复议、行政诉讼情况」排在了「三、收到和处理政府信息公开申请情况」之前。"
        "各部分已按其标题读取并照常校验；请把「三、收到和处理政府信息公开申请情况」移到「四、政府信息公开行政复议、行政诉讼情况」之前"
    ), order
    assert _not_st11(path) == expected


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_a_table_printed_across_running_off_a_pdf_page_is_said_once(tmp_path: Path) -> None:
    """表三 printed across (its official rows as columns) on a page whose cells do not wrap, printed by LibreOffice:
    the page's edge cuts off the columns as printed, which are official rows. One ST02 names them all with the
    cause and what to do, where there were 24 ST02 each asking to add the row as a column (「请按官方格式补上该列」)."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None}, transpose=("表三",))
    page = tmp_path / "across.html"
    page.write_bytes(documents.clean_html(documents.segments(load(xlsx).grid.sheets[0])))
    (checked,) = check_paths([_printed(page, "libreoffice")])
    said = [f.message for f in checked.findings if f.rule == "ST02"]
    assert len(said) == 1, said
    assert said[0].startswith("表三缺少 24 列：「二、上年结转政府信息公开申请数量」，「（一）予以公开」"), said
    assert CLIPPED in said[0] and "请按官方格式补上" not in said[0]
    assert checked.values["t3.new.natural"] == VALUES["t3.new.natural"]
