"""The declarative template spec: model and loader."""

from validator.spec.load import SpecError, default_template, load_template
from validator.spec.model import (
    Equation,
    Field,
    Header,
    InputCell,
    Leaf,
    RuleSpec,
    Sheet,
    Table,
    Template,
)

__all__ = [
    "Equation",
    "Field",
    "Header",
    "InputCell",
    "Leaf",
    "RuleSpec",
    "Sheet",
    "SpecError",
    "Table",
    "Template",
    "default_template",
    "load_template",
]
