"""Word's automatic numbering (word/numbering.xml): the number a numbered paragraph shows in front of its text.

Reports number their headings ("一、总体情况", "（一）主动公开政府信息情况") and table titles with Word's list
numbering; the number is not in the paragraph's text. `Numbering.label(p)` counts as Word does, in document order:
per list and level, a level restarting when a higher one is used (unless w:lvlRestart says otherwise). The w:num
instances of a w:abstractNum are one list, counted on from one to the next; a w:num that overrides a level
(w:lvlOverride, as "restart numbering" writes it) restarts that level where it is first used, and the list goes on
from there (ECMA-376 §17.9, as Word and LibreOffice count). A paragraph is numbered by its own w:numPr or its
style's (following w:basedOn). Bullets show no number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validator.sources.wordml import STYLE_DEPTH, attr, child, local, val

_LEVELS = 9  # Word's list levels, w:ilvl 0 to 8
_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "".join(map(chr, range(0x2460, 0x2474))) + "".join(map(chr, range(0x3251, 0x3260)))  # ① to ㊿
_CIRCLED += "".join(map(chr, range(0x32B1, 0x32C0)))
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class _Level:
    """One level of a list: its first number, number format, text ("%1、", "（%2）"), what follows the number, the
    level after whose use it restarts (0: never), whether it shows every level in arabic digits (legal numbering)."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suffix: str = "\t"
    restart: int | None = None  # None: after any higher level
    legal: bool = False
    style: str | None = None  # the paragraph style this level belongs to


def _level(lvl) -> _Level:
    suffix = {"space": " ", "nothing": ""}.get(val(lvl, "suff") or "tab", "\t")
    restart = val(lvl, "lvlRestart")
    return _Level(
        start=_int(val(lvl, "start"), 1),
        fmt=val(lvl, "numFmt") or "decimal",
        text=val(lvl, "lvlText") or "",
        suffix=suffix,
        restart=_int(restart, 0) if restart is not None else None,
        legal=child(lvl, "isLgl") is not None and val(lvl, "isLgl") not in ("0", "false", "off"),
        style=val(lvl, "pStyle"),
    )


def _levels(parent) -> dict[int, _Level]:
    return {_int(attr(lvl, "ilvl"), 0): _level(lvl) for lvl in parent if local(lvl) == "lvl"}


@dataclass
class _Num:
    """A w:num: its list (abstract id) and the levels it overrides, with their start numbers."""

    abstract: str
    levels: dict[int, _Level] = field(default_factory=dict)  # whole levels the num defines itself
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride


