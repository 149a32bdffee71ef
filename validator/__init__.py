"""nianbao-validator: check 政府信息公开工作年度报告 workbooks against the official template.

The public engine, used by the command line, the Excel button and bulk runs alike:

    from validator import check_paths, check_grids, get_template, list_templates
    reports = check_paths(["年报.xlsx"])          # one FileReport per file, in order
    reports = check_grids([grid], names=["当前工作簿"])  # grids read from any source (a live Excel book…)

Names are imported on first use, so that `import validator` stays cheap for entry points that need little.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# openpyxl parses with lxml whenever lxml is installed (other packages bring it): a stricter parser that refuses some
# legitimate files (long text nodes), and other bytes in the workbooks we generate. Reading is guarded and tested on
# the standard library's parser with defusedxml, so openpyxl stays on it unless the user sets OPENPYXL_LXML.
os.environ.setdefault("OPENPYXL_LXML", "False")

if TYPE_CHECKING:
    from validator.cellref import CellRef
    from validator.engine import check_grids, check_paths, iter_check_paths
    from validator.findings import Copy, FileReport, Finding, Related
    from validator.render.json import report_json, results_document
    from validator.sources.grid import ReadError, SheetGrid, WorkbookGrid
    from validator.spec.catalog import get_template, list_templates
    from validator.spec.load import SpecError
    from validator.spec.model import Template
    from validator.version import ENGINE_VERSION

_EXPORTS = {
    "check_paths": "validator.engine",
    "check_grids": "validator.engine",
    "iter_check_paths": "validator.engine",
    "Copy": "validator.findings",
    "FileReport": "validator.findings",
    "Finding": "validator.findings",
    "Related": "validator.findings",
    "CellRef": "validator.cellref",
    "WorkbookGrid": "validator.sources.grid",
    "SheetGrid": "validator.sources.grid",
    "ReadError": "validator.sources.grid",
    "get_template": "validator.spec.catalog",
    "list_templates": "validator.spec.catalog",
    "Template": "validator.spec.model",
    "SpecError": "validator.spec.load",
    "report_json": "validator.render.json",
    "results_document": "validator.render.json",
    "ENGINE_VERSION": "validator.version",
}
__all__ = [
    "ENGINE_VERSION",
    "CellRef",
    "Copy",
    "FileReport",
    "Finding",
    "ReadError",
    "Related",
    "SheetGrid",
    "SpecError",
    "Template",
    "WorkbookGrid",
    "check_grids",
    "check_paths",
    "get_template",
    "iter_check_paths",
    "list_templates",
    "report_json",
    "results_document",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'validator' has no attribute {name!r}")
