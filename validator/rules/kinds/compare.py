"""Kind `compare` (e.g. PL02): one input compared with another, such as 现行有效件数 >= 本年制发件数."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import Param, RuleKind, related
from validator.spec.model import RuleSpec, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
_OP_ZH = {">=": "小于", ">": "不大于", "<=": "大于", "<": "不小于", "==": "不等于"}  # what a failure means


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    p = rule.params
    left, right = frame[p["left"]], frame[p["right"]]
    return (left.isna() | right.isna() | _OPS[p["op"]](left, right)).to_frame()


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    p, v = rule.params, ctx.values
    message = (
        f"{ctx.where(p['left'])} = {fmt(v[p['left']])}，{_OP_ZH[p['op']]} "
        f"{ctx.where(p['right'])} = {fmt(v[p['right']])}。{rule.summary}。"
    )
    others = related([p["right"]], ctx, "对比项")
    return [Finding(rule.code, rule.severity, message, ctx.cell(p["left"]), others, None, v[p["left"]])]


def detail(rule: RuleSpec, template: Template) -> str:
    p, inputs = rule.params, template.inputs
    return f"「{inputs[p['left']].label}」 {p['op']} 「{inputs[p['right']].label}」"


KIND = RuleKind(
    "compare",
    (Param("left", "cell"), Param("op", "choice", choices=tuple(_OPS)), Param("right", "cell")),
    mask=mask,
    describe=describe,
    detail=detail,
)
