"""The live checks inside the blank workbook agree with the engine after LibreOffice recalculates them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from tests.conftest import ConvertAll
from validator import check_paths
from validator.forms.layout import template_layout
from validator.forms.live import FAIL_MARK, OK_TEXT, live_checks
from validator.forms.sample import balanced_values, fill_workbook
from validator.forms.workbook import write_blank
from validator.spec import default_template

TEMPLATE = default_template()
LAYOUTS = template_layout(TEMPLATE)
TABLE_OF = {(s.name, slot.row, slot.col): TEMPLATE.inputs[slot.key].table for s in LAYOUTS for slot in s.slots}
STATUSES = {slot.key.removeprefix("status."): (s.name, slot.coordinate) for s in LAYOUTS for slot in s.statuses}
DELTA = 3


def _cases() -> dict[str, dict[str, object]]:
    """Balanced values, and one failing case per equation rule and table: the first lhs cell of its first
    equation in that table made DELTA too large; plus a blank term (blank counts as 0 for both)."""
    balanced = balanced_values(TEMPLATE)
    cases: dict[str, dict[str, object]] = {"balanced": balanced}
    for rule in TEMPLATE.rules:
        for eq in rule.equations:
            name = f"{rule.code}-{TEMPLATE.inputs[eq.lhs[0]].table}"
            if name not in cases:
                cases[name] = balanced | {eq.lhs[0]: balanced[eq.lhs[0]] + DELTA}
    cases["blank-term"] = balanced | {"t3.disclosed.natural": None}
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, convert_all: ConvertAll) -> dict[str, Path]:
    """Every case filled into the generated template and recalculated by LibreOffice (one start for all)."""
    folder = tmp_path_factory.mktemp("live")
    write_blank(TEMPLATE, folder / "blank.xlsx")
    for name, values in CASES.items():
        fill_workbook(folder / "blank.xlsx", folder / f"{name}.xlsx", values, TEMPLATE)
    (folder / "out").mkdir()
    names = [*CASES, "blank"]
    outs = convert_all([folder / f"{name}.xlsx" for name in names], "xlsx", folder / "out")
    return {"template": folder / "blank.xlsx"} | dict(zip(names, outs))


def _highlighted(blank: Path, recalculated: Path) -> set[tuple[str, int, int]]:
    """Cells coloured by the template's own conditional formats, given the recalculated helper values."""
    rules, values = load_workbook(blank), load_workbook(recalculated, data_only=True)
    out = set()
    for ws in rules.worksheets:
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                helper = re.fullmatch(r"\$([A-Z]+)\$(\d+)<>0", rule.formula[0])
                if helper and values[ws.title][f"{helper[1]}{helper[2]}"].value != 0:
                    for rng in cf.sqref.ranges:
                        left, top, right, bottom = range_boundaries(rng.coord)
                        out |= {(ws.title, r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    return out


@pytest.mark.parametrize("case", CASES)
def test_status_cells_and_colours_agree_with_the_engine(case: str, recalculated: dict[str, Path]) -> None:
    [report] = check_paths([recalculated[case]])
    assert not [f for f in report.findings if f.rule.startswith("ST")], "status cells must not disturb locating"
    equations = [f for f in report.findings if f.rule.startswith("EQ")]
    others = [(f.rule, f.message) for f in report.findings if f not in equations]
    assert others == ([] if case != "blank-term" else [("TY01", others[0][1])]), others
    values = load_workbook(recalculated[case], data_only=True)
    for table, (sheet, coordinate) in STATUSES.items():
        status = values[sheet][coordinate].value
        failing = [f for f in equations if TABLE_OF[(f.cell.sheet, f.cell.row, f.cell.col)] == table]
        if not failing:
            assert status == OK_TEXT, (table, status)
            continue
        assert status.startswith(f"{FAIL_MARK} "), (table, status)
        difference = 21 if case == "blank-term" else DELTA
        assert f"相差 {difference}" in status, status
        count = f"（共 {len(failing)} 处不平衡）"
        assert (count in status) == (len(failing) > 1), (status, len(failing))
    marked = {(c.sheet, c.row, c.col) for f in equations for c in f.cells}
    assert _highlighted(recalculated["template"], recalculated[case]) == marked
    assert bool(equations) == (case != "balanced")


def test_blank_template_says_how_many_cells_are_empty(recalculated: dict[str, Path]) -> None:
    values = load_workbook(recalculated["blank"], data_only=True)
    sheet, coordinate = STATUSES["t3"]
    assert values[sheet][coordinate].value == f"{OK_TEXT}（尚有 175 个单元格未填，按 0 计算）"


def test_checks_cover_every_equation_and_stay_out_of_the_form() -> None:
    for layout in LAYOUTS:
        right_edge = layout.width
        for check in live_checks(TEMPLATE, layout):
            assert check.status.col > right_edge + 1, "a blank column separates the status from the tables"
            assert min(check.helper_columns) > check.status.col
    tables = {TEMPLATE.inputs[eq.lhs[0]].table for r in TEMPLATE.rules for eq in r.equations}
    assert set(STATUSES) == tables
    totals = sum(
        1 for layout in LAYOUTS for c in live_checks(TEMPLATE, layout) for h in c.highlights if h.role == "total"
    )
    assert totals == sum(len(r.equations) for r in TEMPLATE.rules)


def test_status_text_is_never_taken_for_a_misspelt_label(recalculated: dict[str, Path], tmp_path: Path) -> None:
    """With a ✘ status cached next to the table, a misspelt header is still matched to its own cell."""
    wb = load_workbook(recalculated["EQ02-t3"], data_only=True)  # formulas replaced by their cached values
    ws = wb["表三"]
    header = next(c for row in ws.iter_rows(max_row=6) for c in row if c.value == "自然人")
    header.value = "自然人员"
    wb.save(tmp_path / "misspelt.xlsx")
    [before] = check_paths([recalculated["EQ02-t3"]])
    [report] = check_paths([tmp_path / "misspelt.xlsx"])
    structure = [(f.rule, f.cell.coordinate) for f in report.findings if f.rule.startswith("ST")]
    assert structure == [("ST04", header.coordinate)]
    assert [f.message for f in report.findings if f.rule.startswith("EQ")] == [
        f.message for f in before.findings if f.rule.startswith("EQ")
    ]
