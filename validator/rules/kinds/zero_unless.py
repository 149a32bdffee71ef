"""Kind `zero_unless` (e.g. PL01): inputs that must be 0 unless the agency's cover profile permits them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import ADVICE, Param, RuleKind, advised, related, rows_mask, unknown
from validator.spec.model import RuleSpec, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext


def _ok(row: Mapping[str, object], rule: RuleSpec) -> bool:
    cells, profiles = rule.params["cells"], rule.params["allowed"]
    if not any(row[k] > 0 for k in cells):  # NaN > 0 is False: an unknown value is not a nonzero one
        return True
    profile = {k: row.get(k) for allowed in profiles for k in allowed}
    if any(unknown(v) for v in profile.values()):
        return True  # the agency is not described: nothing to judge against
    return any(all(row[k] in vals for k, vals in allowed.items()) for allowed in profiles)


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    profile = [k for allowed in rule.params["allowed"] for k in allowed]
    return rows_mask(frame, [*rule.params["cells"], *profile], lambda row: _ok(row, rule))


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    p, v = rule.params, ctx.values
    nonzero = [k for k in p["cells"] if not unknown(v[k]) and v[k] > 0]
    profile = "、".join(str(v[k]) for k in dict.fromkeys(k for a in p["allowed"] for k in a))
    listing = "，".join(f"{ctx.where(k)} = {fmt(v[k])}" for k in nonzero)
    primary = nonzero[0]
    others = related(nonzero[1:], ctx, "同类数据")
    return advised(rule, f"本机关为「{profile}」，但{listing}。", ctx, primary, others, 0.0, v[primary])


def detail(rule: RuleSpec, template: Template) -> str:
    p = rule.params
    cells = "、".join(f"「{template.inputs[k].label}」" for k in p["cells"])
    allowed = "；或 ".join(
        "、".join(f"{template.fields[k].label}为{'/'.join(v)}" for k, v in a.items()) for a in p["allowed"]
    )
    return f"{cells} 应为 0，除非 {allowed}"


KIND = RuleKind(
    "zero_unless",
    (Param("cells", "cells"), Param("allowed", "profiles"), ADVICE),
    mask=mask,
    describe=describe,
    detail=detail,
)
