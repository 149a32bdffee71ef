"""How PDF exporters print text: bold as each glyph printed twice (fake bold, for a CJK font without a bold face),
and numbers spread over their table cells (分散对齐).

Each case prints the balanced report as such a PDF (documents.pdf, written by hand as WPS and PDF printers write
one; LibreOffice prints neither) and gets the findings of the same report on one sheet: what the page shows.
"""

from __future__ import annotations

from pathlib import Path

import documents
import pdfplumber
import pytest
from builders import published
from test_import import _findings
from test_structure import VALUES

from validator import check_paths
from validator.radicals import has_radicals
from validator.sources.formats import load_file
from validator.sources.xlsx import load

AGENCY = "某县市场监督管理局"
REPEATED = {"t2_5.licensing.decisions": 1100, "t2_6.enforcement.decisions": 11}  # digits side by side, as printed


def _report(folder: Path, values: dict) -> tuple[list, list[tuple], Path]:
    """The report's parts as published under its agency's title, the findings of it on one sheet, and the sheet."""
    title = f"{AGENCY}2025年度政府信息公开工作年度报告"
    xlsx = published(folder / "report.xlsx", values, title=title)
    return documents.segments(load(xlsx).grid.sheets[0]), _findings(xlsx), xlsx


def _header_or_total(table: documents.Tbl, row: int) -> bool:
    """What publishers print bold in a table: its header rows (above the first number) and its 总计 rows."""
    first = min(r for (r, _), text in table.cells.items() if documents.NUMBER.fullmatch(text))
    return row < first or any("总计" in text for (r, _), text in table.cells.items() if r == row)


def _heading(text: str) -> bool:
    """What publishers print bold in the text: the title and the section headings."""
    return text.startswith(AGENCY) or bool(documents._HEADING.match(text))


def _cells(path: Path) -> dict:
    return load_file(path).grid.sheets[0].cells


@pytest.mark.parametrize("offset", (0.3, 0.6))
def test_fake_bold_title_headings_headers_and_totals_read_once(tmp_path: Path, offset: float) -> None:
    """Bold title, section headings, header rows and 总计 rows printed twice, a fraction of a point apart: each
    character read once (「自然人」, 53), so the tables, the title's agency and year and the totals are found."""
    parts, expected, _ = _report(tmp_path, VALUES)
    path = documents.pdf(parts, tmp_path / "bold.pdf", _heading, _header_or_total, offset=offset)
    with pdfplumber.open(path) as pdf:  # every bold glyph is there twice
        text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert "自自然然人人" in text and "总总计计" in text
    assert _findings(path) == expected
    (report,) = check_paths([path])
    assert report.agency["agency_name"] == AGENCY and report.agency["report_year"] == 2025


def test_fake_bold_keeps_repeated_characters(tmp_path: Path) -> None:
    """Characters repeated side by side in bold text (「1100」「11」 in a table, 「——」 and 「00」 in a line) are
    neighbours a glyph's width apart, not an overprint: all of them are read, as from the same PDF printed plain."""
    parts, expected, _ = _report(tmp_path, VALUES | REPEATED)
    parts = [*parts, "——本报告完——", "联系电话：0572-1100011"]
    plain = documents.pdf(parts, tmp_path / "plain.pdf")
    bold = documents.pdf(parts, tmp_path / "bold.pdf", lambda text: True, lambda table, row: True)
    cells = _cells(bold)
    assert cells == _cells(plain)
    assert {"——本报告完——", "联系电话：0572-1100011", 1100, 11} <= set(cells.values())
    assert _findings(bold) == _findings(plain) == expected


def test_numbers_spread_over_their_cells_read_as_written(tmp_path: Path) -> None:
    """Numbers printed with distributed alignment (「1268」 as 「1 2 6 8」 from one side of its ruled cell to the
    other) are the numbers written: the report checks as on one sheet, every relation checked."""
    parts, expected, _ = _report(tmp_path, VALUES)
    path = documents.pdf(parts, tmp_path / "spread.pdf", distributed=True)
    with pdfplumber.open(path) as pdf:  # as extracted, the digits stand apart
        rows = [row for page in pdf.pages for table in page.find_tables() for row in table.extract()]
    assert ["行政许可", "1 2 6 8"] in rows
    assert _findings(path) == expected
    (report,) = check_paths([path])
    assert report.coverage.checked == report.coverage.total


def _new_natural(table: documents.Tbl, row: int, col: int) -> bool:
    """表三's cell 「一、本年新收…」「自然人」: the one with no rule on its right."""
    return table.cols == 10 and table.cells.get((row, 1), "").startswith("一、") and col == 4


def test_numbers_spread_are_not_joined_with_others(tmp_path: Path) -> None:
    """Spread digits are joined within one cell only when they fill it: two numbers typed into one cell with a space
    (「5 6」) and the numbers of two cells that no rule parts (「39」 spread, and 「7」) stay apart, for TY07 to say."""
    values = VALUES | {"t3.carried_in.natural": "5 6"}
    parts, expected, _ = _report(tmp_path, values)
    path = documents.pdf(parts, tmp_path / "typed.pdf", distributed=True)
    assert [f for f in _findings(path) if f[0] == "TY07"] == [f for f in expected if f[0] == "TY07"] != []
    unruled = documents.pdf(parts, tmp_path / "unruled.pdf", distributed=True, unruled=_new_natural)
    cells = _cells(unruled)
    new, carried = VALUES["t3.new.natural"], VALUES["t3.new.business"]
    assert " ".join(f"{new}{carried}") in cells.values()  # 「3 9」 and 「7」, as pdfplumber reads them
    assert int(f"{new}{carried}") not in cells.values()


# What Chrome and Edge (Skia) write in the text layer for characters of a report printed in Noto Sans CJK: the
# code point of the radical that shares the character's glyph, Kangxi (⼯) or from the supplement (⺠, ⻚).
CHROME = dict(
    zip("一二人民生工行面十止文八金自方无大用首页长门", "⼀⼆⼈⺠⽣⼯⾏⾯⼗⽌⽂⼋⾦⾃⽅⽆⼤⽤⾸⻚⻓⻔", strict=True)
)


def test_characters_printed_as_radicals_read_as_their_ideographs(tmp_path: Path) -> None:
    """A report saved as PDF from Chrome or Edge names the glyphs its font shares with radicals by the radicals
    (「某县⼈⺠政府办公室…⼯作年度报告」「⼀、总体情况」): they read as the ideographs they print, so the title names the
    agency and the year, and the report checks as on one sheet, its places and messages in ideographs."""
    agency = "某县人民政府办公室"
    xlsx = published(tmp_path / "report.xlsx", VALUES, title=f"{agency}2025年度政府信息公开工作年度报告")
    parts = [*documents.segments(load(xlsx).grid.sheets[0]), "第1页"]
    path = documents.pdf(parts, tmp_path / "chrome.pdf", named=CHROME)
    with pdfplumber.open(path) as pdf:  # as the text layer names them
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "某县⼈⺠政府办公室2025年度政府信息公开⼯作年度报告" in text and "⼀、总体情况" in text
    assert _findings(path) == _findings(xlsx)
    (report,) = check_paths([path])
    assert (report.agency["agency_name"], report.agency["report_year"]) == (agency, 2025)
    assert not [value for value in _cells(path).values() if has_radicals(str(value))]
    assert "第1页" not in _cells(path).values()  # a page number, as 「第1⻚」 is printed
