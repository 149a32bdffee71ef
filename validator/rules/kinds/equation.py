"""Kind `equation` (EQ): sums of input cells that must balance, in every row or column of a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from validator.audience import RECALCULATE, RECALCULATE_VALUES
from validator.findings import Correction, Finding, FormulaRole, Related, phrases, undecided
from validator.rules import strays
from validator.rules.kinds.base import Param, RuleKind
from validator.sources.uncached import added_cells, summed_cells
from validator.spec.model import Equation, RuleSpec, SpecError, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import numpy as np
    import pandas as pd

    from validator.cellref import CellRef
    from validator.locate import LocatedReport
    from validator.rules.context import ReportContext

TOLERANCE = 1e-6


def expand(rule: RuleSpec, template: Template, where: str) -> RuleSpec:
    """One equation instance per row or column (and per column group, if given)."""
    p = rule.params
    table = template.tables[p["table"]]
    # "each: column" means the equation holds in every column, so its terms are rows (and the reverse).
    term_axis = "row" if p["each"] == "column" else "column"
    terms_leaves, other_leaves = (
        (table.row_leaves, table.column_leaves) if term_axis == "row" else (table.column_leaves, table.row_leaves)
    )
    terms = {leaf.key: leaf for leaf in terms_leaves}
    out = []
    for group in p["groups"] or [None]:
        sides = [[f"{group}.{k}" if group else k for k in p[side]] for side in ("lhs", "rhs")]
        for side, keys in zip(("lhs", "rhs"), sides):
            unknown = [k for k in keys if k not in terms]
            if unknown:
                axis = "行" if term_axis == "row" else "列"
                raise SpecError(
                    f"{where}.{side}: 「{unknown[0]}」不是表格 {table.key} 的{axis}（each: {p['each']} 时各项是{axis}）"
                )
        group_part = f"「{terms[sides[0][0]].group_label(group)}」组" if group else ""
        for leaf in other_leaves:
            place = f"「{leaf.label}」{'列' if p['each'] == 'column' else '行'}" if leaf.label else ""
            lhs, rhs = (
                tuple(table.cell_key(k, leaf.key) if term_axis == "row" else table.cell_key(leaf.key, k) for k in side)
                for side in sides
            )
            out.append(Equation(lhs, rhs, group_part + place, term_axis))
    return replace(rule, equations=tuple(out))


def coefficients(equations: Sequence[Equation], columns: Sequence[str]) -> np.ndarray:
    """Matrix C with C[i, j] = +1 for lhs and -1 for rhs cells, so each equation reads C[i] · x = 0 (also the
    system localisation solves, check/localise.py)."""
    import numpy as np  # here, not at the top: loading a spec (nianbao template) needs no numpy

    index = {c: j for j, c in enumerate(columns)}
    matrix = np.zeros((len(equations), len(columns)))
    for i, eq in enumerate(equations):
        for key in eq.lhs:
            matrix[i, index[key]] += 1
        for key in eq.rhs:
            matrix[i, index[key]] -= 1
    return matrix


def residuals(frame: pd.DataFrame, rule: RuleSpec) -> np.ndarray:
    """lhs − rhs of every equation instance (column) for every report (row); NaN where a term's value is unknown."""
    import numpy as np

    columns = sorted({k for eq in rule.equations for k in eq.cells})
    x = frame[columns].to_numpy(dtype=float)
    matrix = coefficients(rule.equations, columns)
    unknown = (np.isnan(x).astype(float) @ (matrix != 0).T) > 0
    result = np.nan_to_num(x) @ matrix.T
    result[unknown] = np.nan
    return result


def balanced(frame: pd.DataFrame, rule: RuleSpec, _template: Template | None = None) -> pd.DataFrame:
    """Per report and equation instance: True where it balances or cannot be judged (a term is unknown)."""
    import numpy as np
    import pandas as pd

    r = residuals(frame, rule)
    return pd.DataFrame(np.isnan(r) | (np.abs(r) < TOLERANCE), index=frame.index)  # by numpy: pandas' ops cost more


def _value(ctx: ReportContext, keys: Sequence[str]) -> float:
    return float(sum(ctx.values[k] for k in keys))


