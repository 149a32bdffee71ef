"""A report as published has no cover: its title names the agency and the year, as in
"某某县人民政府办公室2025年度政府信息公开工作年度报告" (or the year first)."""

from __future__ import annotations

import re

from validator.sources.grid import SheetGrid

AGENCY_FIELD, YEAR_FIELD = "agency_name", "report_year"  # the cover fields a title names, in every template
_TITLES = (  # "某某县人民政府办公室2025年度政府信息公开工作年度报告", "2025年某某县人民政府办公室政府信息公开工作年度报告"
    re.compile(r"^\s*(?P<agency>\S.*?)\s*(?P<year>(?:19|20)\d{2})\s*年度?.*报告"),
    re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<agency>\S.*?)\s*(?:政府信息公开|政务公开).*报告"),
)
_TITLE_ROWS = 10  # the title is among the first rows of the page
# Words joining the agency to the rest of its title, no part of its name: "某某县人民政府关于2024年…报告",
# "某某县人民政府办公室关于印发2024年…报告的通知"
_CONNECTIVE = re.compile(r"\s*(?:关于(?:印发|发布|公布)?|印发|发布|公布)$")


def title_fields(sheet: SheetGrid) -> tuple[tuple[int, int], dict[str, object]] | None:
    """The title's cell and the agency name and report year it names: the first paragraph (column A) of the first
    rows naming a year and 报告; None when there is none."""
    for (r, c), value in sorted(sheet.cells.items()):
        if r > _TITLE_ROWS:
            break
        if c == 1 and isinstance(value, str) and (m := next(filter(None, (t.match(value) for t in _TITLES)), None)):
            return (r, c), {AGENCY_FIELD: _CONNECTIVE.sub("", m["agency"]), YEAR_FIELD: int(m["year"])}
    return None
