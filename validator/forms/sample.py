"""The balanced example report of a template (declared in its spec), and filling it into a blank workbook."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import openpyxl

from validator.forms.layout import template_layout
from validator.names import TEMPLATE_INFO_SHEET
from validator.rules.kinds.credit_code import CODE_ALPHABET, credit_code_problem
from validator.spec.model import Template


def valid_credit_code(first17: str) -> str:
    """Complete 17 characters with the GB 32100-2015 check character."""
    return next(first17 + ch for ch in CODE_ALPHABET if not credit_code_problem(first17 + ch))


def balanced_values(template: Template) -> dict[str, object]:
    """Values for every input of `template` in which every rule passes: the spec's `example`."""
    if not template.example:
        raise ValueError(f"template {template.id} declares no example report")
    return dict(template.example)


def fill_workbook(
    blank: Path, target: Path, values: dict[str, object], template: Template, info: Mapping[str, str] | None = None
) -> None:
    """Write `values` into the input cells of a generated blank workbook and save it as `target`; `info` adds rows
    (label, value) to its hidden template information sheet."""
    wb = openpyxl.load_workbook(blank)
    for sheet in template_layout(template):
        ws = wb[sheet.name]
        for slot in sheet.slots:
            if slot.key in values:
                ws.cell(slot.row, slot.col, values[slot.key])
    for label, value in (info or {}).items():
        wb[TEMPLATE_INFO_SHEET].append([label, value])
    wb.save(target)
