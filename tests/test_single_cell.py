"""Every single-cell change to a balanced 表三 or 表四 is flagged at that cell, by the right rules, with the value
that balances; all variants are checked in one pandera call, as the bulk path does."""

from __future__ import annotations

import copy
from pathlib import Path

from validator import check_grids
from validator.locate import locate
from validator.sources.xlsx import read_xlsx
from validator.spec import default_template
from validator.text import fmt


def test_single_cell_changes_are_located(balanced_workbook: Path):
    template = default_template()
    grid = read_xlsx(balanced_workbook)
    located = locate(grid, template)
    keys = [k for k, c in template.inputs.items() if c.table in ("t3", "t4")]
    assert len(keys) == 190
    variants = []
    for key in keys:
        cell = located.cells[key].cell
        variant = copy.deepcopy(grid)
        sheet = variant.sheet(cell.sheet)
        sheet.cells[(cell.row, cell.col)] = located.cells[key].raw + 7
        variants.append(variant)
    results = check_grids(variants, template)
    for key, report in zip(keys, results):
        findings = report.findings
        cell, original = located.cells[key].cell, located.cells[key].raw
        expected_rules = {rule.code for rule in template.rules if any(key in eq.cells for eq in rule.equations)}
        assert {f.rule for f in findings} == expected_rules, (key, [f.message for f in findings])
        for f in findings:
            assert cell in f.cells, (key, f.message)
            if key.startswith("t3."):  # two or three equations cross at every 表三 cell: it is pinpointed
                assert f.cell == cell, (key, f.message)
                assert f.expected == original and f.actual == original + 7, f.message
                assert f"应将 {cell.coordinate} 由 {fmt(original + 7)} 改为 {fmt(original)}" in f.message
