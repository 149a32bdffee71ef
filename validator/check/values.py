"""What each kind of cell entry means: raw cell values → numbers or text, with TY/TX findings for odd entries.

Semantics (documented for users in docs/values.md):
- blank required number → TY01, counts as 0 in sums so that one blank does not cascade;
- "/", "—", "-", "无", "不适用" … → TY02, counts as 0; zero in characters ("〇", "零", "○" typed for 〇) or as the
  letter O ("O", "o", full width too) → TY04, 0;
- a number stored as text ("１２", " 12 ", "1,234", "1 234": thousands in groups of three) → TY03 (warning), its number
  is used; characters nobody sees (a zero-width space pasted from a web page: validator.text.visible) are no part of
  it, and the message says they are there (the cell has to be typed again);
- digits split by a space otherwise ("5 6", "12 34": two cells run together, or a stray space) → TY07, value unknown,
  never the digits run together;
- a number with a unit ("12件", "3.5万元", "251000元" in a 万元 cell) → TY04, the converted number is used;
- a number followed by a footnote mark ("3①", "54*", "12¹", "7[1]": a note printed under the table) → TY04, the number
  is used; never the mark read as more digits (NFKC makes "①" and "¹" the digit 1: "3①" is not 31);
- anything else (dates, percentages, booleans, other words, #REF!, formulas never calculated) → TY07/TY08/TY09,
  value unknown: equations that need it are not checked.
- in a signed count (2019 表二「本年增/减」), "减4" / "增加3" → TY04, counts as -4 / 3.
Negative numbers (outside signed counts) and decimals in count cells are judged later by the schema (TY05, TY06).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from validator.audience import SAVE_RESULTS
from validator.report_titles import CHINESE_YEAR, year_number
from validator.sources.grid import ExcelError, Uncached
from validator.spec.model import COUNT_KINDS, SIGNED_KINDS
from validator.text import INVISIBLE_SAID, NOTE_NUMBERS, NOTE_SYMBOLS, ZERO_LETTERS, ZERO_NUMERALS, fmt, visible

UNKNOWN = math.nan
PLACEHOLDERS = frozenset(
    {"/", "//", "\\", "-", "--", "—", "——", "–", "无", "暂无", "没有", "不适用", "空", "N/A", "NA"}
)
# Zero typed otherwise, by what it was typed as: a count of none typed so is 0, not an unknown value.
_ZEROS = dict.fromkeys(ZERO_NUMERALS, "汉字数字") | dict.fromkeys(ZERO_LETTERS, "字母")
_ZEROS_SAID = {"汉字数字": "用汉字数字（「〇」「零」，或符号「○」）", "字母": "用字母「O」"}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WITH_UNIT = re.compile(
    r"^(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>件|个|项|次|条|宗|人次|万元|元)$"
)  # thousands separated as in a number stored as text: "1,268件"
# A count with a note after it, as some reports print it: "22（其中修订16件）", "55（含自然失效29件）" (after NFKC).
_WITH_NOTE = re.compile(r"^(?P<number>\d+)(?:件|个|项|次|条|宗|人次)?\((?P<note>[^()]*)\)$")
# Digits with spaces between them ("5 6", "1 234", thin and no-break spaces are spaces after NFKC), and the one way
# such digits are a number: thousands grouped by single spaces, as some typesetting prints them.
# A footnote mark typed after a number, before NFKC turns a circled or superscript digit into a digit: circled and
# bracketed numbers (①, ⑴, ⒈), superscript digits, asterisks and the like, a number in square brackets ("[1]").
_NOTE_MARK = re.compile(
    rf"^(?P<number>.*?[0-9０-９])\s*(?P<mark>[{NOTE_NUMBERS}\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{{1,2}}|[{NOTE_SYMBOLS}]{{1,3}}"
    r"|[\[［〔【][0-9０-９]{1,2}[\]］〕】])$"
)
_SPACED_DIGITS = re.compile(r"\d+(?:\s+\d+)+")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?:\s\d{3})+")
_APOSTROPHES = ("'", "‘", "’")
_CHANGE_IN_WORDS = re.compile(r"^(?P<sign>增加?|减少?)(?P<number>\d+)(?:件|个|项)?$")  # "减4" in 本年增/减


@dataclass(frozen=True)
class Parsed:
    """A cell's meaning: the value used for checking, and what is odd about the entry (if anything)."""

    value: float | str | None
    rule: str | None = None
    problem: str | None = None  # Chinese: what is wrong and what to write instead
    alike: str | None = None  # what is wrong said of many cells at once, when they are told together (a unit)


