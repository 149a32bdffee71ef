"""Plausibility rules declared in the spec (PL, CV, TX): comparisons, agency permissions, codes, years, text."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence

import pandas as pd

from validator.findings import Finding, Related
from validator.rules.context import ReportContext
from validator.spec.model import RuleSpec
from validator.text import fmt

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
_OP_ZH = {">=": "小于", ">": "不大于", "<=": "大于", "<": "不小于", "==": "不等于"}
# GB 32100-2015: 18 characters from this alphabet; the last is a check character over the first 17.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is invalid (Chinese), or None when it is valid."""
    code = code.strip().upper()
    if len(code) != 18:
        return f"应为 18 位，实际为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if bad:
        return f"含有不允许的字符「{''.join(bad)}」（不使用 I、O、Z、S、V）"
    total = sum(CODE_ALPHABET.index(ch) * w for ch, w in zip(code, _CODE_WEIGHTS))
    check = CODE_ALPHABET[(31 - total % 31) % 31]
    return None if code[-1] == check else f"校验位应为「{check}」，实际为「{code[-1]}」"


def _zero_unless_ok(row: pd.Series, rule: RuleSpec) -> bool:
    cells = rule.params["cells"]
    if not (row[cells].fillna(0) > 0).any():
        return True
    profile = {k: row.get(k) for allowed in rule.params["allowed"] for k in allowed}
    if any(v is None or pd.isna(v) for v in profile.values()):
        return True  # the agency is not described: nothing to judge against
    return any(all(row[k] in vals for k, vals in allowed.items()) for allowed in rule.params["allowed"])


def _year_ok(value: float, first: int) -> bool:
    return pd.isna(value) or first <= value <= dt.date.today().year


def mask(frame: pd.DataFrame, rule: RuleSpec, first_year: int) -> pd.Series:
    """True for every report that passes the rule (or where it cannot be judged)."""
    p = rule.params
    if rule.kind == "compare":
        left, right = frame[p["left"]], frame[p["right"]]
        return left.isna() | right.isna() | _OPS[p["op"]](left, right)
    if rule.kind == "zero_unless":
        return frame.apply(_zero_unless_ok, axis=1, rule=rule)
    if rule.kind == "credit_code":
        return frame[p["field"]].map(lambda v: v is None or pd.isna(v) or credit_code_problem(str(v)) is None)
    if rule.kind == "year_range":
        return frame[p["field"]].map(lambda v: _year_ok(v, first_year))
    if rule.kind == "text_mentions":
        return frame[p["field"]].map(lambda v: v is None or pd.isna(v) or any(w in str(v) for w in p["any_of"]))
    raise ValueError(f"unknown rule kind {rule.kind}")


def describe(rule: RuleSpec, ctx: ReportContext, first_year: int) -> list[Finding]:
    """The finding for a report that failed the rule."""
    p, v = rule.params, ctx.values
    if rule.kind == "compare":
        message = (
            f"{ctx.where(p['left'])} = {fmt(v[p['left']])}，{_OP_ZH[p['op']]} "
            f"{ctx.where(p['right'])} = {fmt(v[p['right']])}。{rule.summary}。"
        )
        related = _related([p["right"]], ctx, "对比项")
        return [Finding(rule.code, rule.severity, message, ctx.cell(p["left"]), related, None, v[p["left"]])]
    if rule.kind == "zero_unless":
        nonzero = [k for k in p["cells"] if pd.notna(v[k]) and v[k] > 0]
        profile = "、".join(str(v[k]) for k in dict.fromkeys(k for a in p["allowed"] for k in a))
        listing = "，".join(f"{ctx.where(k)} = {fmt(v[k])}" for k in nonzero)
        message = f"本机关为「{profile}」，但{listing}。{rule.summary}。{p.get('advice', '')}"
        primary = nonzero[0]
        related = _related(nonzero[1:], ctx, "同类数据")
        return [Finding(rule.code, rule.severity, message, ctx.cell(primary), related, 0.0, v[primary])]
    key = p["field"]
    if rule.kind == "credit_code":
        detail = credit_code_problem(str(v[key]))
        message = f"{ctx.where(key)}「{v[key]}」{detail}。请核对后重新填写。"
    elif rule.kind == "year_range":
        year, this_year = int(v[key]), dt.date.today().year
        detail = (
            f"早于本格式适用的第一个年度 {first_year}（{first_year} 年以前的报告使用旧格式）"
            if year < first_year
            else f"晚于今年（{this_year}）"
        )
        message = f"{ctx.where(key)} = {year}，{detail}。请填写报告所属的年度，如 {this_year - 1}。"
    else:  # text_mentions
        words = "、".join(p["any_of"])
        message = f"{ctx.where(key)}中没有提到{words}。{rule.summary}。{p.get('advice', '')}"
    return [Finding(rule.code, rule.severity, message, ctx.cell(key), (), None, None)]


def _related(keys: Sequence[str], ctx: ReportContext, role: str) -> tuple[Related, ...]:
    return tuple(Related(ctx.cell(k), role) for k in keys if ctx.cell(k))
