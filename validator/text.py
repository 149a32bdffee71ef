"""How numbers and text are shown to users: numbers as people write them, display width, text a cell can hold, the
text a reader sees."""

from __future__ import annotations

import errno
import math
import os
import re
import unicodedata
from collections.abc import Mapping

from validator.invisible import INVISIBLE

# Control characters that XML 1.0 (and so a cell or a note) cannot carry; tab and line breaks are fine.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DIGITS = re.compile(r"(\d+)")
# What users are told of them, where it helps (a cell to be typed again, a code to be typed exactly).
INVISIBLE_SAID = "看不见的字符（从网页等处复制时常带入）"
# Footnote marks reports put after a number or a word, as bodies of a regular expression's character class: circled,
# parenthesised and full-stop numbers (①, ⑴, ⒈) and symbols (validator.check.values, validator.sources.document).
NOTE_NUMBERS = "\u2460-\u249b"
NOTE_SYMBOLS = "*＊※†‡"
# Zero typed otherwise than as the digit, alone in a number cell (after NFKC: a full-width Ｏ is O): as a Chinese
# numeral (〇, 零, and ○ typed for 〇) or as the letter O. What the cell holds, read as 0 (validator.check.values),
# never a label naming its row or column (validator.sources.document).
ZERO_NUMERALS = "〇零○"
ZERO_LETTERS = "Oo"


def fmt(value: float) -> str:
    """A number as users write it: 12, 2.5, -3, and every digit of 84500.91 万元 or 1234567.5 (to a millionth: six
    significant digits would advise 84500.9 and print 1.23457e+06)."""
    shown = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


class _CharWidths(dict[str, int]):
    """Each character's display width, looked up once (a painter measures every note and cell it writes); at most
    _KNOWN_CHARS are kept, so that text of many distinct characters cannot grow it without bound."""

    def __missing__(self, ch: str) -> int:
        width = 2 if unicodedata.east_asian_width(ch) in "WFA" else 1
        if len(self) < _KNOWN_CHARS:
            self[ch] = width
        return width


_KNOWN_CHARS = 1 << 14
_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Width in half-width characters (≈ Excel column units): CJK characters and full-width punctuation count two."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def natural_key(name: str) -> tuple:
    """Order names as people count, not character by character: 报告2 before 报告10 (full-width digits too), and
    报告.xlsx before 报告2.xlsx (the extension is compared last)."""
    stem, extension = os.path.splitext(name)
    return tuple((int(part), part) if i % 2 else part for i, part in enumerate(_DIGITS.split(stem))), extension


def decode_text(data: bytes) -> str | None:
    """A text file a user saved: UTF-8 (with or without a BOM), else GB18030 (⊃ GBK: what Excel and Notepad write on
    Chinese Windows); None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def plain_number(value: object) -> object:
    """Whole floats as integers and NaN (unknown) as None: values as people (and JSON) write them."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    return value


def plain_numbers(values: Mapping[str, object]) -> dict[str, object]:
    """plain_number of every value."""
    return {k: plain_number(v) for k, v in values.items()}


def visible(text: str) -> str:
    """The text without the characters nobody sees (`validator.invisible`); line and paragraph separators as line
    breaks. What every reader of text (documents, a workbook's cells) takes as written."""
    if text.isascii():
        return text
    return INVISIBLE.sub("", text).replace("\u2028", "\n").replace("\u2029", "\n")


def printable(text: str) -> str:
    """Text that a cell or note can hold: control characters shown as "\ufffd"."""
    return _UNPRINTABLE.sub("\ufffd", text)


_OS_REASONS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中的某一级不是文件夹",
    errno.EISDIR: "同名的是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "已有同名的文件",
}


def in_use_hint(exc: OSError, also: str = "") -> str:
    """What else may stop a write (a file Excel holds open), unless the error says it all already."""
    return "" if getattr(exc, "user_reason", None) else f"如文件正在 Excel 中打开，请关闭后重试{also}。"


def os_reason(exc: OSError) -> str:
    """Why a file could not be written, in Chinese: the error's own `user_reason` if it has one (as
    validator.atomic's refusals do), the common causes by errno, else the system's own words."""
    return getattr(exc, "user_reason", None) or _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
