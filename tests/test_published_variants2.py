"""More ways agencies publish their reports' tables, each read as a careful reader reads it: a table's title typed
as the web page table's <caption> (the CMS editor's 「插入标题」), a
table wider than the paper printed to PDF, cells a browser hides, sections out of order, and a Word table whose
borders were dragged in some rows (and its PDF)."""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from packages import edit_part, repack
from test_import import _as_pdf, _findings
from test_published_variants import _value, _with_t3
from test_structure import VALUES

from validator import check_paths
from validator.sources.xlsx import load


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list]:
    """The balanced report on one sheet, and its parts as published."""
    root = tmp_path_factory.mktemp("variants2")
    xlsx = published(root / "report.xlsx", {k: v for k, v in VALUES.items() if v is not None})
    return xlsx, documents.segments(load(xlsx).grid.sheets[0])


def _without_first_row(table: documents.Tbl) -> documents.Tbl:
    cells = {(r - 1, c): text for (r, c), text in table.cells.items() if r > 1}
    merges = [(t - 1, lf, b - 1, rt) for t, lf, b, rt in table.merges if t > 1]
    return documents.Tbl(cells, merges, table.rows - 1, table.cols, {(r - 1, c) for r, c in table.covered if r > 1})


def _captioned(parts: list) -> bytes:
    """The parts as a CMS page whose editor typed each table's title as its <caption>: 表二's block titles
    (「第二十条第（一）项」, otherwise the table's first row) and 表三's section heading (otherwise a paragraph)."""
    captions, out = [], []
    for i, part in enumerate(parts):
        if isinstance(part, documents.Tbl) and part.cells.get((1, 1), "").startswith("第二十条"):
            captions.append(part.cells[(1, 1)])
            out.append(_without_first_row(part))
        elif isinstance(part, documents.Tbl):
            heading = parts[i - 1] if isinstance(parts[i - 1], str) and parts[i - 1].startswith("三、") else ""
            captions.append(heading)
            out.append(part)
        elif not (part.startswith("三、") and isinstance(parts[i + 1], documents.Tbl)):
            out.append(part)
    page = documents.clean_html(out).decode()
    opening = '<table border="1" cellspacing="0">'
    pieces = page.split(opening)
    assert len(pieces) == len(captions) + 1
    return (
        pieces[0]
        + "".join(
            opening + (f"<caption>{html.escape(caption)}</caption>" if caption else "") + piece
            for caption, piece in zip(captions, pieces[1:])
        )
    ).encode()


def test_a_table_s_caption_is_its_title(report, tmp_path: Path) -> None:
    """A browser shows a <caption> over its table: 表二's block titles and 表三's heading typed as captions are
    there, not missing (ST04 「表格说明缺少「第二十条第（一）项」」 four times, 「表三前的章节标题缺少」)."""
    xlsx, parts = report
    page = tmp_path / "captioned.html"
    page.write_bytes(_captioned(parts))
    assert page.read_text().count("<caption>") == 5
    assert _findings(page) == _findings(xlsx)


def test_a_caption_wrapped_at_its_table_s_width_in_a_browser_s_pdf_is_one_line(report, tmp_path: Path) -> None:
    """The captioned page printed by Chromium: a caption is as wide as its table, so over 表二's blocks of two
    columns 「第二十条第（五）项」 wraps (「第二十条第（五）」⏎「项」, centred); the lines are one title again, as on
    the page (not 「第二十条第（五）」 differing from the official title, ST04)."""
    xlsx, parts = report
    page = tmp_path / "captioned.html"
    page.write_bytes(_captioned(parts).replace(b"<td nowrap ", b"<td "))  # cells wrap: the tables fit the paper
    pdf_path = _printed(page, "chromium")
    with pdfplumber.open(pdf_path) as pdf:
        lines = [line["text"] for p in pdf.pages for line in p.extract_text_lines()]
    assert "项" in lines  # a caption wrapped
    assert _findings(pdf_path) == _findings(xlsx)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _printed(page: Path, printer: str) -> Path:
    """The web page printed to PDF by LibreOffice or by Chromium (「打印 → 另存为 PDF」), on its default paper."""
    if printer == "chromium":
        if not CHROMIUM:
            pytest.skip("Chromium is needed to print a web page as a browser does")
        pdf_path = page.with_suffix(".pdf")
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf_path}", page.as_uri()], check=True, capture_output=True, timeout=120)  # fmt: skip
        return pdf_path
    (pdf_path,) = _as_pdf(page.parent, page)
    return pdf_path


