"""Reusing a layout already located cleanly: a workbook that differs from it only in what its input cells hold (the
official template filled in, the common case in bulk runs) gets the same cells without locating its labels again.

Locating depends on the text outside the input cells, on which cells are empty, on merges and on sheet names and
visibility; a layout is reused only when all of these are equal, when no input holds text that is a label of the
layout, and only layouts that located without any structure finding (nothing fuzzy or assumed) and with no label
text in their own inputs are kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
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
    section_texts: dict[str, Located]  # outside the inputs, so the same in every workbook of the layout
    heads: tuple  # `_heads` of the layout's sheets: `shape` without the filled cells
    # Each input's key and cell, in the located report's order, and its value picked from the values of the
    # sheets' `inputs` taken one sheet after another (in C: those values are read once for both uses)
    keys: tuple[str, ...]
    cells: tuple[CellRef, ...]
    pick: Callable[[list], tuple]


_KNOWN: dict[Template, list[_Layout]] = {}
# Held while a template's list of known layouts changes: readers in threads (the engine's API allows them) would
# otherwise remove a layout another thread just moved or dropped (ValueError). Reading it takes no lock: a thread
# reading while it moves may miss its layout, and then locates by labels.
_CHANGING = threading.Lock()


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


def _heads(grid: WorkbookGrid) -> tuple:
    """What `_same_cells` compares of a grid before its cells: sheet names, visibility and merges."""
    return tuple((s.name, s.visible, tuple(s.merges)) for s in grid.sheets)


def _clean(grid: WorkbookGrid) -> bool:
    """Whether no cell of `grid` holds an empty value (None or ""), as readers give them: then its filled cells are
    its cells (see `_same_cells`)."""
    return all(None not in s.cells.values() and "" not in s.cells.values() for s in grid.sheets)


def _same_cells(grid: WorkbookGrid, layout: _Layout, heads: tuple, clean: bool) -> bool:
    """Whether `grid` (of `_heads` `heads`, `_clean` `clean`) has the layout's shape and texts by a comparison cell
    by cell in C: the same cells and the same values outside the inputs, no empty values. False says nothing: see
    `_same`."""
    if heads != layout.heads or not clean:
        return False
    return all(sheet.same(s.cells) for sheet, s in zip(layout.sheets, grid.sheets))


def _same(grid: WorkbookGrid, layout: _Layout) -> bool:
    """Whether `grid` has the layout's shape and texts, as the definitions of `_shape` and `_texts` say (a number
    outside the inputs may differ)."""
    return _shape(grid) == layout.shape and _texts(grid, layout.inputs) == layout.texts


@cache
def _template_labels(template: Template) -> frozenset[str]:
    """Labels that locating looks for anywhere: the template's own and those of the formats it supersedes."""
    return frozenset(official_labels(template) | {normalize(x) for f in template.superseded for x in f.labels})


def _holds_label(inputs: Iterable[object], labels: frozenset[str]) -> bool:
    """Whether an input holds text that locating could read as a label of the layout (`_Layout.labels`)."""
    return not labels.isdisjoint(normalize(v) for v in inputs if _is_text(v))


def reused(grid: WorkbookGrid, template: Template) -> LocatedReport | None:
    """The located report of a known layout that `grid` shares, or None."""
    # Known layouts differ in shape or texts, so at most one is the grid's: the cheap comparison is tried on each
    # before the exact one, and the layout found moves to the front (workbooks of a layout tend to come together).
    known = _KNOWN.get(template, ())
    if not known:
        return None
    heads, clean = _heads(grid), _clean(grid)
    layout = next((k for k in known if _same_cells(grid, k, heads, clean)), None) or next(
        (k for k in known if _same(grid, k)), None
    )
    if layout is None:
        return None
    inputs: list = []  # the values in the layout's inputs, sheet by sheet
    for sheet, s in zip(layout.sheets, grid.sheets):
        inputs += map(s.cells.get, sheet.inputs)
    if _holds_label(inputs, layout.labels):
        return None
    if known[0] is not layout:
        with _CHANGING:
            at = next((i for i, k in enumerate(known) if k is layout), None)  # gone if another thread dropped it
            if at is not None:
                known.insert(0, known.pop(at))
    cells = dict(zip(layout.keys, map(Located, layout.keys, layout.cells, layout.pick(inputs))))
    return LocatedReport(
        template,
        cells,
        places=dict(layout.places),
        labels=dict(layout.label_of),
        section_texts=dict(layout.section_texts),
    )


def _picker(indexes: list[int]) -> Callable[[list], tuple]:
    """The items of a list at `indexes`, as a tuple (itemgetter gives one item itself, and needs one)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda items: tuple(items[i] for i in indexes)


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
    if _holds_label((loc.raw for loc in report.cells.values()), labels):
        # located with a label typed into an input (「五、存在的主要问题及改进情况」 as 总体情况): the inputs it found
        # depend on that text, which a workbook of the same shape and texts need not hold
        return
    known = _KNOWN.setdefault(report.template, [])
    if any((layout.shape, layout.texts) == (shape, texts) for layout in known):
        return
    sheets = tuple(_Sheet.of(s.cells, {(r, c) for name, r, c in inputs if name == s.name}) for s in grid.sheets)
    where = {
        (s.name, rc): at
        for at, (s, rc) in enumerate((s, rc) for s, sheet in zip(grid.sheets, sheets) for rc in sheet.inputs)
    }
    picked = [where[loc.cell.sheet, (loc.cell.row, loc.cell.col)] for loc in report.cells.values()]
    layout = _Layout(
        inputs,
        shape,
        texts,
        labels,
        dict(report.places),
        dict(report.labels),
        sheets,
        dict(report.section_texts),
        tuple(head[:3] for head in shape),
        tuple(report.cells),
        tuple(loc.cell for loc in report.cells.values()),
        _picker(picked),
    )
    with _CHANGING:
        known.insert(0, layout)
        del known[MAX_LAYOUTS:]
