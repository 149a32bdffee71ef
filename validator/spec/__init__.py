"""The declarative template spec: model and loader.

The loader checks rules against the registered rule kinds, so it is imported on first use: modules that need
only the model (most of the checking core) import this package without pulling in the rules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from validator.spec.model import (
    Equation,
    Field,
    Header,
    InputCell,
    Leaf,
    RuleSpec,
    Sheet,
    SpecError,
    Table,
    Template,
)

if TYPE_CHECKING:
    from validator.spec.catalog import default_template, get_template, list_templates, template_by_id
    from validator.spec.load import load_template

# name → the loading module that defines it
_LOADER = {
    "default_template": "catalog",
    "get_template": "catalog",
    "list_templates": "catalog",
    "template_by_id": "catalog",
    "load_template": "load",
}

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


def __getattr__(name: str) -> Any:
    if name in _LOADER:
        return getattr(import_module(f"validator.spec.{_LOADER[name]}"), name)
    raise AttributeError(f"module 'validator.spec' has no attribute {name!r}")