@pytest.mark.parametrize(("printer", "rule"), [("libreoffice", "ST01"), ("chromium", "ST03")])
def test_a_table_running_off_the_pdf_page_is_said_to(report, tmp_path: Path, printer: str, rule: str) -> None:
    """A CMS page whose cells do not wrap (`<td nowrap>`, as many sites write them) printed to PDF: 表三 is wider than
    the paper and its right part is not printed (LibreOffice cuts the table at the page's edge; Chromium, having
    shrunk the page as far as it does, prints the rules on past the edge and no rule closes the last column shown).
    The report says so once and asks for the Word or web version: not that the table has no rules, nor that its rows
    and columns are swapped (ST11). Chromium's print keeps 表三's header whole enough (the start of the first column
    cut, right of the last rule, is the table's, no paragraph: test_published_variants5) for the columns printed to
    be read: the one finding then names the columns lost (ST03), as for 表四 (test_published_variants4)."""
    _, parts = report
    page = tmp_path / "nowrap.html"
    page.write_bytes(documents.clean_html(parts))
    assert b"<td nowrap" in page.read_bytes()
    (checked,) = check_paths([_printed(page, printer)])
    about_t3 = [(f.rule, f.message) for f in checked.findings if f.message.startswith("表三")]
    assert len(about_t3) == 1
    assert about_t3[0][0] == rule and "表格超出了 PDF 页面的边缘" in about_t3[0][1], about_t3
    assert "请提供 Word 或网页版本" in about_t3[0][1]
    assert not [f for f in checked.findings if f.rule == "ST11"]


def _section_at(parts: list, numeral: str) -> int:
    return next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith(f"{numeral}、"))


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_section_put_before_an_earlier_one_is_no_further_report(report, tmp_path: Path, fmt: str) -> None:
    """「四、政府信息公开行政复议、行政诉讼情况」 with 表四 typed before 「三、收到和处理政府信息公开申请情况」: the
    numbering goes back at 三, but what follows is 表三, which the report has not shown yet, not a second report:
    表三, 五 and 六 are read (not 「找不到表三」, 五、六 missing and 「原文中有不止一份年报」 from 三 on, ST10); the
    order is said (ST11, test_published_variants3)."""
    xlsx, parts = report
    three, four = _section_at(parts, "三"), _section_at(parts, "四")
    swapped = [*parts[:three], *parts[four : four + 2], *parts[three:four], *parts[four + 2 :]]
    assert "".join(p[0] for p in swapped if isinstance(p, str) and p[1:2] == "、") == "一二四三五六"
    if fmt == "html":
        (path := tmp_path / "swapped.html").write_bytes(documents.clean_html(swapped))
    else:
        path = documents.docx(swapped, tmp_path / "swapped.docx")
    assert [f for f in _findings(path) if f[0] != "ST11"] == _findings(xlsx)


# A row a browser does not show (Excel saves a hidden row so as a web page): last year's numbers kept out of sight.
HIDDEN_ROW = (
    '<tr style="display:none"><td colspan="3">二、上年结转政府信息公开申请数量</td>' + "<td>9</td>" * 7 + "</tr>"
)


@pytest.mark.parametrize("hidden_row", ["", HIDDEN_ROW], ids=["cells", "and a row"])
def test_cells_and_rows_a_browser_hides_are_not_read(report, tmp_path: Path, hidden_row: str) -> None:
    """A page shows no `display:none` cell or row: a cell an editor hid under a merge takes no column (the numbers
    after it are not pushed one column right, under the wrong applicants: 「其他」「总计」 missing, ST03, and wrong
    totals), and a hidden row is no row of the table (not an extra row, nor 表三's row read from it)."""
    xlsx, parts = report
    page = tmp_path / "hidden.html"
    hidden = documents.clean_html(parts, covered='<td style="display: none;"></td>').decode()
    carried = hidden.rindex("<tr>", 0, hidden.index("二、上年结转"))  # 表三's row 「二、上年结转…」
    page.write_text(hidden[:carried] + hidden_row + hidden[carried:], encoding="utf-8")
    assert page.read_text().count("display: none") > 50
    assert _findings(page) == _findings(xlsx)


SLIVER, MAIN = 100, 800  # twips: the grid columns a border dragged by 5 points makes, beside each column's own


