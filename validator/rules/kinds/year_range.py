"""Kind `year_range` (e.g. CV02): a year from the template's first year to this year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import Param, RuleKind, field_finding, field_mask
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext


def mask(frame: pd.DataFrame, rule: RuleSpec, template: Template) -> pd.DataFrame:
    return field_mask(frame, rule.params["field"], lambda v: template.first_year <= v <= dt.date.today().year)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    key, first_year = rule.params["field"], ctx.located.template.first_year
    year, this_year = int(ctx.values[key]), dt.date.today().year
    detail = (
        f"早于本格式适用的第一个年度 {first_year}（{first_year} 年以前的报告使用旧格式）"
        if year < first_year
        else f"晚于今年（{this_year}）"
    )
    return field_finding(rule, f"{ctx.where(key)} = {year}，{detail}。请填写报告所属的年度，如 {this_year - 1}。", ctx)


def detail(rule: RuleSpec, template: Template) -> str:
    later = f"；晚于 {template.last_year} 年的报告应改用新格式（ST07）" if template.last_year else ""
    return f"「{template.fields[rule.params['field']].label}」：{template.first_year} 年至今年{later}"


KIND = RuleKind("year_range", (Param("field", "field"),), mask=mask, describe=describe, detail=detail)
