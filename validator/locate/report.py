"""What locating produces: where each input was found, and the structure findings (ST)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validator.catalogue import builtin_finding
from validator.cellref import CellRef
from validator.findings import Finding
from validator.spec.model import Template


@dataclass(frozen=True)
class Located:
    """Where an input was found and the raw value in that cell."""

    key: str
    cell: CellRef
    raw: Any


@dataclass
class LocatedReport:
    """Inputs found in one workbook, and the structure findings; inputs not found have unknown values."""

    template: Template
    cells: dict[str, Located] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, code: str, message: str, cell: CellRef | None = None) -> None:
        self.findings.append(builtin_finding(code, message, cell))
