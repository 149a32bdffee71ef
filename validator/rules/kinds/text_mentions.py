"""Kind `text_mentions` (e.g. TX02): a text section that must mention at least one of some words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import ADVICE, Param, RuleKind, advised, field_mask
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    words = rule.params["any_of"]
    return field_mask(frame, rule.params["field"], lambda v: any(w in str(v) for w in words))


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    p = rule.params
    return advised(rule, f"{ctx.where(p['field'])}中没有提到{'、'.join(p['any_of'])}。", ctx, p["field"])


def detail(rule: RuleSpec, template: Template) -> str:
    return f"「{template.fields[rule.params['field']].label}」应提到：{'、'.join(rule.params['any_of'])}"


KIND = RuleKind(
    "text_mentions",
    (Param("field", "field"), Param("any_of", "texts"), ADVICE),
    mask=mask,
    describe=describe,
    detail=detail,
)
