"""What a rule kind is: its parameters as data, its mask over the frame, its findings and its line in docs/rules.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from validator.findings import Finding, Related
from validator.spec.model import RuleSpec, Template

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

# What a parameter's value may be; the spec loader checks each against the template (spec/load.py `_param`).
ParamType = Literal[
    "cell",  # one input key of the template
    "cells",  # a non-empty list of input keys
    "field",  # the key of a form field (cover data or a text section)
    "table",  # the key of a table
    "keys",  # a non-empty list of row or column keys (which axis is the kind's to check, in `prepare`)
    "choice",  # one of Param.choices
    "text",  # a non-empty string
    "number",  # a positive number
    "texts",  # a non-empty list of non-empty strings
    "profiles",  # a non-empty list of {field key: [allowed values]} (any profile may match)
]


@dataclass(frozen=True)
class Param:
    """A parameter a rule of this kind takes in the spec; a parameter with a default is optional."""

    name: str
    type: ParamType
    required: bool = True
    default: object = None
    choices: tuple[str, ...] = ()  # the allowed values of a "choice"


@dataclass(frozen=True)
class RuleKind:
    """One kind of spec-declared rule, registered in `validator.rules.kinds.KINDS` under its name.

    mask: one column per instance of the rule (a cell, an equation, the report) and one row per report;
    True where the instance passes or cannot be judged. describe: the findings of one report's failing instances.
    detail: what a rule of this kind checks, in words with the official labels, for docs/rules.md.
    prepare: checks the parameters' types cannot express (raising SpecError with `where`) and returns the rule
    with what it precomputes from the template (the equation instances). unjudged: why the rule could not judge a
    report that its mask passed for want of what it needs (a notice of the report), or None.
    """

    name: str
    params: tuple[Param, ...]
    mask: Callable[[pd.DataFrame, RuleSpec, Template], pd.DataFrame]
    describe: Callable[[RuleSpec, Sequence[int], ReportContext], list[Finding]]
    detail: Callable[[RuleSpec, Template], str]
    prepare: Callable[[RuleSpec, Template, str], RuleSpec] = lambda rule, _template, _where: rule
    unjudged: Callable[[RuleSpec, ReportContext], str | None] = lambda _rule, _ctx: None


def related(keys: Sequence[str], ctx: ReportContext, role: str) -> tuple[Related, ...]:
    """The located cells among `keys`, shown beside a finding in the given role."""
    return tuple(Related(ctx.cell(k), role) for k in keys if ctx.cell(k))


def unknown(value: object) -> bool:
    """Whether a value is blank or unknown (None or NaN): other rules say so."""
    import pandas as pd  # here, not at the top: loading a spec (nianbao template) needs no pandas

    return value is None or pd.isna(value)


def field_mask(frame: pd.DataFrame, key: str, ok: Callable[[object], bool]) -> pd.DataFrame:
    """One instance per report: True where the input is blank or unknown (other rules say so) or its value is ok."""
    return frame[key].map(lambda v: unknown(v) or ok(v)).to_frame()


def rows_mask(frame: pd.DataFrame, keys: Sequence[str], ok: Callable[[dict], bool]) -> pd.DataFrame:
    """One instance per report: ok(row), the row holding the inputs `keys` as a plain dict (indexing a pandas row
    per report would cost more than most rules themselves)."""
    import numpy as np
    import pandas as pd

    keys = list(dict.fromkeys(keys))
    columns = [frame[k].tolist() for k in keys]  # plain Python values, a column at a time (to_dict boxes each cell)
    passed = np.fromiter((bool(ok(dict(zip(keys, row)))) for row in zip(*columns)), dtype=bool, count=len(frame))
    return pd.DataFrame(passed.reshape(-1, 1), index=frame.index, columns=[0])  # from an array: half the time of a dict


ADVICE = Param("advice", "text", required=False, default="")  # what to do, said after the rule's summary


def advised(
    rule: RuleSpec,
    said: str,
    ctx: ReportContext,
    key: str,
    others: tuple[Related, ...] = (),
    expected: float | None = None,
    actual: object = None,
    at: int = 0,
) -> list[Finding]:
    """The one finding of a rule taking ADVICE, on input `key` (a text's paragraph holding its character `at`): what
    the report says (ending in its own punctuation), then the rule's summary and its advice."""
    message = f"{said}{rule.summary}。{rule.params['advice']}"
    return [Finding(rule.code, rule.severity, message, ctx.cell(key, at), others, expected, actual)]


def field_finding(rule: RuleSpec, message: str, ctx: ReportContext) -> list[Finding]:
    """The finding of a rule about one form field (its parameter `field`), on that field's cell."""
    return [Finding(rule.code, rule.severity, message, ctx.cell(rule.params["field"]))]
