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

from validator.catalogue import BUILTIN
from validator.findings import Finding
from validator.rules import cells
from validator.rules.context import ReportContext
from validator.rules.kinds import KINDS
from validator.spec.model import NUMERIC_KINDS, RuleSpec, Template

FLOAT_KINDS = NUMERIC_KINDS | {"year"}  # kinds held as float64 in the frame (NaN = unknown)


@dataclass(frozen=True)
class FrameRule:
    """A rule as run on the frame: a mask with one column per instance, and how to explain failing instances."""

    code: str
    summary: str
    instances: Callable[[pd.DataFrame], pd.DataFrame]  # True = passes (or cannot be judged)
    describe: Callable[[Sequence[int], ReportContext], list[Finding]]
    spec: RuleSpec | None = None


def _cell_rule(rule: cells.CellRule, template: Template) -> FrameRule:
    """A per-cell rule: mask column i is input keys[i]."""
    keys = cells.keys(rule, template)
    return FrameRule(
        rule.code,
        BUILTIN[rule.code].summary,
        partial(cells.mask, rule=rule, keys=keys, template=template),
        lambda ids, ctx: cells.describe(rule, [keys[i] for i in ids], ctx),
    )


def _spec_rule(rule: RuleSpec, template: Template) -> FrameRule:
    """A rule the template declares, run by its registered kind."""
    kind = KINDS[rule.kind]
    return FrameRule(
        rule.code,
        rule.summary,
        lambda frame: kind.mask(frame, rule, template),
        lambda ids, ctx: kind.describe(rule, ids, ctx),
        rule,
    )


@cache
def frame_rules(template: Template) -> dict[str, FrameRule]:
    """Every rule that runs on the frame, by code."""
    rules = [
        *(_cell_rule(rule, template) for rule in cells.CELL_RULES),
        *(_spec_rule(r, template) for r in template.rules),
    ]
    return {r.code: r for r in rules}


def _all_pass(instances: pd.DataFrame) -> pd.Series:
    """Per report, whether every instance passes: DataFrame.all(axis=1), by numpy for a mask of booleans (every
    rule's; pandas' reduction costs more than a cheap rule)."""
    flags = instances.to_numpy()
    if flags.dtype != bool:  # not booleans only (None, NaN): pandas' own reading of them
        return instances.all(axis=1)
    return pd.Series(flags.all(axis=1), index=instances.index)


@cache
def build_schema(template: Template) -> pa.DataFrameSchema:
    """One frame-wide pandera check per rule; the rule code is the check's name so failures trace back to it.

    Findings come from each failed check's output (which reports fail), never from pandera's failure cases: those
    (every failing report's whole row, unstacked and written into the error's message) are not collected
    (n_failure_cases=0), which took a batch's checking more time than most rules."""
    checks = [
        pa.Check(
            lambda df, r=rule: _all_pass(r.instances(df)),
            name=code,
            error=rule.summary,
            ignore_na=False,
            n_failure_cases=0,
        )
        for code, rule in frame_rules(template).items()
    ]
    return pa.DataFrameSchema(checks=checks, name=template.id)
