"""Per-cell value rules checked on the whole frame (TY05 negative, TY06 fractional count, TX03 not a choice)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from validator.findings import Finding, Severity
from validator.rules.context import ReportContext, fmt


def non_negative(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    block = frame[list(keys)]
    return block.isna() | (block >= 0)


def whole(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    block = frame[list(keys)]
    return block.isna() | (block % 1 == 0)


def in_choices(frame: pd.DataFrame, choices: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame({k: frame[k].isna() | frame[k].isin(c) for k, c in choices.items()}, index=frame.index)


def describe(code: str, severity: Severity, keys: Sequence[str], ctx: ReportContext) -> list[Finding]:
    """One finding per failing cell."""
    out = []
    for key in keys:
        value = ctx.values[key]
        if code == "TY05":
            problem = f" = {fmt(value)}，是负数。数量和金额不能为负，请填写实际数字。"
        elif code == "TY06":
            problem = f" = {fmt(value)}，件数应为整数。请核实后填写整数。"
        else:  # TX03
            choices = "、".join(ctx.located.template.fields[key].choices)
            problem = f"「{value}」不是规定的可选值。请从下拉列表中选择：{choices}。"
        out.append(Finding(code, severity, f"{ctx.where(key)}{problem}", ctx.cell(key), (), None, value))
    return out