def _dragged(table: documents.Tbl, rows: tuple[int, ...], label_col: int) -> documents.Tbl:
    """The table on a grid of two columns per column, a narrow one (its left border as dragged in `rows`) and the
    column's own: in the other rows each cell spans both, in `rows` each cell from `label_col` on starts one grid
    column right (its label one grid column wider), as Word keeps a table whose borders were dragged in some rows."""
    owner = {(r, c): m for m in table.merges for r in range(m[0], m[2] + 1) for c in range(m[1], m[3] + 1)}
    cells, merges = {}, []
    for r in range(1, table.rows + 1):
        for c in range(1, table.cols + 1):
            m = owner.get((r, c))
            if m and (r, c) != m[:2]:
                continue
            bottom, right = (m[2], m[3]) if m else (r, c)
            left, right = 2 * c - 1, 2 * right
            if r in rows and c >= label_col:
                left += c > label_col
                right += right < 2 * table.cols
            if (r, c) in table.cells:
                cells[(r, left)] = table.cells[(r, c)]
            merges.append((r, left, bottom, right))
    covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)}
    return documents.Tbl(cells, merges, table.rows, 2 * table.cols, covered - {m[:2] for m in merges})


def _grid_widths(columns: int) -> Callable[[bytes], bytes]:
    """An edit of document.xml giving the grid of `columns` columns its narrow and wide columns in turn."""

    def edit(xml: bytes) -> bytes:
        even = "".join('<w:gridCol w:w="900"/>' for _ in range(columns)).encode()
        assert xml.count(even) == 1
        widths = "".join(f'<w:gridCol w:w="{SLIVER if g % 2 else MAIN}"/>' for g in range(1, columns + 1))
        return xml.replace(even, widths.encode())

    return edit


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_numbers_under_borders_dragged_in_some_rows_are_in_their_columns(report, tmp_path: Path, fmt: str) -> None:
    """表三 in Word with the borders of three rows (「1.属于国家秘密」 to 「3.危及“三安全一稳定”」) dragged 5 points
    right, as hand-edited tables have them: Word's grid gets a narrow column beside each column, and those rows'
    numbers start one grid column right of the header over them. Each number is read under the column it is
    printed under, in the document and in its PDF (not as extra columns, ST05, with the rows' cells blank, TY01)."""
    xlsx, parts = report
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    dragged = [*parts[:at], _dragged(t3, (8, 9, 10), 3), *parts[at + 1 :]]
    plain = documents.docx(dragged, tmp_path / "plain.docx")
    docx = repack(plain, tmp_path / "dragged.docx", edit_part("word/document.xml", _grid_widths(2 * t3.cols)))
    path = docx if fmt == "docx" else _as_pdf(tmp_path, docx)[0]
    assert _findings(path) == _findings(xlsx)
    assert _value(path, "t3.withheld_law.total") == VALUES["t3.withheld_law.total"]


