"""A report as published has no cover: its title names the agency and the year, as in
"某某县人民政府办公室2025年度政府信息公开工作年度报告" (or the year first, in Chinese numerals, over two lines…).
What a title lacks, the text may state (validator.locate.cover)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from validator.report_titles import SENTENCE, clean, navigation, read_title
from validator.sources.grid import SheetGrid
from validator.text import visible

AGENCY_FIELD, YEAR_FIELD = "agency_name", "report_year"  # the cover fields a title names, in every template
_TITLE_ROWS = 10  # the title is among the first rows of the page
_TITLE_LINES = 3  # a title is printed over at most this many lines ("某某局" ⏎ "2025年度政府信息公开工作年度报告")
_FRAGMENT_CHARS = 40  # a line of a title printed over several lines
_JOINS = re.compile(r"[_|>»/\\]")  # what joins a page's name to its site's, or the steps of its path
# A section's heading ("一、总体情况", "（一）总体情况", "第一部分 总体情况"): the title stands above the first.
_HEADING = re.compile(r"\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|第一部分)")
# How an agency's name ends: a line above a title names the agency only if it ends so (not a site's "政务公开").
AGENCY_END = re.compile(
    r"(?:政府|局|委|办|厅|室|处|院|署|部|会|中心|所|馆|站|队|社|镇|乡|街道|苏木|监狱|公司|学校|机关)$"
)


@dataclass(frozen=True)
class Title:
    """A report's title as read: where it starts, its text (the lines of a title over several joined),
    and the agency and year it names (None where it names none)."""

    cell: tuple[int, int]
    text: str
    agency: str | None
    year: int | None


def find_title(sheet: SheetGrid) -> Title | None:
    """The report's title among the first paragraphs (column A), or None: the first line that completes a title,
    alone or with the lines above it, whichever reading names more."""
    lines = [(r, text) for r, text in paragraphs(sheet) if r <= _TITLE_ROWS]
    for end in range(len(lines)):
        if readings := list(_readings(lines, end)):
            return max(readings, key=lambda title: (title.agency is not None) + (title.year is not None))
    return None


def _readings(lines: list[tuple[int, str]], end: int) -> Iterator[Title]:
    """The titles line `end` completes: alone, then joined with the one and two lines right above it when those are
    a title's first lines ("某某局" ⏎ "2025年度…报告", "某某局政府信息公开工作" ⏎ "2025年度报告"). A name taken from
    a line above must end as an agency's name does (not a site's "政务公开")."""
    row, text = lines[end]
    alone = read_title(text)
    if alone is not None:
        yield Title((row, 1), clean(text), *alone)
    for start in range(end - 1, max(end - _TITLE_LINES, -1), -1):
        above = lines[start:end]
        if row - above[0][0] != end - start or not all(_fragment(t) for _, t in above):
            return
        joined = "".join(clean(t) for _, t in lines[start : end + 1])
        if (both := read_title(joined)) is None:
            continue
        agency, named = both[0], alone[0] if alone else None
        if agency is None or agency == named or AGENCY_END.search(agency):
            yield Title((above[0][0], 1), joined, *both)


def opening_picture(sheet: SheetGrid) -> bool:
    """Whether a picture opens a document (a banner, a title printed as an image): one among its first rows, where
    the title stands, above its first section heading."""
    heading = next((r for r, text in paragraphs(sheet) if _HEADING.match(text)), None)
    return any(r <= _TITLE_ROWS and (heading is None or r < heading) for r in sheet.pictures)


def paragraphs(sheet: SheetGrid) -> list[tuple[int, str]]:
    """(row, text) of the sheet's paragraphs in order: text in column A, not in a document's table; as seen (a title
    pasted into a workbook from a web page carries zero-width spaces: validator.text.visible)."""
    return [
        (r, visible(value))
        for (r, c), value in sorted(sheet.cells.items())
        if c == 1 and isinstance(value, str) and getattr(sheet.origins.get((r, c)), "table", None) is None
    ]


def _fragment(text: str) -> bool:
    """Whether a line may be the first line of a title printed over several: short, no sentence, no site's name
    or path ("政务公开_某县人民政府", "首页 > 政务公开"), none of the page's tools or publishing details ("来源：某某市
    人民政府"), no title itself."""
    text = clean(text)
    return (
        len(text) <= _FRAGMENT_CHARS
        and not SENTENCE.search(text)
        and not _JOINS.search(text)
        and not navigation(text)
        and read_title(text) is None
    )
