"""The declarative template spec: model and loader."""

from validator.spec.catalog import default_template, get_template, list_templates, template_by_id
from validator.spec.load import SpecError, load_template
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
    "get_template",
    "list_templates",
    "load_template",
    "template_by_id",
]
