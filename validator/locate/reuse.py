"""Reusing a layout already located cleanly: a workbook that differs from it only in what its input cells hold (the
official template filled in, the common case in bulk runs) gets the same cells without locating its labels again.

Locating depends on the text outside the input cells, on which cells are empty, on merges and on sheet names and
visibility; a layout is reused only when all of these are equal, when no input holds text that is a label of the
layout, and only layouts that located without any structure finding (nothing fuzzy or assumed) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from validator.cellref import CellRef
from validator.labels import normalize
from validator.locate.report import Located, LocatedReport
from validator.locate.tables import official_labels
from validator.sources.grid import WorkbookGrid
from validator.spec.model import Template

MAX_LAYOUTS = 8  # per template: the official layout and a few common variants (e.g. blanks in different places)

Position = tuple[str, int, int]


@dataclass(frozen=True)
class _Sheet:
    """One sheet of a layout as C-level comparisons see it: the positions of its cells, and the values outside the
    inputs (a workbook whose sheets have the same cells and these values has the layout's shape and texts)."""

    positions: frozenset[tuple[int, int]]
    outside: itemgetter  # the values at the positions outside the inputs, as a tuple
    values: tuple
    inputs: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, cells: dict, inputs: set[tuple[int, int]]) -> _Sheet:
        cells = {rc: v for rc, v in cells.items() if v not in (None, "")}
        outside = sorted(rc for rc in cells if rc not in inputs)
        getter = itemgetter(*outside) if outside else lambda _cells: ()
        values = getter(cells)
        # itemgetter of one position gives the value itself, not a tuple of one: compared alike either way
        return cls(frozenset(cells), getter, values, tuple(sorted(inputs)))

    def same(self, cells: dict) -> bool:
        return cells.keys() == self.positions and self.outside(cells) == self.values


@dataclass(frozen=True)
class _Layout:
    inputs: frozenset[Position]
    shape: tuple
    texts: tuple
    labels: frozenset[str]  # normalised: the text outside the inputs, and every label of the template
    places: dict[str, str]
    label_of: dict[str, str]
    sheets: tuple[_Sheet, ...]  # the fast comparison, in the order of `shape`
    slots: tuple[
        tuple[str, CellRef, int, tuple[int, int]], ...
    ]  # each input: key, cell, index of its sheet, (row, col)
    section_texts: dict[str, Located]  # outside the inputs, so the same in every workbook of the layout


_KNOWN: dict[Template, list[_Layout]] = {}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _shape(grid: WorkbookGrid) -> tuple:
    """Sheet names, visibility, merges and which cells are filled: what locating looks at besides text."""
    return tuple(
        (s.name, s.visible, tuple(s.merges), frozenset(rc for rc, v in s.cells.items() if v not in (None, "")))
        for s in grid.sheets
    )


def _texts(grid: WorkbookGrid, inputs: frozenset[Position]) -> tuple:
    """The text of every cell outside the inputs, by sheet."""
    return tuple(
        frozenset((rc, v) for rc, v in s.cells.items() if _is_text(v) and (s.name, *rc) not in inputs)
        for s in grid.sheets
    )


def _same_cells(grid: WorkbookGrid, layout: _Layout) -> bool:
    """Whether `grid` has the layout's shape and texts by a comparison cell by cell in C: the same cells and the same
    values outside the inputs, no empty values (what readers give). False says nothing: see `_same`."""
    heads = tuple((s.name, s.visible, tuple(s.merges)) for s in grid.sheets)
    if heads != tuple(head[:3] for head in layout.shape):
        return False
    clean = all(None not in s.cells.values() and "" not in s.cells.values() for s in grid.sheets)
    return clean and all(sheet.same(s.cells) for sheet, s in zip(layout.sheets, grid.sheets))


def _same(grid: WorkbookGrid, layout: _Layout) -> bool:
    """Whether `grid` has the layout's shape and texts, as the definitions of `_shape` and `_texts` say (a number
    outside the inputs may differ)."""
    return _shape(grid) == layout.shape and _texts(grid, layout.inputs) == layout.texts


def _input_texts(grid: WorkbookGrid, layout: _Layout) -> set[str]:
    """The text in the inputs of a grid that has the layout's sheets."""
    values = (v for sheet, s in zip(layout.sheets, grid.sheets) for v in map(s.cells.get, sheet.inputs))
    return {normalize(v) for v in values if _is_text(v)}


@cache
def _template_labels(template: Template) -> frozenset[str]:
    """Labels that locating looks for anywhere: the template's own and those of the formats it supersedes."""
    return frozenset(official_labels(template) | {normalize(x) for f in template.superseded for x in f.labels})


def reused(grid: WorkbookGrid, template: Template) -> LocatedReport | None:
    """The located report of a known layout that `grid` shares, or None."""
    # Known layouts differ in shape or texts, so at most one is the grid's: the cheap comparison is tried on each
    # before the exact one.
    known = _KNOWN.get(template, ())
    layout = next((k for k in known if _same_cells(grid, k)), None) or next((k for k in known if _same(grid, k)), None)
    if layout is None or _input_texts(grid, layout) & layout.labels:
        return None
    sheets = [s.cells for s in grid.sheets]
    cells = {key: Located(key, ref, sheets[i].get(rc)) for key, ref, i, rc in layout.slots}
    return LocatedReport(
        template,
        cells,
        places=dict(layout.places),
        labels=dict(layout.label_of),
        section_texts=dict(layout.section_texts),
    )


def remember(grid: WorkbookGrid, report: LocatedReport) -> None:
    """Keep the layout of a report that located cleanly, for workbooks that share it."""
    if report.findings or report.effects or report.standins:
        return
    by_name = {s.name: s for s in grid.sheets}
    if any(loc.raw != by_name[loc.cell.sheet].cells.get((loc.cell.row, loc.cell.col)) for loc in report.cells.values()):
        return  # some input is read from more than its own cell (a text of several paragraphs): not positional
    inputs = frozenset((loc.cell.sheet, loc.cell.row, loc.cell.col) for loc in report.cells.values())
    shape, texts = _shape(grid), _texts(grid, inputs)
    labels = _template_labels(report.template) | {normalize(v) for sheet in texts for (_, v) in sheet}
    known = _KNOWN.setdefault(report.template, [])
    if any((layout.shape, layout.texts) == (shape, texts) for layout in known):
        return
    sheets = tuple(_Sheet.of(s.cells, {(r, c) for name, r, c in inputs if name == s.name}) for s in grid.sheets)
    index = {s.name: i for i, s in enumerate(grid.sheets)}
    slots = tuple(
        (key, loc.cell, index[loc.cell.sheet], (loc.cell.row, loc.cell.col)) for key, loc in report.cells.items()
    )
    layout = _Layout(
        inputs,
        shape,
        texts,
        labels,
        dict(report.places),
        dict(report.labels),
        sheets,
        slots,
        dict(report.section_texts),
    )
    known.insert(0, layout)
    del known[MAX_LAYOUTS:]