class Numbering:
    """The lists of a document and where their counting stands; `label` advances it, so call it for every paragraph
    in document order."""

    def __init__(self, numbering=None, styles=None) -> None:
        """From the parsed numbering part and styles part (ElementTree roots), either None when the document has
        none."""
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._links: dict[str, str] = {}  # abstract id → the numbering style it takes its levels from
        self._nums: dict[str, _Num] = {}
        for el in numbering if numbering is not None else ():
            if local(el) == "abstractNum":
                key = attr(el, "abstractNumId") or ""
                self._abstract[key] = _levels(el)
                if link := val(el, "numStyleLink"):
                    self._links[key] = link
            elif local(el) == "num":
                num = _Num(val(el, "abstractNumId") or "")
                for override in (o for o in el if local(o) == "lvlOverride"):
                    ilvl = _int(attr(override, "ilvl"), 0)
                    if (start := val(override, "startOverride")) is not None:
                        num.starts[ilvl] = _int(start, 1)
                    if (lvl := child(override, "lvl")) is not None:
                        num.levels[ilvl] = _level(lvl)
                self._nums[attr(el, "numId") or ""] = num
        self._styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → numId, ilvl, basedOn
        for style in styles if styles is not None else ():
            if local(style) == "style":
                props = child(child(style, "pPr"), "numPr")
                ids = (val(props, "numId"), val(props, "ilvl")) if props is not None else (None, None)
                self._styles[attr(style, "styleId") or ""] = (*ids, val(style, "basedOn"))
        self._counts: dict[str, list[int | None]] = {}  # per list: the number each level stands at
        self._begun: set[str] = set()  # nums whose overrides have restarted their levels

    def label(self, p) -> str:
        """The number paragraph `p` shows in front of its text ("一、", "（二）", "3.", "①"), "" if none."""
        found = self._numbered(p)
        if found is None:
            return ""
        num_id, ilvl = found
        num = self._nums.get(num_id)
        if num is None:
            return ""
        abstract = self._resolved(num.abstract)
        levels = {**self._abstract.get(abstract, {}), **num.levels}
        level = levels.get(ilvl)
        if level is None:
            return ""
        starts = {i: num.starts.get(i, lv.start) for i, lv in levels.items()}
        counts = self._counts.setdefault(abstract, [None] * _LEVELS)
        if num_id not in self._begun:
            self._begun.add(num_id)
            for i in set(num.starts) | set(num.levels):
                counts[i] = None  # restarted where the num is first used
        counts[ilvl] = starts.get(ilvl, 1) if counts[ilvl] is None else counts[ilvl] + 1
        for deeper in range(ilvl + 1, _LEVELS):
            after = levels[deeper].restart if deeper in levels else None
            if after is None or ilvl < after:  # restarts after a higher level, or after level `after` (1-based)
                counts[deeper] = None
        if level.fmt == "bullet":
            return ""
        text = level.text
        for i in range(_LEVELS):
            if f"%{i + 1}" in text:
                fmt = "decimal" if level.legal else levels.get(i, _Level()).fmt
                value = counts[i] if counts[i] is not None else starts.get(i, 1)
                text = text.replace(f"%{i + 1}", formatted(value, fmt))
        return text + level.suffix if text else ""

    def _numbered(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) of the list numbering `p`, its own or its style's, else None (numId 0 takes it off)."""
        props = child(p, "pPr")
        own = child(props, "numPr")
        num_id, ilvl = (val(own, "numId"), val(own, "ilvl")) if own is not None else (None, None)
        style = val(props, "pStyle") if props is not None else None
        for _ in range(STYLE_DEPTH):  # the style's numbering fills in what the paragraph's own leaves out
            if (num_id is not None and ilvl is not None) or style not in self._styles:
                break
            style_num, style_ilvl, based_on = self._styles[style]
            if num_id is None and style_num is not None:
                num_id = style_num
                if ilvl is None and style_ilvl is None:  # the level that names this style, else the first
                    ilvl = self._style_level(style_num, style)
            ilvl = ilvl if ilvl is not None else style_ilvl
            style = based_on
        if num_id is None or num_id == "0":
            return None
        return num_id, max(0, min(_int(ilvl, 0), _LEVELS - 1))

    def _style_level(self, num_id: str, style: str) -> str | None:
        num = self._nums.get(num_id)
        levels = self._abstract.get(self._resolved(num.abstract), {}) if num else {}
        return next((str(i) for i, lv in levels.items() if lv.style == style), None)

    def _resolved(self, abstract: str) -> str:
        """The list whose levels apply: an abstractNum linked to a numbering style takes that style's list."""
        for _ in range(STYLE_DEPTH):
            link = self._links.get(abstract)
            style_num = self._styles.get(link, (None,))[0] if link else None
            num = self._nums.get(style_num) if style_num else None
            if num is None or num.abstract == abstract:
                break
            abstract = num.abstract
        return abstract


def formatted(n: int, fmt: str) -> str:
    """Number `n` in Word's number format `fmt` (w:numFmt); a format not known here is written in digits, as Word
    writes a format it does not know."""
    if fmt == "none":
        return ""
    if fmt in ("chineseCounting", "japaneseCounting", "taiwaneseCounting") and n > 99:
        return "".join(_DIGITS[int(d)] for d in str(n))  # Word writes these digit by digit from 100 on
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _chinese(n).translate(str.maketrans("一二三四五六七八九十百千〇", "壹贰叁肆伍陆柒捌玖拾佰仟零"))
    if fmt in ("ideographTraditional", "ideographZodiac") and n > 0:
        cycle = _STEMS if fmt == "ideographTraditional" else _BRANCHES
        return cycle[(n - 1) % len(cycle)]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return chr(0x2474 + n - 1)  # ⑴
    if fmt == "decimalEnclosedFullstop" and 0 < n <= 20:
        return chr(0x2488 + n - 1)  # ⒈
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        roman = ""
        for value, numeral in _ROMAN:
            while n >= value:
                roman, n = roman + numeral, n - value
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _chinese(n: int) -> str:
    """n in Chinese numerals as counted: 十, 十一, 二十, 一百零五, 一千零一十."""
    if not 0 < n < 10000:
        return "".join(_DIGITS[int(d)] for d in str(abs(n)))
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += (_DIGITS[0] if zero and out else "") + _DIGITS[digit] + unit
            zero = False
        else:
            zero = bool(out)
        if n == 0:
            break
    return out[1:] if out.startswith("一十") else out
