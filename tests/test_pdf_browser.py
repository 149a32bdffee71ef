"""How a browser prints a web page to PDF (Chrome, Edge: 「打印 → 另存为 PDF」): a table cut by a page break with no
rule drawn at the cut.

Each case prints the balanced report laid out as published (builders.published) as such a PDF (documents.pdf,
written by hand with what Chrome writes, so that it is the same on every machine, whatever fonts Chrome finds) and
gets the findings of the same report on one sheet.
"""

from __future__ import annotations

from pathlib import Path

import documents
import pdfplumber
import pytest
from test_import import _findings
from test_pdf_pages import AGENCY, report
from test_structure import VALUES

from validator import check_paths

__all__ = ["report"]  # the fixture: the balanced report's parts as published, and the findings of it on one sheet


def _name(table: documents.Tbl) -> str:
    """表三, 表四, or the part of 表二 by its first row (「第二十条第（一）项」 …)."""
    return {10: "表三", 15: "表四"}.get(table.cols) or table.cells[(1, 1)].removeprefix("第二十条")


# Where pages end inside the tables: {table: the rows a page ends before}, and whether the text of a merged cell the
# break cuts spills below its part (else it runs on at the top of the next page). 表三's rows: 1–3 its header, 4–5
# 一、二, 6–27 三、本年度办理结果 (8–15 （三）不予公开, 16–18 （四）, 19–23 （五）, 24–26 （六）), 28 四、结转…
CUTS = {
    "header-first-row": ({"第（一）项": [3], "表三": [2], "表四": [3]}, True),
    "header-second-row": ({"第（六）项": [3], "表三": [3], "表四": [2]}, False),
    "over-three-pages": ({"表三": [7, 20], "表四": [4]}, False),
    "inside-groups": ({"第（五）项": [2], "表三": [9, 27]}, True),
    "between-rows": ({"第（八）项": [3], "表三": [5, 28]}, False),
    "every-group": ({"表三": [4, 15, 24]}, True),
}


@pytest.mark.parametrize("case", CUTS)
def test_a_table_cut_by_a_page_break_without_a_rule_reads_as_one(report, tmp_path: Path, case: str) -> None:
    """Each part of a table that a page break cut is closed at the cut (the rule the browser left out), a cell left
    open there goes on at the top of the next page (「三、本年度办理结果」 over three pages; its text spilled below the
    cut is still its own), and the cells under a closed one are a new row: the header's 「自然人」「总计」, the rows
    and the label columns read as on one sheet, every relation checked."""
    parts, expected = report
    cuts, spill = CUTS[case]
    path = documents.pdf(
        parts, tmp_path / f"{case}.pdf", browser=True, breaks=lambda t, row: row in cuts.get(_name(t), ()), spill=spill
    )
    with pdfplumber.open(path) as pdf:  # a page after each cut starts with column rules and no rule across them
        opened = [page for page in pdf.pages if _opens_without_a_rule(page)]
    assert len(opened) == sum(map(len, cuts.values()))
    assert _findings(path) == expected
    (checked,) = check_paths([path])
    assert checked.coverage.checked == checked.coverage.total


def _opens_without_a_rule(page) -> bool:
    rules = [e for e in page.edges if e["width"] >= 3 or e["height"] >= 3]
    starts = [e["top"] for e in rules if e["orientation"] == "v"]
    return bool(starts) and min(starts) < min(e["top"] for e in rules if e["orientation"] == "h") - 3
