"""Kind `zero_unless` (e.g. PL01): inputs that must be 0 unless the agency's cover profile permits them.

The profile is the cover's (机关层级、机关类别); a field the report does not fill (a published report has no cover) is
taken from what the agency's name settles (validator.rules.agency_profile), and a report whose profile stays open is not
judged: its notices say so (`unjudged`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from validator.findings import Finding
from validator.rules import agency_profile
from validator.rules.kinds.base import ADVICE, Param, RuleKind, advised, related, rows_mask, unknown
from validator.spec.model import RuleSpec, Template
from validator.text import fmt

if TYPE_CHECKING:  # a spec loads its rule kinds without pandas; checking imports it where it runs
    import pandas as pd

    from validator.rules.context import ReportContext

Verdict = Literal["permitted", "forbidden", "open"]


def _profile_keys(rule: RuleSpec) -> list[str]:
    return list(dict.fromkeys(k for allowed in rule.params["allowed"] for k in allowed))


def _possible(row: Mapping[str, object], rule: RuleSpec, template: Template) -> dict[str, frozenset[str] | None]:
    """Each profile field's possible values: the one filled in, else those the agency's name settles (among the
    field's choices), else None (any)."""
    inferred = agency_profile.named(row)
    out: dict[str, frozenset[str] | None] = {}
    for key in _profile_keys(rule):
        if not unknown(row.get(key)):
            out[key] = frozenset({row[key]})
            continue
        by_name = inferred.possible.get(key) if inferred else None
        choices = frozenset(template.fields[key].choices) if key in template.fields else frozenset()
        out[key] = (by_name & choices or None) if by_name and choices else by_name
    return out


def _verdict(row: Mapping[str, object], rule: RuleSpec, template: Template) -> Verdict:
    """Whether the profile permits nonzero inputs, forbids them, or is too little known to tell."""
    possible = _possible(row, rule, template)
    open_ = False
    for allowed in rule.params["allowed"]:
        sets = [(possible[k], frozenset(v)) for k, v in allowed.items()]
        if all(p is not None and p <= ok for p, ok in sets):
            return "permitted"
        if not any(p is not None and not p & ok for p, ok in sets):
            open_ = True  # this profile may yet be the agency's
    return "open" if open_ else "forbidden"


def _nonzero(row: Mapping[str, object], rule: RuleSpec) -> bool:
    return any(row[k] > 0 for k in rule.params["cells"])  # NaN > 0 is False: an unknown value is not a nonzero one


def _ok(row: Mapping[str, object], rule: RuleSpec, template: Template) -> bool:
    return not _nonzero(row, rule) or _verdict(row, rule, template) != "forbidden"


def mask(frame: pd.DataFrame, rule: RuleSpec, template: Template) -> pd.DataFrame:
    keys = [*rule.params["cells"], *_profile_keys(rule)]
    named = [agency_profile.AGENCY_FIELD] if agency_profile.AGENCY_FIELD in frame.columns else []
    return rows_mask(frame, [*keys, *named], lambda row: _ok(row, rule, template))


def _inferred(ctx: ReportContext, rule: RuleSpec) -> agency_profile.Inferred | None:
    """What the agency's name settled, when the cover leaves a profile field open."""
    if all(not unknown(ctx.values.get(k)) for k in _profile_keys(rule)):
        return None
    return agency_profile.named(ctx.values)


def describe(rule: RuleSpec, _failed: Sequence[int], ctx: ReportContext) -> list[Finding]:
    p, v = rule.params, ctx.values
    nonzero = [k for k in p["cells"] if not unknown(v[k]) and v[k] > 0]
    listing = "，".join(f"{ctx.where(k)} = {fmt(v[k])}" for k in nonzero)
    primary = nonzero[0]
    others = related(nonzero[1:], ctx, "同类数据")
    inferred = _inferred(ctx, rule)
    if inferred is None:
        profile = "、".join(str(v[k]) for k in _profile_keys(rule))
        return advised(rule, f"本机关为「{profile}」，但{listing}。", ctx, primary, others, 0.0, v[primary])
    message = (
        f"据机关名称「{v[agency_profile.AGENCY_FIELD]}」，本机关是{inferred.said}，但{listing}。{rule.summary}。"
        f"请核对这些数字（年报没有填写机关层级和机关类别，本机关的层级和类别是按机关名称判断的）。"
    )
    return [Finding(rule.code, rule.severity, message, ctx.cell(primary), others, 0.0, v[primary])]


def unjudged(rule: RuleSpec, ctx: ReportContext) -> str | None:
    """Why the rule was not judged on a report whose inputs are nonzero: the agency's profile is not known."""
    v = ctx.values
    if not _nonzero(v, rule) or _verdict(v, rule, ctx.located.template) != "open":
        return None
    template = ctx.located.template
    fields = "和".join(template.fields[k].label for k in _profile_keys(rule) if unknown(v.get(k)))
    name = v.get(agency_profile.AGENCY_FIELD)
    from_name = f"，从机关名称「{name}」也无法确定" if isinstance(name, str) and name.strip() else ""
    listing = "，".join(f"{ctx.where(k)} = {fmt(v[k])}" for k in rule.params["cells"] if not unknown(v[k]) and v[k] > 0)
    return (
        f"{rule.code}未能判断：{listing}，但年报没有填写本机关的{fields}{from_name}。"
        f"这些数字应为 0，除非{_allowed(rule, template)}。请核对：本机关不是这样的机关的，这些数字应为 0。"
    )


def _allowed(rule: RuleSpec, template: Template) -> str:
    """The profiles that permit nonzero inputs, in words: "机关层级为国务院部门；或 机关层级为省级/设区的市级、…"."""
    return "；或 ".join(
        "、".join(f"{template.fields[k].label}为{'/'.join(v)}" for k, v in a.items()) for a in rule.params["allowed"]
    )


def detail(rule: RuleSpec, template: Template) -> str:
    p = rule.params
    cells = "、".join(f"「{template.inputs[k].label}」" for k in p["cells"])
    return (
        f"{cells} 应为 0，除非 {_allowed(rule, template)}。没有填写{'、'.join(template.fields[k].label for k in _profile_keys(rule))}"
        f"的（网页、Word、PDF 版年报没有封面），按机关名称中能确定的判断：{agency_profile.EXAMPLES}；"
        "机关名称也不能确定的（如“某某市人民政府”，可能是设区的市，也可能是县级市），不作判断，而在校验说明中写明未能判断及原因"
    )


KIND = RuleKind(
    "zero_unless",
    (Param("cells", "cells"), Param("allowed", "profiles"), ADVICE),
    mask=mask,
    describe=describe,
    detail=detail,
    unjudged=unjudged,
)
