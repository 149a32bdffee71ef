"""A report as published has no cover: its title names the agency and the year, as in
"某某县人民政府办公室2025年度政府信息公开工作年度报告" (or the year first, in Chinese numerals, over two lines…).
What a title lacks, the text may state (validator.locate.cover)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from validator.sources.grid import SheetGrid

AGENCY_FIELD, YEAR_FIELD = "agency_name", "report_year"  # the cover fields a title names, in every template
_TITLE_ROWS = 10  # the title is among the first rows of the page
_TITLE_LINES = 3  # a title is printed over at most this many lines ("某某局" ⏎ "2025年度政府信息公开工作年度报告")
_TITLE_CHARS = 100  # a title is no longer, once its spaces are gone (a sentence mentioning the report may be)
_FRAGMENT_CHARS = 40  # a line of a title printed over several lines
# What a title calls the report: "政府信息公开工作年度报告", "政务公开工作年度报告", "政府信息公开工作情况的报告",
# "政府信息公开年报"; the agency is named before it, the year anywhere.
_REPORT = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)\s*(?:工作\s*)?(?:情况\s*)?(?:的\s*)?(?:年度\s*)?(?:报告|年报)"
)
_ZERO = "〇零○ＯO"
_CHINESE_DIGITS = {c: "0" for c in _ZERO} | {c: str(i) for i, c in enumerate("一二三四五六七八九", 1)}
# A year as a title writes it: "2025年度", "2025 年", "二〇二五年", "二零二五年度", "（2025年）" after the report.
_YEAR = re.compile(
    rf"[（(]?(?P<year>(?<!\d)(?:19|20)\d{{2}}|(?:一九|二[{_ZERO}])[{_ZERO}一二三四五六七八九]{{2}})"
    r"\s*(?:年度?|(?=(?:政府信息公开|政务公开|信息公开)))[)）]?"
)
_SENTENCE = re.compile(r"[。，；！？,;!?]")  # a title ends no sentence and has no clause
_NAVIGATION = re.compile(r"[_|>»/\\]")  # what joins a page's name to its site's, or the steps of its path
_LABEL = re.compile(r"^.*[:：]")  # a page's label before the title: "名称：", "单位名称：", "标题："
_QUOTES = "《》〈〉「」『』“”\"'‘’【】[]"
# Words joining the agency to the rest of its title, no part of its name: "某某县人民政府关于2024年…报告",
# "某某县人民政府办公室关于印发2024年…报告的通知", "关于某某局2025年度政府信息公开工作情况的报告"
_ABOUT = re.compile(r"关于(印发|发布|公布)?")
_CONNECTIVE = re.compile(r"(?:印发|发布|公布|的)$")
# How an agency's name ends: a line above a title names the agency only if it ends so (not a site's "政务公开").
_AGENCY_END = re.compile(
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


def clean(text: str) -> str:
    """A title's text as compared: full-width digits as ASCII, no space between digits or in a title spaced out
    character by character ("某 市 某 局 2 0 2 5 年…"), other spaces single."""
    text = text.translate(WIDE_DIGITS)
    words = text.split()
    if len(words) >= 4 and sum(len(w) == 1 for w in words) * 2 > len(words):
        return "".join(words)
    return re.sub(r"(?<=\d)\s+(?=\d)", "", " ".join(words))


WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def read_title(text: str) -> tuple[str | None, int | None] | None:
    """The agency and year a title names (either None when it names none), or None when `text` is no title."""
    text = clean(text)
    if len(text.replace(" ", "")) > _TITLE_CHARS or _SENTENCE.search(text):
        return None
    year = _YEAR.search(text)
    rest = text[: year.start()] + text[year.end() :] if year else text
    report = _REPORT.search(rest)
    if report is None:
        return None
    return _agency(rest[: report.start()]), _year(year["year"]) if year else None


def _year(written: str) -> int:
    return int("".join(_CHINESE_DIGITS.get(c, c) for c in written))


def _agency(before: str) -> str | None:
    """The agency's name in what a title writes before the report, without a page's label, quotes and joining
    words: the agency that reports "关于…" ("某某局关于2025年度…的报告"), or the one whose report a notice
    publishes ("某某县人民政府办公室关于印发《某某县人民政府2025年…报告》的通知"; the notice's sender when that
    title names none)."""
    name = _LABEL.sub("", before)
    if joined := _ABOUT.search(name):
        sender, named = name[: joined.start()], name[joined.end() :].strip(_QUOTES + " ")
        name = named if named and (joined[1] or not sender.strip()) else sender
    name = _CONNECTIVE.sub("", name.strip(_QUOTES + " ")).strip(_QUOTES + " ")
    return name if re.search(r"[\u4e00-\u9fff]", name) else None


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
        if agency is None or agency == named or _AGENCY_END.search(agency):
            yield Title((above[0][0], 1), joined, *both)


def paragraphs(sheet: SheetGrid) -> list[tuple[int, str]]:
    """(row, text) of the sheet's paragraphs in order: text in column A, not in a document's table."""
    return [
        (r, value)
        for (r, c), value in sorted(sheet.cells.items())
        if c == 1 and isinstance(value, str) and getattr(sheet.origins.get((r, c)), "table", None) is None
    ]


def _fragment(text: str) -> bool:
    """Whether a line may be the first line of a title printed over several: short, no sentence, no site's name
    or path ("政务公开_某县人民政府", "首页 > 政务公开"), no title itself."""
    text = clean(text)
    return (
        len(text) <= _FRAGMENT_CHARS
        and not _SENTENCE.search(text)
        and not _NAVIGATION.search(text)
        and read_title(text) is None
    )
