"""How a browser prints a web page to PDF (Chrome, Edge: 「打印 → 另存为 PDF」): a table cut by a page break with no
rule drawn at the cut, and digits pasted from Word printed in a Latin font whose boxes stand lower than the Chinese
characters beside them.

Each case prints the balanced report laid out as published (builders.published) as such a PDF (documents.pdf,
written by hand with what Chrome writes, so that it is the same on every machine, whatever fonts Chrome finds) and
gets the findings of the same report on one sheet.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import documents
import pdfplumber
import pytest
from test_import import _findings
from test_pdf_pages import AGENCY, report
from test_structure import VALUES

from validator import check_paths
from validator.sources.formats import load_file

__all__ = ["report"]  # the fixture: the balanced report's parts as published, and the findings of it on one sheet


def _name(table: documents.Tbl) -> str:
    """表三, 表四, or the part of 表二 by its first row (「第二十条第（一）项」 …)."""
    return {10: "表三", 15: "表四"}.get(table.cols) or table.cells[(1, 1)].removeprefix("第二十条")


# Where pages end inside the tables: {table: the rows a page ends before}, {table: the rows a page ends inside, after
# their first line (a row taller than a page)}, and whether the text of a merged cell the break cuts spills below its
# part (else it runs on at the top of the next page). 表三's rows: 1–3 its header, 4–5 一、二, 6–27 三、本年度办理结果
# (7 （二）部分公开…, 8–15 （三）不予公开, 16–18 （四）, 19–23 （五）, 24–26 （六）), 28 四、结转…
CUTS = {
    "header-first-row": ({"第（一）项": [3], "表三": [2], "表四": [3]}, {}, True),
    "header-second-row": ({"第（六）项": [3], "表三": [3], "表四": [2]}, {}, False),
    "over-three-pages": ({"表三": [7, 20], "表四": [4]}, {}, False),
    "inside-groups": ({"第（五）项": [2], "表三": [9, 27]}, {}, True),
    "between-rows": ({"第（八）项": [3], "表三": [5, 28]}, {}, False),
    "every-group": ({"表三": [4, 15, 24]}, {}, True),
    "rows-split": ({"表四": [3]}, {"第（一）项": [3], "表三": [7, 24]}, False),
}


@pytest.mark.parametrize("case", CUTS)
def test_a_table_cut_by_a_page_break_without_a_rule_reads_as_one(report, tmp_path: Path, case: str) -> None:
    """Each part of a table that a page break cut is closed at the cut (the rule the browser left out), a cell left
    open there goes on at the top of the next page (「三、本年度办理结果」 over three pages; its text spilled below the
    cut is still its own; a row split across the break is one row), and the cells under a closed one are a new row:
    the header's 「自然人」「总计」, the rows and the label columns read as on one sheet, every relation checked."""
    parts, expected = report
    breaks, splits, spill = CUTS[case]
    path = documents.pdf(
        parts,
        tmp_path / f"{case}.pdf",
        browser=True,
        breaks=lambda t, row: row in breaks.get(_name(t), ()),
        splits=lambda t, row: row in splits.get(_name(t), ()),
        spill=spill,
    )
    with pdfplumber.open(path) as pdf:  # a page after each cut starts with column rules and no rule across them
        opened = [page for page in pdf.pages if _opens_without_a_rule(page)]
    assert len(opened) == sum(map(len, [*breaks.values(), *splits.values()]))
    assert _findings(path) == expected
    (checked,) = check_paths([path])
    assert checked.coverage.checked == checked.coverage.total
    sheet = load_file(path).grid.sheets[0]  # 表三 and 表四 read in the rows printed: a row split is one row
    assert (_rows(sheet, "（七）总计"), _rows(sheet, "行政复议")) == (28, 4)


def _rows(sheet, label: str) -> int:
    """How many rows the table holding `label` is read in."""
    table = next(sheet.origins[at].table for at, value in sheet.cells.items() if value == label)
    return max(place.row for place in sheet.origins.values() if place.table == table)


def _opens_without_a_rule(page) -> bool:
    rules = [e for e in page.edges if e["width"] >= 3 or e["height"] >= 3]
    starts = [e["top"] for e in rules if e["orientation"] == "v"]
    return bool(starts) and min(starts) < min(e["top"] for e in rules if e["orientation"] == "h") - 3


