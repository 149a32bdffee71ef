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
    fingerprint: tuple
    labels: frozenset[str]  # normalised: the text outside the inputs, and every label of the template
    places: dict[str, str]
    label_of: dict[str, str]


_KNOWN: dict[Template, list[_Layout]] = {}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _fingerprint(grid: WorkbookGrid, inputs: frozenset[Position]) -> tuple:
    """Everything locating looks at, except what the input cells hold beyond being empty or not."""
    sheets = []
    for s in grid.sheets:
        filled = frozenset(rc for rc, v in s.cells.items() if v not in (None, ""))
        texts = frozenset((rc, v) for rc, v in s.cells.items() if (s.name, *rc) not in inputs and _is_text(v))
        sheets.append((s.name, s.visible, tuple(s.merges), filled, texts))
    return tuple(sheets)


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
    for layout in _KNOWN.get(template, ()):
        if (
            _fingerprint(grid, layout.inputs) == layout.fingerprint
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
    fingerprint = _fingerprint(grid, inputs)
    labels = _template_labels(report.template) | {normalize(v) for sheet in fingerprint for (_, v) in sheet[4]}
    known = _KNOWN.setdefault(report.template, [])
    if any(layout.fingerprint == fingerprint for layout in known):
        return
    cells = {key: loc.cell for key, loc in report.cells.items()}
    known.insert(0, _Layout(cells, inputs, fingerprint, labels, dict(report.places), dict(report.labels)))
    del known[MAX_LAYOUTS:]
