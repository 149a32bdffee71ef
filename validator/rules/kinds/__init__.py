"""Every kind of rule a template spec can declare, by name: a new kind is one module here and one line below.

Each module defines KIND, a `base.RuleKind`: its parameters as data (the spec loader checks them), its mask over
the frame, its findings and its line in docs/rules.md. Built-in rules (ST, TY, TX01/TX03) are not kinds: see
`validator.catalogue` and `validator.rules.cells`; `validator.rules.registry.all_rules` lists both by code.
"""

from __future__ import annotations

from validator.rules.kinds import (
    compare,
    credit_code,
    equation,
    magnitude,
    text_basis,
    text_mentions,
    text_number,
    text_states,
    year_range,
    zero_unless,
)
from validator.rules.kinds.base import Param, RuleKind

KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        equation.KIND,
        compare.KIND,
        zero_unless.KIND,
        credit_code.KIND,
        year_range.KIND,
        text_mentions.KIND,
        text_number.KIND,
        text_states.KIND,
        text_basis.KIND,
        magnitude.KIND,
    )
}

__all__ = ["KINDS", "Param", "RuleKind"]
