"""What a report's title says: the agency and the year it names, in whatever way agencies write them
("某某县人民政府办公室2025年度政府信息公开工作年度报告", "二〇二五年…", "关于印发《…报告》的通知"). Reading a document
(where a further report begins) and locating a report (its cover) both need it."""

from __future__ import annotations

import re

from validator.radicals import ideographs

_TITLE_CHARS = 100  # a title is no longer, once its spaces are gone (a sentence mentioning the report may be)
# What a title calls the report: "政府信息公开工作年度报告", "政务公开工作年度报告", "政府信息公开工作情况的报告",
# "政府信息公开年报"; the agency is named before it, the year anywhere.
_REPORT = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)\s*(?:工作\s*)?(?:情况\s*)?(?:的\s*)?(?:年度\s*)?(?:报告|年报)"
)
_ZERO = "〇零○ＯO"
_CHINESE_DIGITS = {c: "0" for c in _ZERO} | {c: str(i) for i, c in enumerate("一二三四五六七八九", 1)}
# A year in Chinese numerals, digit by digit, as titles and covers write it: "二〇二五", "二零二五", "二○二五".
CHINESE_YEAR = rf"(?:一九|二[{_ZERO}])[{_ZERO}一二三四五六七八九]{{2}}"
# A year as a title writes it: "2025年度", "2025 年", "二〇二五年", "二零二五年度", "（2025年）" after the report.
_YEAR = re.compile(
    rf"[（(]?(?P<year>(?<!\d)(?:19|20)\d{{2}}|{CHINESE_YEAR})"
    r"\s*(?:年度?|(?=(?:政府信息公开|政务公开|信息公开)))[)）]?"
)
SENTENCE = re.compile(r"[。，；！？,;!?]")  # a title ends no sentence and has no clause
# A web page's own lines, never a title however much they name a report: the path to the page ("当前位置：首页 > 政务公开
# > 政府信息公开年报", "您的位置：…", "首页 / 政务公开"), its tools ("【字号：大 中 小】【打印】【关闭】") and the details
# of its publishing ("发布时间：2026-01-20 来源：某某市人民政府 浏览次数：35").
_NAVIGATION = re.compile(
    r"(?:当前|您|你|所在)[^:：>＞]{0,4}位置|当前栏目"
    r"|[>＞»›→]"
    r"|(?:^|[\s:：])(?:网站)?首页(?:$|\s|[/／|｜·\-—])"
    r"|(?:字号|字体)(?:大小)?\s*[:：]?\s*[【\[（(]?\s*[大中小]"
    r"|[【\[]\s*(?:打印|关闭)|(?:打印|关闭)\s*[】\]]|打印(?:本页|此页|文章|正文)|关闭(?:窗口|本页)|打印\s*[|｜/·]?\s*关闭"
    r"|(?:发布|发文|成文|公开|更新)(?:时间|日期)\s*[:：]|(?:信息|文章)?来源\s*[:：]|(?:浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]"
    r"|索引号\s*[:：]|发布机构\s*[:：]"
)
_LABEL = re.compile(r"^.*[:：]")  # a page's label before the title: "名称：", "单位名称：", "标题："
_QUOTES = "《》〈〉「」『』“”\"'‘’【】[]"
# Words joining the agency to the rest of its title, no part of its name: "某某县人民政府关于2024年…报告",
# "某某县人民政府办公室关于印发2024年…报告的通知", "关于某某局2025年度政府信息公开工作情况的报告"
_ABOUT = re.compile(r"关于(印发|发布|公布)?")
_CONNECTIVE = re.compile(r"(?:印发|发布|公布|的)$")


def clean(text: str) -> str:
    """A title's text as compared: radicals as the ideographs they print (「⼯作」, validator.radicals), full-width
    digits as ASCII, no space between digits or in a title spaced out character by character ("某 市 某 局 2 0 2 5
    年…"), other spaces single."""
    text = ideographs(text).translate(WIDE_DIGITS)
    words = text.split()
    if len(words) >= 4 and sum(len(w) == 1 for w in words) * 2 > len(words):
        return "".join(words)
    return re.sub(r"(?<=\d)\s+(?=\d)", "", " ".join(words))


WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def read_title(text: str) -> tuple[str | None, int | None] | None:
    """The agency and year a title names (either None when it names none), or None when `text` is no title."""
    text = clean(text)
    if len(text.replace(" ", "")) > _TITLE_CHARS or SENTENCE.search(text) or navigation(text):
        return None
    year = _YEAR.search(text)
    rest = text[: year.start()] + text[year.end() :] if year else text
    report = _REPORT.search(rest)
    if report is None:
        return None
    return _agency(rest[: report.start()]), year_number(year["year"]) if year else None


def navigation(text: str) -> bool:
    """Whether `text` is a web page's path to itself, its tools or its publishing details (see _NAVIGATION)."""
    return _NAVIGATION.search(text) is not None


def titles_a_year(text: str) -> bool:
    """Whether `text` is a report's title naming its year ("某县人民政府办公室2024年度…报告（图片版）", "二〇二四年…"):
    where a further report begins in a document."""
    title = read_title(text)
    return title is not None and title[1] is not None


def year_number(written: str) -> int:
    """The year a title or cover writes in digits or digit by digit in Chinese numerals (CHINESE_YEAR)."""
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
