"""Reusing a layout already located cleanly: a workbook that differs from it only in what its input cells hold (the
official template filled in, the common case in bulk runs) gets the same cells without locating its labels again.

Locating depends on the text outside the input cells, on which cells are empty, on merges and on sheet names and
visibility; a layout is reused only when all of these are equal, when no input holds text that is a label of the
layout, and only layouts that located without any structure finding (nothing fuzzy or assumed) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from validator.cellref import CellRef
from validator.labels import normalize
from validator.locate.report import Located, LocatedReport
from validator.locate.tables import official_labels
from validator.sources.grid import WorkbookGrid
from validator.spec.model import Template

MAX_LAYOUTS = 8  # per template: the official layout and a few common variants (e.g. blanks in different places)

Position = tuple[str, int, int]


@dataclass(frozen=True)
class _Layout:
    cells: dict[str, CellRef]
    inputs: frozenset[Position]
    shape: tuple
    texts: tuple
    labels: frozenset[str]  # normalised: the text outside the inputs, and every label of the template
    places: dict[str, str]
    label_of: dict[str, str]


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


def _input_texts(grid: WorkbookGrid, inputs: frozenset[Position]) -> set[str]:
    by_name = {s.name: s for s in grid.sheets}
    values = (by_name[sheet].cells.get((r, c)) for sheet, r, c in inputs if sheet in by_name)
    return {normalize(v) for v in values if _is_text(v)}


@cache
def _template_labels(template: Template) -> frozenset[str]:
    """Labels that locating looks for anywhere: the template's own and those of the formats it supersedes."""
    return frozenset(official_labels(template) | {normalize(x) for f in template.superseded for x in f.labels})


def reused(grid: WorkbookGrid, template: Template) -> LocatedReport | None:
    """The located report of a known layout that `grid` shares, or None."""
    layouts = _KNOWN.get(template, ())
    shape = _shape(grid) if layouts else None
    for layout in layouts:
        if (
            shape == layout.shape
            and _texts(grid, layout.inputs) == layout.texts
            and not _input_texts(grid, layout.inputs) & layout.labels
        ):
            by_name = {s.name: s for s in grid.sheets}
            cells = {
                key: Located(key, ref, by_name[ref.sheet].cells.get((ref.row, ref.col)))
                for key, ref in layout.cells.items()
            }
            return LocatedReport(template, cells, places=dict(layout.places), labels=dict(layout.label_of))
    return None


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
    cells = {key: loc.cell for key, loc in report.cells.items()}
    known.insert(0, _Layout(cells, inputs, shape, texts, labels, dict(report.places), dict(report.labels)))
    del known[MAX_LAYOUTS:]
