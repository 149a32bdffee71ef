"""Per-rule pass/fail cases: tests/rule_cases/<CODE>.yml edits cells of the balanced example and lists flagged cells."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from validator import check_paths
from validator.catalogue import ACROSS_FAMILY
from validator.rules.registry import all_rules
from validator.spec import default_template

CASES_DIR = Path(__file__).parent / "rule_cases"


def _cases() -> list:
    out = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            out.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return out


def _apply(source: Path, target: Path, case: dict) -> None:
    wb = openpyxl.load_workbook(source)
    for ref, value in case["cells"].items():
        sheet, coord = ref.split("!")
        wb[sheet][coord] = value
    for ref in case.get("merge", []):
        sheet, area = ref.split("!")
        wb[sheet].merge_cells(area)
    wb.save(target)


def test_every_rule_has_a_case_file():
    """Rules comparing several reports (XY) are tested on generated batches in test_batch.py instead."""
    single = {code for code in all_rules(default_template()) if not code.startswith(ACROSS_FAMILY)}
    assert {p.stem for p in CASES_DIR.glob("*.yml")} == single


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict, balanced_workbook: Path, tmp_path: Path):
    path = tmp_path / "case.xlsx"
    _apply(balanced_workbook, path, case)
    (report,) = check_paths([path])
    flagged = sorted((f.cell.ref if f.cell else None for f in report.findings if f.rule == code), key=str)
    assert flagged == sorted(case["findings"], key=str), [f.message for f in report.findings]
    if not case["findings"]:  # a passing case is a valid report: nothing else may fire either
        assert report.findings == [], [f.message for f in report.findings]
