"""Reusing a clean layout gives exactly what locating by labels gives, for workbooks that share the layout and for
workbooks that differ from it in ways that matter (structure, blanks, label text typed into inputs)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from builders import TEMPLATE, build, half_width

from validator.forms.sample import balanced_values
from validator.locate import _locate_labels, locate
from validator.locate.reuse import reused
from validator.sources.xlsx import read_xlsx

VALUES = balanced_values(TEMPLATE)
VARIANTS = {
    "other numbers": ({"t3.new.natural": 99, "t4.cases.review.upheld": 7}, {}),
    "blank inputs": ({"t3.new.natural": None, "overview": None, "agency_name": None}, {}),
    "text numbers": ({"t3.new.natural": "１２", "t2_1.rules.issued": " 3 "}, {}),
    "2019 label typed into an input": ({"agency_name": "规范性文件"}, {}),
    "a row label typed into an input": ({"contact": "（六）其他处理", "t3.new.business": "总计"}, {}),
    "inserted rows": ({}, {"insert_rows": {"表三": {3: 1, 12: 2}}}),
    "half-width labels": ({}, {"relabel": half_width}),
    "renamed sheet": ({}, {"rename": {"表三": "Sheet3"}}),
    "missing column": ({}, {"drop_column": {"表三": "其他"}}),
    "collapsed group": ({}, {"collapse": {"表三": ("（六）其他处理", "(六) 其他处理")}}),
    "extra row": ({}, {"extra_row": {"表三": (9, "其中：网上申请", (2, 0, 0, 0, 0, 0, 2))}}),
    "merged inputs": ({}, {"merge": {"表三": "D7:E7"}}),
}


def _outcome(report) -> tuple:
    cells = {k: (loc.cell, loc.raw) for k, loc in report.cells.items()}
    findings = [(f.rule, f.message, f.cell) for f in report.findings]
    return cells, findings, report.effects, report.standins, report.places, report.labels


@pytest.fixture(scope="module")
def primed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The balanced report located once, so that its layout is known."""
    folder = tmp_path_factory.mktemp("reuse")
    grid = read_xlsx(build(folder / "balanced.xlsx", VALUES))
    locate(grid, TEMPLATE)
    assert reused(grid, TEMPLATE) is not None, "a clean layout is remembered"
    return folder


@pytest.mark.parametrize("name", list(VARIANTS))
def test_reuse_equals_locating_by_labels(name: str, primed: Path):
    changes, variant = VARIANTS[name]
    grid = read_xlsx(build(primed / f"{name}.xlsx", VALUES | changes, **variant))
    assert _outcome(locate(grid, TEMPLATE)) == _outcome(_locate_labels(grid, TEMPLATE))


def test_same_layout_other_values_is_reused(primed: Path):
    grid = read_xlsx(build(primed / "numbers.xlsx", VALUES | VARIANTS["other numbers"][0]))
    assert reused(grid, TEMPLATE) is not None
    label_in_input = read_xlsx(build(primed / "label.xlsx", VALUES | {"agency_name": "规范性文件"}))
    assert reused(label_in_input, TEMPLATE) is None, "text that locating could read as a label is never skipped"


def test_threads_reusing_layouts_together(primed: Path):
    """Threads locating workbooks of different known layouts at once each get what locating by labels gives (the
    engine's API may be called from threads): moving a layout to the front while another thread moves it never fails
    (a thread that misses its layout while the list moves locates by labels)."""
    grids = [
        read_xlsx(build(primed / f"threads {name}.xlsx", VALUES | VARIANTS[name][0], **VARIANTS[name][1]))
        for name in ("inserted rows", "half-width labels", "renamed sheet")
    ]
    for grid in grids:
        locate(grid, TEMPLATE)
    expected = [_outcome(_locate_labels(grid, TEMPLATE)) for grid in grids]

    def read_all(_: int) -> list[tuple]:
        return [_outcome(locate(grid, TEMPLATE)) for _ in range(200) for grid in grids]

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between almost any two bytecodes: the race shows in every run
    try:
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(read_all, range(8)))
    finally:
        sys.setswitchinterval(switching)
    assert all(got == expected * 200 for got in outcomes)
