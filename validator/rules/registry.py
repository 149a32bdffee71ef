"""Every rule by code: built-in engine rules and the rules a template declares, with one shape for docs and CLI."""

from __future__ import annotations

from dataclasses import dataclass

from validator.catalogue import BUILTIN, FAMILIES
from validator.findings import Severity
from validator.spec.model import RuleSpec, Template


@dataclass(frozen=True)
class Rule:
    """A rule as users see it: stable code, default severity, Chinese summary, family; spec rules keep their spec."""

    code: str
    severity: Severity
    summary: str
    family: str
    spec: RuleSpec | None = None


def all_rules(template: Template) -> dict[str, Rule]:
    """Built-in and template rules by code, sorted by code."""
    rules = [Rule(r.code, r.severity, r.summary, FAMILIES[r.code[:2]]) for r in BUILTIN.values()]
    rules += [Rule(r.code, r.severity, r.summary, FAMILIES[r.code[:2]], r) for r in template.rules]
    return {r.code: r for r in sorted(rules, key=lambda r: r.code)}
