"""Kind `magnitude` (e.g. PL04): every input of a kind below a bound no real agency reaches (a typo or a wrong unit)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.rules.kinds.base import ADVICE, Param, RuleKind, advised
from validator.spec.model import COUNT_KINDS, RuleSpec, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.findings import Finding
    from validator.rules.context import ReportContext

_OF = {"count": COUNT_KINDS, "money": frozenset({"money"}), "amount": frozenset({"amount"})}
_OF_ZH = {"count": "件数", "money": "金额（万元）", "amount": "金额"}


def keys(rule: RuleSpec, template: Template) -> list[str]:
    """The inputs the rule bounds, in template order (mask column i is keys[i])."""
    kinds = _OF[rule.params["of"]]
    return [k for k, cell in template.inputs.items() if cell.kind in kinds]


def _bound(rule: RuleSpec) -> str:
    """The limit as people say it: 10000000 件 → "1000万", 10000000 万元 → "1000亿元"."""
    limit, money = rule.params["limit"], rule.params["of"] == "money"
    if limit >= 10000 and limit % 10000 == 0:
        return fmt(limit / 10000) + ("亿元" if money else "万")
    return fmt(limit) + ("万元" if money else "")


def mask(frame: pd.DataFrame, rule: RuleSpec, template: Template) -> pd.DataFrame:
    block = frame[keys(rule, template)]
    return block.isna() | (block.abs() < rule.params["limit"])


def describe(rule: RuleSpec, failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    bounded = keys(rule, ctx.located.template)
    limit = _bound(rule)
    out = []
    for key in (bounded[i] for i in failed):
        value = ctx.values[key]
        out += advised(rule, f"{ctx.where(key)} = {fmt(value)}（{limit}以上）。", ctx, key, actual=value)
    return out


def detail(rule: RuleSpec, _template: Template) -> str:
    p = rule.params
    why = f"。{p['reason']}" if p["reason"] else ""
    return f"每个{_OF_ZH[p['of']]}单元格的数值应小于 {_bound(rule)}（{fmt(p['limit'])}）{why}"


KIND = RuleKind(
    "magnitude",
    (
        Param("of", "choice", choices=tuple(_OF)),
        Param("limit", "number"),
        Param("reason", "text", required=False, default=""),  # why the bound, for docs/rules.md
        ADVICE,
    ),
    mask=mask,
    describe=describe,
    detail=detail,
)
