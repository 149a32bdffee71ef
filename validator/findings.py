"""Findings and reports: plain data produced by checking, consumed by writers, the CLI and tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from validator.cellref import coordinate
from validator.spec.model import Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True, order=True)
class CellRef:
    """A cell in the source workbook's own coordinates (1-based)."""

    sheet: str
    row: int
    col: int

    @property
    def coordinate(self) -> str:
        return coordinate(self.row, self.col)

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.coordinate}"


@dataclass(frozen=True)
class Related:
    """A cell that takes part in a finding without being its primary cell, and the part it plays."""

    cell: CellRef
    role: str  # Chinese, shown in notes: e.g. "合计", "加数"


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a workbook. Findings are data, never raised."""

    rule: str
    severity: Severity
    message: str
    cell: CellRef | None = None  # None for problems of the whole workbook or a whole table
    related: tuple[Related, ...] = ()
    expected: float | str | None = None
    actual: float | str | None = None

    @property
    def cells(self) -> tuple[CellRef, ...]:
        """The primary cell first, then the related cells."""
        return ((self.cell,) if self.cell else ()) + tuple(r.cell for r in self.related)

    def sort_key(self) -> tuple:
        where = (self.cell.sheet, self.cell.row, self.cell.col) if self.cell else ("", 0, 0)
        return (SEVERITIES.index(self.severity), self.rule, where, self.message)


@dataclass
class FileReport:
    """The outcome of checking one file: findings, or the reason it could not be checked."""

    path: str
    template: str | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # Chinese reason the file could not be checked
    annotated: str | None = None
    notices: list[str] = field(default_factory=list)  # Chinese notes about the tool's own output

    @property
    def status(self) -> Literal["checked", "error"]:
        return "error" if self.error else "checked"

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def flatten(self) -> list[tuple[str, str]]:
        """(rule, primary cell ref) pairs: a compact form for assertions and CSV."""
        return sorted((f.rule, f.cell.ref if f.cell else "") for f in self.findings)
