"""The only place pandera schemas are built: template + rules → one DataFrameSchema over one row per report.

Every rule is a frame-wide check whose mask has one column per rule instance (a cell, an equation, a report);
pandera sees one flag per rule (whether every report passes), and the instance mask the check computed, kept for
the validation under way, places the findings.
A column component per input would cost pandera ~2 ms each; frame-wide checks keep one call cheap for any row count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
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


def report_passes(instances: pd.DataFrame) -> np.ndarray:
    """Per report, whether every instance passes: DataFrame.all(axis=1), by numpy for a mask of booleans (every
    rule's; pandas' reduction costs more than a cheap rule)."""
    flags = instances.to_numpy()
    if flags.dtype != bool:  # not booleans only (None, NaN): pandas' own reading of them
        return instances.all(axis=1).to_numpy(dtype=bool)
    return flags.all(axis=1)


# The instance masks of the validation under way (rule code → mask over every report), for its failures to be placed
# without running a rule twice. One per validation, in a context variable: a cached schema is shared by threads.
_MASKS: ContextVar[dict[str, pd.DataFrame]] = ContextVar("nianbao_masks")


def _passes(rule: FrameRule, frame: pd.DataFrame) -> bool:
    """The check pandera runs for a rule: whether every report passes every instance; the mask is kept for
    `failing_instances`. A plain bool: pandera reshapes a per-report output of a failed check into failure cases
    (every failing report's row, grouped, stacked, written into a message nothing reads), which took a batch's
    checking more time than most rules."""
    instances = rule.instances(frame)
    masks = _MASKS.get(None)
    if masks is not None:
        masks[rule.code] = instances
    return bool(report_passes(instances).all())


@cache
def build_schema(template: Template) -> pa.DataFrameSchema:
    """One frame-wide pandera check per rule; the rule code is the check's name so failures trace back to it."""
    checks = [
        pa.Check(partial(_passes, rule), name=code, error=rule.summary, ignore_na=False)
        for code, rule in frame_rules(template).items()
    ]
    return pa.DataFrameSchema(checks=checks, name=template.id)


def failing_instances(template: Template, frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One pandera validation of the frame (one row per report): the instance mask over every report (True = passes)
    of each rule some report fails, by code, in the schema's order. A rule that raised is run again, outside
    pandera, so that its error propagates with its traceback."""
    masks: dict[str, pd.DataFrame] = {}
    token = _MASKS.set(masks)
    try:
        build_schema(template).validate(frame, lazy=True)
        return {}
    except pa.errors.SchemaErrors as exc:
        errors = exc.schema_errors
    finally:
        _MASKS.reset(token)
    rules, failing = frame_rules(template), {}
    for err in errors:
        rule = rules.get(err.check.name) if err.check is not None else None
        if rule is None:
            raise RuntimeError(f"unexpected schema failure: {err}")
        if rule.code not in masks:  # the rule raised; pandera kept only its text: raise it again, traceback and all
            rule.instances(frame)
            raise RuntimeError(f"rule {rule.code} failed inside pandera: {err}")
        failing[rule.code] = masks[rule.code]
    return failing
