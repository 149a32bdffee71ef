"""Which cells to mark for a set of findings, in what colour and with what note (pure; no workbook library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from validator.cellref import CellRef
from validator.findings import SEVERITIES, SEVERITY_ZH, Finding, Severity

# RGB fill colours: the primary cell of a finding is strong, its related cells a paler tone of the same hue.
PRIMARY_FILL: dict[str, str] = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
RELATED_FILL: dict[str, str] = {"error": "FDEBEE", "warning": "FFF6D5", "info": "EEF5FB"}


@dataclass(frozen=True)
class Mark:
    """One marked cell: the worst severity touching it, whether it is any finding's primary cell, and its note."""

    cell: CellRef
    severity: Severity
    primary: bool
    note: str

    @property
    def colour(self) -> str:
        """RGB fill colour, e.g. "FFC7CE"."""
        return (PRIMARY_FILL if self.primary else RELATED_FILL)[self.severity]


def primary_line(finding: Finding) -> str:
    """The note line for a finding's primary cell: "【错误·EQ03】<message>"."""
    return f"【{SEVERITY_ZH[finding.severity]}·{finding.rule}】{finding.message}"


def related_line(finding: Finding, role: str) -> str:
    """The note line for a related cell: "【相关·错误·EQ03】<role>：<message>"."""
    prefix = f"{role}：" if role else ""
    return f"【相关·{SEVERITY_ZH[finding.severity]}·{finding.rule}】{prefix}{finding.message}"


@dataclass
class _Touches:
    severities: list[Severity]
    primary: list[str]
    related: list[str]


def plan_marks(findings: Sequence[Finding]) -> list[Mark]:
    """One mark per cell touched by any finding, sorted by sheet name, row and column.

    A note lists the findings whose primary cell it is first, then those it is related to,
    each group in report order; findings without a cell produce no mark.
    """
    touched: dict[CellRef, _Touches] = {}

    def touch(cell: CellRef, severity: Severity) -> _Touches:
        entry = touched.setdefault(cell, _Touches([], [], []))
        entry.severities.append(severity)
        return entry

    for f in sorted(findings, key=Finding.sort_key):
        if f.cell is not None:
            touch(f.cell, f.severity).primary.append(primary_line(f))
        for r in f.related:
            if r.cell != f.cell:  # a cell that is already the primary one gets a single line
                touch(r.cell, f.severity).related.append(related_line(f, r.role))
    return [
        Mark(
            cell=cell,
            severity=min(t.severities, key=SEVERITIES.index),
            primary=bool(t.primary),
            note="\n".join(dict.fromkeys(t.primary + t.related)),  # dict keeps order and drops repeats
        )
        for cell, t in sorted(touched.items())
    ]
