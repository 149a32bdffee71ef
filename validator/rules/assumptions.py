"""Cross-checks judged with a missing row or column taken as 0: a difference is a warning naming what is missing."""

from __future__ import annotations

from collections.abc import Sequence

from validator.findings import Finding, Related
from validator.rules.context import ReportContext
from validator.spec.model import Equation, RuleSpec
from validator.text import fmt


def assumed(eq: Equation, ctx: ReportContext) -> list[str]:
    """The terms of `eq` the workbook lacks and that were taken as 0."""
    return [k for k in eq.cells if ctx.located.standins.get(k) == "assumed"]


def describe(rule: RuleSpec, failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    """One warning per unbalanced equation with a missing part: the difference may be that part, left out."""
    out = []
    inputs = ctx.located.template.inputs
    for i in failed:
        eq = rule.equations[i]
        missing = assumed(eq, ctx)
        left = sum(float(ctx.values[k]) for k in eq.lhs)
        right = sum(float(ctx.values[k]) for k in eq.rhs)
        names = "、".join(dict.fromkeys(f"「{inputs[k].axis_label(eq.term_axis)}」" for k in missing))
        axis = "行" if eq.term_axis == "row" else "列"
        present = [k for k in eq.cells if k not in missing and ctx.cell(k)]
        primary = next(k for k in (*eq.lhs, *eq.rhs) if k in present)
        message = (
            f"{ctx.cell(primary).sheet}{ctx.located.places.get(eq.context, eq.context)}：表格缺少{names}{axis}，按 0 校验时等号两边分别为 {fmt(left)} 和 "
            f"{fmt(right)}，相差 {fmt(abs(left - right))}，可能是漏填的{names}{axis}。"
            f"请按官方格式补上该{axis}并填写；若确实为 0，请核对本{'列' if axis == '行' else '行'}其他数据。"
        )
        related = tuple(Related(ctx.cell(k), "相关项") for k in present if k != primary)
        out.append(Finding(rule.code, "warning", message, ctx.cell(primary), related, None, float(ctx.values[primary])))
    return out
