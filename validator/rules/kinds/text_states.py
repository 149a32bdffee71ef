"""Kind `text_states` (TX04): a text that says something happened must also give its numbers (信息处理费 and amount)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from validator.findings import Finding
from validator.rules.kinds.base import ADVICE, Param, RuleKind, advised, field_mask
from validator.rules.statements import phrase, quote, sentences
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext


def _unstated(text: str, rule: RuleSpec) -> tuple[int, str] | None:
    """The first sentence about the subject that neither denies it nor states the numbers asked for, and where it
    starts."""
    p = rule.params
    if p["subject"] not in text:
        return None  # most texts: no sentence to read
    for at, sentence in sentences(text):
        if p["subject"] not in sentence or any(phrase(w).search(sentence) for w in p["none_phrases"]):
            continue
        if not any(phrase(w).search(sentence) for w in p["phrases"]):
            return at, sentence
    return None


def mask(frame: pd.DataFrame, rule: RuleSpec, _template: Template) -> pd.DataFrame:
    return field_mask(frame, rule.params["field"], lambda v: _unstated(str(v), rule) is None)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    p = rule.params
    at, sentence = _unstated(str(ctx.values[p["field"]]), rule) or (0, "")
    return advised(rule, f"{ctx.where(p['field'], at=at)}写“{quote(sentence)}”，", ctx, p["field"], at=at)


def detail(rule: RuleSpec, template: Template) -> str:
    return f"「{template.fields[rule.params['field']].label}」提到{rule.params['subject']}时应写明数字"


KIND = RuleKind(
    "text_states",
    (
        Param("field", "field"),
        Param("subject", "text"),
        Param("none_phrases", "texts"),
        Param("phrases", "texts"),
        ADVICE,
    ),
    mask=mask,
    describe=describe,
    detail=detail,
)