def _word_page(parts: list, columns: int, misaligned: bool) -> bytes:
    """The parts as Word saves a document as a web page: each cell's width written (`width` in pixels and the style's
    points), the table of `columns` grid columns with its narrow and wide columns in turn (SLIVER, MAIN) and, if
    `misaligned`, the row of empty cells, one per grid column, Word adds to a table whose borders do not line up."""
    body = []
    for part in parts:
        if isinstance(part, str):
            body.append(f"<p class=MsoNormal>{html.escape(part)}</p>")
            continue
        fine = part.cols == columns
        rows = []
        for r in range(1, part.rows + 1):
            tds = []
            for c in range(1, part.cols + 1):
                if (r, c) in part.covered:
                    continue
                rs, cs = part.span(r, c)
                px = sum((SLIVER if g % 2 else MAIN) // 15 if fine else 60 for g in range(c, c + cs))
                spans = (f" rowspan={rs}" if rs > 1 else "") + (f" colspan={cs}" if cs > 1 else "")
                text = html.escape(part.cells.get((r, c), "")) or "&nbsp;"
                tds.append(f"<td width={px}{spans} style='width:{px * 0.75:.1f}pt'><p class=MsoNormal>{text}</p></td>")
            rows.append(f"<tr>{''.join(tds)}</tr>")
        if fine and misaligned:
            cells = "".join(
                f"<td width={(SLIVER if g % 2 else MAIN) // 15} style='border:none'></td>"
                for g in range(1, columns + 1)
            )
            rows.append(f"<![if !supportMisalignedColumns]><tr height=0>{cells}</tr><![endif]>")
        body.append(f"<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>{''.join(rows)}</table>")
    return f"<html><head><meta charset=utf-8></head><body><div class=WordSection1>{''.join(body)}</div></body></html>".encode()


@pytest.mark.parametrize("misaligned", [True, False], ids=["with Word's row of columns", "without"])
def test_numbers_under_borders_dragged_in_some_rows_of_a_word_page_are_in_their_columns(
    report, tmp_path: Path, misaligned: bool
) -> None:
    """The same table in a page Word saved (and a CMS took from Word): the cells' widths place the borders, so the
    dragged rows' numbers are read under the columns the page shows them under, as in the Word document."""
    xlsx, parts = report
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    page = tmp_path / "dragged.html"
    page.write_bytes(_word_page([*parts[:at], _dragged(t3, (8, 9, 10), 3), *parts[at + 1 :]], 2 * t3.cols, misaligned))
    assert _findings(page) == _findings(xlsx)
    assert _value(page, "t3.withheld_law.total") == VALUES["t3.withheld_law.total"]


@pytest.mark.parametrize("typed", ["1,268件", "1，268件"])
def test_a_count_with_thousands_separated_and_its_unit_is_that_count(report, tmp_path: Path, typed: str) -> None:
    """表二's 「行政许可」 typed 「1,268件」 (the thousands separated, the unit after it, as 「1,268」 and 「1268件」 are
    each read): 1268 with TY04 asking for the number alone, not an unknown value (TY07) leaving it unchecked."""
    xlsx, parts = report
    at = next(i for i, p in enumerate(parts) if isinstance(p, documents.Tbl) and p.cells.get((3, 1)) == "行政许可")
    block = parts[at]
    typed_in = documents.Tbl(block.cells | {(3, 2): typed}, block.merges, block.rows, block.cols, block.covered)
    page = tmp_path / "thousands.html"
    page.write_bytes(documents.clean_html([*parts[:at], typed_in, *parts[at + 1 :]]))
    (checked,) = check_paths([page])
    assert [f.rule for f in checked.findings if f.key == "t2_5.licensing.decisions"] == ["TY04"]
    assert [f for f in _findings(page) if f[0] != "TY04"] == _findings(xlsx)
    assert _value(page, "t2_5.licensing.decisions") == VALUES["t2_5.licensing.decisions"] == 1268


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_the_next_block_of_table_two_typed_on_in_one_table_is_not_extra_rows(report, tmp_path: Path, fmt: str) -> None:
    """表二's blocks 「第二十条第（五）项」 and 「（六）项」 typed as one table (「行政处罚」「行政强制」 under 「行政许可」,
    under one 「本年处理决定数量」): those rows are （六）'s, read as its rows under that header, not rows of （五） that
    are no official ones (ST05 「未参与校验」 while （六） reads the same numbers), nor （六） said to have no header;
    ST04 says the two were typed in one table."""
    xlsx, parts = report
    at = next(i for i, p in enumerate(parts) if isinstance(p, documents.Tbl) and p.cells.get((3, 1)) == "行政许可")
    five, six = parts[at], parts[at + 1]
    rows = {(4, 1): six.cells[(3, 1)], (4, 2): six.cells[(3, 2)], (5, 1): six.cells[(4, 1)], (5, 2): six.cells[(4, 2)]}
    one = documents.Tbl(five.cells | rows, five.merges, 5, 2, five.covered)
    typed = [*parts[:at], one, *parts[at + 2 :]]
    if fmt == "html":
        (path := tmp_path / "five_six.html").write_bytes(documents.clean_html(typed))
    else:
        path = documents.docx(typed, tmp_path / "five_six.docx")
    (checked,) = check_paths([path])
    assert not [f for f in checked.findings if f.rule == "ST05"]
    assert checked.coverage.checked == checked.coverage.total
    said = [f.message for f in checked.findings if f.rule == "ST04"]
    assert any("第二十条第（六）项与其上的表格键入在同一张表格中（共用其表头）" in m for m in said)
    assert not any("没有表头" in m for m in said)  # its header is the one over 「行政许可」
    assert [f for f in _findings(path) if f[0] != "ST04"] == _findings(xlsx)
    assert _value(path, "t2_6.enforcement.decisions") == VALUES["t2_6.enforcement.decisions"]


def test_a_word_page_s_table_with_a_blank_last_column_is_read(report, tmp_path: Path) -> None:
    """A table whose cells' widths are written (Word's page) and whose last column is blank all down: its borders
    are placed up to that column's too, and the report reads as without it."""
    xlsx, parts = report
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    wider = documents.Tbl(t3.cells, t3.merges, t3.rows, t3.cols + 1, t3.covered)
    page = tmp_path / "blank_column.html"
    page.write_bytes(_word_page([*parts[:at], wider, *parts[at + 1 :]], 0, False))
    assert _findings(page) == _findings(xlsx)


def _columns_of(table: documents.Tbl, keep: list[int]) -> documents.Tbl:
    """The part of 表三 with its three label columns and its columns `keep` (of 4 to 10), as an editor splits a table
    too wide for the page by its columns: each part with the row labels, and the header merges cut to it."""
    where = {c: c for c in (1, 2, 3)} | {c: 4 + i for i, c in enumerate(keep)}
    cells = {(r, where[c]): text for (r, c), text in table.cells.items() if c in where}
    merges = []
    for top, left, bottom, right in table.merges:
        kept = [c for c in range(left, right + 1) if c in where]
        if kept and (r := (top, where[kept[0]])) not in cells and left not in where:
            cells[r] = table.cells[(top, left)]  # a header merged over columns of both parts: written in each
        if kept and (bottom > top or len(kept) > 1):
            merges.append((top, where[kept[0]], bottom, where[kept[-1]]))
    covered = {(r, c) for t, lf, b, rt in merges for r in range(t, b + 1) for c in range(lf, rt + 1)}
    return documents.Tbl(cells, merges, table.rows, 3 + len(keep), covered - {m[:2] for m in merges})


@pytest.mark.parametrize("between", [[], ["（续表）"]], ids=["right under", "after 续表"])
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_table_split_by_its_columns_reads_as_one(report, tmp_path: Path, fmt: str, between: list) -> None:
    """表三 split by its columns into two tables, one under the other, each with the row labels (自然人 to 科研机构,
    then 社会公益组织 to 总计, as an editor splits a table too wide for the page): the second part's columns go on
    right of the first's, row by row, and the report reads as the whole table (not 「社会公益组织」…「总计」 missing,
    ST03, leaving 27 equations unchecked)."""
    xlsx, parts = report
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    split = [*parts[:at], _columns_of(t3, [4, 5, 6]), *between, _columns_of(t3, [7, 8, 9, 10]), *parts[at + 1 :]]
    if fmt == "html":
        (path := tmp_path / "split.html").write_bytes(documents.clean_html(split))
    else:
        path = documents.docx(split, tmp_path / "split.docx")
    assert _findings(path) == _findings(xlsx)
    assert _value(path, "t3.refused_mass.total") == VALUES["t3.refused_mass.total"]


def test_a_table_s_further_columns_printed_under_it_in_a_browser_s_pdf_are_no_rows_of_it(
    report, tmp_path: Path
) -> None:
    """The page of 表三 split by its columns printed by Chromium, the second part right under the first: it begins
    with the same first row (the corner note and 「申请人情况」) but other headers under it, so it is no part of the
    first continued below it; its rows are not extra rows of 表三 (ST05, one per row), the first part's numbers
    read as they are."""
    _, parts = report
    at = documents.section_table(parts, "三")
    t3 = parts[at]
    split = [*parts[:at], _columns_of(t3, [4, 5, 6]), _columns_of(t3, [7, 8, 9, 10]), *parts[at + 1 :]]
    page = tmp_path / "split.html"
    page.write_bytes(documents.clean_html(split).replace(b"<td nowrap ", b"<td "))
    pdf_path = _printed(page, "chromium")
    (checked,) = check_paths([pdf_path])
    assert not [f for f in checked.findings if f.rule == "ST05"]
    assert _value(pdf_path, "t3.refused_mass.research") == VALUES["t3.refused_mass.research"]


@pytest.mark.parametrize("zero", ["〇", "零"])
def test_zero_typed_as_a_chinese_numeral_is_zero(report, tmp_path: Path, zero: str) -> None:
    """表三's zeros typed as 「〇」 (as in 二〇二五) or 「零」: each is 0, said once for the table (TY04, type the digit
    0), not 127 cells of no number (TY07) leaving every equation they are in unchecked."""
    xlsx, parts = report
    t3 = parts[documents.section_table(parts, "三")]
    page = tmp_path / "zeros.html"
    page.write_bytes(documents.clean_html(_with_t3(parts, {k: zero for k, v in t3.cells.items() if v == "0"})))
    (checked,) = check_paths([page])
    said = [f for f in checked.findings if f.rule == "TY04"]
    assert len(said) == 1 and "个单元格用汉字数字" in said[0].message
    assert checked.coverage.checked == checked.coverage.total
    assert [f for f in _findings(page) if f[0] != "TY04"] == _findings(xlsx)