def _text_number(text: str, kind: str) -> Parsed:
    """Interpret text found in a numeric cell."""
    seen = visible(text)
    marked = _NOTE_MARK.match(seen.strip())
    if marked and (number := _text_number(marked["number"], kind)).rule in (None, "TY03"):
        value = number.value
        return Parsed(
            value,
            "TY04",
            f"填了「{seen.strip()}」，数字后带有注释标记「{marked['mark']}」。请只填数字 {fmt(value)}，注释写在表格下方或正文中；"
            f"已按 {fmt(value)} 校验。",
        )
    spaced = unicodedata.normalize("NFKC", seen)
    norm = re.sub(r"\s+", "", spaced)
    shown = seen.strip()
    if any(not _SPACED_THOUSANDS.fullmatch(run[0]) for run in _SPACED_DIGITS.finditer(spaced)):
        return Parsed(
            UNKNOWN,
            "TY07",
            f"填了「{shown}」：数字中间有空格，无法确定是一个数，还是两个单元格的数字误合在了一起，"
            "该单元格未参与勾稽校验。请核对原表，只填一个数字，数字中间不要加空格。",
        )
    # A leading apostrophe is how a number is typed as text; some programs keep it in the cell's value.
    apostrophe = "（开头有撇号，请去掉）" if norm[:1] in _APOSTROPHES and len(norm) > 1 else ""
    norm = norm[1:] if apostrophe else norm
    if typed := _ZEROS.get(norm):  # zero as a numeral in characters (「〇」, 「○」 typed for it) or the letter O
        return Parsed(
            0.0,
            "TY04",
            f"填了{typed}「{shown}」。请填阿拉伯数字 0；已按 0 校验。",
            f"{_ZEROS_SAID[typed]}填了 0，已按 0 校验。请填阿拉伯数字 0。",
        )
    if norm in PLACEHOLDERS or shown in PLACEHOLDERS:
        return Parsed(0.0, "TY02", f"填了「{shown}」。没有发生的请填 0，不要用占位符；已按 0 校验。")
    if _NUMBER.match(norm):
        value = float(norm.replace(",", ""))
        advice = (
            "整数数值（件数不能有小数）" if kind in COUNT_KINDS and not value.is_integer() else f"数值 {fmt(value)}"
        )
        # Typed again, the hidden characters go (a changed number format keeps them).
        hidden, advice = (
            (f"，其中夹有{INVISIBLE_SAID}", f"请清除该单元格后重新键入{advice}")
            if seen != text
            else ("", f"请改为{advice}")
        )
        return Parsed(
            value, "TY03", f"是以文本形式存储的数字「{seen}」{apostrophe}{hidden}，已按 {fmt(value)} 校验。{advice}。"
        )
    m = _CHANGE_IN_WORDS.match(norm)
    if m and kind in SIGNED_KINDS:
        value = float(m["number"]) * (-1 if m["sign"].startswith("减") else 1)
        return Parsed(value, "TY04", f"填了「{shown}」。请只填数字 {fmt(value)}（减少的填负数）。")
    m = _WITH_UNIT.match(norm)
    if m:
        value, unit = float(m["number"].replace(",", "")), m["unit"]
        if kind == "money" and unit == "元":
            value /= 10000
        elif kind in COUNT_KINDS and unit.endswith("元"):
            return Parsed(UNKNOWN, "TY07", f"填了金额「{shown}」，这里应填件数。请填写不带单位的数字。")
        unit_note = {"money": "（本栏单位已在表头注明）", "amount": "（表头未注明单位的，请全表使用同一单位）"}.get(
            kind, ""
        )
        alike = (
            f"填了带单位「{unit}」的数字，已按其中的数字校验。请只填数字，不要带单位。" if kind in COUNT_KINDS else None
        )
        return Parsed(value, "TY04", f"填了「{shown}」，带有单位或文字。请只填数字 {fmt(value)}{unit_note}。", alike)
    m = _WITH_NOTE.match(norm)
    if m and kind in COUNT_KINDS:
        value = float(m["number"])
        return Parsed(
            value,
            "TY04",
            f"填了「{shown}」，数字后附有说明。请只填数字 {fmt(value)}，说明写在正文中；已按 {fmt(value)} 校验。",
        )
    if norm.endswith("%"):
        return Parsed(UNKNOWN, "TY07", f"填了百分比「{shown}」，这里应填数量。请填写实际数字。")
    return Parsed(UNKNOWN, "TY07", f"填了「{shown}」，不是数字，该单元格未参与勾稽校验。请填写数字，没有发生的填 0。")


