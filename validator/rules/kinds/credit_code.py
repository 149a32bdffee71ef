"""Kind `credit_code` (e.g. CV01): a 统一社会信用代码 whose length, characters and check character follow GB 32100-2015."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.invisible import INVISIBLE
from validator.rules.kinds.base import Param, RuleKind, field_finding, field_mask
from validator.spec.model import RuleSpec, Template
from validator.text import INVISIBLE_SAID

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

# GB 32100-2015: 18 characters from this alphabet; the last is a check character over the first 17.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Lower-case Latin letters are read as capitals; str.upper() would also change other characters ("ß" → "SS").
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Spaces (of any width) and characters nobody sees inside a code: a clerk counts 18 characters on the certificate and
# in the cell, so "19 位" alone would not tell them what to remove.
_BLANKS = re.compile(rf"(?:\s|{INVISIBLE.pattern})+")
_BLANKS_SHOWN = 3  # runs of blanks placed one by one; more are counted
_CHECK = "请对照登记证书核对后重新填写"


def credit_code_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is invalid (Chinese), or None when it is valid."""
    judged = _judge(code)
    return judged[0] if judged else None


def _judge(code: str) -> tuple[str, str] | None:
    """Why a code is invalid and what to do (Chinese), or None when it is valid."""
    code = code.strip().translate(_ASCII_UPPER)
    if blanks := list(_BLANKS.finditer(code)):
        plain = _BLANKS.sub("", code)
        verdict = _judge(plain)
        where = _where_blanks(blanks, len(plain))
        if verdict:
            return f"{where}；去掉后，{verdict[0]}", verdict[1]
        invisible = any(INVISIBLE.search(b[0]) for b in blanks)
        said = f"{where}，去掉后符合编码规则"
        return said, "请清除该单元格后重新键入这 18 位代码" if invisible else "请删除其中的空格"
    wide = sorted({ch for ch in code if unicodedata.normalize("NFKC", ch) != ch and ch.isalnum()})
    if wide:
        narrow = unicodedata.normalize("NFKC", code)
        verdict = "改为半角后符合编码规则" if credit_code_problem(narrow) is None else "改为半角后仍需核对"
        return f"含有全角字符「{''.join(wide)}」，应使用半角字符（{verdict}）", _CHECK
    if len(code) != 18:
        return f"应为 18 位，实际为 {len(code)} 位", _CHECK
    bad = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if bad:
        return f"含有不允许的字符「{''.join(bad)}」（不使用 I、O、Z、S、V）", _CHECK
    total = sum(CODE_ALPHABET.index(ch) * w for ch, w in zip(code, _CODE_WEIGHTS))
    check = CODE_ALPHABET[(31 - total % 31) % 31]
    if code[-1] == check:
        return None
    return (
        f"不符合编码规则：按前 17 位算出的校验位是「{check}」，最后一位却是「{code[-1]}」，"
        "说明代码中有错字、漏字或两位颠倒（不一定在最后一位）"
    ), _CHECK


def _where_blanks(blanks: list[re.Match[str]], length: int) -> str:
    """Where a code (of `length` characters without them) holds spaces or invisible characters, and which."""
    invisible = any(INVISIBLE.search(b[0]) for b in blanks)
    spaces = any(not INVISIBLE.fullmatch(ch) for b in blanks for ch in b[0])
    what = ("空格和" if spaces else "") + INVISIBLE_SAID if invisible else "空格"
    if len(blanks) > _BLANKS_SHOWN:
        return f"中间有 {len(blanks)} 处{what}"
    places, removed = [], 0
    for b in blanks:
        before = b.start() - removed  # characters of the code before it
        removed += len(b[0])
        places.append(
            "开头" if before == 0 else "末尾" if before == length else f"第 {before} 位与第 {before + 1} 位之间"
        )
    return f"{'、'.join(places)}有{what}"


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    return field_mask(frame, rule.params["field"], lambda v: credit_code_problem(str(v)) is None)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    key = rule.params["field"]
    value = ctx.values[key]
    problem, advice = _judge(str(value)) or ("", "")
    return field_finding(rule, f"{ctx.where(key)}「{value}」{problem}。{advice}。", ctx)


def detail(rule: RuleSpec, template: Template) -> str:
    return (
        f"「{template.fields[rule.params['field']].label}」：18 位，校验位按 GB 32100-2015 计算；"
        "夹有空格或看不见的字符的，写明其位置和去掉后是否符合"
    )


KIND = RuleKind("credit_code", (Param("field", "field"),), mask=mask, describe=describe, detail=detail)