def _advice(eq: Equation, ctx: ReportContext) -> tuple[str, Correction | None]:
    """What to change for one failing equation, as the report's localisation says, and the change to point at."""
    loc = ctx.localisation
    sure = [c for c in loc.corrections if c.key in eq.cells]
    parts = [options for options in loc.alternatives if any(c.key in eq.cells for o in options for c in o)]
    advice = ""
    if sure:
        advice = f"按全部勾稽关系推算，应将 {phrases(sure, sheet=False)}"
        keys = {c.key for c in sure}
        shared = sum(1 for other in ctx.unbalanced if other is not eq and keys & set(other.cells))
        advice += f"（同一更正也使另外 {shared} 个不平衡的勾稽关系平衡）。" if shared else "。"
    advice += "".join(undecided(options, sheet=False) for options in parts)
    return advice or undecided(()), sure[0] if sure else None


_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")


def formula_role(key: str, formula: str, changed: set[str], located: LocatedReport) -> FormulaRole:
    """Why a formula cell's result is to change, decided once for the finding, the heading, the results table and
    JSON: it adds up other cells than the equation's parts ("range"), it follows a part the correction changes
    ("follows": nothing to do), a part its SUM adds is a number stored as text ("text"), its saved result is older
    than its parts ("stale"); "check" where the template's equations show no range for it (a part, or a total not
    of one run). Any way of adding up exactly the parts is right: =SUM(D7:D27), =D7+D8+…+D27, =SUM($D$7:$D$27)."""
    wanted = _wanted_run(key, formula, located)
    if wanted is None:
        return "check"
    _run, parts = wanted
    places = sorted((located.cells[k].cell.row, located.cells[k].cell.col) for k in parts)
    if sorted(added_cells(formula) or ()) != places:
        return "range"
    if changed & set(parts):
        return "follows"
    texts = any(isinstance(getattr(located.cells.get(k), "raw", None), str) for k in parts)
    if texts and summed_cells(formula) is not None:  # + adds a number stored as text; only SUM leaves it out
        return "text"
    return "stale"


def _formula_advice(change: Correction | None, ctx: ReportContext) -> str:
    """When the cell to change holds a formula (the correction names it): what to do, as its role says; overwriting
    the formula with the number would hide the mistake until the parts change."""
    if change is None or change.formula is None:
        return ""
    expected = fmt(change.expected)
    wanted = _wanted_run(change.key, change.formula, ctx.located)
    if change.role == "check" or wanted is None:
        return f"请核对该公式引用的单元格，不要直接改填 {expected}。"
    run, parts = wanted
    if change.role == "range":
        return f"请改正该公式，不要直接改填 {expected}：它应对 {run} 求和，即 =SUM({run})。"
    if change.role == "follows":
        return f"该公式的范围正确：{_followed(parts, ctx)}，它的结果随之变为 {expected}。"
    if change.role == "text":
        texts = [
            ctx.cell(k).coordinate for k in parts if isinstance(getattr(ctx.located.cells.get(k), "raw", None), str)
        ]
        them = "它们" if len(texts) > 1 else "它"
        return (
            f"该公式的范围正确，其中 {'、'.join(texts)} 是文本形式的数字，SUM 不计入文本，请把{them}改为数值；"
            f"但计入后保存的结果仍与各项之和不符：{RECALCULATE_VALUES.receiver}"
        )
    return f"该公式的范围正确，保存的结果却与各项之和不符：{RECALCULATE.receiver}"


def _followed(parts: Sequence[str], ctx: ReportContext) -> str:
    """ "D7 改正后", "J7 的公式改正后": the cells the clerk changes that this formula follows (through formulas that
    only follow, down to them)."""
    changes = {c.key: c for c in ctx.localisation.corrections}
    said: list[str] = []
    todo = [k for k in parts if k in changes]
    while todo:
        c = changes[todo.pop(0)]
        if c.role == "follows":
            wanted = _wanted_run(c.key, c.formula or "", ctx.located)
            todo += [k for k in (wanted[1] if wanted else ()) if k in changes]
        else:
            said.append(f"{ctx.cell(c.key).coordinate}{' 的公式' if c.formula else ''}")
    cells = "、".join(dict.fromkeys(said))
    return f"{cells}{'' if cells.endswith('公式') else ' '}改正后"