def parse_number(raw: object, kind: str, required: bool = True) -> Parsed:
    """The numeric meaning of a raw cell value in a count or money cell."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):  # the common case first
        return Parsed(float(raw))
    if raw is None or (isinstance(raw, str) and not visible(raw).strip()):
        return Parsed(0.0, "TY01", "为空。没有发生的请填 0；已按 0 校验。") if required else Parsed(None)
    if isinstance(raw, ExcelError):
        return Parsed(UNKNOWN, "TY08", f"是公式错误值「{raw}」，该单元格未参与勾稽校验。请修正公式或直接填写数字。")
    if isinstance(raw, Uncached):
        return Parsed(
            UNKNOWN,
            "TY09",
            f"是公式（{raw}），但文件中没有保存计算结果，该单元格未参与勾稽校验。{SAVE_RESULTS.receiver}",
        )
    if isinstance(raw, bool):
        return Parsed(UNKNOWN, "TY07", f"是逻辑值（{'TRUE' if raw else 'FALSE'}），不是数字。请填写数字。")
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return Parsed(
            UNKNOWN, "TY07", "是日期或时间，可能是输入时被自动转换了格式。请把单元格格式设为“数值”后重新填写数字。"
        )
    return _text_number(str(raw), kind)


def parse_text(raw: object, as_written: bool = False) -> str | None:
    """The text of a text-like cell as its reader sees it (without the characters nobody sees), or None when blank;
    numbers typed into text cells keep their digits. `as_written` keeps the invisible characters, for a rule that
    points them out (a 统一社会信用代码 has to be typed exactly)."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw) if as_written else visible(str(raw))
    return text.strip() or None


# A year as covers write it (after NFKC: full-width digits and spaces as ASCII): "2025", "2025年", "2025 年度",
# "二〇二五年"; or two digits, which cannot tell the year's century (nor so the format).
_YEAR = re.compile(rf"(?:(?P<year>\d{{4}}|{CHINESE_YEAR})|(?P<short>\d{{2}}))\s*年?\s*度?")


def parse_year(raw: object) -> Parsed:
    """A year such as 2023, "2023", "2023年", "2023 年度", "２０２３年度" or "二〇二三年"; two digits ("23") are asked
    about (the year chooses the format, and a guess would choose it silently)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        if not 10 <= raw < 100:
            return Parsed(float(raw))
        raw = str(int(raw))  # 24: two digits, asked about below
    text = parse_text(raw)
    if text is None:
        return Parsed(None)
    m = _YEAR.fullmatch(unicodedata.normalize("NFKC", text))
    if m and m["short"]:
        return Parsed(
            UNKNOWN,
            "TY07",
            f"填了「{text}」，只有两位数字，无法据此确定报告应采用的格式，也无法与上年报告核对。"
            f"如指 20{m['short']} 年，请填写四位数字 20{m['short']}。",
        )
    if m:
        return Parsed(float(year_number(m["year"])))
    return Parsed(UNKNOWN, "TY07", f"填了「{text}」，不是年份。请填写四位数字的年份，如 {dt.date.today().year - 1}。")
