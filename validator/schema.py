"""The only place pandera schemas are built: template + rules → one DataFrameSchema over one row per report.

Every rule is a frame-wide check whose mask has one column per rule instance (a cell, an equation, a report);
pandera sees one flag per report, and the instance mask is re-evaluated for the failing reports to place findings.
A column component per input would cost pandera ~2 ms each; frame-wide checks keep one call cheap for any row count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

import pandas as pd
import pandera.pandas as pa

from validator.catalogue import BUILTIN_RULES
from validator.findings import Finding
from validator.rules import cells, equations, plausibility
from validator.rules.context import ReportContext
from validator.spec.model import RuleSpec, Template

FLOAT_KINDS = frozenset({"count", "money", "year"})  # kinds held as float64 in the frame (NaN = unknown)
_SEVERITY = {r.code: r.severity for r in BUILTIN_RULES}


@dataclass(frozen=True)
class FrameRule:
    """A rule as run on the frame: a mask with one column per instance, and how to explain failing instances."""

    code: str
    summary: str
    instances: Callable[[pd.DataFrame], pd.DataFrame]  # True = passes (or cannot be judged)
    describe: Callable[[Sequence[int], ReportContext], list[Finding]]
    spec: RuleSpec | None = None


def _cell_rule(code: str, mask: Callable[[pd.DataFrame], pd.DataFrame], keys: Sequence[str]) -> FrameRule:
    """A per-cell rule: mask column i is input keys[i]."""
    summary = next(r.summary for r in BUILTIN_RULES if r.code == code)
    return FrameRule(
        code, summary, mask, lambda ids, ctx: cells.describe(code, _SEVERITY[code], [keys[i] for i in ids], ctx)
    )


def _spec_rule(rule: RuleSpec, template: Template) -> FrameRule:
    if rule.kind == "equation":
        return FrameRule(
            rule.code,
            rule.summary,
            partial(equations.balanced, rule=rule),
            lambda ids, ctx: equations.describe(rule, ids, ctx),
            rule,
        )

    def one_column(frame: pd.DataFrame) -> pd.DataFrame:
        return plausibility.mask(frame, rule, template.first_year).to_frame()

    return FrameRule(
        rule.code,
        rule.summary,
        one_column,
        lambda ids, ctx: plausibility.describe(rule, ctx, template.first_year),
        rule,
    )


@cache
def frame_rules(template: Template) -> dict[str, FrameRule]:
    """Every rule that runs on the frame, by code."""
    numbers = [k for k, c in template.inputs.items() if c.kind in ("count", "money")]
    counts = [k for k, c in template.inputs.items() if c.kind == "count"]
    choices = {f.key: f.choices for f in template.fields.values() if f.choices}
    rules = [
        _cell_rule("TY05", partial(cells.non_negative, keys=numbers), numbers),
        _cell_rule("TY06", partial(cells.whole, keys=counts), counts),
        _cell_rule("TX03", partial(cells.in_choices, choices=choices), list(choices)),
        *(_spec_rule(r, template) for r in template.rules),
    ]
    return {r.code: r for r in rules}


@cache
def build_schema(template: Template) -> pa.DataFrameSchema:
    """One frame-wide pandera check per rule; the rule code is the check's name so failures trace back to it."""
    checks = [
        pa.Check(lambda df, r=rule: r.instances(df).all(axis=1), name=code, error=rule.summary, ignore_na=False)
        for code, rule in frame_rules(template).items()
    ]
    return pa.DataFrameSchema(checks=checks, name=template.id)
