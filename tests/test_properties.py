"""Properties of the checker over the official template, with hypothesis: it never fails on any cell content or any
row/column insertion or deletion, its findings are deterministic, random balanced reports pass every equation, and
every single-cell change to a balanced report is flagged at that cell.

CI runs the bounded "ci" profile; NIANBAO_HYPOTHESIS=long (and NIANBAO_HYPOTHESIS_EXAMPLES=N) runs longer locally.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator import check_grids
from validator.forms.layout import template_layout
from validator.sources.grid import ExcelError, SheetGrid, Uncached, WorkbookGrid
from validator.sources.xlsx import read_xlsx
from validator.spec import default_template

settings.register_profile("ci", max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("NIANBAO_HYPOTHESIS_EXAMPLES", "1000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("NIANBAO_HYPOTHESIS", "ci"))

TEMPLATE = default_template()
SLOTS = {slot.key: (sheet.name, slot.row, slot.col) for sheet in template_layout(TEMPLATE) for slot in sheet.slots}
EQUATION_KEYS = sorted({key for rule in TEMPLATE.rules for eq in rule.equations for key in eq.cells})


@pytest.fixture(scope="module")
def balanced(balanced_workbook: Path) -> WorkbookGrid:
    return read_xlsx(balanced_workbook)


def checked(grid: WorkbookGrid):
    (report,) = check_grids([grid], TEMPLATE)
    assert report.status == "checked", report.error  # an exception inside the checker makes the status "error"
    return report


def signature(report) -> list[tuple]:
    return [(f.rule, f.severity, f.message, f.cells, f.expected, f.actual) for f in report.findings]


# ---------------------------------------------------------------- strategies

cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),  # control characters, RTL marks, emoji…
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from([ExcelError("#REF!"), ExcelError("#DIV/0!"), Uncached("=SUM(A1:A2)"), "/", "—", "１２件", " 3 "]),
)


def _positions(grid: WorkbookGrid) -> list[tuple[int, int, int]]:
    """(sheet index, row, col) of every cell in each sheet's used area, and one row and column beyond."""
    out = []
    for i, sheet in enumerate(grid.sheets):
        rows = max((r for r, _ in sheet.cells), default=1) + 1
        cols = max((c for _, c in sheet.cells), default=1) + 1
        out += [(i, r, c) for r in range(1, rows + 1) for c in range(1, cols + 1)]
    return out


def _resized(sheet: SheetGrid, axis: int, at: int, n: int) -> SheetGrid:
    """The sheet with n blank rows (axis 0) or columns (axis 1) inserted before `at`, or -n deleted from `at`."""

    def moved(p: int) -> int | None:
        if p < at:
            return p
        if n < 0 and p < at - n:
            return None  # deleted
        return p + n

    cells = {}
    for pos, value in sheet.cells.items():
        q = moved(pos[axis])
        if q is not None:
            cells[(q, pos[1]) if axis == 0 else (pos[0], q)] = value
    merges = []
    for top, left, bottom, right in sheet.merges:
        first, last = (top, bottom) if axis == 0 else (left, right)
        first = moved(first) or at
        last = moved(last) or at - 1
        if first <= last:
            merges.append((first, left, last, right) if axis == 0 else (top, first, bottom, last))
    return SheetGrid(sheet.name, cells, tuple(merges), sheet.visible)


# ---------------------------------------------------------------- properties


@given(data=st.data())
def test_any_cell_contents_never_break_the_checker(balanced: WorkbookGrid, data: st.DataObject):
    grid = copy.deepcopy(balanced)
    positions = _positions(grid)
    for i, r, c in data.draw(st.lists(st.sampled_from(positions), min_size=1, max_size=12)):
        grid.sheets[i].cells[(r, c)] = data.draw(cell_values)
    first = checked(grid)
    assert signature(first) == signature(checked(copy.deepcopy(grid))), "findings must be deterministic"


@given(data=st.data())
def test_row_and_column_insertions_and_deletions_never_break_the_checker(balanced: WorkbookGrid, data: st.DataObject):
    grid = copy.deepcopy(balanced)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(grid.sheets) - 1))
        sheet = grid.sheets[i]
        axis = data.draw(st.sampled_from([0, 1]))
        extent = max((p[axis] for p in sheet.cells), default=1)
        at = data.draw(st.integers(1, extent + 1))
        n = data.draw(st.integers(-3, 3).filter(bool))
        grid.sheets[i] = _resized(sheet, axis, at, n)
    assert signature(checked(grid)) == signature(checked(copy.deepcopy(grid)))


def _balanced_values(data: st.DataObject) -> dict[str, int]:
    """A random report of 表三 and 表四 in which every total adds up (the same relations as the example report)."""
    t3 = TEMPLATE.tables["t3"]
    requesters = [c.key for c in t3.column_leaves if c.key != "total"]
    special = {"outcome_total", "carried_in", "carried_out", "new"}
    small = st.integers(0, 60)
    rows = {r.key: [data.draw(small) for _ in requesters] for r in t3.row_leaves if r.key not in special}
    rows["outcome_total"] = [sum(v[i] for v in rows.values()) for i in range(len(requesters))]
    rows["carried_in"] = [data.draw(st.integers(0, 5)) for _ in requesters]
    rows["carried_out"] = [min(data.draw(st.integers(0, 5)), t) for t in rows["outcome_total"]]
    rows["new"] = [t + o - i for t, o, i in zip(rows["outcome_total"], rows["carried_out"], rows["carried_in"])]
    values = {}
    for row, numbers in rows.items():
        values |= {t3.cell_key(row, col): n for col, n in zip(requesters, numbers)}
        values[t3.cell_key(row, "total")] = sum(numbers)
    for group in ("review", "direct", "after_review"):
        parts = [data.draw(small) for _ in range(4)]
        values |= {f"t4.cases.{group}.{col}": n for col, n in zip(("upheld", "corrected", "other", "pending"), parts)}
        values[f"t4.cases.{group}.total"] = sum(parts)
    return values


def _with_values(balanced: WorkbookGrid, values: dict[str, object]) -> WorkbookGrid:
    grid = copy.deepcopy(balanced)
    for key, value in values.items():
        sheet, row, col = SLOTS[key]
        grid.sheet(sheet).cells[(row, col)] = value
    return grid


def _equation_findings(report) -> list:
    return [f for f in report.findings if f.rule.startswith("EQ")]


@given(data=st.data())
def test_random_balanced_reports_pass_every_equation(balanced: WorkbookGrid, data: st.DataObject):
    report = checked(_with_values(balanced, _balanced_values(data)))
    assert _equation_findings(report) == [], [f.message for f in _equation_findings(report)]


@given(data=st.data())
def test_every_single_cell_change_is_flagged_at_that_cell(balanced: WorkbookGrid, data: st.DataObject):
    values = _balanced_values(data)
    key = data.draw(st.sampled_from([k for k in EQUATION_KEYS if k in values]))
    delta = data.draw(st.integers(-50, 50).filter(lambda d: d and values[key] + d >= 0))
    report = checked(_with_values(balanced, values | {key: values[key] + delta}))
    sheet, row, col = SLOTS[key]
    flagged = [
        f for f in _equation_findings(report) if any((c.sheet, c.row, c.col) == (sheet, row, col) for c in f.cells)
    ]
    assert flagged, (key, delta, [f.message for f in report.findings])
