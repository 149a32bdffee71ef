"""What a rule needs to explain a failure in one report: its values, where its cells are, and the template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from validator.cellref import CellRef
from validator.findings import Localisation
from validator.locate import LocatedReport
from validator.spec.model import Equation


@dataclass
class ReportContext:
    """One report's checked values (by input key, as in its frame row) and located cells."""

    values: Mapping[str, object]
    located: LocatedReport
    unbalanced: list[Equation] = field(default_factory=list)  # every failing equation instance of the report
    localisation: Localisation = field(default_factory=Localisation)  # their correction, found together

    def cell(self, key: str) -> CellRef | None:
        loc = self.located.cells.get(key)
        return loc.cell if loc else None

    def label(self, key: str) -> str:
        return self.located.labels.get(key) or self.located.template.inputs[key].label

    def text_where(self, key: str) -> str:
        """Where a text section is, saying 正文 once: "正文 B2「一、总体情况」" (its sheet), "正文Sheet1 A5「…」"."""
        place = self.where(key)
        return place if place.startswith("正文") else f"正文{place}"

    def where(self, key: str, sheet: bool = True) -> str:
        """ "表三 J8「（二）部分公开… / 总计」" (without the sheet when the message names it already)."""
        cell = self.cell(key)
        if cell is None:
            return f"「{self.label(key)}」"
        return f"{cell.sheet + ' ' if sheet else ''}{cell.coordinate}「{self.label(key)}」"
