"""What a rule needs to explain a failure in one report: its values, where its cells are, and the template."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from validator.findings import CellRef
from validator.locate import LocatedReport


def fmt(value: float) -> str:
    """A number as users write it: 12, 2.5, -3."""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


@dataclass
class ReportContext:
    """One report's checked values (a frame row) and located cells."""

    values: pd.Series
    located: LocatedReport
    suspicion: Counter = field(default_factory=Counter)  # cell key → number of failing equations it is in

    def cell(self, key: str) -> CellRef | None:
        loc = self.located.cells.get(key)
        return loc.cell if loc else None

    def label(self, key: str) -> str:
        return self.located.template.inputs[key].label

    def where(self, key: str) -> str:
        """ "表三 J8「（二）部分公开… / 总计」", or just the label when the cell was not found."""
        cell = self.cell(key)
        return f"{cell.sheet} {cell.coordinate}「{self.label(key)}」" if cell else f"「{self.label(key)}」"
