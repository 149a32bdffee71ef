"""What a rule needs to explain a failure in one report: its values, where its cells are, and the template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from validator.cellref import CellRef
from validator.findings import Localisation
from validator.locate import LocatedReport
from validator.locate.report import Stray
from validator.spec.model import Equation

MAX_RUNS = 3  # a sum's cells named as at most this many ranges ("D7:D24、D26:D28"); more are not named


@dataclass
class ReportContext:
    """One report's checked values (by input key, as in its frame row) and located cells."""

    values: Mapping[str, object]
    located: LocatedReport
    unbalanced: list[Equation] = field(default_factory=list)  # every failing equation instance of the report
    localisation: Localisation = field(default_factory=Localisation)  # their correction, found together
    strays_counted: bool = False  # the correction takes the equations to include the stray numbers among their terms
    # Inputs left blank or holding a placeholder ("/", "无"): counted as 0 in sums, but their value is not known (TY01/TY02)
    blank: frozenset[str] = frozenset()

    def cell(self, key: str, at: int = 0) -> CellRef | None:
        """An input's cell; of a text written in several paragraphs, the cell of the one holding its character `at`."""
        loc = self.located.cells.get(key) or self.located.section_texts.get(key)
        return loc.cell_at(at) if loc else None

    def label(self, key: str) -> str:
        template = self.located.template
        if key in template.section_texts:
            return template.section_texts[key]
        return self.located.labels.get(key) or template.inputs[key].label

    def text_where(self, key: str, at: int = 0) -> str:
        """Where a text section (its paragraph holding character `at`) is, saying 正文 once: "正文 B2「一、总体情况」"
        (its sheet), "正文Sheet1 A5「…」"."""
        place = self.where(key, at=at)
        return place if place.startswith("正文") else f"正文{place}"

    def where(self, key: str, sheet: bool = True, at: int = 0) -> str:
        """ "表三 J8「（二）部分公开… / 总计」" (without the sheet when the message names it already); a text's
        paragraph holding its character `at`."""
        cell = self.cell(key, at)
        if cell is None:
            return f"「{self.label(key)}」"
        return f"{cell.sheet + ' ' if sheet else ''}{cell.coordinate}「{self.label(key)}」"

    def side(self, keys: Sequence[str], axis: str) -> str:
        """One side of an equation: a cell, up to three labels added up, or the first and last label and how many,
        with the ranges the cells fill ("（D7:D24、D26:D28）" when a row that is no part lies among them)."""
        if len(keys) == 1:
            return self.where(keys[0], sheet=False)
        labels = [self.located.template.inputs[k].axis_label(axis) for k in keys]
        if len(keys) <= 3:
            return "＋".join(f"「{x}」" for x in labels)
        runs = _runs([self.cell(k) for k in keys])
        return f"「{labels[0]}」至「{labels[-1]}」{len(keys)} 项之和{f'（{runs}）' if runs else ''}"

    def strays_among(self, keys: Sequence[str]) -> list[tuple[Stray, CellRef, float]]:
        """The numbers other than 0 of rows or columns that are no inputs (ST05) lying among the cells of `keys`,
        which fill part of one column or row: numbers the sum of these cells leaves out."""
        cells = [self.cell(k) for k in keys]
        if len(cells) < 2 or None in cells or len({c.sheet for c in cells}) > 1:
            return []
        rows, cols = {c.row for c in cells}, {c.col for c in cells}

        def among(cell: CellRef) -> bool:
            if cell.sheet != cells[0].sheet:
                return False
            if len(cols) == 1:
                return cell.col in cols and min(rows) < cell.row < max(rows)
            return len(rows) == 1 and cell.row in rows and min(cols) < cell.col < max(cols)

        return [(s, cell, v) for s in self.located.strays for cell, v in s.numbers if v and among(cell)]


def _runs(cells: Sequence[CellRef | None]) -> str:
    """ "D7:D24、D26:D28": cells of one column or row as the ranges they fill, when they fill at most MAX_RUNS;
    "" otherwise (a range never names a cell that is not one of them)."""
    if None in cells or len({c.sheet for c in cells}) > 1:
        return ""
    column = len({c.col for c in cells}) == 1
    if not column and len({c.row for c in cells}) > 1:
        return ""
    at = sorted(c.row if column else c.col for c in cells)

    def name(n: int) -> str:
        return (CellRef("", n, cells[0].col) if column else CellRef("", cells[0].row, n)).coordinate

    if len(set(at)) < len(at):
        return ""
    runs: list[list[int]] = []
    for n in at:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    if len(runs) > MAX_RUNS:
        return ""
    return "、".join(name(r[0]) if len(r) == 1 else f"{name(r[0])}:{name(r[-1])}" for r in runs)
