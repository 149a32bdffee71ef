"""How many cross-checks a report could be judged on, and what each structure finding cost in checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import cache

from validator.findings import Coverage, Finding
from validator.locate import LocatedReport
from validator.spec.model import Equation, Template

_SHOWN = 4  # equations named in a structure finding's consequence before "等"


@cache
def equations(template: Template) -> list[tuple[str, Equation]]:
    """Every cross-check instance of the template with its rule code, in rule order."""
    return [(r.code, eq) for r in template.rules if r.kind == "equation" for eq in r.equations]


def status(eq: Equation, unknown: frozenset[str], located: LocatedReport) -> str:
    """ "checked", "assumed" (judged with a missing part taken as 0) or "unchecked" (a term is `unknown`, or no term
    comes from the workbook so that the equation would hold trivially)."""
    if unknown and not unknown.isdisjoint(eq.cells):
        return "unchecked"
    standins = located.standins
    if not standins:
        return "checked"
    if all(k in standins for k in eq.cells):
        return "unchecked"
    return "assumed" if any(standins.get(k) == "assumed" for k in eq.cells) else "checked"


def _unknown(values: Mapping[str, object]) -> frozenset[str]:
    """The inputs whose value is unknown (NaN: the one float unequal to itself)."""
    return frozenset(k for k, v in values.items() if isinstance(v, float) and v != v)


def _causes(eq: Equation, values: Mapping[str, object], located: LocatedReport) -> set[str]:
    """The terms that keep an unchecked equation from being judged: the unknown ones, else (every term a stand-in,
    so that it would hold trivially) the stand-ins of the kind most of its terms are."""
    unknown = _unknown(values) & set(eq.cells)
    if unknown:
        return unknown
    kinds = Counter(located.standins[k] for k in eq.cells)
    main = kinds.most_common(1)[0][0]
    return {k for k in eq.cells if located.standins[k] == main}


States = list[tuple[str, Equation, str]]


def equation_states(template: Template, values: Mapping[str, object], located: LocatedReport) -> States:
    """(rule code, equation, status) for every cross-check instance of the template."""
    unknown = _unknown(values)
    if not unknown and not located.standins:  # most reports: every one checked (`status`)
        return list(_all_checked(template))
    return [(code, eq, status(eq, unknown, located)) for code, eq in equations(template)]


@cache
def _all_checked(template: Template) -> tuple[tuple[str, Equation, str], ...]:
    return tuple((code, eq, "checked") for code, eq in equations(template))


def coverage(states: States) -> Coverage:
    unchecked = tuple(f"{code}{eq.context}" for code, eq, s in states if s == "unchecked")
    return Coverage(
        total=len(states),
        checked=sum(s != "unchecked" for *_, s in states),
        assumed=sum(s == "assumed" for *_, s in states),
        unchecked=unchecked,
    )


def with_consequences(states: States, values: Mapping[str, object], located: LocatedReport) -> list[Finding]:
    """The structure findings, each that removed or replaced inputs ending with what that cost in numbers."""
    out = list(located.findings)
    for i, keys in located.effects.items():
        touched = [(code, eq, s) for code, eq, s in states if keys & set(eq.cells)]
        lost = [
            f"{code}{eq.context}" for code, eq, s in touched if s == "unchecked" and keys & _causes(eq, values, located)
        ]
        assumed = sum(s == "assumed" for *_, s in touched)
        if not touched:
            continue
        parts = [f"{len(states)}项勾稽关系中有{len(lost)}项因此无法校验"]
        if lost:
            parts[0] += f"：{'、'.join(lost[:_SHOWN])}{'等' if len(lost) > _SHOWN else ''}"
        if assumed:
            parts.append(f"{assumed}项按缺少的数据为 0 校验")
        checked = sum(s == "checked" for *_, s in touched)
        if checked and not assumed:
            parts.append(f"{checked}项仍照常校验")
        out[i] = replace(out[i], message=f"{out[i].message}{'；'.join(parts)}。")
    return out
