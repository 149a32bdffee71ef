"""The cover fields of a report without a cover (a published one): the agency and year its title names
(validator.locate.title), what the title lacks taken from where the text states it for certain, and what is still
to be asked for, in the words of a published report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validator.locate.report import as_picture, as_text
from validator.locate.title import (
    AGENCY_END,
    AGENCY_FIELD,
    YEAR_FIELD,
    Title,
    find_title,
    opening_picture,
    paragraphs,
)
from validator.report_titles import WIDE_DIGITS, clean, read_title
from validator.sources.grid import SheetGrid

# The statistics period every report states ("本报告中所列数据的统计期限自2025年1月1日起至2025年12月31日止"): a whole
# calendar year is the report's year by definition.
_PERIOD = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日\s*起?\s*(?:至|到|—+|-|－|~|～)\s*"
    r"(?:(?P<end>(?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日"
)
_PERIOD_WORDS = re.compile(r"统计|本报告|报告期")
# The report naming itself before 一、总体情况: "现公布某某局2024年政府信息公开工作年度报告", "现将某某局…年度报告予以公布"
_PUBLISHES = re.compile(r"(?:现(?:向社会)?(?:公布|发布)|现将|公布|发布)(?P<title>[^，。；,;：:]{2,80}?(?:报告|年报))")
_SELF = re.compile(r"^[我本]")  # "我局", "本机关": no name
# A sentence of 一、总体情况 opening with the year it reports on ("2025年，我局坚持…"; not "2019年以来", since when).
_OPENING = re.compile(r"(?:^|(?<=[。；]))\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:[，,]|(?=[我本全]))")
_OVERVIEW = re.compile(r"^\s*(?:[（(]?[一1１][)）、.．]?|第一部分)\s*总体情况\s*$")
# An agency's name on a line of its own, maybe with the date it signed: under the title as a byline, or signing the
# report at its end ("某某县人民政府办公室" ⏎ "2026年1月20日"); not a site's footer ("主办单位：…", "主办：…").
_DATE = (
    r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|[〇零○一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}日)?)"
)
_NAME_LINE = re.compile(rf"^[（(]?(?P<agency>[\u4e00-\u9fff（）()]{{2,40}}?)[)）]?\s*(?P<date>{_DATE})?$")
_DATE_LINE = re.compile(rf"^{_DATE}$")
_SIGNATURE_LINES = 8  # a report signs off within its last few paragraphs (a page's footer may follow)
_QUOTED = 20  # characters of a sentence quoted from its start in a message, at least
_NAMES = {AGENCY_FIELD: "机关名称", YEAR_FIELD: "报告年度"}


@dataclass(frozen=True)
class Stated:
    """A cover field the text states where the title does not: its value, the paragraph's cell and its words."""

    value: str | int
    cell: tuple[int, int]
    words: str

    def said(self, key: str) -> str:
        """How it was taken, in words: "报告年度已按正文「…」取为2025年度"."""
        value = f"{self.value}年度" if key == YEAR_FIELD else f"「{self.value}」"
        if value == f"「{self.words}」":  # a line naming the agency alone
            return f"{_NAMES[key]}已取自正文中单独成行的「{self.words}」"
        return f"{_NAMES[key]}已按正文「{self.words}」取为{value}"


def stated(sheet: SheetGrid, title: Title | None) -> dict[str, Stated]:
    """The agency and year the text states for certain, by field key: the year of a statistics period of a whole
    calendar year in any paragraph; the agency and year of the report's own title where the text before 一、总体情况
    names it ("现公布某某局2024年…年度报告"; not "我局…"); else the agency on a line of its own right under the
    title, else signing the report at its end above or beside a date; else the one year that opens the sentences of
    the first paragraph of 一、总体情况 ("2025年，我局…")."""
    lines = paragraphs(sheet)
    # Only before 一、总体情况 does a report name itself: the overview may mention last year's report being published
    overview = next((i for i, (_, text) in enumerate(lines) if _OVERVIEW.match(text)), None)
    opening = lines[overview + 1] if overview is not None and overview + 1 < len(lines) else None
    out: dict[str, Stated] = {}
    for r, text in lines:
        wide = text.translate(WIDE_DIGITS)
        if (m := _PERIOD.search(wide)) and m["end"] in (None, m["year"]) and _PERIOD_WORDS.search(wide):
            out[YEAR_FIELD] = Stated(int(m["year"]), (r, 1), _quote(text, m.start(), m.end()))
            break
    for r, text in lines[:overview] if overview is not None else ():
        for m in _PUBLISHES.finditer(text):
            agency, year = read_title(m["title"]) or (None, None)
            if agency is not None and not _SELF.match(agency):
                out.setdefault(AGENCY_FIELD, Stated(agency, (r, 1), m[0]))
            if year is not None:
                out.setdefault(YEAR_FIELD, Stated(year, (r, 1), m[0]))
    if AGENCY_FIELD not in out and (signed := _byline(lines, title) or _signature(lines)):
        out[AGENCY_FIELD] = signed
    if YEAR_FIELD not in out and opening is not None:
        r, text = opening  # the first paragraph of 一、总体情况
        years = list(_OPENING.finditer(text.translate(WIDE_DIGITS)))
        if len({m["year"] for m in years}) == 1:  # sentences opening with different years tell none
            out[YEAR_FIELD] = Stated(int(years[0]["year"]), (r, 1), _quote(text, years[0].start(), years[0].end()))
    return out


