"""Every rule by code: built-in engine rules and the rules a template declares, with one shape for docs and CLI."""

from __future__ import annotations

from dataclasses import dataclass

from validator.catalogue import BUILTIN_RULES
from validator.findings import Severity
from validator.spec.model import RuleSpec, Template

SPEC_FAMILY = {"EQ": "勾稽关系", "PL": "合理性", "CV": "封面", "TX": "文字与封面"}


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
    rules = [Rule(r.code, r.severity, r.summary, r.family) for r in BUILTIN_RULES]
    rules += [Rule(r.code, r.severity, r.summary, SPEC_FAMILY[r.code[:2]], r) for r in template.rules]
    return {r.code: r for r in sorted(rules, key=lambda r: r.code)}
