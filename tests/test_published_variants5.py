"""Published reports as the office meets them, where the way they were printed used to be taken for a defect: an
unnumbered label filling its last line over a page break, 表三 running off a browser's page (printed across, or its
header cut by the page break), a block's caption on top of a page or alone at a page's foot, and the table sections
headed only in an appendix after the last section."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from test_import import SOFFICE, _as_pdf, _findings, _published_as
from test_published_variants import _cut_tops, _t3_findings, _with_t3
from test_published_variants2 import CHROMIUM, _printed
from test_published_variants4 import CLIPPED
from test_sections import _APPENDIX_HEADINGS, _TABLED, WRONG, _appended, _parts
from test_sections import _findings as _not_st11
from test_structure import VALUES

from validator import check_paths
from validator.engine import reader_labels
from validator.labels import words
from validator.radicals import ideographs
from validator.sources.xlsx import load


@pytest.fixture(scope="module")
def parts(tmp_path_factory) -> list:
    """The balanced report on one sheet, as its parts are published."""
    xlsx = published(
        tmp_path_factory.mktemp("variants5") / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None}
    )
    return documents.segments(load(xlsx).grid.sheets[0])


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_an_unnumbered_label_filling_its_line_over_a_pdf_page_break_is_its_own_row(parts, tmp_path: Path) -> None:
    """表三 with its sub-rows typed without their numbers and its zeros left blank, printed by LibreOffice with the page
    break at six places: a blank row's label that happens to fill its last line (「属于四类过程性信息」) and the next
    row's whole label on top of the next page (「属于行政执法案卷」) are two official rows, not one row joined
    「属于四类过程性信息属于行政执法案卷」 with 「7.属于行政执法案卷」 missing (ST02); and a blank row's label cut
    short (「属于三」 + 「类内部事务信息」) is one row. The official labels tell, not the lines: 表三 reads as in the
    Word file wherever the break falls."""
    t3 = parts[documents.section_table(parts, "三")]
    changed = {k: "" for k, v in t3.cells.items() if v == "0"}
    changed |= {k: re.sub(r"^\d\.", "", v) for k, v in t3.cells.items() if k[1] == 3}
    plain = _with_t3(parts, changed)
    docs = [
        documents.docx(plain[:1] + ["本机关认真贯彻条例。"] * lead + plain[1:], tmp_path / f"l{lead}.docx")
        for lead in range(0, 12, 2)
    ]
    tops = []
    for docx, pdf_path in zip(docs, _as_pdf(tmp_path, *docs)):
        tops += [top[2] for top in _cut_tops(pdf_path) if len(top) > 3 and not any(top[3:])]
        assert _t3_findings(pdf_path) == _t3_findings(docx), pdf_path.name
    whole = [top for top in tops if words(top) in reader_labels(None)]
    assert whole and len(whole) < len(tops)  # breaks fell above a whole blank label, and inside one


def test_a_table_printed_across_running_off_a_browser_s_pdf_page_is_said_once(tmp_path: Path) -> None:
    """表三 printed across (its official rows as columns) on a page whose cells do not wrap, printed by Chromium: the
    start of the first column the page's edge cuts (「（一）」) stands right of the last rule found, and the table
    breaks onto the next page. That text is the clipped table's, no paragraph after it: the table's parts are joined
    and it is said as any clipped table is, once (ST02 naming the columns lost, the page's edge and what to do), with
    the columns printed read and checked; not 表三 unreadable (ST01) and its labels on the next page taken for
    misspelt rows (「其他」 for 「3.其他」, 「总计」 for 「（七）总计」, and 「（一）」 for 「（一）予以公开」, ST04)."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None}, transpose=("表三",))
    page = tmp_path / "across.html"
    page.write_bytes(documents.clean_html(documents.segments(load(xlsx).grid.sheets[0])))
    (checked,) = check_paths([_printed(page, "chromium")])
    assert not [f for f in checked.findings if f.rule in ("ST01", "ST03", "ST04")], checked.findings
    (said,) = [f.message for f in checked.findings if f.rule == "ST02"]
    assert said.startswith("表三缺少 23 列：「（一）予以公开」"), said
    assert CLIPPED in said and "请按官方格式补上" not in said
    for key in ("t3.new.natural", "t3.new.total", "t3.carried_in.natural", "t3.carried_in.total"):
        assert checked.values[key] == VALUES[key], key


def _headed_in_appendix_only(parts: list) -> list:
    """The report with 二、三、四 and their tables in an appendix after 六 (「附表」, each table under its section's
    heading), the text going 一、五、六 (their headings and text given only there)."""
    appended = _appended(parts, _APPENDIX_HEADINGS["official"])
    at = appended.index("附表")
    text = appended[:at]
    dropped = {i + k for i, p in enumerate(text) if p in _TABLED for k in (0, 1)}  # a heading and 「详见附表」
    return [p for i, p in enumerate(text) if i not in dropped] + appended[at:]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_sections_headed_only_in_an_appendix_after_the_last_are_in_order(tmp_path: Path, fmt: str) -> None:
    """The text going 一、五、六 and the appendix after 六 giving 二、三、四 with their tables: an appendix of tables
    after the text, as reports publish them, not sections out of order (「五…」 before 「二…」); the one ST11 says the
    text lacks those sections (tests/test_published_appendix.py). Every table is read and checked as in place."""
    parts = _parts(tmp_path, WRONG)
    expected = _not_st11(_published_as(parts, tmp_path / "in_place", fmt))
    appended = _headed_in_appendix_only(parts)
    assert "".join(p[0] for p in appended if isinstance(p, str) and p[1:2] == "、") == "一五六二三四"
    path = _published_as(appended, tmp_path / "appendix", fmt)
    (checked,) = check_paths([path])
    (said,) = [f.message for f in checked.findings if f.rule == "ST11"]
    assert said.startswith("正文中没有「二、主动公开政府信息情况」") and "排在了" not in said, said
    assert _not_st11(path) == expected


def test_a_clipped_table_whose_header_a_browser_s_page_break_cuts_is_one_table(parts, tmp_path: Path) -> None:
    """A CMS page whose cells do not wrap, printed by Chromium: 表三 runs off the paper, and the page break falls
    inside its header (「自然人」 at the foot of one page, 「商业企业」 on top of the next). On the first page the
    header cells cut by the page's edge close no column, so that part ends at 「自然人」 while the next ends at the
    page's edge (its rules run on to where the browser's clip ends, short of the paper's edge): the parts are one
    table all the same, said once for the columns lost (ST03) and its columns printed read, not 表三's label texts
    taken for 「自然人」's numbers (TY) with its header apart from them."""
    lead = ["本机关认真贯彻条例。" * 3] * 3
    page = tmp_path / "nowrap.html"
    page.write_bytes(documents.clean_html(parts[:1] + lead + parts[1:]))
    pdf_path = _printed(page, "chromium")
    with pdfplumber.open(pdf_path) as pdf:
        texts = ["".join(ch["text"] for ch in p.chars) for p in pdf.pages[:2]]
    assert [("⾃然⼈" in t or "自然人" in t, "商业企业" in t) for t in texts] == [(True, False), (False, True)]
    (checked,) = check_paths([pdf_path])
    said = [(f.rule, f.message) for f in checked.findings if f.message.startswith("表三")]
    assert [rule for rule, _ in said] == ["ST03"], said
    assert said[0][1].startswith("表三缺少 4 列：「社会公益组织」「法律服务机构」「其他」") and CLIPPED in said[0][1]
    for row in ("new", "carried_in", "disclosed", "outcome_total", "carried_out"):
        for col in ("natural", "business", "research"):
            assert checked.values[f"t3.{row}.{col}"] == VALUES[f"t3.{row}.{col}"], (row, col)


def test_a_block_s_caption_on_top_of_a_browser_s_pdf_page_is_no_lower_part_of_the_row_above(tmp_path: Path) -> None:
    """A Word-pasted web page (表二's four blocks one table, each block's caption a row of it), printed by Chromium
    as offices print, with its date, address and page numbers on every page: the page break falls under
    「行政许可」 (its last line full) and 「第二十条第（六）项」 begins the next page. The caption is a label of the
    format, no lower part of 「行政许可」 (not one row 「行政许可第二十条第（六）项」, its block's caption taken for a
    misspelt one, ST04, and 「第二十条第（五）项」's block missing, ST01): the report reads as its workbook."""
    xlsx = published(tmp_path / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    parts = documents.segments(load(xlsx).grid.sheets[0])
    page = tmp_path / "word.html"
    page.write_bytes(documents.word_html(parts[:1] + ["本机关认真贯彻条例。" * 3] * 15 + parts[1:]))
    if not CHROMIUM:
        pytest.skip("Chromium is needed to print a web page as a browser does")
    pdf_path = page.with_suffix(".pdf")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf_path}",
                    page.as_uri()], check=True, capture_output=True, timeout=120)  # fmt: skip
    assert ideographs(_cut_tops(pdf_path)[0][0]) == "第二十条第（六）项"
    assert _findings(pdf_path) == _findings(xlsx)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_a_table_s_first_row_alone_at_a_pdf_page_s_foot_is_the_table_s(tmp_path: Path) -> None:
    """表二's 「第二十条第（八）项」 block printed by LibreOffice with the page break right under its caption row (the
    report with its tables in an appendix, as above): the caption's one ruled cell ends the page. pdfplumber finds no
    table of one cell, and its text was read as two paragraphs 「第二十条第（八）」 「项」, the block's caption said to
    differ from the official one (ST04); it is the first row of the table going on on the next page, read as such:
    the report reads as printed in place."""
    parts = _parts(tmp_path, WRONG)
    expected = _not_st11(_published_as(parts, tmp_path / "in_place", "pdf"))
    path = _published_as(_headed_in_appendix_only(parts), tmp_path / "appendix", "pdf")
    with pdfplumber.open(path) as pdf:
        foot = "".join(ch["text"] for ch in pdf.pages[0].chars)
    assert foot.endswith("第二十条第（八）项")  # the caption ends the first page
    assert _not_st11(path) == expected
    (checked,) = check_paths([path])
    assert not [f.message for f in checked.findings if f.rule == "ST04"]
    (said,) = [f.message for f in checked.findings if f.rule == "ST11"]  # the text lacks 二、三、四 (附表 only)
    assert said.startswith("正文中没有「二、主动公开政府信息情况」"), said
