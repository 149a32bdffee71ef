"""Per-cell value rules checked on the whole frame: TY05 negative, TY06 fractional count, TX03 not a choice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from validator.catalogue import BUILTIN
from validator.findings import Finding
from validator.rules.context import ReportContext
from validator.spec.model import COUNT_KINDS, NUMERIC_KINDS, SIGNED_KINDS, InputCell, Template
from validator.text import fmt


@dataclass(frozen=True)
class CellRule:
    """Which inputs a rule applies to, which values pass (blocks of columns at once), and what to tell the user."""

    code: str
    applies: Callable[[InputCell, Template], bool]
    passes: Callable[[pd.DataFrame, Template], pd.DataFrame]
    problem: Callable[[object, str, Template], str]  # (value, key, template) → text after the cell's name


def _choices(key: str, template: Template) -> str:
    return "、".join(template.fields[key].choices)


CELL_RULES: tuple[CellRule, ...] = (
    CellRule(
        "TY05",
        lambda cell, _: cell.kind in NUMERIC_KINDS - SIGNED_KINDS,
        lambda block, _: block >= 0,
        lambda value, *_: f" = {fmt(value)}，是负数。数量和金额不能为负，请填写实际数字。",
    ),
    CellRule(
        "TY06",
        lambda cell, _: cell.kind in COUNT_KINDS,
        lambda block, _: block % 1 == 0,
        lambda value, *_: f" = {fmt(value)}，件数应为整数。请核实后填写整数。",
    ),
    CellRule(
        "TX03",
        lambda cell, t: cell.key in t.fields and bool(t.fields[cell.key].choices),
        lambda block, t: pd.DataFrame({k: block[k].isin(t.fields[k].choices) for k in block}, index=block.index),
        lambda value, key, t: f"「{value}」不是规定的可选值。请从下拉列表中选择：{_choices(key, t)}。",
    ),
)


def keys(rule: CellRule, template: Template) -> list[str]:
    """The inputs the rule checks, in template order (mask column i is keys[i])."""
    return [k for k, cell in template.inputs.items() if rule.applies(cell, template)]


def mask(frame: pd.DataFrame, rule: CellRule, keys: Sequence[str], template: Template) -> pd.DataFrame:
    """True where a cell passes or is unknown."""
    block = frame[list(keys)]
    return block.isna() | rule.passes(block, template)


def describe(rule: CellRule, keys: Sequence[str], ctx: ReportContext) -> list[Finding]:
    """One finding per failing cell."""
    template = ctx.located.template
    return [
        Finding(
            rule.code,
            BUILTIN[rule.code].severity,
            f"{ctx.where(key)}{rule.problem(ctx.values[key], key, template)}",
            ctx.cell(key),
            actual=ctx.values[key],
        )
        for key in keys
    ]
