"""Radicals read as the ideographs they print: a PDF saved from Chrome or Edge (and text copied out of one) names
a glyph its font shares with a radical by the radical's code point (「⼯作」「⼈⺠政府」「第1⻚」), which reads the
same and matches nothing."""

from __future__ import annotations

import re
import unicodedata

# The Kangxi radicals (U+2F00–U+2FD5) decompose to their ideographs in Unicode's own normalisation (NFKC); the rest
# of NFKC is not applied (it would turn full-width digits, which the value rules judge, and ① or ² into digits).
# The CJK Radicals Supplement (U+2E80–U+2EF3) does not decompose but for ⺟ and ⻳: these are its
# Equivalent_Unified_Ideograph (Unicode 15.0, EquivalentUnifiedIdeograph.txt) for the radicals whose ideograph is a
# character of simplified Chinese text (in GB 2312), the only ones a report's text can be printed with; the others
# are component forms (⺮, ⻊…) and Japanese or traditional forms (⻑ 長, ⻭ 歯).
_SUPPLEMENT = str.maketrans(
    "⺁⺄⺅⺆⺈⺉⺊⺌⺍⺎⺐⺒⺓⺖⺗⺘⺙⺜⺝⺟⺠⺡⺣⺦⺧⺨⺩⺫⺬⺭⺰⺴⺶⺺⺻⺼⺾⺿⻀⻁⻂⻄⻅⻆⻈⻉⻋⻌⻍⻎⻏⻐⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂乙亻冂刀刂卜小小兀尢巳幺忄心扌攵日月母民氵灬丬牛犭王目示礻纟冗羊肀聿肉艹艹艹虎衤西见角讠贝车辶辶辶邑钅长门阝雨青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
)
_KANGXI = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0x2F00, 0x2FD6)}
_IDEOGRAPHS = _SUPPLEMENT | _KANGXI
_RADICAL = re.compile("[\u2e80-\u2fdf]")


def has_radicals(text: str) -> bool:
    """Whether `text` holds a radical (see ideographs)."""
    return _RADICAL.search(text) is not None


def ideographs(text: str) -> str:
    """`text` with each radical that stands for an ideograph written as that ideograph (「⼯作」 → 「工作」)."""
    return text.translate(_IDEOGRAPHS) if has_radicals(text) else text
