"""Cross-checks that numbers outside every input explain: a row (or column) the official format lacks, lying among
an equation's terms, whose numbers the total includes but no official item does (ST05 reports the row itself)."""

from __future__ import annotations

from collections.abc import Sequence

from validator.cellref import CellRef
from validator.findings import Finding, Related
from validator.locate.report import Stray
from validator.rules.context import ReportContext
from validator.spec.model import Equation, RuleSpec
from validator.text import fmt

TOLERANCE = 1e-6


def _sides(eq: Equation, ctx: ReportContext) -> tuple[float, float]:
    return sum(float(ctx.values[k]) for k in eq.lhs), sum(float(ctx.values[k]) for k in eq.rhs)


def offset(eq: Equation, ctx: ReportContext) -> float:
    """What the stray numbers among the terms of `eq` add to lhs − rhs if the equation includes them."""
    return sum(v for *_, v in ctx.strays_among(eq.lhs)) - sum(v for *_, v in ctx.strays_among(eq.rhs))


def explains(eq: Equation, ctx: ReportContext) -> bool:
    """Whether the stray numbers among the terms of `eq` balance it exactly once added to their side."""
    lhs, rhs = ctx.strays_among(eq.lhs), ctx.strays_among(eq.rhs)
    if not lhs and not rhs:
        return False
    left, right = _sides(eq, ctx)
    return abs(left + sum(v for *_, v in lhs) - right - sum(v for *_, v in rhs)) < TOLERANCE


def listed(found: Sequence[tuple[Stray, CellRef, float]]) -> str:
    """ "第25行「6.其他不予处理情形」中的 1（D25）、第27行（没有标签）中的 2（D27）"."""
    return "、".join(f"{stray.what}中的 {fmt(v)}（{cell.coordinate}）" for stray, cell, v in found)


def line(eq: Equation, found: Sequence[tuple[Stray, CellRef, float]]) -> str:
    """What lies among the terms of `eq`, as a message names it: "该行", "这些行" (or columns)."""
    which = "该" if len({stray for stray, *_ in found}) == 1 else "这些"
    return which + ("行" if eq.term_axis == "row" else "列")


def describe(rule: RuleSpec, failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    """One finding per unbalanced equation that a row or column outside the official format balances exactly: the
    likely cause, and no correction of the official cells."""
    out = []
    for i in failed:
        eq = rule.equations[i]
        found = ctx.strays_among(eq.lhs) + ctx.strays_among(eq.rhs)
        left, right = _sides(eq, ctx)
        primary = next(k for k in eq.cells if ctx.cell(k))
        total = f"改正 {ctx.cell(eq.lhs[0]).coordinate}" if len(eq.lhs) == 1 and ctx.cell(eq.lhs[0]) else "改正合计"
        these = line(eq, found)
        axis = these[-1]
        message = (
            f"{ctx.cell(primary).sheet}{eq.context}：{ctx.side(eq.lhs, eq.term_axis)} = {fmt(left)}，"
            f"{ctx.side(eq.rhs, eq.term_axis)} = {fmt(right)}，相差 {fmt(abs(left - right))}，"
            f"正好等于夹在各项之间的{listed(found)}。{these}不是官方格式中的{axis}，其中的数字不属于任何官方项目，"
            f"未计入各项之和，很可能就是不平衡的原因（例如合计的公式把{these}也加了进去）。"
            f"请把这些数字并入对应的官方{axis}后删除{these}；如它们不应计入，删除{these}并{total}。其他单元格不必改动。"
        )
        single = len(eq.lhs) == 1
        roles = {k: ("合计" if single else "等号左侧") for k in eq.lhs} | {
            k: ("分项" if single else "等号右侧") for k in eq.rhs
        }
        related = tuple(Related(ctx.cell(k), roles[k]) for k in eq.cells if k != primary and ctx.cell(k))
        related += tuple(Related(cell, f"官方格式中没有的{axis}") for _, cell, _ in found)
        out.append(
            Finding(rule.code, rule.severity, message, ctx.cell(primary), related, None, float(ctx.values[primary]))
        )
    return out