def _squeezed(text: str) -> str:
    return clean(text).replace(" ", "")


def _name_line(text: str) -> re.Match | None:
    """A line naming an agency alone (maybe beside a date): its match, or None."""
    m = _NAME_LINE.match(_squeezed(text))
    return m if m and AGENCY_END.search(m["agency"]) and read_title(m["agency"]) is None else None


def _byline(lines: list[tuple[int, str]], title: Title | None) -> Stated | None:
    """The agency named on the line right under the title (the title's own lines skipped)."""
    if title is None:
        return None
    own = title.text.replace(" ", "")
    after = [(r, text) for r, text in lines if r > title.cell[0] and _squeezed(text) not in own]
    if after and (m := _name_line(after[0][1])):
        return Stated(m["agency"], (after[0][0], 1), after[0][1].strip())
    return None


def _signature(lines: list[tuple[int, str]]) -> Stated | None:
    """The agency signing the report: a line of its name with a date beside it or on the next line, among the last
    paragraphs."""
    last = lines[-_SIGNATURE_LINES:]
    belows = [text for _, text in last[1:]] + [""]
    for (r, text), below in reversed(list(zip(last, belows))):
        if (m := _name_line(text)) and (m["date"] or _DATE_LINE.match(_squeezed(below))):
            return Stated(m["agency"], (r, 1), text.strip())
    return None


def _quote(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding text[start:end], cut a little after it (a long sentence, the rest as …)."""
    first = max(text.rfind(stop, 0, start) for stop in "。；;") + 1
    last = min((i for stop in "。；;" if (i := text.find(stop, end)) >= 0), default=len(text) - 1)
    cut = max(end + 2, first + _QUOTED)  # a sentence ending right after: whole ("…12月31日止。")
    return text[first : last + 1].strip() if last < cut else text[first:cut].strip() + "…"


@dataclass(frozen=True)
class Cover:
    """The cover fields a report without a cover names: the agency and year from its title, what it lacks from the
    text (`stated`, only for what the title lacks)."""

    title: Title | None
    stated: dict[str, Stated] = field(default_factory=dict)
    pictured: bool = False  # no title in text, but a picture where it stands: the title printed as an image

    def titled(self) -> dict[str, object]:
        """The fields the title names: field key → value."""
        named = {AGENCY_FIELD: self.title.agency, YEAR_FIELD: self.title.year} if self.title else {}
        return {key: value for key, value in named.items() if value is not None}

    def fields(self) -> dict[str, tuple[tuple[int, int], object, str]]:
        """Field key → (cell, value, where it was read: 标题, or 正文「the words stating it」)."""
        title = self.title
        out = {key: (title.cell, value, "标题") for key, value in self.titled().items()} if title is not None else {}
        return out | {key: (s.cell, s.value, f"正文「{s.words}」") for key, s in self.stated.items()}

    def taken(self) -> str:
        """What was taken from where, in words ("机关名称、报告年度已取自标题。"); "" when nothing."""
        titled = "、".join(_NAMES[key] for key in self.titled())
        said = [f"{titled}已取自标题"] if titled else []
        said += [s.said(key) for key, s in self.stated.items()]
        return "，".join(said) + "。" if said else ""

    def lacking(self) -> str | None:
        """What a published report's title does not say, where the text said it or what that costs, and how to
        say it; None when the title says both the agency and the year."""
        title, fields = self.title, self.fields()
        lacks = "和".join(name for key, name in _NAMES.items() if key not in self.titled())
        if not lacks:
            return None
        agency, year = (
            fields[k][1] if k in fields else shown for k, shown in ((AGENCY_FIELD, "某某局"), (YEAR_FIELD, "××××"))
        )
        example = f"「{agency}{year}年度政府信息公开工作年度报告」"
        if title:
            said = f"标题「{title.text}」没有写{lacks}"
        elif self.pictured:
            said = as_picture("年报的标题", "原文开头是图片而不是文字", lacks)
        else:
            said = f"原文开头没有年报的标题（如{example}），读不到{lacks}"
        if self.stated:
            said += "，" + "，".join(s.said(key) for key, s in self.stated.items()) + "，请核实"
        if YEAR_FIELD not in fields:
            said += "，正文中也没有写明统计期限（如「本报告中所列数据的统计期限自××××年1月1日起至××××年12月31日止」）"
        unknown = [what for key, what in ((AGENCY_FIELD, "哪个机关"), (YEAR_FIELD, "哪一年度")) if key not in fields]
        if unknown:
            duplicates = "不能核对重复报送，也" if AGENCY_FIELD not in fields else ""
            said += f"。无法确定是{'、'.join(unknown)}的年报，批量校验时{duplicates}不计入全区合计"
        if title:
            return f"{said}。请在标题中写明{lacks}，如{example}。"
        if self.pictured:
            return f"{said}。请在原文开头以文字写上标题（如{example}），或{as_text('标题')}。"
        return f"{said}。请在原文开头写上标题。"


def read_cover(sheet: SheetGrid) -> Cover:
    """The cover fields `sheet` names without a cover (see Cover)."""
    title = find_title(sheet)
    named = {AGENCY_FIELD: title.agency, YEAR_FIELD: title.year} if title else {}
    lacks = {key for key in _NAMES if named.get(key) is None}
    told = {key: s for key, s in stated(sheet, title).items() if key in lacks} if lacks else {}
    return Cover(title, told, pictured=title is None and opening_picture(sheet))