def test_digits_in_a_latin_font_stay_on_their_line(report, tmp_path: Path) -> None:
    """Text pasted from Word prints its digits in a Latin font, whose boxes stand a quarter of the size lower than
    the Chinese characters' (三号, 16 points: 4 points): a line is the characters on one baseline, so 「2025年共收到
    政府信息公开申请61件」 stays one line and is compared with 表三 (TT01), the title keeps its year, and the tables'
    labels (「1.属于国家秘密」) read as printed in one font."""
    parts, _ = report
    claim = f"2025年共收到政府信息公开申请{VALUES['t3.new.total'] + 7}件，上年结转{VALUES['t3.carried_in.total']}件。"
    overview = next(i for i, p in enumerate(parts) if isinstance(p, str) and p.startswith("一、总体情况"))
    parts = [*parts[: overview + 1], claim, *parts[overview + 1 :]]
    one_font = documents.pdf(parts, tmp_path / "one_font.pdf", size=16, browser=True)
    latin = documents.pdf(parts, tmp_path / "latin.pdf", size=16, browser=True, latin_digits=True)
    with pdfplumber.open(latin) as pdf:  # by the tops of their boxes, the digits stand on lines of their own
        lines = [line["text"] for page in pdf.pages for line in page.extract_text_lines()]
    assert not any("共收到" in line and "2025" in line for line in lines)
    findings = _findings(latin)
    assert findings == _findings(one_font)
    assert ("TT01", "warning") in {f[:2] for f in findings}
    (checked,) = check_paths([latin])
    assert checked.agency["agency_name"] == AGENCY and checked.agency["report_year"] == 2025


def test_a_note_mark_printed_as_a_browser_prints_it_is_no_digit(report, tmp_path: Path) -> None:
    """A browser prints a footnote's mark (<sup>1</sup>) five sixths the size and a third of the size higher, in a
    Latin font whose box reaches lower than the Chinese characters': by its baseline it is a superscript, no part of
    the number 「39¹」 or the label 「（七）总计²」 it follows."""
    parts, expected = report
    table = next(p for p in parts if isinstance(p, documents.Tbl) and p.cols == 10)
    noted = documents.Tbl(dict(table.cells), table.merges, table.rows, table.cols, table.covered)
    first = min(rc for rc, text in table.cells.items() if text.isdigit())
    total = next(rc for rc, text in table.cells.items() if text == "（七）总计")
    noted.cells[first] += "[^1]"
    noted.cells[total] += "[^2]"
    parts = [noted if p is table else p for p in parts]
    path = documents.pdf(parts, tmp_path / "noted.pdf", size=16, browser=True, latin_digits=True)
    with pdfplumber.open(path) as pdf:  # the marks, smaller than the text
        assert {ch["text"] for page in pdf.pages for ch in page.chars if ch["size"] < 15} == {"1", "2"}
    assert _findings(path) == expected


def test_a_part_keeps_the_columns_its_page_draws(report, tmp_path: Path) -> None:
    """表四 printed narrower than 表三 (a browser sizes a table by its content), two of its column rules 1.4 and 2.7
    points beside 表三's: pdfplumber moves rules that close together to one place, so 表四's part under 表三 would
    lose the columns of its part on the next page. Each part keeps the rules its page draws, and 表四's parts read as
    one table."""
    parts, expected = report
    path = documents.pdf(
        parts,
        tmp_path / "narrower.pdf",
        browser=True,
        breaks=lambda t, row: row == {"表三": 2, "表四": 3}.get(_name(t)),
        across=lambda t: 0.8945 if _name(t) == "表四" else 1.0,
    )
    with pdfplumber.open(path) as pdf:  # 表三's last part and 表四's first on one page: rules 2.7 points apart
        shared = next(page for page in pdf.pages if len(page.find_tables()) == 2)
        rules = sorted({round(e["x0"], 1) for e in shared.edges if e["orientation"] == "v"})
    assert any(0 < b - a < 3 for a, b in pairwise(rules))
    assert _findings(path) == expected
