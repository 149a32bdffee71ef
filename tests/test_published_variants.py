"""Published reports whose tables deviate from the official layout the way agencies type them: a footnote mark after
a number (typed, or printed raised as HTML's <sup> and Word's superscript), row labels numbered otherwise or without
their bracketed explanation ("7.总计", "（二）部分公开"), and, in a PDF, a row with an unnumbered label cut by a page
break. Each reads as the numbers put in, never as other numbers (541 for 54 and a raised 1) that fail the equations;
and, in a PDF, 表四's header typed without merges with the page break under its first row and 表二 typed as one
table with its block's title row cut by the page break, as the Word file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from packages import edit_part, repack
from test_import import _TEXT_FOOT, SOFFICE, _as_pdf, _findings, _row_bottoms
from test_structure import VALUES

from validator import check_paths
from validator.check.values import parse_number
from validator.engine import read_located
from validator.sources.xlsx import load

NEW_TOTAL = (4, 10)  # 表三's cell of 「一、本年新收政府信息公开申请数量」「总计」 in the published table
CARRIED_NATURAL = (28, 4)  # 「四、结转下年度继续办理」「自然人」


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list]:
    """The balanced report on one sheet, and its parts as published."""
    root = tmp_path_factory.mktemp("variants")
    xlsx = published(root / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    return xlsx, documents.segments(load(xlsx).grid.sheets[0])


def _with_t3(parts: list, cells: dict[tuple[int, int], str]) -> list:
    """The parts with cells of 表三 written otherwise."""
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    changed = documents.Tbl(t3.cells | cells, t3.merges, t3.rows, t3.cols, t3.covered)
    return [*parts[:at], changed, *parts[at + 1 :]]


def _page(parts: list, path: Path, marks: dict[str, str] | None = None) -> Path:
    """The parts as a web page, each key of `marks` in it written as its value (markup)."""
    page = documents.clean_html(parts).decode()
    for placeholder, markup in (marks or {}).items():
        page = page.replace(placeholder, markup)
    path.write_text(page, encoding="utf-8")
    return path


def _value(path: Path, key: str) -> float:
    _, located = read_located(path)
    return parse_number(located.cells[key].raw, "count").value


@pytest.mark.parametrize("mark", ["①", "¹", "*", "※", "[1]"])
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_footnote_mark_typed_after_a_number_is_no_digit_of_it(report, tmp_path: Path, mark: str, fmt: str) -> None:
    """「54①」「3¹」: NFKC makes a circled or superscript digit a digit, but the number is 54 and 3 (TY04 asks for the
    number alone), never 541 and 31 failing every equation they are in; an asterisk is a mark too, not a word."""
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    marked = _with_t3(parts, {cell: t3.cells[cell] + mark for cell in (NEW_TOTAL, CARRIED_NATURAL)})
    path = _page(marked, tmp_path / "marked.html") if fmt == "html" else documents.docx(marked, tmp_path / "m.docx")
    (checked,) = check_paths([path])
    noted = [f for f in checked.findings if f.rule == "TY04"]
    assert len(noted) == 2 and all(f"注释标记「{mark}」" in f.message for f in noted)
    assert [f for f in _findings(path) if f[0] != "TY04"] == _findings(xlsx)
    assert _value(path, "t3.new.total") == VALUES["t3.new.total"]
    assert _value(path, "t3.carried_out.natural") == VALUES["t3.carried_out.natural"]


# A footnote mark printed raised after 表三's 「总计」 of new applications, as pages write it.
RAISED_ON_A_PAGE = {
    "sup": "<sup>1</sup>",
    "styled span": '<span style="vertical-align: super">※</span>',
    "Word's footnote link": '<a href="#_ftn1" name="_ftnref1"><span class="MsoFootnoteReference">[1]</span></a>',
}


@pytest.mark.parametrize("how", RAISED_ON_A_PAGE)
def test_a_raised_footnote_mark_on_a_page_is_not_read(report, tmp_path: Path, how: str) -> None:
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    marked = _with_t3(parts, {NEW_TOTAL: t3.cells[NEW_TOTAL] + "\x01"})
    page = _page([*marked, "注：[1] 含网上申请12件。"], tmp_path / "raised.html", {"\x01": RAISED_ON_A_PAGE[how]})
    assert _findings(page) == _findings(xlsx)
    assert _value(page, "t3.new.total") == VALUES["t3.new.total"]


SUPERSCRIPT_STYLE = (
    '<w:style w:type="character" w:styleId="NoteMark"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
)
RAISED_IN_WORD = {
    "run": '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>',
    "character style": '<w:rPr><w:rStyle w:val="NoteMark"/></w:rPr>',
}


@pytest.mark.parametrize("how", RAISED_IN_WORD)
def test_a_superscript_footnote_mark_in_word_is_not_read(report, tmp_path: Path, how: str) -> None:
    """A mark typed after the number and raised (Word's 上标, by the run or by a character style): Word prints 54¹,
    not 541; its PDF reads the same (the PDF reader drops raised marks)."""
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    plain = documents.docx(
        _with_t3(parts, {NEW_TOTAL: t3.cells[NEW_TOTAL] + "\x01"}), tmp_path / "plain.docx", styles=SUPERSCRIPT_STYLE
    )
    raised = f'</w:t></w:r><w:r>{RAISED_IN_WORD[how]}<w:t xml:space="preserve">1'

    def mark(xml: bytes) -> bytes:
        assert xml.count(b"\x01") == 1
        return xml.replace(b"\x01", raised.encode())

    docx = repack(plain, tmp_path / "raised.docx", edit_part("word/document.xml", mark))
    assert _findings(docx) == _findings(xlsx)
    assert _value(docx, "t3.new.total") == VALUES["t3.new.total"]


# Row labels as reports write them: numbered otherwise or not at all, or without the official label's explanation.
RELABELLED = {
    "total numbered 1.": {"（七）总计": "7.总计"},
    "total unnumbered": {"（七）总计": "总计"},
    "partial without its explanation": {"（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开"},
    "partial numbered 2.": {"（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "2.部分公开"},
}


@pytest.mark.parametrize("relabel", RELABELLED)
@pytest.mark.parametrize("fmt", ["xlsx", "html"])
def test_a_row_label_numbered_otherwise_or_shortened_is_that_row(tmp_path: Path, relabel: str, fmt: str) -> None:
    """The label's words, numbered otherwise or without its bracketed explanation, are the row (ST04 asks for the
    official label): not a missing （七）总计 (ST02) and an extra row (ST05) leaving 15 equations unchecked."""
    names = RELABELLED[relabel]
    xlsx = published(tmp_path / "relabelled.xlsx", {k: v for k, v in VALUES.items() if v is not None}, relabel=names)
    path = xlsx if fmt == "xlsx" else _page(documents.segments(load(xlsx).grid.sheets[0]), tmp_path / "r.html")
    (checked,) = check_paths([path])
    assert [(f.rule, f.severity) for f in checked.findings if f.rule not in ("ST09", "TY03")] == [("ST04", "warning")]
    ((official, written),) = names.items()
    assert any(f"「{written}」与官方行标签「{official}」不一致" in f.message for f in checked.findings)
    key = "t3.outcome_total.total" if "总计" in official else "t3.partial.total"
    assert _value(path, key) == VALUES[key]


def _cut_tops(pdf_path: Path) -> list[list[str]]:
    """The first row of each table on top of a page (after the first): a row the page break cut has no numbers."""
    with pdfplumber.open(pdf_path) as pdf:
        return [
            [(text or "").replace("\n", "") for text in t.extract()[0]]
            for page in pdf.pages[1:]
            for t in page.find_tables()
            if t.bbox[1] < 80
        ]


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is needed to print documents as PDF")
def test_a_row_with_an_unnumbered_label_cut_by_a_pdf_page_is_one_row(report, tmp_path: Path) -> None:
    """表三's sub-rows typed without their numbers ("属于国家秘密"), printed by LibreOffice with rows breaking across
    pages: wherever the break falls, the upper part of a long label ("申请人无正当") holding the row's numbers and
    its longer lower part ("理由逾期不补正、…") on top of the next page are one row, as they are in the Word file."""
    _, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    unnumbered = _with_t3(parts, {k: re.sub(r"^\d\.", "", v) for k, v in t3.cells.items() if k[1] == 3})
    docs = [
        documents.docx(unnumbered[:1] + ["本机关认真贯彻条例。"] * lead + unnumbered[1:], tmp_path / f"l{lead}.docx")
        for lead in range(0, 12, 2)
    ]
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, docs)], check=True, capture_output=True, timeout=300)  # fmt: skip
    longer = 0
    for docx in docs:
        pdf_path = docx.with_suffix(".pdf")
        for top in _cut_tops(pdf_path):
            label = next((text for text in top if text), "")
            longer += not any(text.isdigit() for text in top) and len(label) > 6
        assert _t3_findings(pdf_path) == _t3_findings(docx), pdf_path.name
        assert _value(pdf_path, "t3.other_no_correction.total") == VALUES["t3.other_no_correction.total"]
    assert longer  # some page break cut a row's label early: its lower part is the longer one


def _t3_findings(path: Path) -> list[str]:
    """What is said of 表三, without where (a page, a paragraph): its labels (ST04), extra rows (ST05), equations."""
    (checked,) = check_paths([path])
    return sorted(f.message.split("（原文位置")[0] for f in checked.findings if f.message.startswith("表三"))


def _one_label_column(t3: documents.Tbl) -> documents.Tbl:
    """表三 with its row labels in one column (each row its own label only) and 「申请人情况」 in the corner over it,
    merged down beside the two header rows, 「法人或其他组织」 over its five columns."""
    header = {(1, 1): "申请人情况", (1, 2): "自然人", (1, 3): "法人或其他组织", (1, 8): "总计"}
    header |= {(2, c - 2): t3.cells[(3, c)] for c in range(5, 10)}
    cells, row = dict(header), 2
    for r in range(4, t3.rows + 1):
        row += 1
        cells[(row, 1)] = next(t3.cells[(r, c)] for c in (3, 2, 1) if t3.cells.get((r, c)))
        cells |= {(row, c - 2): t3.cells[(r, c)] for c in range(4, 11) if (r, c) in t3.cells}
    merges = [(1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 7), (1, 8, 2, 8)]
    table = documents.Tbl(cells, merges, row, 8)
    table.covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)} - {
        m[:2] for m in merges
    }
    return table


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_group_label_in_the_table_s_corner_is_beside_the_headers_not_over_them(
    report, tmp_path: Path, fmt: str
) -> None:
    """「申请人情况」 written in 表三's corner over its one column of row labels (instead of the note on the equations),
    merged down beside the header rows: it is over none of the applicants' columns, which are read under
    「法人或其他组织」 as printed, not reported missing (ST03) and extra (ST05)."""
    xlsx, parts = report
    at = documents.section_table(parts, "三")
    flat = [*parts[:at], _one_label_column(parts[at]), *parts[at + 1 :]]
    path = _page(flat, tmp_path / "flat.html") if fmt == "html" else documents.docx(flat, tmp_path / "flat.docx")
    assert _findings(path) == _findings(xlsx)
    assert _value(path, "t3.new.business") == VALUES["t3.new.business"]


def test_an_unmerged_group_label_over_a_pdf_page_break_keeps_its_columns(report, tmp_path: Path) -> None:
    """表四's header typed without merges (「行政复议」 in one cell, blank cells to its right, as some agencies type
    it), printed by LibreOffice with the page break right under its first row: the blank cell under 「行政复议」 on
    top of the next page is no lower part of a merged cell the break cut, so 「行政复议」 stays over its five columns
    and the PDF reads as the Word file (not its columns missing, ST03, and extra, ST05)."""
    _, parts = report
    at = documents.section_table(parts, "四")
    t4 = parts[at]
    unmerged = documents.Tbl(t4.cells, [], t4.rows, t4.cols)
    measured = documents.docx([*parts[:at], documents.Space(1, new_page=True), unmerged], tmp_path / "measured.docx")
    (measured_pdf,) = _as_pdf(tmp_path, measured)
    first_row = _row_bottoms(measured_pdf, unmerged)[0]
    space = documents.Space(1 + _TEXT_FOOT - first_row - 2, new_page=True)  # the first row ends 2 points above the foot
    docx = documents.docx([*parts[:at], space, unmerged, *parts[at + 1 :]], tmp_path / "unmerged.docx")
    (pdf_path,) = _as_pdf(tmp_path, docx)
    with pdfplumber.open(pdf_path) as pdf:  # the page break fell right under the first row
        feet = [t.extract() for page in pdf.pages for t in page.find_tables() if t.bbox[3] > _TEXT_FOOT - 12]
    assert [["行政复议", "", "", "", "", "行政诉讼", *[""] * 9]] in [
        [[(text or "").replace("\n", "") for text in row] for row in foot] for foot in feet
    ]
    assert _findings(pdf_path) == _findings(docx)
    assert not [f for f in _findings(pdf_path) if f[0] in ("ST03", "ST05")]
    assert _value(pdf_path, "t4.cases.review.total") == VALUES["t4.cases.review.total"]


def _t2_as_one_table(parts: list) -> list:
    """The parts with 表二's four blocks typed as one table of four columns, nothing merged: each block's title row
    (「第二十条第（八）项」) in the first column, blank cells to its right."""
    at = documents.section_table(parts, "二")
    cells, rows = {}, 0
    for block in parts[at : at + 4]:
        cells |= {(r + rows, c): text for (r, c), text in block.cells.items()}
        rows += block.rows
    return [*parts[:at], documents.Tbl(cells, [], rows, 4), *parts[at + 4 :]]


def test_a_block_title_row_cut_by_a_pdf_page_is_one_row(report, tmp_path: Path) -> None:
    """表二 typed as one table without merges, printed by LibreOffice with the page break inside the title row of its
    last block (「第二十条第（八）」 at the foot of one page, 「项」 on top of the next, in the narrow first column):
    the parts are one row again, below the table's numbers too, so the PDF reads as the Word file (no 「第二十条第
    （八）」 that differs from the official title, ST04)."""
    _, parts = report
    one = _t2_as_one_table(parts)
    at = documents.section_table(one, "二")
    table = one[at]
    title = next(r for (r, c), text in table.cells.items() if text == "第二十条第（八）项")
    measured = documents.docx([*one[:at], documents.Space(1, new_page=True), *one[at:]], tmp_path / "measured.docx")
    (measured_pdf,) = _as_pdf(tmp_path, measured)
    bottom = _row_bottoms(measured_pdf, table)[title - 1]
    docs = [  # the page's foot a few points above the title row's bottom: its last line goes to the next page
        documents.docx([*one[:at], documents.Space(1 + _TEXT_FOOT - bottom + short, new_page=True), *one[at:]], path)
        for short in (5, 9)
        if (path := tmp_path / f"short{short}.docx")
    ]
    for docx, pdf_path in zip(docs, _as_pdf(tmp_path, *docs)):
        assert ["项", "", "", ""] in [[(text or "") for text in top] for top in _cut_tops(pdf_path)]
        assert _findings(pdf_path) == _findings(docx)
        assert _value(pdf_path, "t2_8.fees.amount") == VALUES["t2_8.fees.amount"]