def _wanted_run(key: str, formula: str, located: LocatedReport) -> tuple[str, tuple[str, ...]] | None:
    """ "D7:I7" and the parts' keys: the parts of an equation whose single left-hand term is `key`, when they fill
    one run of a row or column; of several such equations, the one running the way the formula's own range runs."""

    def at(k: str) -> CellRef | None:
        loc = located.cells.get(k)
        return loc.cell if loc else None

    cell = at(key)
    along_row = _along_row(formula)
    found = []
    for rule in located.template.rules:
        for eq in rule.equations if rule.kind == "equation" else ():
            parts = [at(k) for k in eq.rhs]
            if eq.lhs != (key,) or any(p is None or p.sheet != cell.sheet for p in parts):
                continue
            first, last = min(parts), max(parts)
            run = f"{first.coordinate}:{last.coordinate}" if len(parts) > 1 else first.coordinate
            rows, cols = {p.row for p in parts}, {p.col for p in parts}
            if len(rows) == 1 and len(cols) == len(parts) == last.col - first.col + 1:
                found.append((True, (run, eq.rhs)))
            elif len(cols) == 1 and len(rows) == len(parts) == last.row - first.row + 1:
                found.append((False, (run, eq.rhs)))
    matching = [r for row, r in found if along_row is None or row == along_row]
    return matching[0] if len({r for r, _ in matching}) == 1 else None


def _along_row(formula: str) -> bool | None:
    """Whether a formula adds up part of a row (True) or of a column (False), as its cells or its first range lie;
    None when it shows neither."""
    cells = set(added_cells(formula) or ())
    if len(cells) > 1:
        return len({row for row, _ in cells}) == 1
    m = _RANGE.search(formula.upper())
    return m[2] == m[4] if m else None


def _strays_note(eq: Equation, ctx: ReportContext) -> str:
    """Numbers of a row or column outside the official format lying among the terms, which the sums leave out but
    a total may include (when they balance the equation exactly, validator/rules/strays.py says so instead)."""
    found = ctx.strays_among(eq.lhs) + ctx.strays_among(eq.rhs)
    if not found:
        return ""
    these = strays.line(eq, found)
    if ctx.strays_counted:
        return (
            f"另外，夹在各项之间的{strays.listed(found)}不属于任何官方项目，未计入上述之和，但合计看来包含了它们"
            f"（以下更正按此推算）：请把它们并入对应的官方{these[-1]}后删除{these}。"
        )
    return (
        f"另外，夹在各项之间的{strays.listed(found)}不属于任何官方项目，未计入上述之和；如合计包含了它们，"
        f"这也是不平衡的原因之一：请先把它们并入对应的官方{these[-1]}后删除{these}，再核对以下更正。"
    )


def describe(rule: RuleSpec, failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    """One finding per unbalanced equation, on the cell the report's correction changes, with its new value."""
    out = []
    for i in failed:
        eq = rule.equations[i]
        left, right = _value(ctx, eq.lhs), _value(ctx, eq.rhs)
        advice, change = _advice(eq, ctx)
        primary = change.key if change else next(k for k in eq.cells if ctx.cell(k))
        sheet = ctx.cell(primary).sheet
        message = (
            f"{sheet}{eq.context}：{ctx.side(eq.lhs, eq.term_axis)} = {fmt(left)}，{ctx.side(eq.rhs, eq.term_axis)} = {fmt(right)}，"
            f"相差 {fmt(abs(left - right))}。{_strays_note(eq, ctx)}{advice}{_formula_advice(change, ctx)}"
        )
        single = len(eq.lhs) == 1
        roles = {k: ("合计" if single else "等号左侧") for k in eq.lhs} | {
            k: ("分项" if single else "等号右侧") for k in eq.rhs
        }
        related = tuple(Related(ctx.cell(k), roles[k]) for k in eq.cells if k != primary)
        expected = change.expected if change else None
        out.append(
            Finding(rule.code, rule.severity, message, ctx.cell(primary), related, expected, float(ctx.values[primary]))
        )
    return out


def _terms(template: Template, keys: tuple[str, ...], axis: str) -> str:
    return "＋".join(f"「{template.inputs[k].axis_label(axis)}」" for k in keys)


def detail(rule: RuleSpec, template: Template) -> str:
    first = rule.equations[0]  # every instance has the same labels: show the first
    lhs, rhs = (_terms(template, side, first.term_axis) for side in (first.lhs, first.rhs))
    where = "、".join(dict.fromkeys(eq.context for eq in rule.equations)) or template.tables[rule.params["table"]].sheet
    return f"{lhs} ＝ {rhs}；逐一检查 {len(rule.equations)} 处：{where}"


KIND = RuleKind(
    "equation",
    (
        Param("table", "table"),
        Param("each", "choice", choices=("row", "column")),
        Param("lhs", "keys"),
        Param("rhs", "keys"),
        Param("groups", "texts", required=False, default=()),
    ),
    mask=balanced,
    describe=describe,
    detail=detail,
    prepare=expand,
)
