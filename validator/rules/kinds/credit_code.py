"""Kind `credit_code` (e.g. CV01): a 统一社会信用代码 whose length, characters and check character follow GB 32100-2015."""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import Param, RuleKind, field_finding, field_mask
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

# GB 32100-2015: 18 characters from this alphabet; the last is a check character over the first 17.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Lower-case Latin letters are read as capitals; str.upper() would also change other characters ("ß" → "SS").
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def credit_code_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is invalid (Chinese), or None when it is valid."""
    code = code.strip().translate(_ASCII_UPPER)
    wide = sorted({ch for ch in code if unicodedata.normalize("NFKC", ch) != ch and ch.isalnum()})
    if wide:
        narrow = unicodedata.normalize("NFKC", code)
        verdict = "改为半角后符合编码规则" if credit_code_problem(narrow) is None else "改为半角后仍需核对"
        return f"含有全角字符「{''.join(wide)}」，应使用半角字符（{verdict}）"
    if len(code) != 18:
        return f"应为 18 位，实际为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if bad:
        return f"含有不允许的字符「{''.join(bad)}」（不使用 I、O、Z、S、V）"
    total = sum(CODE_ALPHABET.index(ch) * w for ch, w in zip(code, _CODE_WEIGHTS))
    check = CODE_ALPHABET[(31 - total % 31) % 31]
    if code[-1] == check:
        return None
    return (
        f"不符合编码规则：按前 17 位算出的校验位是「{check}」，最后一位却是「{code[-1]}」，"
        "说明代码中有错字、漏字或两位颠倒（不一定在最后一位）"
    )


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    return field_mask(frame, rule.params["field"], lambda v: credit_code_problem(str(v)) is None)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    key = rule.params["field"]
    value = ctx.values[key]
    return field_finding(
        rule, f"{ctx.where(key)}「{value}」{credit_code_problem(str(value))}。请对照登记证书核对后重新填写。", ctx
    )


def detail(rule: RuleSpec, template: Template) -> str:
    return f"「{template.fields[rule.params['field']].label}」：18 位，校验位按 GB 32100-2015 计算"


KIND = RuleKind("credit_code", (Param("field", "field"),), mask=mask, describe=describe, detail=detail)
